/**
 * The pure-TypeScript MP4 generator (test/emulator/mp4/): box layout, sizes and durations as
 * asked, audio only on request, and an H.264 stream read back here with its own small bit reader
 * (SPS size and crop, every IDR macroblock I_PCM, every later frame one skip run).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AAC_FIXTURE, parseAacFixture } from './mp4/aac';
import { glyph, hasGlyph } from './mp4/font';
import { encodeStill } from './mp4/h264';
import {
	clearRenderCache,
	clock,
	CACHE_ENTRIES,
	FPS,
	FRAME_SIZES,
	frameSizeFor,
	frameSizeForImage,
	ratioOf,
	renderVideo,
	type AspectRatio,
	type VideoSpec,
} from './mp4/index';
import { escapeRbsp, unescapeRbsp } from './mp4/nal';
import { wrap } from './mp4/render';
import { childrenOf, findBox, handlerType, type Mp4Box, outline, readBoxes, readSampleTable } from './mp4/reader';

const RATIOS: AspectRatio[] = ['16:9', '9:16', '1:1'];
const LABEL = '7f3c9a2e-1b4d-4e8a-9c3f-0d2e5b6a7c81 a cat riding a skateboard';

const spec = (overrides: Partial<VideoSpec> = {}): VideoSpec => ({
	...frameSizeFor('16:9'),
	seconds: 5,
	withAudio: false,
	label: LABEL,
	...overrides,
});

/** The parsed file, with the bits the tests look at. */
function parse(bytes: Buffer) {
	const boxes = readBoxes(bytes);
	const moov = findBox(boxes, 'moov');
	if (!moov) throw new Error(`no moov:\n${outline(boxes)}`);
	const traks = childrenOf(moov.children, 'trak');
	const byHandler = (type: string) => traks.find((trak) => handlerType(bytes, trak) === type);
	const mvhd = findBox(moov.children, 'mvhd')!;
	return {
		boxes,
		traks,
		video: byHandler('vide'),
		audio: byHandler('soun'),
		mdat: findBox(boxes, 'mdat')!,
		movieTimescale: bytes.readUInt32BE(mvhd.contentStart + 12),
		movieDuration: bytes.readUInt32BE(mvhd.contentStart + 16),
	};
}

const types = (boxes: Mp4Box[]) => boxes.map((box) => box.type);

function tkhdSize(bytes: Buffer, trak: Mp4Box) {
	const tkhd = findBox(trak.children, 'tkhd')!;
	// version 0: flags(4) times(8) id(4) reserved(4) duration(4) reserved(8) layer..volume(8) matrix(36)
	return { width: bytes.readUInt32BE(tkhd.contentStart + 76) / 65536, height: bytes.readUInt32BE(tkhd.contentStart + 80) / 65536 };
}

function mdhd(bytes: Buffer, trak: Mp4Box) {
	const box = findBox(trak.children, 'mdia/mdhd')!;
	return { timescale: bytes.readUInt32BE(box.contentStart + 12), duration: bytes.readUInt32BE(box.contentStart + 16) };
}

/** The avcC's SPS and PPS NAL units. */
function avcC(bytes: Buffer, video: Mp4Box) {
	const box = findBox(video.children, 'mdia/minf/stbl/stsd/avc1/avcC')!;
	let at = box.contentStart;
	expect(bytes[at]).toBe(1); // configurationVersion
	expect(bytes[at + 4] & 3).toBe(3); // 4-byte NAL lengths
	expect(bytes[at + 5] & 0x1f).toBe(1);
	at += 6;
	const spsLength = bytes.readUInt16BE(at);
	const sps = bytes.subarray(at + 2, at + 2 + spsLength);
	at += 2 + spsLength;
	expect(bytes[at]).toBe(1);
	const pps = bytes.subarray(at + 3, at + 3 + bytes.readUInt16BE(at + 1));
	return { sps, pps };
}

/** MSB-first bit reader with exp-Golomb, written here rather than borrowed from the writer. */
class BitReader {
	private bit = 0;
	constructor(private readonly bytes: Buffer) {}
	u(count: number): number {
		let value = 0;
		for (let i = 0; i < count; i++) {
			if (this.bit >= this.bytes.length * 8) throw new Error('read past the end');
			value = value * 2 + ((this.bytes[this.bit >> 3] >> (7 - (this.bit & 7))) & 1);
			this.bit++;
		}
		return value;
	}
	ue(): number {
		let zeros = 0;
		while (this.u(1) === 0) zeros++;
		return 2 ** zeros - 1 + this.u(zeros);
	}
	se(): number {
		const code = this.ue();
		return code % 2 ? (code + 1) / 2 : -code / 2;
	}
	align(): void {
		while (this.bit % 8) expect(this.u(1)).toBe(0);
	}
	skipBytes(count: number): Buffer {
		expect(this.bit % 8).toBe(0);
		const out = this.bytes.subarray(this.bit / 8, this.bit / 8 + count);
		if (out.length !== count) throw new Error('read past the end');
		this.bit += count * 8;
		return out;
	}
	/** rbsp_trailing_bits: a one, zeros to the byte boundary, and nothing after. */
	expectTrailing(): void {
		expect(this.u(1)).toBe(1);
		this.align();
		expect(this.bit / 8).toBe(this.bytes.length);
	}
}

/** SPS → the fields that matter here, and the display size they give. */
function parseSps(nal: Buffer) {
	expect(nal[0] & 0x1f).toBe(7);
	const r = new BitReader(unescapeRbsp(nal.subarray(1)));
	const profile = r.u(8);
	const constraints = r.u(8);
	const level = r.u(8);
	const spsId = r.ue();
	const log2MaxFrameNum = r.ue() + 4;
	const pocType = r.ue();
	expect(pocType).toBe(2); // nothing else is parsed below
	const maxRefFrames = r.ue();
	const gaps = r.u(1);
	const widthMbs = r.ue() + 1;
	const heightMapUnits = r.ue() + 1;
	const frameMbsOnly = r.u(1);
	const direct8x8 = r.u(1);
	const crop = { left: 0, right: 0, top: 0, bottom: 0 };
	if (r.u(1)) {
		crop.left = r.ue();
		crop.right = r.ue();
		crop.top = r.ue();
		crop.bottom = r.ue();
	}
	const vui = r.u(1);
	return {
		profile,
		constraints,
		level,
		spsId,
		log2MaxFrameNum,
		maxRefFrames,
		gaps,
		widthMbs,
		heightMbs: heightMapUnits * (2 - frameMbsOnly),
		frameMbsOnly,
		direct8x8,
		crop,
		vui,
		// 4:2:0 frame: CropUnitX = CropUnitY = 2.
		width: widthMbs * 16 - 2 * (crop.left + crop.right),
		height: heightMapUnits * 16 - 2 * (crop.top + crop.bottom),
	};
}

/** The video samples as NAL units (4-byte length prefixes), from the sample table. */
function videoNals(bytes: Buffer, video: Mp4Box): Buffer[][] {
	const table = readSampleTable(bytes, video);
	return table.offsets.map((offset, i) => {
		const nals: Buffer[] = [];
		for (let at = offset; at < offset + table.sizes[i]; ) {
			const length = bytes.readUInt32BE(at);
			nals.push(bytes.subarray(at + 4, at + 4 + length));
			at += 4 + length;
		}
		return nals;
	});
}

/** Decodes the slice header this generator writes (I or P, PPS with deblocking control). */
function readSliceHeader(r: BitReader, sps: ReturnType<typeof parseSps>, idr: boolean) {
	const firstMb = r.ue();
	const sliceType = r.ue();
	const ppsId = r.ue();
	const frameNum = r.u(sps.log2MaxFrameNum);
	if (idr) r.ue(); // idr_pic_id
	if (sliceType % 5 === 0) {
		expect(r.u(1)).toBe(0); // num_ref_idx_active_override_flag
		expect(r.u(1)).toBe(0); // ref_pic_list_modification_flag_l0
	}
	if (idr) r.u(2);
	else r.u(1);
	const qpDelta = r.se();
	const deblocking = r.ue();
	return { firstMb, sliceType, ppsId, frameNum, qpDelta, deblocking };
}

/** The IDR picture's luma plane at coded size, decoded from its I_PCM macroblocks. */
function decodeIdr(nal: Buffer, sps: ReturnType<typeof parseSps>): Uint8Array {
	expect(nal[0] & 0x1f).toBe(5);
	const r = new BitReader(unescapeRbsp(nal.subarray(1)));
	const header = readSliceHeader(r, sps, true);
	expect(header).toMatchObject({ firstMb: 0, sliceType: 7, frameNum: 0 });
	const stride = sps.widthMbs * 16;
	const luma = new Uint8Array(stride * sps.heightMbs * 16);
	for (let mb = 0; mb < sps.widthMbs * sps.heightMbs; mb++) {
		expect(r.ue()).toBe(25); // I_PCM
		r.align();
		const samples = r.skipBytes(384);
		const x = (mb % sps.widthMbs) * 16;
		const y = Math.floor(mb / sps.widthMbs) * 16;
		for (let row = 0; row < 16; row++) luma.set(samples.subarray(row * 16, row * 16 + 16), (y + row) * stride + x);
	}
	r.expectTrailing();
	return luma;
}

beforeEach(() => clearRenderCache());

describe('box layout', () => {
	it('is ftyp, moov, mdat with the full video track tree, moov first', () => {
		const bytes = renderVideo(spec());
		const { boxes, traks, video } = parse(bytes);
		const tree = outline(boxes);
		expect(types(boxes)).toEqual(['ftyp', 'moov', 'mdat']);
		expect(bytes.toString('latin1', 8, 12)).toBe('isom');
		expect(types(findBox(boxes, 'moov')!.children)).toEqual(['mvhd', 'trak']);
		expect(traks).toHaveLength(1);
		expect(types(video!.children)).toEqual(['tkhd', 'mdia']);
		expect(types(findBox(video!.children, 'mdia')!.children)).toEqual(['mdhd', 'hdlr', 'minf']);
		expect(types(findBox(video!.children, 'mdia/minf')!.children)).toEqual(['vmhd', 'dinf', 'stbl']);
		expect(types(findBox(video!.children, 'mdia/minf/stbl')!.children)).toEqual(['stsd', 'stts', 'stss', 'stsc', 'stsz', 'stco']);
		expect(types(findBox(video!.children, 'mdia/minf/stbl/stsd')!.children)).toEqual(['avc1']);
		expect(types(findBox(video!.children, 'mdia/minf/stbl/stsd/avc1')!.children)).toEqual(['avcC']);
		expect(findBox(video!.children, 'mdia/minf/dinf/dref')).toBeDefined();
		expect(tree).toContain('mdat');
	});

	it('puts every sample inside mdat, the first one the only sync sample', () => {
		const bytes = renderVideo(spec({ withAudio: true, seconds: 10 }));
		const { video, audio, mdat } = parse(bytes);
		for (const trak of [video!, audio!]) {
			const table = readSampleTable(bytes, trak);
			table.offsets.forEach((offset, i) => {
				expect(offset).toBeGreaterThanOrEqual(mdat.contentStart);
				expect(offset + table.sizes[i]).toBeLessThanOrEqual(mdat.end);
			});
		}
		const stss = findBox(video!.children, 'mdia/minf/stbl/stss')!;
		expect(bytes.readUInt32BE(stss.contentStart + 4)).toBe(1);
		expect(bytes.readUInt32BE(stss.contentStart + 8)).toBe(1);
		// Samples of the two tracks do not overlap and fill mdat exactly.
		const ranges = [video!, audio!]
			.flatMap((trak) => {
				const table = readSampleTable(bytes, trak);
				return table.offsets.map((offset, i) => [offset, offset + table.sizes[i]]);
			})
			.sort((a, b) => a[0] - b[0]);
		expect(ranges[0][0]).toBe(mdat.contentStart);
		for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1]);
		expect(ranges[ranges.length - 1][1]).toBe(mdat.end);
	});
});

describe('size, duration and audio follow the spec', () => {
	it.each(RATIOS)('%s: tkhd, avc1 and the SPS all give the frame size', (ratio) => {
		const size = frameSizeFor(ratio);
		const bytes = renderVideo(spec(size));
		const { video } = parse(bytes);
		expect(tkhdSize(bytes, video!)).toEqual(size);
		const avc1 = findBox(video!.children, 'mdia/minf/stbl/stsd/avc1')!;
		expect({ width: bytes.readUInt16BE(avc1.start + 32), height: bytes.readUInt16BE(avc1.start + 34) }).toEqual(size);
		const sps = parseSps(avcC(bytes, video!).sps);
		expect({ width: sps.width, height: sps.height }).toEqual(size);
	});

	it('uses the suggested sizes', () => {
		expect(FRAME_SIZES).toEqual({
			'16:9': { width: 192, height: 108 },
			'9:16': { width: 108, height: 192 },
			'1:1': { width: 144, height: 144 },
		});
		expect(RATIOS.map((ratio) => ratioOf(frameSizeFor(ratio).width, frameSizeFor(ratio).height))).toEqual(RATIOS);
	});

	it.each([5, 10])('lasts exactly %i s in mvhd, tkhd, mdhd and stts', (seconds) => {
		const bytes = renderVideo(spec({ seconds, withAudio: true }));
		const { movieTimescale, movieDuration, traks } = parse(bytes);
		expect(movieDuration / movieTimescale).toBe(seconds);
		for (const trak of traks) {
			const media = mdhd(bytes, trak);
			expect(media.duration / media.timescale).toBe(seconds);
			const table = readSampleTable(bytes, trak);
			expect(table.durations.reduce((a, b) => a + b, 0)).toBe(media.duration);
			const tkhd = findBox(trak.children, 'tkhd')!;
			expect(bytes.readUInt32BE(tkhd.contentStart + 20)).toBe(movieDuration);
		}
		expect(readSampleTable(bytes, parse(bytes).video!).sizes).toHaveLength(seconds * FPS);
	});

	it('has an audio track only when audio was asked', () => {
		for (const ratio of RATIOS) {
			const silent = parse(renderVideo(spec({ ...frameSizeFor(ratio), withAudio: false })));
			const withAudio = parse(renderVideo(spec({ ...frameSizeFor(ratio), withAudio: true })));
			expect(silent.traks).toHaveLength(1);
			expect(silent.audio).toBeUndefined();
			expect(withAudio.traks).toHaveLength(2);
			expect(withAudio.audio).toBeDefined();
		}
	});

	it("carries the fixture's AAC config and frames, looped to length", () => {
		const fixture = parseAacFixture(readFileSync(AAC_FIXTURE));
		expect(fixture).toMatchObject({ sampleRate: 22050, channelCount: 1, samplesPerFrame: 1024, objectTypeIndication: 0x40 });
		expect(fixture.frames.length).toBeGreaterThan(10);

		const bytes = renderVideo(spec({ seconds: 10, withAudio: true }));
		const { audio } = parse(bytes);
		const trak = audio!;
		expect(types(findBox(trak.children, 'mdia/minf')!.children)).toEqual(['smhd', 'dinf', 'stbl']);
		const mp4a = findBox(trak.children, 'mdia/minf/stbl/stsd/mp4a')!;
		expect(bytes.readUInt16BE(mp4a.start + 24)).toBe(1); // channelcount
		expect(bytes.readUInt32BE(mp4a.start + 32) / 65536).toBe(22050);
		const esds = findBox(mp4a.children, 'esds')!;
		expect(bytes.subarray(esds.contentStart, esds.end).includes(fixture.audioSpecificConfig)).toBe(true);

		const table = readSampleTable(bytes, trak);
		expect(mdhd(bytes, trak)).toEqual({ timescale: 22050, duration: 220500 });
		expect(table.sizes).toHaveLength(Math.ceil(220500 / 1024));
		table.offsets.forEach((offset, i) => {
			const expected = fixture.frames[i % fixture.frames.length];
			expect(bytes.subarray(offset, offset + table.sizes[i]).equals(expected)).toBe(true);
		});
	});
});

describe('the H.264 stream', () => {
	const sizes = [
		...RATIOS.map((ratio) => frameSizeFor(ratio)),
		{ width: 130, height: 98 },
		{ width: 16, height: 16 },
	];

	it.each(sizes)('SPS: Constrained Baseline, $width x $height through macroblocks and crop', ({ width, height }) => {
		const bytes = renderVideo(spec({ width, height }));
		const sps = parseSps(avcC(bytes, parse(bytes).video!).sps);
		expect(sps).toMatchObject({ profile: 66, constraints: 0xc0, frameMbsOnly: 1, maxRefFrames: 1, gaps: 0 });
		expect(sps.widthMbs).toBe(Math.ceil(width / 16));
		expect(sps.heightMbs).toBe(Math.ceil(height / 16));
		expect(sps.crop.left).toBe(0);
		expect(sps.crop.top).toBe(0);
		expect(sps.crop.right).toBe((sps.widthMbs * 16 - width) / 2);
		expect(sps.crop.bottom).toBe((sps.heightMbs * 16 - height) / 2);
		expect({ width: sps.width, height: sps.height }).toEqual({ width, height });
	});

	it('crops 192x108 as 12x7 macroblocks minus 4 rows', () => {
		const bytes = renderVideo(spec(frameSizeFor('16:9')));
		const sps = parseSps(avcC(bytes, parse(bytes).video!).sps);
		expect(sps).toMatchObject({ widthMbs: 12, heightMbs: 7, crop: { left: 0, right: 0, top: 0, bottom: 2 } });
	});

	it('codes the first frame as all I_PCM and every other frame as one skip run over all macroblocks', () => {
		const bytes = renderVideo(spec({ ...frameSizeFor('9:16'), seconds: 5 }));
		const { video } = parse(bytes);
		const sps = parseSps(avcC(bytes, video!).sps);
		const frames = videoNals(bytes, video!);
		expect(frames).toHaveLength(50);
		expect(frames[0]).toHaveLength(1);
		decodeIdr(frames[0][0], sps);
		frames.slice(1).forEach((nals, index) => {
			expect(nals).toHaveLength(1);
			expect(nals[0][0] & 0x1f).toBe(1);
			expect(nals[0][0] >> 5).toBeGreaterThan(0); // reference picture: type-2 POC needs it
			const r = new BitReader(unescapeRbsp(nals[0].subarray(1)));
			expect(readSliceHeader(r, sps, false)).toMatchObject({ firstMb: 0, sliceType: 5, frameNum: (index + 1) % 2 ** sps.log2MaxFrameNum });
			expect(r.ue()).toBe(sps.widthMbs * sps.heightMbs); // mb_skip_run
			r.expectTrailing();
		});
	});

	it('draws the label: a background and a contrasting text colour, different per label', () => {
		const lumaOf = (label: string) => {
			const bytes = renderVideo(spec({ label }));
			const { video } = parse(bytes);
			return decodeIdr(videoNals(bytes, video!)[0][0], parseSps(avcC(bytes, video!).sps));
		};
		const first = lumaOf('JOB-1 A RED FOX');
		const second = lumaOf('JOB-2 A BLUE WHALE');
		const histogram = new Map<number, number>();
		for (const value of first) histogram.set(value, (histogram.get(value) ?? 0) + 1);
		const [background, text] = [...histogram].sort((a, b) => b[1] - a[1]);
		expect(Math.abs(background[0] - text[0])).toBeGreaterThan(60); // legible contrast
		expect(text[1]).toBeGreaterThan(200); // many text pixels, not a stray few
		expect(Buffer.from(first).equals(Buffer.from(second))).toBe(false);
	});

	it('inserts emulation prevention bytes where raw samples would form a start code', () => {
		expect([...escapeRbsp(Buffer.from([0, 0, 0]))]).toEqual([0, 0, 3, 0]);
		expect([...escapeRbsp(Buffer.from([0, 0, 1, 0, 0, 2, 0, 0, 3]))]).toEqual([0, 0, 3, 1, 0, 0, 3, 2, 0, 0, 3, 3]);
		expect([...escapeRbsp(Buffer.from([0, 0, 4, 0, 0]))]).toEqual([0, 0, 4, 0, 0]);
		expect([...escapeRbsp(Buffer.from([0, 0, 0, 0, 0, 0]))]).toEqual([0, 0, 3, 0, 0, 3, 0, 0]);

		// A picture of zeros (impossible from the renderer, which stays in video range) must still
		// give a NAL with no 00 00 0x (x ≤ 3) and decode back to the same samples.
		const zeros = { width: 32, height: 16, y: new Uint8Array(512), u: new Uint8Array(128), v: new Uint8Array(128) };
		const stream = encodeStill(zeros, 32, 16, FPS, 2);
		const idr = stream.frames[0][0];
		let escapes = 0;
		for (let i = 2; i < idr.length; i++) {
			if (idr[i - 2] !== 0 || idr[i - 1] !== 0) continue;
			expect(idr[i]).toBeGreaterThanOrEqual(3); // 00 00 00/01/02 never occurs inside a NAL
			if (idr[i] === 3) escapes++;
		}
		expect(escapes).toBeGreaterThan(100);
		const sps = parseSps(stream.sps);
		expect(decodeIdr(idr, sps).every((value) => value === 0)).toBe(true);
	});
});

describe('determinism and caching', () => {
	it('gives identical bytes for the same spec, even after the cache is cleared', () => {
		const first = Buffer.from(renderVideo(spec({ withAudio: true })));
		clearRenderCache();
		expect(renderVideo(spec({ withAudio: true })).equals(first)).toBe(true);
	});

	it('gives different mdat bytes for two labels', () => {
		const mdatOf = (label: string) => {
			const bytes = renderVideo(spec({ label }));
			const { mdat } = parse(bytes);
			return bytes.subarray(mdat.contentStart, mdat.end);
		};
		expect(mdatOf('job-a').equals(mdatOf('job-b'))).toBe(false);
	});

	it('serves a repeat from the cache and evicts the least recently used past the bound', () => {
		const a = renderVideo(spec({ label: 'cached-a' }));
		expect(renderVideo(spec({ label: 'cached-a' }))).toBe(a);
		const b = renderVideo(spec({ label: 'cached-b' }));
		for (let i = 0; i < CACHE_ENTRIES - 1; i++) {
			renderVideo(spec({ label: `filler-${i}`, seconds: 1 }));
			if (i === 0) renderVideo(spec({ label: 'cached-a' })); // a is now used more recently than b
		}
		expect(renderVideo(spec({ label: 'cached-a' }))).toBe(a);
		const again = renderVideo(spec({ label: 'cached-b' }));
		expect(again).not.toBe(b);
		expect(again.equals(b)).toBe(true);
	});
});

describe('frame sizes and input checks', () => {
	it('maps ratios and image shapes to even sizes with the longer side 192', () => {
		expect(frameSizeFor('9:16')).toEqual({ width: 108, height: 192 });
		expect(frameSizeForImage(1920, 1080)).toEqual({ width: 192, height: 108 });
		expect(frameSizeForImage(1080, 1920)).toEqual({ width: 108, height: 192 });
		expect(frameSizeForImage(4000, 3000)).toEqual({ width: 192, height: 144 });
		expect(frameSizeForImage(512, 512)).toEqual({ width: 192, height: 192 });
		expect(frameSizeForImage(1001, 333)).toEqual({ width: 192, height: 64 });
		expect(frameSizeForImage(5000, 10)).toEqual({ width: 192, height: 16 });
		for (const [w, h] of [[1001, 333], [333, 1001], [777, 555]]) {
			const size = frameSizeForImage(w, h);
			expect(size.width % 2 + (size.height % 2)).toBe(0);
			expect(Math.max(size.width, size.height)).toBe(192);
		}
		expect(() => frameSizeForImage(0, 10)).toThrow(RangeError);
		expect(() => frameSizeForImage(Number.NaN, 10)).toThrow(RangeError);
		expect(() => frameSizeFor('4:3' as AspectRatio)).toThrow(RangeError);
	});

	it('renders any image-shaped size that it accepts, and refuses the rest', () => {
		const size = frameSizeForImage(777, 555);
		const bytes = renderVideo(spec(size));
		expect(tkhdSize(bytes, parse(bytes).video!)).toEqual(size);
		expect(() => renderVideo(spec({ width: 191 }))).toThrow(RangeError);
		expect(() => renderVideo(spec({ height: 8 }))).toThrow(RangeError);
		expect(() => renderVideo(spec({ seconds: 0 }))).toThrow(RangeError);
		expect(() => renderVideo(spec({ seconds: 1.0005 }))).toThrow(RangeError);
	});

	it('accepts fractional durations in whole milliseconds, the last frame cut to fit', () => {
		const bytes = renderVideo(spec({ seconds: 2.25 }));
		const { movieDuration, movieTimescale, video } = parse(bytes);
		expect(movieDuration / movieTimescale).toBe(2.25);
		expect(readSampleTable(bytes, video!).durations.slice(-2)).toEqual([100, 50]);
	});
});

describe('font and layout', () => {
	it('has a glyph for every letter, digit and the punctuation labels use; lowercase as uppercase', () => {
		for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:./ ') expect(hasGlyph(char)).toBe(true);
		expect(glyph('q')).toEqual(glyph('Q'));
		expect(glyph('~')).not.toEqual(glyph(' ')); // unknown characters stay visible
		const shapes = new Set([...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'].map((char) => glyph(char).join()));
		expect(shapes.size).toBe(36);
	});

	it('wraps on words, cuts long words, keeps newlines and marks truncation', () => {
		expect(wrap('a cat riding a skateboard', 10, 9)).toEqual({ lines: ['a cat', 'riding a', 'skateboard'], truncated: false, cut: false });
		expect(wrap('0123456789abcdef', 6, 9)).toEqual({ lines: ['012345', '6789ab', 'cdef'], truncated: false, cut: true });
		expect(wrap('job-1\nhello world', 20, 9).lines).toEqual(['job-1', 'hello world']);
		expect(wrap('7f3c9a2e-1b4d-4e8a-9c3f-0d2e5b6a7c81', 15, 9)).toEqual({
			lines: ['7f3c9a2e-1b4d-', '4e8a-9c3f-', '0d2e5b6a7c81'],
			truncated: false,
			cut: false,
		});
		expect(wrap('one two three four', 5, 2)).toEqual({ lines: ['one', 'two..'], truncated: true, cut: false });
		expect(wrap('anything', 0, 3)).toEqual({ lines: [], truncated: true, cut: false });
	});

	it('captions the duration as a clock', () => {
		expect([5000, 10000, 2250, 90000, 600000].map(clock)).toEqual(['0:05', '0:10', '0:02.25', '1:30', '10:00']);
	});
});

it('keeps the committed fixture where aac.ts reads it', () => {
	expect(AAC_FIXTURE).toBe(join(__dirname, '..', 'fixtures', 'media', 'video-with-audio.mp4'));
});
