/**
 * Writing ISO BMFF boxes: a box is a 32-bit size, a four-character type, then its content; a
 * "full box" adds a version byte and 24 bits of flags. Fields are big-endian throughout.
 */

export function box(type: string, ...content: Buffer[]): Buffer {
	if (type.length !== 4) throw new Error(`box type must be four characters: ${type}`);
	const body = Buffer.concat(content);
	const header = Buffer.alloc(8);
	header.writeUInt32BE(8 + body.length, 0);
	header.write(type, 4, 'latin1');
	return Buffer.concat([header, body]);
}

export function fullBox(type: string, version: number, flags: number, ...content: Buffer[]): Buffer {
	return box(type, u32(((version & 0xff) << 24) >>> 0 | (flags & 0xffffff)), ...content);
}

export const u8 = (value: number) => Buffer.from([value & 0xff]);

export function u16(value: number): Buffer {
	const out = Buffer.alloc(2);
	out.writeUInt16BE(value & 0xffff, 0);
	return out;
}

export function u24(value: number): Buffer {
	const out = Buffer.alloc(3);
	out.writeUIntBE(value & 0xffffff, 0, 3);
	return out;
}

export function u32(value: number): Buffer {
	const out = Buffer.alloc(4);
	out.writeUInt32BE(value >>> 0, 0);
	return out;
}

export const zeros = (count: number) => Buffer.alloc(count);

export const fourCc = (text: string) => Buffer.from(text, 'latin1');

/** 16.16 fixed point (tkhd width/height, mp4a sample rate). */
export const fixed16 = (value: number) => u32(Math.round(value * 65536));

/** The identity transformation matrix of mvhd and tkhd (9 fixed-point values, w = 1.0 in 2.30). */
export const IDENTITY_MATRIX = Buffer.concat([0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000].map(u32));

/** ISO 639-2 "und" packed as three 5-bit letters, as mdhd stores it. */
export const LANGUAGE_UND = u16(
	[...'und'].reduce((packed, char) => (packed << 5) | (char.charCodeAt(0) - 0x60), 0),
);
