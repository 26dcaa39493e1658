import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { crc32, imageIntegrityProblem, videoIntegrityProblem } from '../../nodes/shared/media/integrity';
import { checkImage, checkMotionVideo } from '../../nodes/shared/media/limits';
import { makeGif, makeJpeg, makePng, makeWebp } from '../fixtures/images';
import { makeMp4WithDuration } from '../fixtures/videos';

/**
 * Small real files made by real encoders (Debian 12), embedded so the tests need no tools:
 * a 16×16 plasma image (ImageMagick) encoded with libjpeg-turbo 2.1.5 `cjpeg -quality 75
 * -sample 1x1 -restart 1B -optimize` (baseline with 3 restart markers) and `cjpeg -quality 75
 * -progressive` (10 scans); libwebp 1.2.4 `cwebp -q 50` (VP8), `cwebp -lossless` on 8×8 (VP8L),
 * `cwebp -q 50` on an 8×8 image with alpha (VP8X + ALPH + VP8) and `img2webp -q 30` of two 6×6
 * frames (VP8X + ANIM + ANMF); ImageMagick 6.9 `-interlace PNG` 11×7 RGB (Adam7) and a 6×6 GIF.
 */
const REAL = {
	baselineJpeg: '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAARCAAQABADAREAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAABwb/xAAhEAACAQMEAwEAAAAAAAAAAAABAhEAAwQSIVFhEzFx8f/EABgBAAMBAQAAAAAAAAAAAAAAAAIGBwEE/8QAHxEAAQQDAAMBAAAAAAAAAAAAAQACAwQFERITITFR/90ABAAB/9oADAMBAAIRAxEAPwCBa+Gth99cxxHZ+1rseNmP9TrVvvjkDdr/0D91YWhcJBkwdO0dzXUMfywN16T5Lde5519X/9Ezx8sJefIKEoQDE+o/apZxkUoEetFHFkC2Qklf/9IxN1sXNYeSbJ3XgzVMr1WEePlFNdm67av/2Q==',
	progressiveJpeg: '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wgARCAAQABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAQMF/8QAFQEBAQAAAAAAAAAAAAAAAAAABAX/2gAMAwEAAhADEAAAAcAiVH//xAAYEAADAQEAAAAAAAAAAAAAAAACESESQf/aAAgBAQABBQJzglXk/wD/xAAYEQACAwAAAAAAAAAAAAAAAAAAAQIEEf/aAAgBAwEBPwFX8if/xAAXEQADAQAAAAAAAAAAAAAAAAAAAQUh/9oACAECAQE/AVM0/8QAGBABAAMBAAAAAAAAAAAAAAAAABESITH/2gAIAQEABj8CSs7j/8QAGhAAAwADAQAAAAAAAAAAAAAAAAERIUGB0f/aAAgBAQABPyF3Wxp+BF4wU7if/9oADAMBAAIAAwAAABAL/8QAFxEAAwEAAAAAAAAAAAAAAAAAAAEhEf/aAAgBAwEBPxCDrdP/xAAZEQABBQAAAAAAAAAAAAAAAAABACExQdH/2gAIAQIBAT8QEHXGL//EABwQAQEAAgMBAQAAAAAAAAAAAAERACExUWFx8f/aAAgBAQABPxAQ33nU9fuEKRrHhPbgtNYMvE/cSWy30bn/2Q==',
	lossyWebp: 'UklGRmoAAABXRUJQVlA4IF4AAABQAgCdASoQABAAAsBMJbACdAEPBWTJaBCVWIAA/ujmXmkQYM1q3lStSSriQBDQExEpT5VuXvBKPBTqW7ydUbeQ/+zXAdc/tZUASlq/8TAQZif33tPZidedArpYwAAA',
	losslessWebp: 'UklGRhYBAABXRUJQVlA4TAoBAAAvB8ABAO/hNrZtpTq4uzsp/fdABYSe+XfXNpgGAJhkhrtLg8gJvM4NZLI7zZ1xAABGzgw/1xDt0tzNoKdtzH8A/AFy0B5gf9F3+1wnDj2oGbiC2ow3EBwyVEifEDBz2FzhxIiq9gwWNWUx1IzEITz7oGyLmW6qo3C1oZDpvCNEkSnurb20xogYci0dvwMPVw+4wjVwwIJEvhgBFw6j+9V/G9zDzaDMfoQAbwNfQZVCZQlOgvhG5N8jJ9v6XmjJcEKlIv9dFiaPmTJLfJMYGAYAUDbcbNs2mxnR/6i6YhqTrG+besjTcn3eY47D69zvDUb+At3fCz5HM0hUN22WUGhOVC0GlxBKBgKPAQ==',
	alphaWebp: 'UklGRpgAAABXRUJQVlA4WAoAAAAQAAAABwAABwAAQUxQSBwAAAABPyAQSOEmFxERBgizjRTGMpaxnP/3DCL6H9g+VlA4IFYAAABQAgCdASoIAAgAAsBMJbACdGsAAYQEOuRwMgAA/u6nO6SQgUKzMyYZxaZwXwArjkpEr/8Vf51CEr6W/6MiBQf//Vog3+Tf96/4/Xk9DPdjM1CpSgAAAA==',
	animatedWebp: 'UklGRq4BAABXRUJQVlA4WAoAAAACAAAABQAABQAAQU5JTQYAAAD/////AABBTk1GsAAAAAAAAAAAAAUAAAUAAGQAAAJWUDhMmAAAAC8FQAEAYCJJkuJ8LSneYz67p84y01rblvyL+J9+tLEA1YageYRG1gVsBshEmIFDpjOBu61tW4kqoBWLWTSgITRA6tIJTbjTgjdA5BI5M/nvf3Dx5YevH2tW8hzJ44TYBTZ2mgl1cExiWfBUvH8Ut0NLY5vWIFGrtNPZHzPHL11gkZu7t1oInCiwrlV/cANjAJQBfsB2WA8AQU5NRsoAAAAAAAAAAAAFAAAFAABkAAAAVlA4TLIAAAAvBUABAB/BNLJtJ+dHldS3Aei/FiyewWZQsQ22AQAkAexunXzAO/x/y7m7O9lGtq3kfcFCl9Qhp3a68BY0dNf5j/+HVwxsDowmA7IAPLbfiZlcJmLhkHbmuRf+2tkTd+NJsgUxgkzd3stUHCIBSPMuB5X/hju0glfUHMIpBfpj99mkg86N9V8ls4libUb7A4YBABbNzbaRi+h/9DHPa5V6tLzt43yK2gh1hxfy75eIYUIB',
	interlacedPng: 'iVBORw0KGgoAAAANSUhEUgAAAAsAAAAHCAIAAAEmCxCcAAABAElEQVQI1wH1AAr/Acfa9BCS1gD/0KcDMgcy+RP0GgMYAebyutar8hIUTgEILgAH5zFBDfUBFWZlIcncB/ojPP8X7gvc+x8kAAAAABEABQISAAUAECMACwAAAAHR29QuHu30xMHV2Tnn5hABQ0xS/QcPMOf++fkFC+/2AQMkAAIZFBjOEe8EIBwU3QAAAAcAAAAQBhswEBUbAAABmJzPIObj7hb35P3n+A8BNA3U+9sx7fjr79zj/RYmFAEfAQA5QQAH7wsT3QMXK/vY4TnEJfMRIxgY9u4G9hrz6e/28QEUAA8RAPHvAB3xAPb7AP8NIB8E4OccEwXf7fP0AAkWDeuTamBHdkjjBgAAAABJRU5ErkJggg==',
	gif: 'R0lGODlhBgAGAPEAANIWSiQG62IOyYcIqSH5BAAAAAAALAAAAAAGAAYAAAINhI8mMgOzWIshiIpDAQA7',
};
const real = (name: keyof typeof REAL) => Buffer.from(REAL[name], 'base64');
const media = (name: string) => readFileSync(join(__dirname, '../fixtures/media', name));

const png = (bytes: Buffer) => imageIntegrityProblem(bytes, 'png');
const jpeg = (bytes: Buffer) => imageIntegrityProblem(bytes, 'jpeg');
const webp = (bytes: Buffer) => imageIntegrityProblem(bytes, 'webp');
const gif = (bytes: Buffer) => imageIntegrityProblem(bytes, 'gif');

/** Every shorter prefix of the file, from empty to one byte short. */
const prefixes = (bytes: Buffer) => Array.from({ length: bytes.length }, (_, cut) => bytes.subarray(0, cut));

/** A copy with one bit flipped, or with bytes written over. */
function flip(bytes: Buffer, at: number, bit = 0): Buffer {
	const copy = Buffer.from(bytes);
	copy[at] ^= 1 << bit;
	return copy;
}

// --- PNG builders --------------------------------------------------------------------------

function pngChunk(type: string, data: Buffer): Buffer {
	const chunk = Buffer.alloc(12 + data.length);
	chunk.writeUInt32BE(data.length, 0);
	chunk.write(type, 4, 'latin1');
	data.copy(chunk, 8);
	chunk.writeUInt32BE(crc32(chunk, 4, 8 + data.length), 8 + data.length);
	return chunk;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface PngSpec {
	width: number;
	height: number;
	bitDepth?: number;
	colourType?: number;
	interlaced?: boolean;
	/** Override the decompressed image data (filter bytes and rows). */
	raw?: Buffer;
	/** Override the zlib stream. */
	idat?: Buffer;
	/** Chunks between IHDR and IDAT (PLTE…). */
	before?: Buffer[];
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Rows for a PNG (Adam7 passes when interlaced), each "filter 0, then pixel bytes of value 0x5A". */
function pngRaw(width: number, height: number, bitsPerPixel: number, interlaced: boolean): Buffer {
	const passes = interlaced
		? [
				[0, 0, 8, 8],
				[4, 0, 8, 8],
				[0, 4, 4, 8],
				[2, 0, 4, 4],
				[0, 2, 2, 4],
				[1, 0, 2, 2],
				[0, 1, 1, 2],
			].map(([x0, y0, dx, dy]) => [Math.max(0, Math.ceil((width - x0) / dx)), Math.max(0, Math.ceil((height - y0) / dy))])
		: [[width, height]];
	const rows: Buffer[] = [];
	for (const [passWidth, passHeight] of passes) {
		if (passWidth === 0 || passHeight === 0) continue;
		for (let y = 0; y < passHeight; y++) {
			const row = Buffer.alloc(1 + Math.ceil((passWidth * bitsPerPixel) / 8), 0x5a);
			row[0] = 0;
			rows.push(row);
		}
	}
	return Buffer.concat(rows);
}

function buildPng(spec: PngSpec): Buffer {
	const { width, height, bitDepth = 8, colourType = 0, interlaced = false } = spec;
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = bitDepth;
	header[9] = colourType;
	header[12] = interlaced ? 1 : 0;
	const raw = spec.raw ?? pngRaw(width, height, bitDepth * CHANNELS[colourType], interlaced);
	return Buffer.concat([
		PNG_SIGNATURE,
		pngChunk('IHDR', header),
		...(spec.before ?? []),
		pngChunk('IDAT', spec.idat ?? deflateSync(raw)),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

/** Offsets of a PNG's chunks: type, start (length field), data start, end (after the CRC). */
function pngChunks(bytes: Buffer) {
	const chunks: Array<{ type: string; start: number; data: number; end: number }> = [];
	for (let offset = 8; offset < bytes.length; ) {
		const length = bytes.readUInt32BE(offset);
		chunks.push({ type: bytes.toString('latin1', offset + 4, offset + 8), start: offset, data: offset + 8, end: offset + 12 + length });
		offset += 12 + length;
	}
	return chunks;
}

describe('PNG', () => {
	const valid = makePng(640, 360);
	const [ihdr, idat, iend] = pngChunks(valid);

	it('accepts the fixture PNG, with and without its padding tEXt chunk', () => {
		expect([ihdr.type, idat.type, iend.type]).toEqual(['IHDR', 'IDAT', 'IEND']);
		expect(png(valid)).toBeNull();
		expect(png(makePng(640, 360, 200_000))).toBeNull();
	});

	it('accepts interlaced (Adam7) PNGs, including sizes where some passes are empty', () => {
		expect(png(real('interlacedPng'))).toBeNull(); // ImageMagick's, 11×7 RGB
		for (const [width, height] of [[1, 1], [2, 1], [3, 2], [5, 5], [8, 8], [9, 3], [11, 7], [33, 17]]) {
			expect(png(buildPng({ width, height, interlaced: true }))).toBeNull();
			expect(png(buildPng({ width, height, interlaced: true, bitDepth: 1 }))).toBeNull();
			expect(png(buildPng({ width, height, interlaced: true, bitDepth: 16, colourType: 6 }))).toBeNull();
		}
	});

	it('accepts every bit depth and colour type, and a palette image with its PLTE', () => {
		for (const [colourType, depths] of [[0, [1, 2, 4, 8, 16]], [2, [8, 16]], [4, [8, 16]], [6, [8, 16]]] as const) {
			for (const bitDepth of depths) expect(png(buildPng({ width: 13, height: 5, bitDepth, colourType }))).toBeNull();
		}
		const plte = pngChunk('PLTE', Buffer.from([0, 0, 0, 255, 255, 255]));
		expect(png(buildPng({ width: 13, height: 5, bitDepth: 1, colourType: 3, before: [plte] }))).toBeNull();
		expect(png(buildPng({ width: 13, height: 5, bitDepth: 1, colourType: 3 }))).toBe('is corrupt: it is a palette image without a PLTE chunk');
	});

	it('accepts bytes after IEND (common, and decoders stop at IEND)', () => {
		expect(png(Buffer.concat([valid, Buffer.from('trailing data')]))).toBeNull();
	});

	it('refuses a PNG cut inside IDAT, naming the chunk, where the file ends and where the chunk would', () => {
		for (const cut of [idat.data, idat.data + 10, idat.end - 5, idat.end - 1]) {
			expect(png(valid.subarray(0, cut))).toBe(`is cut short: the PNG ends inside chunk IDAT at byte ${cut} of ${idat.end}`);
		}
		expect(png(valid.subarray(0, idat.start + 5))).toBe(`is cut short: the PNG ends inside the header of the chunk after chunk IHDR, at byte ${idat.start + 5} of ${idat.start + 8}`);
	});

	it('refuses a PNG cut just before IEND, inside IEND, and just after IHDR', () => {
		expect(png(valid.subarray(0, iend.start))).toBe(`is cut short: the PNG ends after chunk IDAT at byte ${iend.start}, with no IEND chunk`);
		expect(png(valid.subarray(0, iend.end - 2))).toBe(`is cut short: the PNG ends inside chunk IEND at byte ${iend.end - 2} of ${iend.end}`);
		expect(png(valid.subarray(0, ihdr.end))).toBe('is cut short: the PNG ends after chunk IHDR at byte 33, with no IEND chunk');
		expect(png(valid.subarray(0, 20))).toBe('is cut short: the PNG ends inside chunk IHDR at byte 20 of 33');
		expect(png(valid.subarray(0, 5))).toBe('is cut short: the PNG ends inside its signature, after 5 bytes');
	});

	it('refuses every prefix of a PNG', () => {
		for (const bytes of [valid, real('interlacedPng')]) {
			for (const prefix of prefixes(bytes)) expect(png(prefix)).toMatch(/^is cut short: /);
		}
	});

	it('refuses a flipped byte anywhere in a chunk through its CRC', () => {
		expect(png(flip(valid, idat.data + 7))).toBe(`is corrupt: chunk IDAT has a wrong CRC (the chunk at byte ${idat.start})`);
		expect(png(flip(valid, idat.end - 1))).toBe(`is corrupt: chunk IDAT has a wrong CRC (the chunk at byte ${idat.start})`);
		expect(png(flip(valid, 18))).toBe('is corrupt: chunk IHDR has a wrong CRC (the chunk at byte 8)');
		for (let at = 8; at < valid.length; at += 37) expect(png(flip(valid, at, at % 8))).toMatch(/^is (corrupt|cut short): /);
	});

	it('refuses a damaged signature, a first chunk other than IHDR and an invalid IHDR', () => {
		expect(png(Buffer.concat([valid.subarray(0, 4), valid.subarray(5)]))).toMatch(/^is corrupt: the PNG signature is damaged/);
		const noHeader = Buffer.concat([PNG_SIGNATURE, valid.subarray(idat.start)]);
		expect(png(noHeader)).toBe('is corrupt: its first chunk is IDAT, not IHDR');
		expect(png(buildPng({ width: 10, height: 10, bitDepth: 3 }))).toBe('is corrupt: its IHDR chunk is invalid (bit depth 3 with colour type 0)');
		expect(png(buildPng({ width: 10, height: 10, bitDepth: 8, colourType: 5, raw: Buffer.alloc(110) }))).toBe('is corrupt: its IHDR chunk is invalid (colour type 5)');
		expect(png(buildPng({ width: 0, height: 10, raw: Buffer.alloc(0) }))).toBe('is corrupt: its IHDR chunk is invalid (size 0×10)');
	});

	it('refuses a PNG without IDAT, with IDATs apart, or with an unknown critical chunk', () => {
		expect(png(Buffer.concat([valid.subarray(0, idat.start), valid.subarray(iend.start)]))).toBe('is corrupt: it has no IDAT (image data) chunk');
		const zlib = deflateSync(pngRaw(20, 4, 8, false));
		const text = pngChunk('tEXt', Buffer.from('Comment\0between'));
		const apart = Buffer.concat([
			PNG_SIGNATURE,
			buildPng({ width: 20, height: 4 }).subarray(8, 33),
			pngChunk('IDAT', zlib.subarray(0, 10)),
			text,
			pngChunk('IDAT', zlib.subarray(10)),
			pngChunk('IEND', Buffer.alloc(0)),
		]);
		expect(png(apart)).toMatch(/^is corrupt: its IDAT chunks are not consecutive/);
		expect(png(buildPng({ width: 4, height: 4, before: [pngChunk('CgBI', Buffer.alloc(4))] }))).toBe('is corrupt: it has the unknown critical chunk CgBI, which decoders refuse');
	});

	it('accepts image data split over many IDAT chunks', () => {
		const zlib = deflateSync(pngRaw(300, 40, 24, false));
		const parts = [];
		for (let at = 0; at < zlib.length; at += 100) parts.push(pngChunk('IDAT', zlib.subarray(at, at + 100)));
		const header = buildPng({ width: 300, height: 40, colourType: 2 }).subarray(8, 33);
		expect(png(Buffer.concat([PNG_SIGNATURE, header, ...parts, pngChunk('IEND', Buffer.alloc(0))]))).toBeNull();
	});

	it('refuses a zlib stream that stops early, though every chunk and CRC is right', () => {
		const zlib = deflateSync(pngRaw(64, 64, 8, false));
		expect(png(buildPng({ width: 64, height: 64, idat: zlib.subarray(0, zlib.length - 6) }))).toBe('is cut short: its image data (IDAT) ends before the compressed stream does');
	});

	it('refuses image data that does not decompress, or decompresses to another size than IHDR implies', () => {
		const zlib = deflateSync(pngRaw(64, 64, 8, false));
		expect(png(buildPng({ width: 64, height: 64, idat: flip(zlib, zlib.length - 1) }))).toBe('is corrupt: its image data (IDAT) does not decompress (zlib: incorrect data check)');
		expect(png(buildPng({ width: 64, height: 64, idat: Buffer.from('not zlib at all') }))).toMatch(/^is corrupt: its image data \(IDAT\) does not decompress \(zlib: /);
		// 8-bit grey 64×64: 64 × (1 + 64) = 4160 bytes.
		expect(png(buildPng({ width: 64, height: 64, raw: pngRaw(64, 63, 8, false) }))).toBe('is corrupt: its image data decompresses to 4095 bytes, but IHDR (64×64, 8-bit colour type 0) implies 4160');
		expect(png(buildPng({ width: 64, height: 64, raw: pngRaw(64, 65, 8, false) }))).toBe('is corrupt: its image data decompresses to more than the 4160 bytes IHDR implies (64×64, 8-bit colour type 0)');
		// The right amount of data for a plain image, but IHDR says interlaced: 7 passes need more.
		expect(png(buildPng({ width: 64, height: 64, interlaced: true, raw: pngRaw(64, 64, 8, false) }))).toMatch(/^is corrupt: its image data decompresses to 4160 bytes, but IHDR \(64×64, 8-bit colour type 0, interlaced\) implies \d+$/);
	});

	it('refuses a row with an unknown filter type', () => {
		const raw = pngRaw(10, 3, 8, false);
		raw[2 * 11] = 9;
		expect(png(buildPng({ width: 10, height: 3, raw }))).toBe('is corrupt: row 3 of its image data has the unknown filter type 9');
	});
});

// --- JPEG ----------------------------------------------------------------------------------

/** Offset of the first marker `marker` at or after `from` (0xFF then the marker byte). */
function findMarker(bytes: Buffer, marker: number, from = 0): number {
	for (let at = from; at + 1 < bytes.length; at++) if (bytes[at] === 0xff && bytes[at + 1] === marker) return at;
	return -1;
}

describe('JPEG', () => {
	const handMade = makeJpeg(640, 360);
	const baseline = real('baselineJpeg');
	const progressive = real('progressiveJpeg');

	it('accepts the fixture JPEG, a real baseline JPEG with restart markers and a progressive one', () => {
		expect(jpeg(handMade)).toBeNull();
		expect(findMarker(baseline, 0xd0)).toBeGreaterThan(0); // RST0 inside its scan
		expect(jpeg(baseline)).toBeNull();
		expect(progressive.subarray(0, 200).includes(Buffer.from([0xff, 0xc2]))).toBe(true); // SOF2: progressive
		let scans = 0;
		for (let at = findMarker(progressive, 0xda); at >= 0; at = findMarker(progressive, 0xda, at + 2)) scans++;
		expect(scans).toBe(10);
		expect(jpeg(progressive)).toBeNull();
	});

	it('reads through stuffed 0xFF00 bytes, restart markers and fill bytes in the scan data', () => {
		const scan = findMarker(handMade, 0xda) + 2 + 12; // after the SOS segment (length 12)
		const withEscapes = Buffer.concat([handMade.subarray(0, scan), Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd3, 0x00]), handMade.subarray(scan, -2), Buffer.from([0xff, 0xff, 0xff, 0xd9])]);
		expect(jpeg(withEscapes)).toBeNull();
	});

	it('accepts bytes after the end-of-image marker', () => {
		expect(jpeg(Buffer.concat([baseline, Buffer.from('appended preview data')]))).toBeNull();
	});

	it('refuses a JPEG cut inside its compressed data: no end-of-image marker', () => {
		const cut = baseline.length - 30;
		expect(jpeg(baseline.subarray(0, cut))).toBe(`is cut short: the JPEG has no end-of-image marker (it ends inside the compressed data of scan 1, at byte ${cut})`);
		expect(jpeg(baseline.subarray(0, -2))).toMatch(/^is cut short: the JPEG has no end-of-image marker/);
		expect(jpeg(baseline.subarray(0, -1))).toMatch(/^is cut short: the JPEG has no end-of-image marker/);
	});

	it('refuses a JPEG cut inside a header segment', () => {
		const dqt = findMarker(baseline, 0xdb);
		expect(jpeg(baseline.subarray(0, dqt + 20))).toBe(`is cut short: the JPEG ends inside its DQT segment at byte ${dqt + 20} of ${dqt + 2 + baseline.readUInt16BE(dqt + 2)}`);
		const sof = findMarker(baseline, 0xc0);
		expect(jpeg(baseline.subarray(0, sof))).toBe(`is cut short: the JPEG has no end-of-image marker (it ends after the DQT segment, at byte ${sof})`);
	});

	it('refuses a progressive JPEG cut between or inside later scans', () => {
		const secondScan = findMarker(progressive, 0xda, findMarker(progressive, 0xda) + 2);
		// Between the scans of a progressive JPEG come the Huffman tables of the next scan.
		expect(jpeg(progressive.subarray(0, secondScan))).toBe(`is cut short: the JPEG has no end-of-image marker (it ends after the DHT segment, at byte ${secondScan})`);
		const inSecondScan = secondScan + 2 + progressive.readUInt16BE(secondScan + 2) + 2; // 2 bytes into its data
		expect(jpeg(progressive.subarray(0, inSecondScan))).toBe(`is cut short: the JPEG has no end-of-image marker (it ends inside the compressed data of scan 2, at byte ${inSecondScan})`);
		expect(jpeg(progressive.subarray(0, progressive.length - 10))).toBe(`is cut short: the JPEG has no end-of-image marker (it ends inside the compressed data of scan 10, at byte ${progressive.length - 10})`);
	});

	it('refuses every prefix of a JPEG', () => {
		for (const bytes of [baseline, progressive, handMade.subarray(0, 700)]) {
			for (const prefix of prefixes(bytes)) expect(jpeg(prefix)).toMatch(/^is (cut short|corrupt): /);
		}
		for (const prefix of prefixes(baseline).slice(2)) expect(jpeg(prefix)).toMatch(/^is cut short: /);
	});

	it('refuses a JPEG without image data, without SOI, or with an impossible segment length', () => {
		const headerOnly = Buffer.concat([handMade.subarray(0, findMarker(handMade, 0xda)), Buffer.from([0xff, 0xd9])]);
		expect(jpeg(headerOnly)).toBe('is corrupt: the JPEG has no image data (no SOS marker)');
		expect(jpeg(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toBe('is corrupt: the JPEG has no frame header (SOF marker)');
		expect(jpeg(baseline.subarray(2))).toBe('is corrupt: it does not start with a JPEG start-of-image marker');
		const broken = Buffer.from(baseline);
		broken.writeUInt16BE(1, findMarker(baseline, 0xdb) + 2);
		expect(jpeg(broken)).toMatch(/^is corrupt: its DQT segment at byte \d+ has an impossible length of 1$/);
		const noMarker = Buffer.from(baseline);
		noMarker[findMarker(baseline, 0xdb)] = 0x00;
		expect(jpeg(noMarker)).toMatch(/^is corrupt: the JPEG has no marker where one must be, after the APP0 segment/);
	});
});

// --- WebP ----------------------------------------------------------------------------------

describe('WebP', () => {
	const files = { lossy: real('lossyWebp'), lossless: real('losslessWebp'), alpha: real('alphaWebp'), animated: real('animatedWebp'), fixture: makeWebp(640, 360) };

	it('accepts lossy (VP8), lossless (VP8L), VP8X + ALPH + VP8, animated (VP8X + ANIM + ANMF) and the fixture', () => {
		expect(files.lossy.toString('latin1', 12, 16)).toBe('VP8 ');
		expect(files.lossless.toString('latin1', 12, 16)).toBe('VP8L');
		expect(files.alpha.includes('ALPH')).toBe(true);
		expect(files.animated.includes('ANMF')).toBe(true);
		for (const bytes of Object.values(files)) expect(webp(bytes)).toBeNull();
	});

	it('refuses every prefix: the RIFF size no longer matches', () => {
		const lossy = files.lossy;
		expect(webp(lossy.subarray(0, 60))).toBe(`is cut short: the WebP's RIFF header claims ${lossy.length} bytes but the file has 60`);
		for (const bytes of Object.values(files)) {
			for (const prefix of prefixes(bytes)) expect(webp(prefix)).toMatch(/^is (cut short|corrupt): /);
		}
	});

	it('refuses bytes after the end the RIFF header states', () => {
		expect(webp(Buffer.concat([files.lossy, Buffer.alloc(6)]))).toBe(`is corrupt: the WebP has 6 bytes after the ${files.lossy.length} its RIFF header claims`);
	});

	it('refuses a chunk that runs past the RIFF container, and a VP8X file with no image data', () => {
		const overrun = Buffer.from(files.lossy);
		overrun.writeUInt32LE(overrun.readUInt32LE(16) + 10, 16);
		expect(webp(overrun)).toMatch(/^is corrupt: the WebP's VP8 {2}chunk at byte 12 claims \d+ bytes but only \d+ are left$/);
		const headerOnly = files.fixture.subarray(0, 30);
		headerOnly.writeUInt32LE(22, 4);
		expect(webp(headerOnly)).toBe('is corrupt: the WebP has no image data (no VP8 or VP8L chunk)');
		const damaged = Buffer.from(files.lossy);
		damaged[20 + 3] = 0; // the VP8 start code
		expect(webp(damaged)).toBe("is corrupt: the WebP's VP8 chunk does not start with a key frame header");
	});
});

// --- GIF -----------------------------------------------------------------------------------

describe('GIF', () => {
	const still = real('gif');

	it('accepts a real GIF and refuses every prefix of it', () => {
		expect(gif(still)).toBeNull();
		for (const prefix of prefixes(still)) expect(gif(prefix)).toMatch(/^is cut short: /);
	});

	it('refuses a GIF with no image (the 14-byte fixture) or an unknown block', () => {
		expect(gif(makeGif(640, 640))).toBe('is corrupt: the GIF has no image in it');
		const unknown = Buffer.from(still);
		unknown[still.indexOf(0x2c, 13)] = 0x99; // the image descriptor's introducer
		expect(gif(unknown)).toMatch(/^is corrupt: the GIF has an unknown block 0x99 at byte \d+$/);
	});
});

// --- MP4 -----------------------------------------------------------------------------------

/** Top-level boxes of an MP4: type, start, end. */
function topBoxes(bytes: Buffer) {
	const boxes: Array<{ type: string; start: number; end: number }> = [];
	for (let at = 0; at < bytes.length; ) {
		const size = bytes.readUInt32BE(at) || bytes.length - at;
		boxes.push({ type: bytes.toString('latin1', at + 4, at + 8), start: at, end: at + size });
		at += size;
	}
	return boxes;
}

function box(type: string, ...contents: Buffer[]): Buffer {
	const content = Buffer.concat(contents);
	const header = Buffer.alloc(8);
	header.writeUInt32BE(8 + content.length, 0);
	header.write(type, 4, 'latin1');
	return Buffer.concat([header, content]);
}
const u32 = (...values: number[]) => {
	const bytes = Buffer.alloc(4 * values.length);
	values.forEach((value, index) => bytes.writeUInt32BE(value, 4 * index));
	return bytes;
};
function u64(value: number): Buffer {
	const bytes = Buffer.alloc(8);
	bytes.writeBigUInt64BE(BigInt(value));
	return bytes;
}

interface TableSpec {
	/** Sample sizes, in order. */
	sizes: number[];
	/** stsc runs: [first chunk (1-based), samples per chunk]. */
	runs: Array<[number, number]>;
	sizeBox?: 'stsz' | 'stz2' | 'constant';
	offsetBox?: 'stco' | 'co64';
	/** Extra bytes to claim for each chunk's offset (to point outside the file). */
	shift?: number;
	/** mdat's size field set to 0 ("to the end of the file"). */
	mdatToEnd?: boolean;
}

/** A structural MP4 (ftyp, moov with mvhd and one trak's sample table, mdat) to test the tables. */
function tableMp4(spec: TableSpec): Buffer {
	const chunkSizes: number[] = [];
	let sample = 0;
	spec.runs.forEach(([first, perChunk], run) => {
		const next = run + 1 < spec.runs.length ? spec.runs[run + 1][0] : Infinity;
		for (let chunk = first; chunk < next && sample < spec.sizes.length; chunk++) {
			chunkSizes.push(spec.sizes.slice(sample, sample + perChunk).reduce((sum, size) => sum + size, 0));
			sample += perChunk;
		}
	});
	const stsz =
		spec.sizeBox === 'stz2'
			? box('stz2', u32(0, 16, spec.sizes.length), Buffer.from(spec.sizes.flatMap((size) => [size >> 8, size & 0xff])))
			: spec.sizeBox === 'constant'
				? box('stsz', u32(0, spec.sizes[0], spec.sizes.length))
				: box('stsz', u32(0, 0, spec.sizes.length, ...spec.sizes));
	const stsc = box('stsc', u32(0, spec.runs.length, ...spec.runs.flatMap(([first, perChunk]) => [first, perChunk, 1])));
	const build = (dataStart: number) => {
		const offsets: number[] = [];
		let at = dataStart + (spec.shift ?? 0);
		for (const size of chunkSizes) {
			offsets.push(at);
			at += size;
		}
		const stco = spec.offsetBox === 'co64' ? box('co64', u32(0, offsets.length), ...offsets.map(u64)) : box('stco', u32(0, offsets.length, ...offsets));
		const mvhd = box('mvhd', u32(0, 0, 0, 1000, 5000), Buffer.alloc(80));
		return Buffer.concat([box('ftyp', Buffer.from('isom\0\0\0\0isom', 'latin1')), box('moov', mvhd, box('trak', box('mdia', box('minf', box('stbl', stsz, stsc, stco)))))]);
	};
	const head = build(build(0).length + 8);
	const mdat = box('mdat', Buffer.alloc(chunkSizes.reduce((sum, size) => sum + size, 0), 0x11));
	if (spec.mdatToEnd) mdat.writeUInt32BE(0, 0);
	return Buffer.concat([head, mdat]);
}

describe('MP4', () => {
	const withAudio = media('video-with-audio.mp4');
	const silent = media('video-silent.mp4');
	const fixture = makeMp4WithDuration(25);

	it('accepts the real fixtures (moov first) and the built fixture', () => {
		expect(topBoxes(withAudio).map((box) => box.type)).toEqual(['ftyp', 'moov', 'free', 'mdat']);
		expect(videoIntegrityProblem(withAudio)).toBeNull();
		expect(videoIntegrityProblem(silent)).toBeNull();
		expect(videoIntegrityProblem(fixture)).toBeNull();
		expect(videoIntegrityProblem(makeMp4WithDuration(2.5, 600))).toBeNull();
	});

	it('accepts moov after mdat', () => {
		const [ftyp, moov, free, mdat] = topBoxes(silent);
		expect([moov.type, free.type, mdat.type]).toEqual(['moov', 'free', 'mdat']);
		// Moving moov changes where the samples are: shift each stco offset back by the moov size.
		const moved = Buffer.concat([silent.subarray(ftyp.start, ftyp.end), silent.subarray(free.start, mdat.end), silent.subarray(moov.start, moov.end)]);
		const moovAt = moved.length - (moov.end - moov.start);
		for (let at = moved.indexOf('stco', moovAt); at >= 0; at = moved.indexOf('stco', at + 4)) {
			for (let entry = 0; entry < moved.readUInt32BE(at + 8); entry++) {
				const field = at + 12 + 4 * entry;
				moved.writeUInt32BE(moved.readUInt32BE(field) - (moov.end - moov.start), field);
			}
		}
		expect(videoIntegrityProblem(moved)).toBeNull();
		expect(videoIntegrityProblem(moved.subarray(0, moovAt + 100))).toMatch(/^is cut short: the MP4's moov box claims \d+ bytes but the file has 100 from its start at byte \d+$/);
		expect(videoIntegrityProblem(moved.subarray(0, moovAt))).toMatch(/^is corrupt: the MP4 has no moov box/);
	});

	it('refuses a file cut inside mdat, naming the box, its size and what is left', () => {
		const mdat = topBoxes(withAudio)[3];
		for (const cut of [mdat.start + 8, mdat.start + 1000, withAudio.length - 1]) {
			expect(videoIntegrityProblem(withAudio.subarray(0, cut))).toBe(`is cut short: the MP4's mdat box claims ${mdat.end - mdat.start} bytes but the file has ${cut - mdat.start} from its start at byte ${mdat.start}`);
		}
	});

	it('refuses a file cut inside moov, or right after it', () => {
		const [, moov, free] = topBoxes(withAudio);
		for (const cut of [moov.start + 4, moov.start + 8, moov.start + 500, moov.end - 1]) {
			expect(videoIntegrityProblem(withAudio.subarray(0, cut))).toMatch(/^is cut short: the MP4('s moov box claims \d+ bytes but the file has \d+ from its start at byte 32| ends inside a box header at byte \d+, 4 bytes after the last whole box)$/);
		}
		expect(videoIntegrityProblem(withAudio.subarray(0, free.start))).toBe('is corrupt: the MP4 has no mdat box (no media data)');
		expect(videoIntegrityProblem(withAudio.subarray(0, moov.start))).toMatch(/^is corrupt: the MP4 has no moov box/);
	});

	it('refuses every prefix of the real fixture', () => {
		for (const prefix of prefixes(silent)) expect(videoIntegrityProblem(prefix)).toMatch(/^is (cut short|corrupt): /);
	});

	it('refuses a box with a wrong size', () => {
		const tooSmall = Buffer.from(silent);
		tooSmall.writeUInt32BE(4, 0); // ftyp
		expect(videoIntegrityProblem(tooSmall)).toBe('is corrupt: the MP4\'s ftyp box at byte 0 has an impossible size of 4 bytes');
		const tooLarge = Buffer.from(silent);
		const mdat = topBoxes(silent)[3];
		tooLarge.writeUInt32BE(mdat.end - mdat.start + 1000, mdat.start);
		expect(videoIntegrityProblem(tooLarge)).toBe(`is cut short: the MP4's mdat box claims ${mdat.end - mdat.start + 1000} bytes but the file has ${mdat.end - mdat.start} from its start at byte ${mdat.start}`);
		const shifted = Buffer.from(silent);
		shifted.writeUInt32BE(shifted.readUInt32BE(0) + 2, 0); // ftyp 2 bytes too long: the next box header is misread
		expect(videoIntegrityProblem(shifted)).toMatch(/^is (corrupt|cut short): /);
		const trakAt = silent.indexOf('trak') - 4;
		const trakTooLarge = Buffer.from(silent);
		trakTooLarge.writeUInt32BE(0x10000, trakAt);
		expect(videoIntegrityProblem(trakTooLarge)).toMatch(/^is corrupt: the MP4's trak box at byte \d+ claims \d+ bytes but its moov box has only \d+ left$/);
		const stszAt = silent.indexOf('stsz') - 4;
		const stszTooLarge = Buffer.from(silent);
		stszTooLarge.writeUInt32BE(0x10000, stszAt);
		expect(videoIntegrityProblem(stszTooLarge)).toMatch(/^is corrupt: the MP4's stsz box at byte \d+ claims \d+ bytes but its trak\/mdia\/minf\/stbl box has only \d+ left$/);
	});

	it('reads 64-bit box sizes', () => {
		const [ftyp, ...rest] = topBoxes(fixture);
		const mdat = rest[rest.length - 1];
		const large = Buffer.concat([fixture.subarray(ftyp.start, mdat.start), u32(1), Buffer.from('mdat'), u64(mdat.end - mdat.start + 8), fixture.subarray(mdat.start + 8)]);
		// The sample moved 8 bytes on: fix its offset.
		const stco = large.indexOf('stco');
		large.writeUInt32BE(large.readUInt32BE(stco + 12) + 8, stco + 12);
		expect(videoIntegrityProblem(large)).toBeNull();
		expect(videoIntegrityProblem(large.subarray(0, -3))).toMatch(/^is cut short: the MP4's mdat box claims \d+ bytes/);
	});

	it('refuses a file without tracks or without mdat (the old header-only fixture)', () => {
		const ftyp = box('ftyp', Buffer.from('isom\0\0\0\0isom', 'latin1'));
		const mvhd = box('mvhd', u32(0, 0, 0, 1000, 25_000), Buffer.alloc(80));
		expect(videoIntegrityProblem(Buffer.concat([ftyp, box('moov', mvhd)]))).toBe('is corrupt: the MP4 has no mdat box (no media data)');
		expect(videoIntegrityProblem(Buffer.concat([ftyp, box('moov', mvhd), box('mdat', Buffer.alloc(10))]))).toBe('is corrupt: the MP4 has no track (no trak box in its moov box)');
		expect(videoIntegrityProblem(Buffer.concat([ftyp, box('moov', box('trak')), box('mdat')]))).toBe('is corrupt: the MP4 has no mvhd box (movie header) in its moov box');
		expect(videoIntegrityProblem(Buffer.concat([ftyp, box('moov', mvhd, box('trak', box('mdia'))), box('mdat')]))).toBe("is corrupt: the MP4's track 1 has no minf box (in trak/mdia)");
	});

	describe('sample tables: every chunk of samples lies inside the file', () => {
		const sizes = [100, 250, 80, 80, 300, 20, 20];
		const runs: Array<[number, number]> = [[1, 2], [2, 1], [4, 3]]; // 4 chunks of 2, 1, 1 and 3 samples

		it.each<[string, Partial<TableSpec>]>([
			['stsz and stco', {}],
			['stz2 (16-bit sizes) and co64', { sizeBox: 'stz2', offsetBox: 'co64' }],
			['one constant sample size', { sizeBox: 'constant', sizes: [64, 64, 64, 64, 64, 64, 64] }],
		])('accepts %s', (_label, extra) => {
			expect(videoIntegrityProblem(tableMp4({ sizes, runs, ...extra }))).toBeNull();
		});

		it('refuses a file whose mdat runs "to the end" but was cut: the last chunk lies past the end', () => {
			const whole = tableMp4({ sizes, runs, mdatToEnd: true });
			expect(videoIntegrityProblem(whole)).toBeNull();
			expect(videoIntegrityProblem(whole.subarray(0, -10))).toBe(`is cut short: the MP4's track 1 has chunk 4 of 4 (3 samples) at bytes ${whole.length - 340}–${whole.length}, but the file ends at byte ${whole.length - 10}`);
			expect(videoIntegrityProblem(tableMp4({ sizes, runs, offsetBox: 'co64', mdatToEnd: true }).subarray(0, -400))).toMatch(/^is cut short: the MP4's track 1 has chunk 3 of 4 \(1 sample\)/);
		});

		it('refuses chunk offsets that point past the end of the file', () => {
			expect(videoIntegrityProblem(tableMp4({ sizes, runs, shift: 500 }))).toMatch(/^is cut short: the MP4's track 1 has chunk \d of 4/);
		});

		it('refuses a chunk table that needs more samples than stsz lists, and out-of-order stsc runs', () => {
			expect(videoIntegrityProblem(tableMp4({ sizes, runs: [[1, 2], [3, 9]] }))).toBe("is corrupt: the MP4's track 1 has a chunk table (stsc) that needs more than the 7 samples its stsz box lists");
			const bytes = tableMp4({ sizes, runs });
			const stsc = bytes.indexOf('stsc');
			bytes.writeUInt32BE(2, stsc + 12); // the first run must start at chunk 1
			expect(videoIntegrityProblem(bytes)).toBe("is corrupt: the MP4's track 1 has an out-of-order entry 1 in its stsc box");
		});

		it('refuses an stsz box that lists more samples than it holds', () => {
			const bytes = tableMp4({ sizes, runs });
			const stsz = bytes.indexOf('stsz');
			bytes.writeUInt32BE(1000, stsz + 12);
			expect(videoIntegrityProblem(bytes)).toBe("is corrupt: the MP4's track 1 has an stsz box that lists 1000 samples but holds fewer sizes");
		});
	});
});

// --- Robustness and use in the limits --------------------------------------------------------

describe('corrupt input never throws', () => {
	/** Deterministic pseudo-random numbers. */
	function random(seed: number) {
		return () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
	}

	it('returns a problem or null, never the fallback for an unexpected error, for random damage', () => {
		const next = random(42);
		const samples: Array<[Buffer, (bytes: Buffer) => string | null]> = [
			[makePng(40, 30), png],
			[real('interlacedPng'), png],
			[real('baselineJpeg'), jpeg],
			[real('progressiveJpeg'), jpeg],
			[real('animatedWebp'), webp],
			[real('alphaWebp'), webp],
			[real('gif'), gif],
			[media('video-with-audio.mp4'), videoIntegrityProblem],
			[tableMp4({ sizes: [5, 6, 7], runs: [[1, 1]], sizeBox: 'stz2', offsetBox: 'co64' }), videoIntegrityProblem],
		];
		for (const [bytes, check] of samples) {
			for (let trial = 0; trial < 300; trial++) {
				const damaged = Buffer.from(bytes);
				const count = 1 + Math.floor(next() * 4);
				for (let k = 0; k < count; k++) damaged[Math.floor(next() * damaged.length)] = Math.floor(next() * 256);
				const problem = check(damaged.subarray(0, next() < 0.3 ? Math.floor(next() * damaged.length) : damaged.length));
				if (problem !== null) expect(problem).toMatch(/^is (cut short|corrupt): /);
				expect(problem ?? '').not.toMatch(/could not be read/);
			}
		}
		for (let trial = 0; trial < 200; trial++) {
			const noise = Buffer.from(Array.from({ length: Math.floor(next() * 200) }, () => Math.floor(next() * 256)));
			for (const type of ['png', 'jpeg', 'webp', 'gif'] as const) expect(imageIntegrityProblem(noise, type)).not.toMatch(/could not be read/);
			expect(videoIntegrityProblem(noise)).not.toBeUndefined();
		}
	});
});

describe('checkImage and checkMotionVideo check the whole file', () => {
	it('refuses a cut PNG after the type check, before the size checks', () => {
		const bytes = makePng(1280, 720);
		expect(checkImage(bytes.subarray(0, bytes.length - 20))).toMatch(/^is cut short: the PNG ends inside chunk IDAT at byte \d+ of \d+$/);
		expect(checkImage(makePng(200, 200).subarray(0, 60))).toMatch(/^is cut short: /);
		// The type check comes first: a cut GIF is still refused as a GIF.
		expect(checkImage(makeGif(640, 640).subarray(0, 12))).toMatch(/is a GIF image; allowed are/);
	});

	it('refuses a cut or corrupt JPEG and accepts the fixtures', () => {
		expect(checkImage(makeJpeg(640, 360))).toBeNull();
		expect(checkImage(makeJpeg(640, 360).subarray(0, 1000))).toMatch(/^is cut short: the JPEG has no end-of-image marker/);
		expect(checkImage(makeWebp(640, 640))).toBeNull();
	});

	it('refuses a cut MP4 before reading its duration', () => {
		const bytes = makeMp4WithDuration(5);
		expect(checkMotionVideo(bytes, 'image')).toBeNull();
		expect(checkMotionVideo(bytes.subarray(0, bytes.length - 4), 'image')).toMatch(/^is cut short: the MP4's mdat box claims 23 bytes but the file has 19 from its start at byte \d+$/);
		expect(checkMotionVideo(media('video-with-audio.mp4').subarray(0, 3000), 'video')).toMatch(/^is cut short: the MP4's mdat box claims/);
	});
});
