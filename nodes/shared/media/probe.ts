/**
 * Reads just enough of an image or MP4 header to check it before a paid request: type, pixel
 * size, duration. Pure functions over bytes; no decoding library needed.
 */

export type ImageType = 'png' | 'jpeg' | 'webp' | 'gif' | 'unknown';

export interface ImageInfo {
	type: ImageType;
	width: number | null;
	height: number | null;
}

export function probeImage(bytes: Buffer): ImageInfo {
	if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47) {
		return { type: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
	}
	if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return probeJpeg(bytes);
	if (bytes.length >= 12 && bytes.toString('ascii', 0, 4) === 'RIFF' && bytes.toString('ascii', 8, 12) === 'WEBP') {
		return probeWebp(bytes);
	}
	if (bytes.length >= 10 && bytes.toString('ascii', 0, 4) === 'GIF8') {
		return { type: 'gif', width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
	}
	return { type: 'unknown', width: null, height: null };
}

function probeJpeg(bytes: Buffer): ImageInfo {
	let offset = 2;
	while (offset + 9 < bytes.length) {
		if (bytes[offset] !== 0xff) {
			offset++;
			continue;
		}
		const marker = bytes[offset + 1];
		// SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
		const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
		if (isStartOfFrame) {
			return { type: 'jpeg', height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
		}
		if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			offset += 2;
			continue;
		}
		offset += 2 + bytes.readUInt16BE(offset + 2);
	}
	return { type: 'jpeg', width: null, height: null };
}

function probeWebp(bytes: Buffer): ImageInfo {
	const chunk = bytes.toString('ascii', 12, 16);
	if (chunk === 'VP8X' && bytes.length >= 30) {
		return { type: 'webp', width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) };
	}
	if (chunk === 'VP8 ' && bytes.length >= 30) {
		return { type: 'webp', width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
	}
	if (chunk === 'VP8L' && bytes.length >= 25) {
		const bits = bytes.readUInt32LE(21);
		return { type: 'webp', width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
	}
	return { type: 'webp', width: null, height: null };
}

/** Duration in seconds from the `moov/mvhd` box of an MP4/MOV, or null when it cannot be found. */
export function probeMp4DurationSeconds(bytes: Buffer): number | null {
	const moov = findBox(bytes, 0, bytes.length, 'moov');
	if (!moov) return null;
	const mvhd = findBox(bytes, moov.contentStart, moov.end, 'mvhd');
	if (!mvhd) return null;
	const version = bytes[mvhd.contentStart];
	const base = mvhd.contentStart + 4;
	if (version === 1) {
		const timescale = bytes.readUInt32BE(base + 16);
		const duration = Number(bytes.readBigUInt64BE(base + 20));
		return timescale ? duration / timescale : null;
	}
	const timescale = bytes.readUInt32BE(base + 8);
	const duration = bytes.readUInt32BE(base + 12);
	return timescale ? duration / timescale : null;
}

/** Width and height of the first video track (`moov/trak/tkhd` of a `vide` handler), or null. */
export function probeMp4FrameSize(bytes: Buffer): { width: number; height: number } | null {
	const moov = findBox(bytes, 0, bytes.length, 'moov');
	if (!moov) return null;
	for (let offset = moov.contentStart; offset + 8 <= moov.end; ) {
		const size = bytes.readUInt32BE(offset);
		if (size < 8) return null;
		if (bytes.toString('ascii', offset + 4, offset + 8) === 'trak') {
			const trak = { contentStart: offset + 8, end: Math.min(moov.end, offset + size) };
			const mdia = findBox(bytes, trak.contentStart, trak.end, 'mdia');
			const hdlr = mdia && findBox(bytes, mdia.contentStart, mdia.end, 'hdlr');
			const tkhd = findBox(bytes, trak.contentStart, trak.end, 'tkhd');
			if (hdlr && tkhd && bytes.toString('ascii', hdlr.contentStart + 8, hdlr.contentStart + 12) === 'vide') {
				// tkhd ends with width and height as 16.16 fixed point.
				return { width: bytes.readUInt32BE(tkhd.end - 8) >>> 16, height: bytes.readUInt32BE(tkhd.end - 4) >>> 16 };
			}
		}
		offset += size;
	}
	return null;
}

/** True when the bytes start like an ISO base media file (MP4, MOV). */
export function looksLikeMp4(bytes: Buffer): boolean {
	return bytes.length >= 12 && ['ftyp', 'moov', 'mdat', 'free', 'wide'].includes(bytes.toString('ascii', 4, 8));
}

function findBox(bytes: Buffer, start: number, end: number, type: string) {
	let offset = start;
	while (offset + 8 <= end) {
		let size = bytes.readUInt32BE(offset);
		const boxType = bytes.toString('ascii', offset + 4, offset + 8);
		let header = 8;
		if (size === 1 && offset + 16 <= end) {
			size = Number(bytes.readBigUInt64BE(offset + 8));
			header = 16;
		} else if (size === 0) {
			size = end - offset;
		}
		if (size < header) return null;
		if (boxType === type) return { contentStart: offset + header, end: Math.min(end, offset + size) };
		offset += size;
	}
	return null;
}
