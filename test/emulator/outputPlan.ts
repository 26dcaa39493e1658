/**
 * What a job's output will be, decided at submit from the request: the frame shape (the aspect
 * ratio asked, or the start image's shape when the emulator can read it), the length (asked, or
 * the motion-control reference video's when readable, else 5 s), the audio track, and a label.
 * Each provider module says which of its fields mean what; this file only reads the media.
 */
import type { EmulatorCore } from './context';
import { readMediaRef } from './mediaRefs';
import { imageSize, mp4Info } from './probe';
import { ASPECT_RATIOS, type AspectRatio, type EmulatedJob } from './types';

export interface OutputRequest {
	/** The aspect ratio asked for; ignored when `image` is given. */
	aspectRatio?: unknown;
	/** The provider's default when none is asked (else 16:9). */
	defaultAspectRatio?: AspectRatio;
	/** Image to video: the start image; motion control: the character image. */
	image?: unknown;
	/** Motion control: the reference video, whose length the output takes. */
	video?: unknown;
	/** Text / image to video: the length asked for (seconds); default 5. */
	seconds?: number;
	withAudio: boolean;
	/** Its first words go on the label. */
	prompt?: unknown;
	/** Kling: images may be raw base64 without a data: prefix. */
	rawBase64?: boolean;
}

export type OutputFields = Pick<EmulatedJob, 'aspectRatio' | 'imageSize' | 'durationSeconds' | 'withAudio' | 'label'>;

const DEFAULT_SECONDS = 5;
/** The generator's limit; no provider goes near it (motion control references are <= 30 s). */
const MAX_SECONDS = 600;
const LABEL_WORDS = 6;

export function label(jobId: string, prompt: unknown): string {
	const words = typeof prompt === 'string' ? prompt.trim().split(/\s+/).filter(Boolean).slice(0, LABEL_WORDS) : [];
	return [jobId, ...words].join(' ');
}

/** Whole milliseconds in (0, MAX_SECONDS], as the generator takes them. */
function clampSeconds(seconds: number | undefined): number {
	if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return DEFAULT_SECONDS;
	return Math.min(MAX_SECONDS, Math.max(0.001, Math.round(seconds * 1000) / 1000));
}

export function planOutput(core: EmulatorCore, jobId: string, request: OutputRequest): OutputFields {
	let seconds = request.seconds;
	if (request.video !== undefined) {
		const bytes = readMediaRef(core, request.video);
		seconds = (bytes && mp4Info(bytes)?.seconds) || DEFAULT_SECONDS;
	}
	let aspectRatio: AspectRatio | null = null;
	let size: OutputFields['imageSize'] = null;
	if (request.image !== undefined && request.image !== null) {
		const bytes = readMediaRef(core, request.image, { rawBase64: request.rawBase64 });
		size = bytes && imageSize(bytes);
		if (!size) aspectRatio = '16:9';
	} else {
		const asked = ASPECT_RATIOS.find((ratio) => ratio === request.aspectRatio);
		aspectRatio = asked ?? request.defaultAspectRatio ?? '16:9';
	}
	return {
		aspectRatio,
		imageSize: size,
		durationSeconds: clampSeconds(seconds),
		withAudio: request.withAudio,
		label: label(jobId, request.prompt),
	};
}

/** Create voice makes no video. */
export const voiceOutput = (jobId: string, prompt?: unknown): OutputFields => ({
	aspectRatio: null,
	imageSize: null,
	durationSeconds: 0,
	withAudio: false,
	label: label(jobId, prompt),
});
