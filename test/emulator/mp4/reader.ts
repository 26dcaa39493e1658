/**
 * Reading ISO BMFF boxes back: used to take the AAC track out of the committed fixture, and by
 * the tests to inspect what the muxer wrote. Descends only into boxes known to be containers,
 * plus the sample entries inside `stsd` (whose own fields come before their child boxes).
 */

export interface Mp4Box {
	type: string;
	/** Offset of the box's first byte in the file. */
	start: number;
	/** Offset of the content (after the header, and after any sample-entry fields). */
	contentStart: number;
	end: number;
	children: Mp4Box[];
}

const CONTAINERS = new Set(['moov', 'trak', 'edts', 'mdia', 'minf', 'dinf', 'stbl', 'udta', 'mvex', 'moof', 'traf']);
/** Sample entries: bytes of fixed fields before their child boxes (ISO 14496-12 / -15). */
const SAMPLE_ENTRY_FIELDS: Record<string, number> = { avc1: 78, avc3: 78, mp4a: 28 };

/** The boxes between `start` and `end`, with their children for containers. */
export function readBoxes(bytes: Buffer, start = 0, end = bytes.length): Mp4Box[] {
	const boxes: Mp4Box[] = [];
	let offset = start;
	while (offset + 8 <= end) {
		let size = bytes.readUInt32BE(offset);
		const type = bytes.toString('latin1', offset + 4, offset + 8);
		let header = 8;
		if (size === 1) {
			if (offset + 16 > end) throw new Error(`truncated large box ${type} at ${offset}`);
			size = Number(bytes.readBigUInt64BE(offset + 8));
			header = 16;
		} else if (size === 0) {
			size = end - offset;
		}
		if (size < header || offset + size > end) throw new Error(`box ${type} at ${offset} has a bad size ${size}`);
		const box: Mp4Box = { type, start: offset, contentStart: offset + header, end: offset + size, children: [] };
		if (CONTAINERS.has(type)) {
			box.children = readBoxes(bytes, box.contentStart, box.end);
		} else if (type === 'stsd') {
			// Full box (4) + entry_count (4), then one box per sample entry.
			box.children = readBoxes(bytes, box.contentStart + 8, box.end);
			for (const entry of box.children) {
				const fields = SAMPLE_ENTRY_FIELDS[entry.type];
				if (fields !== undefined) {
					entry.contentStart += fields;
					entry.children = readBoxes(bytes, entry.contentStart, entry.end);
				}
			}
		}
		boxes.push(box);
		offset += size;
	}
	if (offset !== end) throw new Error(`${end - offset} stray bytes at ${offset}`);
	return boxes;
}

/** The first box at a slash path such as `moov/trak/mdia/mdhd`, or undefined. */
export function findBox(boxes: Mp4Box[], path: string): Mp4Box | undefined {
	const [head, ...rest] = path.split('/');
	for (const box of boxes) {
		if (box.type !== head) continue;
		if (rest.length === 0) return box;
		const found = findBox(box.children, rest.join('/'));
		if (found) return found;
	}
	return undefined;
}

/** Every box with this type directly inside `boxes`. */
export const childrenOf = (boxes: Mp4Box[], type: string) => boxes.filter((box) => box.type === type);

/** The handler type of a trak (`vide`, `soun`), from its mdia/hdlr. */
export function handlerType(bytes: Buffer, trak: Mp4Box): string | undefined {
	const hdlr = findBox(trak.children, 'mdia/hdlr');
	return hdlr ? bytes.toString('latin1', hdlr.contentStart + 8, hdlr.contentStart + 12) : undefined;
}

/** A short outline, one box per line, indented by depth: handy in test failure messages. */
export function outline(boxes: Mp4Box[], depth = 0): string {
	return boxes
		.map((box) => `${'  '.repeat(depth)}${box.type} ${box.end - box.start}\n${outline(box.children, depth + 1)}`)
		.join('');
}

/** A flat table of one track's samples: byte offset, size and duration, in decoding order. */
export interface SampleTable {
	timescale: number;
	offsets: number[];
	sizes: number[];
	durations: number[];
}

export function readSampleTable(bytes: Buffer, trak: Mp4Box): SampleTable {
	const need = (path: string) => {
		const found = findBox(trak.children, path);
		if (!found) throw new Error(`trak has no ${path}`);
		return found;
	};
	const mdhd = need('mdia/mdhd');
	const mdhdVersion = bytes[mdhd.contentStart];
	const timescale = bytes.readUInt32BE(mdhd.contentStart + (mdhdVersion === 1 ? 20 : 12));
	const stbl = need('mdia/minf/stbl');

	const stsz = need('mdia/minf/stbl/stsz');
	const fixedSize = bytes.readUInt32BE(stsz.contentStart + 4);
	const count = bytes.readUInt32BE(stsz.contentStart + 8);
	const sizes = Array.from({ length: count }, (_, i) => fixedSize || bytes.readUInt32BE(stsz.contentStart + 12 + 4 * i));

	const stts = need('mdia/minf/stbl/stts');
	const durations: number[] = [];
	for (let i = 0, entries = bytes.readUInt32BE(stts.contentStart + 4); i < entries; i++) {
		const at = stts.contentStart + 8 + 8 * i;
		const run = bytes.readUInt32BE(at);
		const delta = bytes.readUInt32BE(at + 4);
		for (let n = 0; n < run; n++) durations.push(delta);
	}

	const chunkOffsets: number[] = [];
	const stco = findBox(stbl.children, 'stco');
	const co64 = findBox(stbl.children, 'co64');
	if (stco) {
		for (let i = 0, n = bytes.readUInt32BE(stco.contentStart + 4); i < n; i++) chunkOffsets.push(bytes.readUInt32BE(stco.contentStart + 8 + 4 * i));
	} else if (co64) {
		for (let i = 0, n = bytes.readUInt32BE(co64.contentStart + 4); i < n; i++) {
			chunkOffsets.push(Number(bytes.readBigUInt64BE(co64.contentStart + 8 + 8 * i)));
		}
	} else {
		throw new Error('trak has no stco or co64');
	}

	// stsc runs: from `firstChunk` (1-based) on, each chunk holds `perChunk` samples.
	const stsc = need('mdia/minf/stbl/stsc');
	const runs: { firstChunk: number; perChunk: number }[] = [];
	for (let i = 0, n = bytes.readUInt32BE(stsc.contentStart + 4); i < n; i++) {
		const at = stsc.contentStart + 8 + 12 * i;
		runs.push({ firstChunk: bytes.readUInt32BE(at), perChunk: bytes.readUInt32BE(at + 4) });
	}
	const offsets: number[] = [];
	let run = 0;
	for (let chunk = 1; chunk <= chunkOffsets.length && offsets.length < count; chunk++) {
		while (run + 1 < runs.length && runs[run + 1].firstChunk <= chunk) run++;
		let at = chunkOffsets[chunk - 1];
		for (let n = 0; n < runs[run].perChunk && offsets.length < count; n++) {
			offsets.push(at);
			at += sizes[offsets.length - 1];
		}
	}
	if (offsets.length !== count || durations.length !== count) {
		throw new Error(`sample table mismatch: ${count} sizes, ${offsets.length} offsets, ${durations.length} durations`);
	}
	return { timescale, offsets, sizes, durations };
}
