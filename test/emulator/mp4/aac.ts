/**
 * Audio without an encoder: the AAC frames of the committed fixture (a 1 s 440 Hz tone, see
 * test/fixtures/media/README.md), looped to any length. The fixture is parsed once: its
 * AudioSpecificConfig (esds), channel count and rate, and its frames via the sample table.
 *
 * Only the steady-state frames loop: the encoder's priming frame (what the fixture's edit list
 * skips) and a short final frame would otherwise put a gap in every second of audio.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childrenOf, findBox, handlerType, type Mp4Box, readBoxes, readSampleTable } from './reader';

export const AAC_FIXTURE = join(__dirname, '..', '..', 'fixtures', 'media', 'video-with-audio.mp4');

export interface AacSource {
	sampleRate: number;
	channelCount: number;
	/** The DecoderSpecificInfo of the fixture's esds, copied into ours unchanged. */
	audioSpecificConfig: Buffer;
	objectTypeIndication: number;
	/** PCM samples per AAC frame (1024 for AAC-LC). */
	samplesPerFrame: number;
	/** The frames that loop cleanly, in order. */
	frames: Buffer[];
}

let cached: AacSource | undefined;

export function aacSource(): AacSource {
	cached ??= parseAacFixture(readFileSync(AAC_FIXTURE));
	return cached;
}

export function parseAacFixture(bytes: Buffer): AacSource {
	const boxes = readBoxes(bytes);
	const moov = findBox(boxes, 'moov');
	const trak = moov && childrenOf(moov.children, 'trak').find((t) => handlerType(bytes, t) === 'soun');
	if (!trak) throw new Error('the audio fixture has no sound track');
	const mp4a = findBox(trak.children, 'mdia/minf/stbl/stsd/mp4a');
	const esds = mp4a && findBox(mp4a.children, 'esds');
	if (!mp4a || !esds) throw new Error('the audio fixture track is not mp4a with an esds');
	const { objectTypeIndication, audioSpecificConfig } = parseEsds(bytes.subarray(esds.contentStart + 4, esds.end));
	// The real channel count is in the AudioSpecificConfig: ffmpeg writes the sample entry's
	// channelcount as the spec's template value 2 even for mono. (The entry's field sits after
	// 8 bytes of box header, 8 of SampleEntry and 8 reserved.)
	const channelCount = ascChannels(audioSpecificConfig) || bytes.readUInt16BE(mp4a.start + 24);

	const table = readSampleTable(bytes, trak);
	const samplesPerFrame = mostCommon(table.durations);
	const priming = editListMediaTime(bytes, trak);
	let first = Math.ceil(priming / samplesPerFrame);
	let last = table.sizes.length;
	while (last > first && table.durations[last - 1] < samplesPerFrame) last--;
	if (last <= first) first = 0; // nothing would be left: loop everything rather than nothing
	const frames: Buffer[] = [];
	for (let i = first; i < last; i++) frames.push(bytes.subarray(table.offsets[i], table.offsets[i] + table.sizes[i]));
	return { sampleRate: table.timescale, channelCount, audioSpecificConfig, objectTypeIndication, samplesPerFrame, frames };
}

/**
 * `seconds` of audio as (frame, duration) pairs: whole frames of the loop, the last one's
 * duration shortened so the total is exactly round(seconds × rate) samples.
 */
export function aacFramesFor(seconds: number): { frames: Buffer[]; durations: number[]; source: AacSource } {
	const source = aacSource();
	const total = Math.round(seconds * source.sampleRate);
	const count = Math.ceil(total / source.samplesPerFrame);
	const frames: Buffer[] = [];
	const durations: number[] = [];
	for (let i = 0; i < count; i++) {
		frames.push(source.frames[i % source.frames.length]);
		durations.push(Math.min(source.samplesPerFrame, total - i * source.samplesPerFrame));
	}
	return { frames, durations, source };
}

/** The ES_Descriptor's DecoderConfigDescriptor (tag 4) and its DecoderSpecificInfo (tag 5). */
function parseEsds(payload: Buffer): { objectTypeIndication: number; audioSpecificConfig: Buffer } {
	const es = readDescriptor(payload, 0);
	if (es.tag !== 3) throw new Error('esds does not start with an ES_Descriptor');
	let at = es.body + 2; // ES_ID
	const flags = payload[at++];
	if (flags & 0x80) at += 2; // dependsOn_ES_ID
	if (flags & 0x40) at += 1 + payload[at]; // URL
	if (flags & 0x20) at += 2; // OCR_ES_Id
	while (at < es.end) {
		const descriptor = readDescriptor(payload, at);
		if (descriptor.tag === 4) {
			const objectTypeIndication = payload[descriptor.body];
			let inner = descriptor.body + 13; // objectType, streamType, bufferSizeDB(3), max and avg bitrate
			while (inner < descriptor.end) {
				const info = readDescriptor(payload, inner);
				if (info.tag === 5) return { objectTypeIndication, audioSpecificConfig: Buffer.from(payload.subarray(info.body, info.end)) };
				inner = info.end;
			}
		}
		at = descriptor.end;
	}
	throw new Error('esds has no AudioSpecificConfig');
}

/** channelConfiguration of an AudioSpecificConfig (ISO 14496-3 1.6.2.1); 0 = given elsewhere. */
function ascChannels(config: Buffer): number {
	let bit = 0;
	const read = (count: number) => {
		let value = 0;
		for (let i = 0; i < count; i++, bit++) value = (value << 1) | ((config[bit >> 3] >> (7 - (bit & 7))) & 1);
		return value;
	};
	if (read(5) === 31) read(6); // audioObjectType escape
	if (read(4) === 15) read(24); // explicit samplingFrequency
	return read(4);
}

/** An MPEG-4 descriptor header: tag byte, then a length in 7-bit groups (high bit = more). */
function readDescriptor(bytes: Buffer, at: number): { tag: number; body: number; end: number } {
	const tag = bytes[at++];
	let length = 0;
	for (let i = 0; i < 4; i++) {
		const byte = bytes[at++];
		length = (length << 7) | (byte & 0x7f);
		if (!(byte & 0x80)) break;
	}
	return { tag, body: at, end: at + length };
}

/** media_time of the first edit (samples the encoder put in front), or 0 with no edit list. */
function editListMediaTime(bytes: Buffer, trak: Mp4Box): number {
	const elst = findBox(trak.children, 'edts/elst');
	if (!elst || bytes.readUInt32BE(elst.contentStart + 4) === 0) return 0;
	const version = bytes[elst.contentStart];
	const mediaTime =
		version === 1 ? Number(bytes.readBigInt64BE(elst.contentStart + 16)) : bytes.readInt32BE(elst.contentStart + 12);
	return Math.max(0, mediaTime);
}

function mostCommon(values: number[]): number {
	const counts = new Map<number, number>();
	for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
	return [...counts].sort((a, b) => b[1] - a[1])[0][0];
}
