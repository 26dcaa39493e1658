/**
 * A minimal MP4 muxer: ftyp, then moov (placed before mdat, "faststart", so a player or a probe
 * that reads only the head knows everything), then one mdat. Samples are grouped into chunks of
 * about a second, interleaved across tracks in time order, as a streaming player expects.
 */
import {
	box,
	fixed16,
	fourCc,
	fullBox,
	IDENTITY_MATRIX,
	LANGUAGE_UND,
	u16,
	u24,
	u32,
	u8,
	zeros,
} from './boxes';

/** mvhd/tkhd time unit: milliseconds, so a whole number of ms is an exact duration. */
export const MOVIE_TIMESCALE = 1000;
const CHUNK_SECONDS = 1;

export interface Mp4Track {
	kind: 'video' | 'audio';
	/** Units per second of `durations`. */
	timescale: number;
	/** The one stsd entry (an avc1 or mp4a box). */
	sampleEntry: Buffer;
	samples: Buffer[];
	durations: number[];
	/** 1-based sync sample numbers; omitted = every sample is a sync sample (no stss). */
	syncSamples?: number[];
	/** Display size (video). */
	width?: number;
	height?: number;
}

interface Chunk {
	track: number;
	/** Start time in seconds, for interleaving. */
	time: number;
	samples: number[];
}

export function muxMp4(tracks: Mp4Track[]): Buffer {
	for (const track of tracks) {
		if (track.samples.length === 0 || track.samples.length !== track.durations.length) {
			throw new Error('a track needs as many durations as samples, and at least one sample');
		}
	}
	const chunksPerTrack = tracks.map((track, index) => chunksOf(track, index));
	const chunks = chunksPerTrack.flat().sort((a, b) => a.time - b.time || a.track - b.track);

	// Where each chunk lands inside the mdat payload.
	const chunkOffsets = new Map<Chunk, number>();
	let mdatSize = 0;
	for (const chunk of chunks) {
		chunkOffsets.set(chunk, mdatSize);
		for (const sample of chunk.samples) mdatSize += tracks[chunk.track].samples[sample].length;
	}

	const ftyp = box('ftyp', fourCc('isom'), u32(0x200), fourCc('isom'), fourCc('iso2'), fourCc('avc1'), fourCc('mp41'));
	// stco offsets are absolute, and moov's size does not depend on their values: size it first.
	const moovWith = (base: number) =>
		movie(tracks, chunksPerTrack, (chunk) => base + (chunkOffsets.get(chunk) ?? 0));
	const moovSize = moovWith(0).length;
	const moov = moovWith(ftyp.length + moovSize + 8);
	if (moov.length !== moovSize) throw new Error('moov size changed between passes');

	const mdatHeader = Buffer.alloc(8);
	mdatHeader.writeUInt32BE(8 + mdatSize, 0);
	mdatHeader.write('mdat', 4, 'latin1');
	const payload: Buffer[] = [];
	for (const chunk of chunks) for (const sample of chunk.samples) payload.push(tracks[chunk.track].samples[sample]);
	return Buffer.concat([ftyp, moov, mdatHeader, ...payload]);
}

function chunksOf(track: Mp4Track, index: number): Chunk[] {
	const chunks: Chunk[] = [];
	let time = 0;
	track.samples.forEach((_, sample) => {
		const slot = Math.floor(time / track.timescale / CHUNK_SECONDS);
		let chunk = chunks[chunks.length - 1];
		if (!chunk || Math.floor(chunk.time / CHUNK_SECONDS) !== slot) {
			chunk = { track: index, time: time / track.timescale, samples: [] };
			chunks.push(chunk);
		}
		chunk.samples.push(sample);
		time += track.durations[sample];
	});
	return chunks;
}

const trackDuration = (track: Mp4Track) => track.durations.reduce((sum, value) => sum + value, 0);
const inMovieTime = (track: Mp4Track) => Math.round((trackDuration(track) * MOVIE_TIMESCALE) / track.timescale);

function movie(tracks: Mp4Track[], chunksPerTrack: Chunk[][], offsetOf: (chunk: Chunk) => number): Buffer {
	const duration = Math.max(...tracks.map(inMovieTime));
	const mvhd = fullBox(
		'mvhd', 0, 0,
		u32(0), u32(0), // creation, modification time: fixed, so the same spec gives the same bytes
		u32(MOVIE_TIMESCALE),
		u32(duration),
		u32(0x10000), // rate 1.0
		u16(0x100), // volume 1.0
		zeros(10),
		IDENTITY_MATRIX,
		zeros(24), // pre_defined
		u32(tracks.length + 1), // next_track_ID
	);
	return box('moov', mvhd, ...tracks.map((track, index) => trak(track, index + 1, chunksPerTrack[index], offsetOf)));
}

function trak(track: Mp4Track, id: number, chunks: Chunk[], offsetOf: (chunk: Chunk) => number): Buffer {
	const video = track.kind === 'video';
	const tkhd = fullBox(
		'tkhd', 0, 3, // enabled | in movie
		u32(0), u32(0),
		u32(id),
		u32(0),
		u32(inMovieTime(track)),
		zeros(8),
		u16(0), // layer
		u16(0), // alternate_group
		u16(video ? 0 : 0x100), // volume
		u16(0),
		IDENTITY_MATRIX,
		fixed16(video ? (track.width ?? 0) : 0),
		fixed16(video ? (track.height ?? 0) : 0),
	);
	const mdhd = fullBox('mdhd', 0, 0, u32(0), u32(0), u32(track.timescale), u32(trackDuration(track)), LANGUAGE_UND, u16(0));
	const hdlr = fullBox(
		'hdlr', 0, 0,
		u32(0),
		fourCc(video ? 'vide' : 'soun'),
		zeros(12),
		Buffer.from(`${video ? 'Video' : 'Sound'}Handler\0`, 'latin1'),
	);
	const mediaHeader = video ? fullBox('vmhd', 0, 1, zeros(8)) : fullBox('smhd', 0, 0, zeros(4));
	const dinf = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));
	const stbl = box(
		'stbl',
		fullBox('stsd', 0, 0, u32(1), track.sampleEntry),
		timeToSample(track.durations),
		...(track.syncSamples ? [fullBox('stss', 0, 0, u32(track.syncSamples.length), ...track.syncSamples.map(u32))] : []),
		sampleToChunk(chunks),
		fullBox('stsz', 0, 0, u32(0), u32(track.samples.length), ...track.samples.map((s) => u32(s.length))),
		fullBox('stco', 0, 0, u32(chunks.length), ...chunks.map((chunk) => u32(offsetOf(chunk)))),
	);
	return box('trak', tkhd, box('mdia', mdhd, hdlr, box('minf', mediaHeader, dinf, stbl)));
}

/** stts: runs of equal durations. */
function timeToSample(durations: number[]): Buffer {
	const runs: [number, number][] = [];
	for (const delta of durations) {
		const last = runs[runs.length - 1];
		if (last && last[1] === delta) last[0]++;
		else runs.push([1, delta]);
	}
	return fullBox('stts', 0, 0, u32(runs.length), ...runs.flatMap(([count, delta]) => [u32(count), u32(delta)]));
}

/** stsc: one entry each time the number of samples per chunk changes. */
function sampleToChunk(chunks: Chunk[]): Buffer {
	const perChunk = chunks.map((chunk) => chunk.samples.length);
	const entries: Buffer[] = [];
	perChunk.forEach((count, index) => {
		if (index === 0 || count !== perChunk[index - 1]) entries.push(Buffer.concat([u32(index + 1), u32(count), u32(1)]));
	});
	return fullBox('stsc', 0, 0, u32(entries.length), ...entries);
}

/** avc1 sample entry with its avcC (ISO 14496-15), for one SPS and one PPS. */
export function avc1Entry(width: number, height: number, sps: Buffer, pps: Buffer): Buffer {
	const avcC = box(
		'avcC',
		u8(1), // configurationVersion
		u8(sps[1]), // AVCProfileIndication
		u8(sps[2]), // profile_compatibility
		u8(sps[3]), // AVCLevelIndication
		u8(0xfc | 3), // lengthSizeMinusOne = 3: 4-byte NAL lengths
		u8(0xe0 | 1), // one SPS
		u16(sps.length),
		sps,
		u8(1), // one PPS
		u16(pps.length),
		pps,
	);
	const compressorName = Buffer.alloc(32);
	const name = 'emulator I_PCM';
	compressorName[0] = name.length;
	compressorName.write(name, 1, 'latin1');
	return box(
		'avc1',
		zeros(6), u16(1), // reserved, data_reference_index
		zeros(16), // pre_defined, reserved
		u16(width), u16(height),
		fixed16(72), fixed16(72), // 72 dpi
		u32(0),
		u16(1), // frame_count
		compressorName,
		u16(0x18), // depth
		u16(0xffff), // pre_defined = -1
		avcC,
	);
}

/** mp4a sample entry with an esds carrying the AudioSpecificConfig. */
export function mp4aEntry(options: {
	channelCount: number;
	sampleRate: number;
	objectTypeIndication: number;
	audioSpecificConfig: Buffer;
	bufferSize: number;
	maxBitrate: number;
	avgBitrate: number;
}): Buffer {
	const decoderConfig = descriptor(
		4,
		u8(options.objectTypeIndication),
		u8((0x05 << 2) | 1), // streamType audio, upStream 0, reserved 1
		u24(options.bufferSize),
		u32(options.maxBitrate),
		u32(options.avgBitrate),
		descriptor(5, options.audioSpecificConfig),
	);
	const esDescriptor = descriptor(3, u16(0), u8(0), decoderConfig, descriptor(6, u8(2)));
	return box(
		'mp4a',
		zeros(6), u16(1),
		zeros(8), // version, revision, vendor
		u16(options.channelCount),
		u16(16), // samplesize
		u16(0), u16(0),
		u32(options.sampleRate * 65536),
		fullBox('esds', 0, 0, esDescriptor),
	);
}

/** An MPEG-4 descriptor: tag, length in 7-bit groups, body. */
function descriptor(tag: number, ...body: Buffer[]): Buffer {
	const content = Buffer.concat(body);
	const lengthBytes: number[] = [];
	let length = content.length;
	do {
		lengthBytes.unshift(length & 0x7f);
		length >>= 7;
	} while (length > 0);
	for (let i = 0; i < lengthBytes.length - 1; i++) lengthBytes[i] |= 0x80;
	return Buffer.concat([Buffer.from([tag, ...lengthBytes]), content]);
}
