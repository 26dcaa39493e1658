/**
 * Whole-file checks of images (PNG, JPEG, WebP, GIF) and MP4/MOV videos before a paid upload:
 * probe.ts reads only the headers, these walk every chunk, segment or box and refuse a file that
 * is cut short or corrupt. Pure functions over the bytes (node:zlib for PNG image data, nothing
 * else); they never throw. Each returns the problem in words, starting with "is cut short: …" or
 * "is corrupt: …" (read after the input's label), or null when the file is whole.
 */
import { inflateSync } from 'node:zlib';
import type { ImageType } from './probe';

const cutShort = (what: string) => `is cut short: ${what}`;
const corrupt = (what: string) => `is corrupt: ${what}`;
/** An error's message (not by instanceof: errors from node:zlib may come from another realm). */
const messageOf = (error: unknown) => {
	const message = (error as { message?: unknown } | null)?.message;
	return typeof message === 'string' ? message : String(error);
};

/** The problem with an image file as a whole, or null. `type` is what probeImage found. */
export function imageIntegrityProblem(bytes: Buffer, type: ImageType): string | null {
	try {
		switch (type) {
			case 'png':
				return pngProblem(bytes);
			case 'jpeg':
				return jpegProblem(bytes);
			case 'webp':
				return webpProblem(bytes);
			case 'gif':
				return gifProblem(bytes);
			default:
				return 'is not a recognised image';
		}
	} catch (error) {
		// Every read below is bounds-checked; this is only the last line of defence.
		return corrupt(`it could not be read (${messageOf(error)})`);
	}
}

/** The problem with an MP4/MOV file as a whole, or null. */
export function videoIntegrityProblem(bytes: Buffer): string | null {
	try {
		return mp4Problem(bytes);
	} catch (error) {
		return corrupt(`it could not be read (${messageOf(error)})`);
	}
}

// ---------------------------------------------------------------------------------------------
// CRC-32 (ISO 3309, the one PNG uses), table-driven "slicing by 8": eight 256-entry tables let
// the loop take 8 bytes per step, about 3× the speed of the one-table loop (≈7 ms for 10 MB).

const CRC_TABLES = (() => {
	const tables = Array.from({ length: 8 }, () => new Int32Array(256));
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		tables[0][n] = c;
	}
	// tables[t][n]: the CRC of byte n followed by t zero bytes.
	for (let t = 1; t < 8; t++) for (let n = 0; n < 256; n++) tables[t][n] = tables[0][tables[t - 1][n] & 0xff] ^ (tables[t - 1][n] >>> 8);
	return tables;
})();

/** CRC-32 of bytes[start, end). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
	const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC_TABLES;
	let crc = -1;
	let i = start;
	for (; i + 8 <= end; i += 8) {
		const word = crc ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
		crc = t7[word & 0xff] ^ t6[(word >>> 8) & 0xff] ^ t5[(word >>> 16) & 0xff] ^ t4[word >>> 24] ^ t3[bytes[i + 4]] ^ t2[bytes[i + 5]] ^ t1[bytes[i + 6]] ^ t0[bytes[i + 7]];
	}
	for (; i < end; i++) crc = t0[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
	return (crc ^ -1) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// PNG

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Channels per colour type, and the bit depths each colour type allows. */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const PNG_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const PNG_CRITICAL = ['IHDR', 'PLTE', 'IDAT', 'IEND'];
/** Adam7: first column, first row, column step, row step of each of the 7 passes. */
const ADAM7 = [
	[0, 0, 8, 8],
	[4, 0, 8, 8],
	[0, 4, 4, 8],
	[2, 0, 4, 4],
	[0, 2, 2, 4],
	[1, 0, 2, 2],
	[0, 1, 1, 2],
];
/**
 * The most decompressed image data held in memory to check it (a 10 MB file can inflate to
 * gigabytes). Larger images are checked up to this many bytes: every chunk and CRC is still
 * checked, only the end of the zlib stream and the exact size are not.
 */
const PNG_MAX_INFLATED = 256 * 1024 * 1024;

interface PngHeader {
	width: number;
	height: number;
	bitDepth: number;
	colourType: number;
	interlaced: boolean;
}

function pngProblem(bytes: Buffer): string | null {
	const length = bytes.length;
	if (length < PNG_SIGNATURE.length) return cutShort(`the PNG ends inside its signature, after ${length} bytes`);
	if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
		return corrupt('the PNG signature is damaged (was the file sent as text, converting line ends?)');
	}
	let header: PngHeader | null = null;
	const imageData: Buffer[] = [];
	let idat: 'none' | 'in' | 'after' = 'none';
	let hasPalette = false;
	let previous = 'the signature';
	let offset = 8;
	for (let index = 0; ; index++) {
		if (offset === length) return cutShort(`the PNG ends after ${previous} at byte ${length}, with no IEND chunk`);
		if (offset + 8 > length) return cutShort(`the PNG ends inside the header of the chunk after ${previous}, at byte ${length} of ${offset + 8}`);
		const dataLength = bytes.readUInt32BE(offset);
		const type = bytes.toString('latin1', offset + 4, offset + 8);
		if (!/^[A-Za-z]{4}$/.test(type)) {
			return corrupt(`the chunk at byte ${offset} has no valid type (bytes ${bytes.subarray(offset + 4, offset + 8).toString('hex')})`);
		}
		if (dataLength > 0x7fffffff) return corrupt(`chunk ${type} at byte ${offset} claims an impossible length of ${dataLength} bytes`);
		const dataStart = offset + 8;
		const dataEnd = dataStart + dataLength;
		const chunkEnd = dataEnd + 4;
		if (chunkEnd > length) return cutShort(`the PNG ends inside chunk ${type} at byte ${length} of ${chunkEnd}`);
		if (crc32(bytes, offset + 4, dataEnd) !== bytes.readUInt32BE(dataEnd)) {
			return corrupt(`chunk ${type} has a wrong CRC (the chunk at byte ${offset})`);
		}
		if (index === 0 && type !== 'IHDR') return corrupt(`its first chunk is ${type}, not IHDR`);
		if (type !== 'IDAT' && idat === 'in') idat = 'after';
		if (type === 'IHDR') {
			if (index !== 0) return corrupt(`it has a second IHDR chunk at byte ${offset}`);
			if (dataLength !== 13) return corrupt(`its IHDR chunk has ${dataLength} bytes instead of 13`);
			const parsed = readPngHeader(bytes, dataStart);
			if (typeof parsed === 'string') return corrupt(`its IHDR chunk is invalid (${parsed})`);
			header = parsed;
		} else if (type === 'PLTE') {
			if (idat !== 'none') return corrupt('its PLTE chunk comes after the image data');
			if (dataLength === 0 || dataLength % 3 !== 0 || dataLength > 256 * 3) return corrupt(`its PLTE chunk has ${dataLength} bytes, not 3 per colour for 1–256 colours`);
			hasPalette = true;
		} else if (type === 'IDAT') {
			if (idat === 'after') return corrupt(`its IDAT chunks are not consecutive (another IDAT at byte ${offset})`);
			idat = 'in';
			imageData.push(bytes.subarray(dataStart, dataEnd));
		} else if (type === 'IEND') {
			if (dataLength !== 0) return corrupt(`its IEND chunk has ${dataLength} bytes of data instead of none`);
			break;
		} else if (type.charCodeAt(0) < 0x61 && !PNG_CRITICAL.includes(type)) {
			// An upper-case first letter marks a chunk a decoder must understand (e.g. Apple's CgBI).
			return corrupt(`it has the unknown critical chunk ${type}, which decoders refuse`);
		}
		previous = `chunk ${type}`;
		offset = chunkEnd;
	}
	// Bytes after IEND are accepted: decoders stop at IEND, and some tools and uploads append
	// data there (signatures, padding), so refusing them would refuse images that work.
	if (!header) return corrupt('it has no IHDR chunk');
	if (imageData.length === 0) return corrupt('it has no IDAT (image data) chunk');
	if (header.colourType === 3 && !hasPalette) return corrupt('it is a palette image without a PLTE chunk');
	return pngImageDataProblem(header, imageData.length === 1 ? imageData[0] : Buffer.concat(imageData));
}

function readPngHeader(bytes: Buffer, at: number): PngHeader | string {
	const width = bytes.readUInt32BE(at);
	const height = bytes.readUInt32BE(at + 4);
	const [bitDepth, colourType, compression, filter, interlace] = [bytes[at + 8], bytes[at + 9], bytes[at + 10], bytes[at + 11], bytes[at + 12]];
	if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return `size ${width}×${height}`;
	if (!PNG_DEPTHS[colourType]) return `colour type ${colourType}`;
	if (!PNG_DEPTHS[colourType].includes(bitDepth)) return `bit depth ${bitDepth} with colour type ${colourType}`;
	if (compression !== 0) return `compression method ${compression}`;
	if (filter !== 0) return `filter method ${filter}`;
	if (interlace > 1) return `interlace method ${interlace}`;
	return { width, height, bitDepth, colourType, interlaced: interlace === 1 };
}

/** Width and height of each reduced image the decompressed data holds: 1, or Adam7's 7 passes. */
function pngPasses(header: PngHeader): Array<[number, number]> {
	if (!header.interlaced) return [[header.width, header.height]];
	return ADAM7.map(([x0, y0, dx, dy]) => [
		header.width > x0 ? Math.ceil((header.width - x0) / dx) : 0,
		header.height > y0 ? Math.ceil((header.height - y0) / dy) : 0,
	]);
}

function pngImageDataProblem(header: PngHeader, data: Buffer): string | null {
	const bitsPerPixel = header.bitDepth * PNG_CHANNELS[header.colourType];
	// Each row: one filter-type byte, then its pixels; an empty pass has no rows at all.
	const passes = pngPasses(header).filter(([width, height]) => width > 0 && height > 0);
	const rowBytes = passes.map(([width]) => 1 + Math.ceil((width * bitsPerPixel) / 8));
	const expected = passes.reduce((sum, [, height], pass) => sum + height * rowBytes[pass], 0);
	const limit = Math.min(expected, PNG_MAX_INFLATED);
	let inflated: Buffer;
	try {
		inflated = inflateSync(data, { maxOutputLength: limit + 1 });
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ERR_BUFFER_TOO_LARGE') {
			if (expected > PNG_MAX_INFLATED) return null;
			return corrupt(`its image data decompresses to more than the ${expected} bytes IHDR implies (${describePng(header)})`);
		}
		if (code === 'Z_BUF_ERROR') return cutShort('its image data (IDAT) ends before the compressed stream does');
		return corrupt(`its image data (IDAT) does not decompress (zlib: ${messageOf(error)})`);
	}
	if (inflated.length !== expected) {
		return corrupt(`its image data decompresses to ${inflated.length} bytes, but IHDR (${describePng(header)}) implies ${expected}`);
	}
	let at = 0;
	for (let pass = 0; pass < passes.length; pass++) {
		for (let row = 0; row < passes[pass][1]; row++, at += rowBytes[pass]) {
			if (inflated[at] > 4) {
				const where = header.interlaced ? `row ${row + 1} of interlace pass ${pass + 1}` : `row ${row + 1}`;
				return corrupt(`${where} of its image data has the unknown filter type ${inflated[at]}`);
			}
		}
	}
	return null;
}

function describePng(header: PngHeader): string {
	return `${header.width}×${header.height}, ${header.bitDepth}-bit colour type ${header.colourType}${header.interlaced ? ', interlaced' : ''}`;
}

// ---------------------------------------------------------------------------------------------
// JPEG

function jpegMarkerName(marker: number): string {
	if (marker === 0xc4) return 'DHT';
	if (marker === 0xcc) return 'DAC';
	if (marker >= 0xc0 && marker <= 0xcf) return `SOF${marker - 0xc0}`;
	if (marker >= 0xd0 && marker <= 0xd7) return `RST${marker - 0xd0}`;
	if (marker >= 0xe0 && marker <= 0xef) return `APP${marker - 0xe0}`;
	const names: Record<number, string> = { 0xd8: 'SOI', 0xd9: 'EOI', 0xda: 'SOS', 0xdb: 'DQT', 0xdc: 'DNL', 0xdd: 'DRI', 0xde: 'DHP', 0xdf: 'EXP', 0xfe: 'COM', 0x01: 'TEM' };
	return names[marker] ?? `0xFF${marker.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** SOF0–SOF15 carry the frame header; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function jpegProblem(bytes: Buffer): string | null {
	const length = bytes.length;
	if (length < 2 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return corrupt('it does not start with a JPEG start-of-image marker');
	const noEnd = (where: string) => cutShort(`the JPEG has no end-of-image marker (it ends ${where}, at byte ${length})`);
	let hasFrame = false;
	let scans = 0;
	let previous = 'SOI marker';
	let offset = 2;
	for (;;) {
		if (offset >= length) return noEnd(`after the ${previous}`);
		if (bytes[offset] !== 0xff) {
			return corrupt(`the JPEG has no marker where one must be, after the ${previous} (byte ${offset} is 0x${bytes[offset].toString(16).padStart(2, '0')})`);
		}
		// Any number of 0xFF fill bytes may come before a marker.
		let markerAt = offset;
		while (markerAt + 1 < length && bytes[markerAt + 1] === 0xff) markerAt++;
		if (markerAt + 1 >= length) return noEnd(`inside a marker after the ${previous}`);
		const marker = bytes[markerAt + 1];
		const name = jpegMarkerName(marker);
		offset = markerAt + 2;
		if (marker === 0xd9) {
			if (!hasFrame) return corrupt('the JPEG has no frame header (SOF marker)');
			if (scans === 0) return corrupt('the JPEG has no image data (no SOS marker)');
			// Bytes after EOI are accepted: decoders stop there, and cameras and phones often
			// append data (a second preview image, depth maps) after it.
			return null;
		}
		if (marker === 0xd8) return corrupt(`the JPEG has a second start-of-image marker at byte ${markerAt}`);
		if (marker === 0x00) return corrupt(`the JPEG has a stray 0xFF00 at byte ${markerAt}, after the ${previous}`);
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			previous = `${name} marker`; // stand-alone markers: no length, no data
			continue;
		}
		if (offset + 2 > length) return noEnd(`inside the length of its ${name} segment`);
		const segmentLength = bytes.readUInt16BE(offset);
		if (segmentLength < 2) return corrupt(`its ${name} segment at byte ${markerAt} has an impossible length of ${segmentLength}`);
		const segmentEnd = offset + segmentLength;
		if (segmentEnd > length) return cutShort(`the JPEG ends inside its ${name} segment at byte ${length} of ${segmentEnd}`);
		if (isStartOfFrame(marker)) {
			const components = segmentLength >= 8 ? bytes[offset + 7] : 0;
			if (components < 1 || components > 4 || segmentLength !== 8 + 3 * components) {
				return corrupt(`its ${name} frame header at byte ${markerAt} is malformed (length ${segmentLength}, ${components} components)`);
			}
			if (bytes.readUInt16BE(offset + 5) === 0) return corrupt(`its ${name} frame header gives a width of 0`);
			hasFrame = true;
		}
		if (marker !== 0xda) {
			previous = `${name} segment`;
			offset = segmentEnd;
			continue;
		}
		// SOS: a scan header, then entropy-coded data up to the next marker. In that data a 0xFF
		// is followed by 0x00 (a stuffed 0xFF byte), by RST0–7 (restart markers inside the scan)
		// or by more 0xFF fill bytes; anything else is the marker after the scan (DHT, SOS, EOI…).
		// A progressive JPEG has several scans, each handled in turn by this loop.
		if (!hasFrame) return corrupt(`its scan at byte ${markerAt} comes before any frame header (SOF)`);
		const scanComponents = segmentLength >= 3 ? bytes[offset + 2] : 0;
		if (scanComponents < 1 || scanComponents > 4 || segmentLength !== 6 + 2 * scanComponents) {
			return corrupt(`its scan header (SOS) at byte ${markerAt} is malformed`);
		}
		scans++;
		let at = segmentEnd;
		for (;;) {
			const ff = bytes.indexOf(0xff, at);
			if (ff < 0 || ff + 1 >= length) return noEnd(`inside the compressed data of scan ${scans}`);
			const next = bytes[ff + 1];
			if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) at = ff + 2;
			else if (next === 0xff) at = ff + 1;
			else {
				offset = ff;
				break;
			}
		}
		previous = `compressed data of scan ${scans}`;
	}
}

// ---------------------------------------------------------------------------------------------
// WebP (RIFF)

function webpProblem(bytes: Buffer): string | null {
	const length = bytes.length;
	if (length < 12) return cutShort(`the WebP ends inside its RIFF header, after ${length} bytes`);
	if (bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WEBP') return corrupt('it has no RIFF/WEBP header');
	const riffEnd = 8 + bytes.readUInt32LE(4);
	if (riffEnd > length) return cutShort(`the WebP's RIFF header claims ${riffEnd} bytes but the file has ${length}`);
	if (riffEnd < length) return corrupt(`the WebP has ${length - riffEnd} bytes after the ${riffEnd} its RIFF header claims`);
	const chunks: Array<{ type: string; start: number; size: number }> = [];
	let offset = 12;
	while (offset < riffEnd) {
		if (offset + 8 > riffEnd) return corrupt(`the WebP's last chunk header at byte ${offset} runs past the end of the file`);
		const type = bytes.toString('latin1', offset, offset + 4);
		const size = bytes.readUInt32LE(offset + 4);
		const dataEnd = offset + 8 + size;
		if (dataEnd > riffEnd) return corrupt(`the WebP's ${type} chunk at byte ${offset} claims ${size} bytes but only ${riffEnd - offset - 8} are left`);
		chunks.push({ type, start: offset + 8, size });
		// Chunks are padded to an even size; a missing pad byte at the very end is tolerated.
		offset = Math.min(dataEnd + (size & 1), riffEnd);
	}
	const first = chunks[0];
	if (!first) return corrupt('the WebP has no chunks');
	const types = chunks.map((chunk) => chunk.type);
	if (first.type === 'VP8 ' || first.type === 'VP8L') return webpBitstreamProblem(bytes, first);
	if (first.type !== 'VP8X') return corrupt(`the WebP's first chunk is ${first.type.trim()}, not VP8, VP8L or VP8X`);
	if (first.size < 10) return corrupt(`the WebP's VP8X chunk has ${first.size} bytes instead of 10`);
	if (bytes[first.start] & 0x02) {
		// Animation: an ANIM chunk, then one ANMF chunk per frame.
		if (!types.includes('ANIM')) return corrupt('the WebP is marked animated but has no ANIM chunk');
		const frames = chunks.filter((chunk) => chunk.type === 'ANMF');
		if (frames.length === 0) return corrupt('the WebP is marked animated but has no frames (ANMF chunks)');
		const short = frames.find((frame) => frame.size < 16);
		if (short) return corrupt(`the WebP's ANMF frame at byte ${short.start - 8} is too short`);
		return null;
	}
	// Still image: optional ALPH, then exactly one VP8 or VP8L bitstream.
	const images = chunks.filter((chunk) => chunk.type === 'VP8 ' || chunk.type === 'VP8L');
	if (images.length === 0) return corrupt('the WebP has no image data (no VP8 or VP8L chunk)');
	if (images.length > 1) return corrupt(`the WebP has ${images.length} image chunks instead of one`);
	const alpha = types.indexOf('ALPH');
	if (alpha >= 0 && alpha > chunks.indexOf(images[0])) return corrupt('the WebP has its ALPH chunk after the image data');
	return webpBitstreamProblem(bytes, images[0]);
}

function webpBitstreamProblem(bytes: Buffer, chunk: { type: string; start: number; size: number }): string | null {
	if (chunk.type === 'VP8L') {
		return chunk.size >= 5 && bytes[chunk.start] === 0x2f ? null : corrupt('the WebP\'s VP8L chunk does not start with a lossless bitstream header');
	}
	// VP8 key frame: 3-byte frame tag (bit 0 clear), the start code 9D 01 2A, then the size.
	const at = chunk.start;
	if (chunk.size < 10 || bytes[at] & 1 || bytes[at + 3] !== 0x9d || bytes[at + 4] !== 0x01 || bytes[at + 5] !== 0x2a) {
		return corrupt('the WebP\'s VP8 chunk does not start with a key frame header');
	}
	const firstPartition = bytes.readUIntLE(at, 3) >>> 5;
	if (10 + firstPartition > chunk.size) return corrupt(`the WebP's VP8 frame claims a first partition of ${firstPartition} bytes but the chunk has ${chunk.size}`);
	return null;
}

// ---------------------------------------------------------------------------------------------
// GIF (refused by type before upload anyway, so only the block structure is walked)

function gifProblem(bytes: Buffer): string | null {
	const length = bytes.length;
	if (length < 13) return cutShort(`the GIF ends inside its header, after ${length} bytes`);
	const version = bytes.toString('latin1', 0, 6);
	if (version !== 'GIF87a' && version !== 'GIF89a') return corrupt('it has no GIF87a/GIF89a header');
	const colourTable = (flags: number) => (flags & 0x80 ? 3 * (2 << (flags & 7)) : 0);
	/** Offset after a run of data sub-blocks and its 0 terminator, or -1 when the file ends first. */
	const skipSubBlocks = (at: number) => {
		while (at < length) {
			const size = bytes[at];
			at += 1 + size;
			if (size === 0) return at;
		}
		return -1;
	};
	let offset = 13 + colourTable(bytes[10]);
	let images = 0;
	for (;;) {
		if (offset >= length) return cutShort(`the GIF has no trailer (it ends at byte ${length}, after ${images} image${images === 1 ? '' : 's'})`);
		const block = bytes[offset];
		if (block === 0x3b) {
			// Bytes after the trailer are accepted, as after a PNG's IEND.
			return images === 0 ? corrupt('the GIF has no image in it') : null;
		}
		if (block === 0x21) {
			offset = skipSubBlocks(offset + 2);
		} else if (block === 0x2c) {
			if (offset + 11 > length) return cutShort(`the GIF ends inside the descriptor of image ${images + 1}, at byte ${length}`);
			offset = skipSubBlocks(offset + 10 + colourTable(bytes[offset + 9]) + 1); // + the LZW minimum code size
			images++;
		} else {
			return corrupt(`the GIF has an unknown block 0x${block.toString(16).padStart(2, '0')} at byte ${offset}`);
		}
		if (offset < 0) return cutShort(`the GIF ends inside ${block === 0x2c ? `the data of image ${images}` : 'an extension block'}, at byte ${length}`);
	}
}

// ---------------------------------------------------------------------------------------------
// MP4 / MOV (ISO base media file format)

interface Box {
	type: string;
	start: number;
	/** First byte after the header (size, type and, for size 1, the 64-bit size). */
	content: number;
	end: number;
}

/** Type codes are four printable characters (QuickTime adds © = 0xA9 in metadata). */
const isBoxType = (bytes: Buffer, at: number) => {
	for (let i = at; i < at + 4; i++) if (bytes[i] < 0x20 || bytes[i] === 0x7f) return false;
	return true;
};

/**
 * The boxes that tile bytes[start, end), or the problem. `parent` null is the file itself: a box
 * running past its end means the file was cut short. Inside a box it means the box is corrupt.
 */
function readBoxes(bytes: Buffer, start: number, end: number, parent: string | null): Box[] | string {
	const boxes: Box[] = [];
	const inside = parent ? ` inside ${parent}` : '';
	let offset = start;
	while (offset < end) {
		const left = end - offset;
		if (left < 8) {
			if (!parent) return cutShort(`the MP4 ends inside a box header at byte ${end}, ${left} bytes after the last whole box`);
			// QuickTime ends some containers with a 32-bit zero; tolerate a few zero bytes.
			if (bytes.subarray(offset, end).every((byte) => byte === 0)) break;
			return corrupt(`the MP4 has ${left} stray bytes at the end of its ${parent} box`);
		}
		let size = bytes.readUInt32BE(offset);
		const type = bytes.toString('latin1', offset + 4, offset + 8);
		if (!isBoxType(bytes, offset + 4)) return corrupt(`the MP4's box at byte ${offset}${inside} has no valid type (bytes ${bytes.subarray(offset + 4, offset + 8).toString('hex')})`);
		let header = 8;
		if (size === 1) {
			if (left < 16) return parent ? corrupt(`the MP4's ${type} box${inside} is too short for its 64-bit size`) : cutShort(`the MP4 ends inside the header of its ${type} box at byte ${end}`);
			const large = bytes.readBigUInt64BE(offset + 8);
			size = large > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(large);
			header = 16;
		} else if (size === 0) {
			size = left; // "to the end of the file"
		}
		if (size < header) return corrupt(`the MP4's ${type} box at byte ${offset}${inside} has an impossible size of ${size} bytes`);
		if (size > left) {
			return parent
				? corrupt(`the MP4's ${type} box at byte ${offset} claims ${size} bytes but its ${parent} box has only ${left} left`)
				: cutShort(`the MP4's ${type} box claims ${size} bytes but the file has ${left} from its start at byte ${offset}`);
		}
		boxes.push({ type, start: offset, content: offset + header, end: offset + size });
		offset += size;
	}
	return boxes;
}

/** The children of a box, or the problem. */
const childrenOf = (bytes: Buffer, box: Box, path: string) => readBoxes(bytes, box.content, box.end, path);

function mp4Problem(bytes: Buffer): string | null {
	const top = readBoxes(bytes, 0, bytes.length, null);
	if (typeof top === 'string') return top;
	const moovs = top.filter((box) => box.type === 'moov');
	if (moovs.length === 0) return corrupt('the MP4 has no moov box (the index of its tracks); was it cut short while being written?');
	if (moovs.length > 1) return corrupt(`the MP4 has ${moovs.length} moov boxes`);
	if (!top.some((box) => box.type === 'mdat')) return corrupt('the MP4 has no mdat box (no media data)');
	const moov = childrenOf(bytes, moovs[0], 'moov');
	if (typeof moov === 'string') return moov;
	const mvhd = moov.find((box) => box.type === 'mvhd');
	if (!mvhd) return corrupt('the MP4 has no mvhd box (movie header) in its moov box');
	const mvhdSize = mvhd.end - mvhd.content;
	if (mvhdSize < 1 || mvhdSize < (bytes[mvhd.content] === 1 ? 112 : 100)) return corrupt(`the MP4's mvhd box is too short (${mvhdSize} bytes)`);
	const traks = moov.filter((box) => box.type === 'trak');
	if (traks.length === 0) return corrupt('the MP4 has no track (no trak box in its moov box)');
	for (let index = 0; index < traks.length; index++) {
		const problem = trackProblem(bytes, traks[index], index + 1);
		if (problem) return problem;
	}
	return null;
}

/** The track's sample table exists, is consistent and every chunk of samples lies inside the file. */
function trackProblem(bytes: Buffer, trak: Box, number: number): string | null {
	const track = `track ${number}`;
	let box = trak;
	let path = 'trak';
	for (const name of ['mdia', 'minf', 'stbl']) {
		const children = childrenOf(bytes, box, path);
		if (typeof children === 'string') return children;
		const child = children.find((candidate) => candidate.type === name);
		if (!child) return corrupt(`the MP4's ${track} has no ${name} box (in ${path})`);
		box = child;
		path = `${path}/${name}`;
	}
	const table = childrenOf(bytes, box, path);
	if (typeof table === 'string') return table;
	const find = (...names: string[]) => table.find((candidate) => names.includes(candidate.type));
	const sizesBox = find('stsz', 'stz2');
	const chunksBox = find('stsc');
	const offsetsBox = find('stco', 'co64');
	if (!sizesBox) return corrupt(`the MP4's ${track} has no sample size table (stsz)`);
	if (!chunksBox) return corrupt(`the MP4's ${track} has no sample-to-chunk table (stsc)`);
	if (!offsetsBox) return corrupt(`the MP4's ${track} has no chunk offset table (stco or co64)`);
	/** Entry count of a full box whose entries of `entrySize` bytes follow the count at `countAt`. */
	const entries = (full: Box, countAt: number, entrySize: number): number | null => {
		if (full.content + countAt + 4 > full.end) return null;
		const n = bytes.readUInt32BE(full.content + countAt);
		return full.content + countAt + 4 + n * entrySize <= full.end ? n : null;
	};

	// Sample sizes: stsz has one constant size or a 32-bit size per sample; stz2 4-, 8- or 16-bit sizes.
	let sampleCount: number;
	let constantSize = 0;
	let sizeOf: (sample: number) => number;
	const sizesAt = sizesBox.content + 12;
	if (sizesBox.type === 'stsz') {
		if (sizesBox.content + 12 > sizesBox.end) return corrupt(`the MP4's ${track} has a truncated stsz box`);
		constantSize = bytes.readUInt32BE(sizesBox.content + 4);
		sampleCount = bytes.readUInt32BE(sizesBox.content + 8);
		if (constantSize === 0 && sizesAt + 4 * sampleCount > sizesBox.end) return corrupt(`the MP4's ${track} has an stsz box that lists ${sampleCount} samples but holds fewer sizes`);
		sizeOf = (sample) => bytes.readUInt32BE(sizesAt + 4 * sample);
	} else {
		if (sizesBox.content + 12 > sizesBox.end) return corrupt(`the MP4's ${track} has a truncated stz2 box`);
		const fieldBits = bytes[sizesBox.content + 7];
		sampleCount = bytes.readUInt32BE(sizesBox.content + 8);
		if (![4, 8, 16].includes(fieldBits)) return corrupt(`the MP4's ${track} has an stz2 box with ${fieldBits}-bit sizes`);
		if (sizesAt + Math.ceil((sampleCount * fieldBits) / 8) > sizesBox.end) return corrupt(`the MP4's ${track} has an stz2 box that lists ${sampleCount} samples but holds fewer sizes`);
		sizeOf =
			fieldBits === 16
				? (sample) => bytes.readUInt16BE(sizesAt + 2 * sample)
				: fieldBits === 8
					? (sample) => bytes[sizesAt + sample]
					: (sample) => (sample & 1 ? bytes[sizesAt + (sample >> 1)] & 0x0f : bytes[sizesAt + (sample >> 1)] >> 4);
	}
	const runs = entries(chunksBox, 4, 12);
	if (runs === null) return corrupt(`the MP4's ${track} has an stsc box that lists more entries than it holds`);
	const wide = offsetsBox.type === 'co64';
	const chunkCount = entries(offsetsBox, 4, wide ? 8 : 4);
	if (chunkCount === null) return corrupt(`the MP4's ${track} has a ${offsetsBox.type} box that lists more chunk offsets than it holds`);
	const offsetOf = (chunk: number) => {
		const at = offsetsBox.content + 8 + (wide ? 8 : 4) * chunk;
		return wide ? Number(bytes.readBigUInt64BE(at)) : bytes.readUInt32BE(at);
	};
	if (chunkCount > 0 && runs === 0) return corrupt(`the MP4's ${track} has ${chunkCount} chunks but an empty stsc box`);

	// stsc: runs of chunks (first chunk, 1-based) with the same number of samples each.
	const runAt = (run: number) => chunksBox.content + 8 + 12 * run;
	let sample = 0;
	for (let run = 0; run < runs; run++) {
		const firstChunk = bytes.readUInt32BE(runAt(run));
		const perChunk = bytes.readUInt32BE(runAt(run) + 4);
		// The last run reaches the last chunk (an entry past the last chunk describes no chunk).
		const nextFirst = run + 1 < runs ? bytes.readUInt32BE(runAt(run + 1)) : Math.max(chunkCount, firstChunk) + 1;
		if ((run === 0 && firstChunk !== 1) || nextFirst <= firstChunk) return corrupt(`the MP4's ${track} has an out-of-order entry ${run + 1} in its stsc box`);
		for (let chunk = firstChunk; chunk < nextFirst && chunk <= chunkCount; chunk++) {
			if (sample + perChunk > sampleCount) {
				return corrupt(`the MP4's ${track} has a chunk table (stsc) that needs more than the ${sampleCount} samples its stsz box lists`);
			}
			let size = constantSize * perChunk;
			if (!constantSize) for (let k = 0; k < perChunk; k++) size += sizeOf(sample + k);
			sample += perChunk;
			const start = offsetOf(chunk - 1);
			if (start + size > bytes.length) {
				return cutShort(`the MP4's ${track} has chunk ${chunk} of ${chunkCount} (${perChunk} sample${perChunk === 1 ? '' : 's'}) at bytes ${start}–${start + size}, but the file ends at byte ${bytes.length}`);
			}
		}
	}
	return null;
}
