/**
 * Just enough parsing to make an output follow its inputs: an image's pixel size (PNG, JPEG,
 * GIF, WebP headers) and an MP4's length, frame size and tracks (mvhd, tkhd, hdlr). Anything
 * it cannot read is `null`, and the caller falls back to a default.
 */

export interface ImageSize {
	width: number;
	height: number;
}

export function imageSize(bytes: Buffer): ImageSize | null {
	const size = pngSize(bytes) ?? gifSize(bytes) ?? jpegSize(bytes) ?? webpSize(bytes);
	return size && size.width > 0 && size.height > 0 ? size : null;
}

function pngSize(b: Buffer): ImageSize | null {
	if (b.length < 24 || b.readUInt32BE(0) !== 0x89504e47 || b.toString('latin1', 12, 16) !== 'IHDR') return null;
	return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function gifSize(b: Buffer): ImageSize | null {
	if (b.length < 10 || !/^GIF8[79]a$/.test(b.toString('latin1', 0, 6))) return null;
	return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
}

/** The first start-of-frame marker (SOF0..SOF15 minus DHT, JPG, DAC) carries height then width. */
function jpegSize(b: Buffer): ImageSize | null {
	if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
	let at = 2;
	while (at + 9 < b.length) {
		if (b[at] !== 0xff) return null;
		const marker = b[at + 1];
		if (marker === 0xff) {
			at += 1;
			continue;
		}
		const length = b.readUInt16BE(at + 2);
		if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
			return { height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7) };
		}
		at += 2 + length;
	}
	return null;
}

function webpSize(b: Buffer): ImageSize | null {
	if (b.length < 30 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP') return null;
	const chunk = b.toString('latin1', 12, 16);
	if (chunk === 'VP8X') return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
	if (chunk === 'VP8L') {
		const bits = b.readUInt32LE(21);
		return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
	}
	if (chunk === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
	return null;
}

export interface Mp4Info {
	/** Movie length (mvhd duration / timescale). */
	seconds: number;
	/** The first video track's display size, when there is one. */
	width: number | null;
	height: number | null;
	hasVideo: boolean;
	hasAudio: boolean;
}

interface Box {
	type: string;
	/** Payload start and end (after the header). */
	start: number;
	end: number;
}

function* boxes(b: Buffer, from: number, to: number): Generator<Box> {
	let at = from;
	while (at + 8 <= to) {
		let size = b.readUInt32BE(at);
		const type = b.toString('latin1', at + 4, at + 8);
		let header = 8;
		if (size === 1) {
			if (at + 16 > to) return;
			size = Number(b.readBigUInt64BE(at + 8));
			header = 16;
		} else if (size === 0) {
			size = to - at;
		}
		if (size < header || at + size > to) return;
		yield { type, start: at + header, end: at + size };
		at += size;
	}
}

const child = (b: Buffer, parent: Box, type: string) => [...boxes(b, parent.start, parent.end)].find((box) => box.type === type);

export function mp4Info(bytes: Buffer): Mp4Info | null {
	const moov = [...boxes(bytes, 0, bytes.length)].find((box) => box.type === 'moov');
	const mvhd = moov && child(bytes, moov, 'mvhd');
	if (!moov || !mvhd || mvhd.end - mvhd.start < 32) return null;
	const v1 = bytes[mvhd.start] === 1;
	const timescale = bytes.readUInt32BE(mvhd.start + (v1 ? 20 : 12));
	const duration = v1 ? Number(bytes.readBigUInt64BE(mvhd.start + 24)) : bytes.readUInt32BE(mvhd.start + 16);
	if (timescale === 0) return null;
	const info: Mp4Info = { seconds: duration / timescale, width: null, height: null, hasVideo: false, hasAudio: false };
	for (const trak of boxes(bytes, moov.start, moov.end)) {
		if (trak.type !== 'trak') continue;
		const mdia = child(bytes, trak, 'mdia');
		const hdlr = mdia && child(bytes, mdia, 'hdlr');
		const handler = hdlr && hdlr.end - hdlr.start >= 12 ? bytes.toString('latin1', hdlr.start + 8, hdlr.start + 12) : '';
		if (handler === 'soun') info.hasAudio = true;
		if (handler !== 'vide') continue;
		info.hasVideo = true;
		const tkhd = child(bytes, trak, 'tkhd');
		if (tkhd && info.width === null) {
			const offset = tkhd.start + (bytes[tkhd.start] === 1 ? 88 : 76);
			if (offset + 8 <= tkhd.end) {
				info.width = bytes.readUInt32BE(offset) / 65536;
				info.height = bytes.readUInt32BE(offset + 4) / 65536;
			}
		}
	}
	return info;
}
