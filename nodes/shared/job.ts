/**
 * The unified request and job: one vocabulary for every provider. Adapters translate these
 * into each provider's field names and back; nothing outside `providers/` knows those names.
 */
import { z } from 'zod';
import { MODEL_IDS, type ModelId } from './providers/models';

export const PROVIDER_IDS = ['replicate', 'fal', 'wavespeed', 'kling'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export const GENERATION_OPERATIONS = [
	'textToVideo',
	'imageToVideo',
	'motionControl',
	'createVoice',
] as const;
export type GenerationOperation = (typeof GENERATION_OPERATIONS)[number];

export const ASPECT_RATIOS = ['16:9', '9:16', '1:1'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

/** Kling v2.6's durations; each model table row lists its own (Kling v3 takes 3 to 15 s). */
export const DURATIONS = [5, 10] as const;
export type DurationSeconds = number;

/** The Mode field: Kling's Standard and Pro tiers of a model. */
export const MODES = ['std', 'pro'] as const;
export type Mode = (typeof MODES)[number];

export const CHARACTER_ORIENTATIONS = ['image', 'video'] as const;
export type CharacterOrientation = (typeof CHARACTER_ORIENTATIONS)[number];

/** Seed defaults (Replicate, fal and WaveSpeed model pages). */
export const DEFAULTS = {
	duration: 5 as DurationSeconds,
	aspectRatio: '16:9' as AspectRatio,
	generateAudio: true,
	cfgScale: 0.5,
	negativePrompt: 'blur, distort, and low quality',
	mode: 'pro' as Mode,
	characterOrientation: 'image' as CharacterOrientation,
	keepOriginalSound: true,
};

/**
 * A media reference as the provider will receive it: an https URL, a data URL, or (Kling only)
 * raw base64. Binary inputs are turned into one of these by the adapter's `uploadMedia`.
 */
const media = z.string().min(1);
const prompt = z.string().trim().min(1, 'must not be empty');
/** Absent means the default model (Kling v2.6), as in every workflow saved before models existed. */
const model = z.enum(MODEL_IDS).optional();
const duration = z.number().int().positive();

const textToVideo = z.object({
	operation: z.literal('textToVideo'),
	model,
	prompt,
	negativePrompt: z.string().optional(),
	duration,
	aspectRatio: z.enum(ASPECT_RATIOS),
	/** Absent where the model's mode makes no audio (WaveSpeed's Standard endpoints take no `sound`). */
	generateAudio: z.boolean().optional(),
	cfgScale: z.number().min(0).max(1).optional(),
	mode: z.enum(MODES).optional(),
	voiceIds: z.array(z.string().min(1)).max(2).optional(),
});

const imageToVideo = z.object({
	operation: z.literal('imageToVideo'),
	model,
	prompt,
	negativePrompt: z.string().optional(),
	duration,
	/** Only some providers honour it with a start image; the others derive it from the image. */
	aspectRatio: z.enum(ASPECT_RATIOS).optional(),
	generateAudio: z.boolean().optional(),
	cfgScale: z.number().min(0).max(1).optional(),
	mode: z.enum(MODES).optional(),
	startImage: media,
	endImage: media.optional(),
	voiceIds: z.array(z.string().min(1)).max(2).optional(),
});

const motionControl = z.object({
	operation: z.literal('motionControl'),
	model,
	prompt: z.string().optional(),
	image: media,
	video: media,
	characterOrientation: z.enum(CHARACTER_ORIENTATIONS),
	keepOriginalSound: z.boolean().optional(),
	mode: z.enum(MODES),
});

const createVoice = z.object({
	operation: z.literal('createVoice'),
	model,
	voiceUrl: media,
	/** Kling's own API names each custom voice. */
	voiceName: z.string().trim().min(1).max(20).optional(),
});

export const videoRequestSchema = z.discriminatedUnion('operation', [
	textToVideo,
	imageToVideo,
	motionControl,
	createVoice,
]);
export type VideoRequest = z.infer<typeof videoRequestSchema>;
export type TextToVideoRequest = z.infer<typeof textToVideo>;
export type ImageToVideoRequest = z.infer<typeof imageToVideo>;
export type MotionControlRequest = z.infer<typeof motionControl>;
export type CreateVoiceRequest = z.infer<typeof createVoice>;

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];
export const isTerminal = (status: JobStatus) => TERMINAL_STATUSES.includes(status);

/** Why a job failed, in words a workflow can branch on. */
export type FailureKind = 'contentPolicy' | 'invalidInput' | 'provider' | 'timeout' | 'canceled';

/**
 * Everything needed to ask a provider about a job again. `operation` matters for Kling (the
 * query path depends on the operation) and fal (the app id); `urls` are the provider's own links
 * when it returned them at submit (fal asks clients to prefer them).
 */
export interface JobRef {
	provider: ProviderId;
	jobId: string;
	operation: GenerationOperation | null;
	/** The model and mode it was submitted with, where the provider's answers do not say it again (fal, Kling). */
	model?: ModelId | null;
	/**
	 * The mode. A ref is output (`ref`) and comes back in saved workflows and callback URLs, so its
	 * key is the mode parameter's saved name, `quality`.
	 */
	quality?: Mode | null;
	urls?: { status?: string; result?: string; cancel?: string };
}

export interface JobTimings {
	createdAt: string | null;
	startedAt: string | null;
	completedAt: string | null;
	/** Seconds the GPU worked, where the provider reports it. */
	predictSeconds: number | null;
}

export interface JobError {
	message: string;
	/**
	 * Why it failed. `kind` is the key users branch on in the output (`error.kind`, and `errorKind`
	 * of a failed item), so it stays; in this package `kind` names nothing but a failure kind.
	 */
	kind: FailureKind;
	code?: string | number;
}

/** One job, the same shape for every provider: what the nodes output. */
export interface Job {
	jobId: string;
	provider: ProviderId;
	operation: GenerationOperation | null;
	/** The Kling model that ran the job, where the provider's answer or the request says. */
	model: ModelId | null;
	status: JobStatus;
	videoUrl: string | null;
	/** Create Voice only. */
	voiceId: string | null;
	expiresAt: string | null;
	durationSeconds: number | null;
	hasAudio: boolean | null;
	estimatedCostUsd: number | null;
	/** Kling's own API: the units the job will use by Kling's published table, where documented; null elsewhere. */
	estimatedUnits: number | null;
	/** Kling's own API: the units it did use (`final_unit_deduction`); null for other providers and while Kling does not say. */
	unitsUsed: number | null;
	timings: JobTimings;
	error: JobError | null;
	/** Provider-specific extras that are not in the unified shape (fal's queue position, Kling's task id, …). */
	ref: JobRef;
	/** The provider's answer as it came, under one key. */
	raw: unknown;
}
