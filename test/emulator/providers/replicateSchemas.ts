/**
 * Replicate's kwaivgi models as the emulator runs them: each model's input schema (refused with
 * 422 at create when broken), the checks the model makes once it runs (a prediction that breaks
 * one is created, then fails with the message), and what its output follows.
 *
 * Transcribed from Replicate's own model pages, named beside each entry (one seen only in a copy
 * of the page, as said there). Not from nodes/.
 */
import type { OutputRequest } from '../outputPlan';
import type { Operation } from '../types';
import { given, type Schema } from '../validate';

export interface ReplicateModel {
	schema: Schema;
	/** A rule the model applies when it runs; the message the prediction fails with, or null. */
	runtimeProblem?(input: Record<string, unknown>): string | null;
	operation(input: Record<string, unknown>): Operation;
	quality(input: Record<string, unknown>): 'std' | 'pro';
	output(input: Record<string, unknown>): Omit<OutputRequest, 'rawBase64'>;
}

// ---- kwaivgi/kling-v2.6 ------------------------------------------------------------------------
// Source: the model's llms page, https://replicate.com/kwaivgi/kling-v2.6 ("Model inputs");
// enums and defaults only in a generated third-party client (a nodetool Replicate node): UNCONFIRMED first-party.
const KLING_V26: Schema = {
	prompt: { type: 'string', required: true }, // llms page: `prompt` (required, string)
	negative_prompt: { type: 'string' }, // llms page: `negative_prompt` (string)
	start_image: { type: 'string' }, // llms page: `start_image` (uri string; first frame)
	aspect_ratio: { type: 'string', oneOf: ['16:9', '9:16', '1:1'] }, // llms page; enum UNCONFIRMED (third-party client only)
	duration: { type: 'integer', oneOf: [5, 10] }, // llms page: `duration` (integer); 5|10 UNCONFIRMED (third-party client only)
	generate_audio: { type: 'boolean' }, // llms page: `generate_audio` (boolean); default true UNCONFIRMED (third-party client)
};

// ---- kwaivgi/kling-v2.6-motion-control ---------------------------------------------------------
// Source: the input JSON schema in a verbatim copy of https://replicate.com/kwaivgi/kling-v2.6-motion-control/api.
// Required: ["image","video"].
const KLING_V26_MOTION: Schema = {
	prompt: { type: 'string' }, // string, default "", x-order 0
	image: { type: 'string', required: true }, // uri, x-order 1
	video: { type: 'string', required: true }, // uri, x-order 2
	character_orientation: { type: 'string', oneOf: ['image', 'video'] }, // enum image|video, default "image", x-order 3
	mode: { type: 'string', oneOf: ['std', 'pro'] }, // enum std|pro, default "std", x-order 4
	keep_original_sound: { type: 'boolean' }, // boolean, default true, x-order 5
};

// ---- kwaivgi/kling-v3-video --------------------------------------------------------------------
// Source: https://replicate.com/kwaivgi/kling-v3-video/versions/4a8ba2743bd9dc2b487e0c4319988aacd658d33c2d064b8a420f4ee1732c30bd/api.
const KLING_V3: Schema = {
	prompt: { type: 'string', maxLength: 2500 }, // `prompt` (≤2500)
	negative_prompt: { type: 'string' }, // `negative_prompt`
	start_image: { type: 'string' }, // `start_image` (jpg/png ≤10 MB, ≥300 px, 1:2.5–2.5:1)
	end_image: { type: 'string' }, // `end_image` ("Requires start_image")
	mode: { type: 'string', oneOf: ['standard', 'pro'] }, // default pro, values standard|pro (not std)
	aspect_ratio: { type: 'string', oneOf: ['16:9', '9:16', '1:1'] }, // default 16:9; enum from cinemasetfree.com (third-party): UNCONFIRMED
	duration: { type: 'integer', min: 3, max: 15 }, // integer, default 5, min 3, max 15
	generate_audio: { type: 'boolean' }, // boolean, default False
	multi_prompt: { type: 'string' }, // string: a JSON array [{"prompt","duration"}], ≤6 shots, ≥1 s each, summing to duration
};

/** kling-v3-video `multi_prompt` (same page): a JSON array of ≤6 shots of ≥1 s whose durations sum to `duration`. */
function multiPromptProblem(input: Record<string, unknown>): string | null {
	if (!given(input.multi_prompt)) return null;
	let shots: unknown;
	try {
		shots = JSON.parse(input.multi_prompt as string);
	} catch {
		return 'multi_prompt must be a JSON array of {"prompt", "duration"} shots';
	}
	const valid = (shot: unknown) => {
		const s = shot as { prompt?: unknown; duration?: unknown };
		return typeof shot === 'object' && shot !== null && typeof s.prompt === 'string' && Number.isInteger(s.duration) && (s.duration as number) >= 1;
	};
	if (!Array.isArray(shots) || shots.length < 1 || shots.length > 6 || !shots.every(valid)) {
		return 'multi_prompt must hold 1 to 6 shots, each {"prompt": string, "duration": integer >= 1}';
	}
	const total = shots.reduce((sum: number, shot: { duration: number }) => sum + shot.duration, 0);
	const duration = (input.duration as number | undefined) ?? 5;
	return total === duration ? null : `the multi_prompt durations sum to ${total}, duration is ${duration}`;
}

export const REPLICATE_MODELS: Readonly<Record<string, ReplicateModel>> = {
	'kwaivgi/kling-v2.6': {
		schema: KLING_V26,
		operation: (input) => (given(input.start_image) ? 'imageToVideo' : 'textToVideo'),
		// The llms page calls it "Kling 2.6 Pro"; there is no mode.
		quality: () => 'pro',
		output: (input) => ({
			// "Ignored if start_image is provided": the frame follows the image.
			aspectRatio: input.aspect_ratio,
			defaultAspectRatio: '16:9',
			image: input.start_image ?? undefined,
			seconds: (input.duration as number | undefined) ?? 5,
			withAudio: input.generate_audio !== false,
			prompt: input.prompt,
		}),
	},
	'kwaivgi/kling-v2.6-motion-control': {
		schema: KLING_V26_MOTION,
		operation: () => 'motionControl',
		quality: (input) => (input.mode === 'pro' ? 'pro' : 'std'),
		output: (input) => ({
			image: input.image,
			video: input.video,
			withAudio: input.keep_original_sound !== false,
			prompt: input.prompt,
		}),
	},
	'kwaivgi/kling-v3-video': {
		schema: KLING_V3,
		runtimeProblem(input) {
			if (given(input.end_image) && !given(input.start_image)) return 'end_image requires start_image';
			return multiPromptProblem(input);
		},
		operation: (input) => (given(input.start_image) ? 'imageToVideo' : 'textToVideo'),
		quality: (input) => (input.mode === 'standard' ? 'std' : 'pro'),
		output: (input) => ({
			aspectRatio: input.aspect_ratio,
			defaultAspectRatio: '16:9',
			image: input.start_image ?? undefined,
			seconds: (input.duration as number | undefined) ?? 5,
			withAudio: input.generate_audio === true,
			prompt: input.prompt,
		}),
	},
};
