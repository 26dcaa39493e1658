/**
 * Emulated job outputs that follow the request: an MP4 whose frame size follows the aspect ratio,
 * whose length is the requested duration, with an AAC track only when audio was asked, and whose
 * picture shows a label (job id, prompt words) on a colour of its own. Pure TypeScript, no
 * encoder: CI has Node only. See h264.ts (I_PCM + P_Skip), mux.ts, aac.ts and render.ts.
 *
 *   const mp4 = renderVideo({ ...frameSizeFor('16:9'), seconds: 5, withAudio: true, label: `${job.id} ${prompt}` });
 */
import { aacFramesFor } from './aac';
import { encodeStill, macroblocks } from './h264';
import { lengthPrefixed } from './nal';
import { avc1Entry, type Mp4Track, mp4aEntry, muxMp4 } from './mux';
import { renderPicture } from './render';

export type AspectRatio = '16:9' | '9:16' | '1:1';

/** Output frame sizes per ratio: small (one raw picture is width × height × 1.5 bytes). */
export const FRAME_16_9 = { width: 192, height: 108 } as const;
export const FRAME_9_16 = { width: 108, height: 192 } as const;
export const FRAME_1_1 = { width: 144, height: 144 } as const;
export const FRAME_SIZES: Readonly<Record<AspectRatio, { width: number; height: number }>> = {
	'16:9': FRAME_16_9,
	'9:16': FRAME_9_16,
	'1:1': FRAME_1_1,
};
/** The longer side of a frame sized after an input image. */
export const IMAGE_FRAME_LONG_SIDE = 192;
/**
 * 10 fps: the P_Skip frames cost ~10 bytes each, and a frame rate this common plays everywhere
 * (browsers, QuickTime, ffmpeg) where 1 fps sometimes shows a frozen first frame late.
 */
export const FPS = 10;
export const MIN_SIDE = 16;
/** Level 3.0 allows 1620 macroblocks a frame; 640x640 is 1600. */
export const MAX_SIDE = 640;
export const MAX_SECONDS = 600;
/** Rendered outputs kept, by full spec; the soak test renders ~1000 jobs with few distinct specs. */
export const CACHE_ENTRIES = 256;

export interface VideoSpec {
	/** Display size in pixels; even numbers, MIN_SIDE..MAX_SIDE. */
	width: number;
	height: number;
	/** Length; a whole number of milliseconds (the movie timescale), up to MAX_SECONDS. */
	seconds: number;
	withAudio: boolean;
	/** Drawn on the picture, wrapped; e.g. the job id and the first words of the prompt. */
	label: string;
}

export function frameSizeFor(aspectRatio: AspectRatio): { width: number; height: number } {
	const size = FRAME_SIZES[aspectRatio];
	if (!size) throw new RangeError(`unknown aspect ratio ${String(aspectRatio)}`);
	return { ...size };
}

/** A frame of the image's shape: the longer side IMAGE_FRAME_LONG_SIDE, both sides even. */
export function frameSizeForImage(width: number, height: number): { width: number; height: number } {
	if (!(width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height))) {
		throw new RangeError(`image size must be positive, got ${width}x${height}`);
	}
	const long = IMAGE_FRAME_LONG_SIDE;
	const short = Math.max(MIN_SIDE, 2 * Math.round((long * Math.min(width, height)) / Math.max(width, height) / 2));
	return width >= height ? { width: long, height: short } : { width: short, height: long };
}

const cache = new Map<string, Buffer>();

/**
 * The MP4 for a spec. The same spec always gives the same bytes (no timestamps inside), and the
 * result is cached: treat the returned Buffer as read-only, it is shared between callers.
 */
export function renderVideo(spec: VideoSpec): Buffer {
	const key = JSON.stringify([spec.width, spec.height, spec.seconds, spec.withAudio, spec.label]);
	const hit = cache.get(key);
	if (hit) {
		// Refresh its place, so the oldest-used entry is the one evicted.
		cache.delete(key);
		cache.set(key, hit);
		return hit;
	}
	const bytes = buildVideo(spec);
	cache.set(key, bytes);
	if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
	return bytes;
}

/** For tests: forget rendered outputs. */
export const clearRenderCache = () => cache.clear();

function buildVideo({ width, height, seconds, withAudio, label }: VideoSpec): Buffer {
	for (const [name, side] of [['width', width], ['height', height]] as const) {
		if (!Number.isInteger(side) || side % 2 !== 0 || side < MIN_SIDE || side > MAX_SIDE) {
			throw new RangeError(`${name} must be an even integer from ${MIN_SIDE} to ${MAX_SIDE}, got ${side}`);
		}
	}
	const milliseconds = Math.round(seconds * 1000);
	if (!(seconds > 0 && seconds <= MAX_SECONDS) || Math.abs(seconds * 1000 - milliseconds) > 1e-6) {
		throw new RangeError(`seconds must be a whole number of milliseconds in (0, ${MAX_SECONDS}], got ${seconds}`);
	}

	const caption = `${width}x${height} ${ratioOf(width, height)} ${clock(milliseconds)}`;
	const picture = renderPicture({ width, height, label: String(label), caption })
		.toYuv420(macroblocks(width) * 16, macroblocks(height) * 16);

	// Video in milliseconds: frames of 1000/FPS ms, the last one cut to end exactly on time.
	const frameMs = 1000 / FPS;
	const frameCount = Math.ceil(milliseconds / frameMs);
	const stream = encodeStill(picture, width, height, FPS, frameCount);
	const video: Mp4Track = {
		kind: 'video',
		timescale: 1000,
		sampleEntry: avc1Entry(width, height, stream.sps, stream.pps),
		samples: stream.frames.map((nals) => Buffer.concat(nals.map(lengthPrefixed))),
		durations: stream.frames.map((_, i) => Math.min(frameMs, milliseconds - i * frameMs)),
		syncSamples: [1],
		width,
		height,
	};
	const tracks = [video];

	if (withAudio) {
		const { frames, durations, source } = aacFramesFor(milliseconds / 1000);
		const totalBytes = frames.reduce((sum, frame) => sum + frame.length, 0);
		const avgBitrate = Math.round((totalBytes * 8) / (milliseconds / 1000));
		tracks.push({
			kind: 'audio',
			timescale: source.sampleRate,
			sampleEntry: mp4aEntry({
				channelCount: source.channelCount,
				sampleRate: source.sampleRate,
				objectTypeIndication: source.objectTypeIndication,
				audioSpecificConfig: source.audioSpecificConfig,
				bufferSize: Math.max(...frames.map((frame) => frame.length)),
				maxBitrate: avgBitrate,
				avgBitrate,
			}),
			samples: frames,
			durations,
		});
	}
	return muxMp4(tracks);
}

/** "0:05", "1:30", "0:02.25": the font has no lowercase, and "5S" reads like 55. */
export function clock(milliseconds: number): string {
	const minutes = Math.floor(milliseconds / 60000);
	const rest = (milliseconds - minutes * 60000) / 1000;
	const [whole, fraction] = String(rest).split('.');
	return `${minutes}:${whole.padStart(2, '0')}${fraction ? `.${fraction}` : ''}`;
}

/** "16:9" for 192x108: the sides over their greatest common divisor. */
export function ratioOf(width: number, height: number): string {
	const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
	const divisor = gcd(width, height);
	return `${width / divisor}:${height / divisor}`;
}
