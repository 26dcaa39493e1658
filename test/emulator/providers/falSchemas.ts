/**
 * fal's Kling endpoints as the emulator runs them: each endpoint's input schema and the rules
 * its runner applies (fal validates in the runner: a broken input ends COMPLETED with a 422
 * result), and what the output follows.
 *
 * Transcribed from the input types @fal-ai/client 1.10.1 ships (`src/types/endpoints.d.ts`, line
 * numbers beside each type). Not from nodes/. fal gives no prompt length limit for these
 * endpoints (none in those types nor on its model pages, e.g.
 * https://fal.ai/models/fal-ai/kling-video/v2.6/pro/image-to-video/llms.txt), so none is enforced.
 */
import type { OutputRequest } from '../outputPlan';
import type { Operation } from '../types';
import { given, issue, type Issue, type Schema } from '../validate';

const V26_DURATIONS = ['5', '10'] as const;
/** `"3" | "4" | … | "15"` (KlingVideoV3ProTextToVideoInput, line 17575; the i2v type, line 17506). */
const V3_DURATIONS = Array.from({ length: 13 }, (_, i) => String(i + 3));
/** KlingV3MultiPromptElement.duration `"1" | … | "15"` (line 17136). */
const SHOT_DURATIONS = Array.from({ length: 15 }, (_, i) => String(i + 1));
const RATIOS = ['16:9', '9:16', '1:1'] as const;

// KlingVideoV26ProTextToVideoInput (line 17456). No voice_ids on v2.6 text to video.
const V26_T2V: Schema = {
	prompt: { type: 'string', required: true }, // `prompt: string` (required)
	negative_prompt: { type: 'string' }, // default "blur, distort, and low quality"
	duration: { type: 'string', oneOf: V26_DURATIONS }, // `"5" | "10"`, default "5"
	aspect_ratio: { type: 'string', oneOf: RATIOS }, // `"16:9" | "9:16" | "1:1"`, default "16:9"
	cfg_scale: { type: 'number', min: 0, max: 1 }, // number, default 0.5; "Range: 0 to 1" (https://fal.ai/models/fal-ai/kling-video/v2.6/pro, Text To Video)
	generate_audio: { type: 'boolean' }, // default true
};

// KlingVideoV26ProImageToVideoInput (line 17404). No aspect_ratio, no cfg_scale.
const V26_I2V: Schema = {
	prompt: { type: 'string', required: true }, // `prompt: string` (required)
	start_image_url: { type: 'string', required: true }, // `string | Blob | File` (required); a URL on the wire
	end_image_url: { type: 'string' }, // optional end frame
	duration: { type: 'string', oneOf: V26_DURATIONS }, // `"5" | "10"`, default "5"
	negative_prompt: { type: 'string' }, // default "blur, distort, and low quality"
	generate_audio: { type: 'boolean' }, // default true
	voice_ids: { type: 'stringArray', maxItems: 2 }, // `Array<string>`: "maximum 2 voices per task"
};

// KlingVideoV26ProMotionControlInput (line 17434); v2.6/standard/motion-control is the same type (alias, line 44576).
const V26_MOTION: Schema = {
	image_url: { type: 'string', required: true }, // required
	video_url: { type: 'string', required: true }, // required
	character_orientation: { type: 'string', required: true, oneOf: ['image', 'video'] }, // `"image" | "video"` (required)
	keep_original_sound: { type: 'boolean' }, // default true
	prompt: { type: 'string' }, // optional
};

// KlingV3MultiPromptElement (line 17136).
const MULTI_PROMPT_ITEM: Schema = {
	prompt: { type: 'string', required: true }, // required
	duration: { type: 'string', oneOf: SHOT_DURATIONS }, // default "5"
};

// KlingVideoV3ProTextToVideoInput (line 17575); v3/standard/text-to-video is the same type (line 44588).
const V3_T2V: Schema = {
	prompt: { type: 'string' }, // optional: "Either prompt or multi_prompt must be provided, but not both."
	multi_prompt: { type: 'objectArray', items: MULTI_PROMPT_ITEM }, // `Array<KlingV3MultiPromptElement>`
	shot_type: { type: 'string', oneOf: ['customize', 'intelligent'] }, // default "customize"
	aspect_ratio: { type: 'string', oneOf: RATIOS }, // default "16:9"
	duration: { type: 'string', oneOf: V3_DURATIONS }, // "3".."15", default "5"
	generate_audio: { type: 'boolean' }, // default true
	negative_prompt: { type: 'string' }, // default "blur, distort, and low quality"
	cfg_scale: { type: 'number', min: 0, max: 1 }, // default 0.5; "Range: 0 to 1" (fal.ai docs, kling-video-v3-pro)
};

// KlingV3ComboElementInput (line 17118): every field optional.
const COMBO_ELEMENT: Schema = {
	frontal_image_url: { type: 'string' },
	reference_image_urls: { type: 'stringArray' },
	video_url: { type: 'string' }, // "A request can only have one element with a video."
	voice_id: { type: 'string' },
};

// KlingVideoV3ProImageToVideoInput (line 17506); v3/standard/image-to-video is the same type (line 44584). No aspect_ratio.
const V3_I2V: Schema = {
	start_image_url: { type: 'string', required: true }, // required
	end_image_url: { type: 'string' },
	prompt: { type: 'string' }, // "Either prompt or multi_prompt must be provided, but not both."
	multi_prompt: { type: 'objectArray', items: MULTI_PROMPT_ITEM },
	shot_type: { type: 'string' }, // a plain string in 1.10.1 (an enum only in later, unreleased types)
	elements: { type: 'objectArray', items: COMBO_ELEMENT }, // `Array<KlingV3ComboElementInput>`
	duration: { type: 'string', oneOf: V3_DURATIONS }, // "3".."15", default "5"
	generate_audio: { type: 'boolean' }, // default true
	negative_prompt: { type: 'string' },
	cfg_scale: { type: 'number', min: 0, max: 1 }, // default 0.5
};

// KlingV3ImageElementInput = ElementInput (line 44490 → 6066).
const IMAGE_ELEMENT: Schema = {
	frontal_image_url: { type: 'string' },
	reference_image_urls: { type: 'stringArray', maxItems: 3 }, // "0-3 images supported"
};

// KlingVideoV3ProMotionControlInput (line 17549); the standard id is the same type (line 44586).
const V3_MOTION: Schema = {
	...V26_MOTION,
	// "Only 1 element is supported … only supported when character_orientation is 'video'."
	elements: { type: 'objectArray', maxItems: 1, items: IMAGE_ELEMENT },
};

// CreateVoiceInput (line 4295).
const CREATE_VOICE: Schema = {
	voice_url: { type: 'string', required: true }, // required: .mp3/.wav or .mp4/.mov, 5–30 s
};

/** v3 t2v / i2v: "Either prompt or multi_prompt must be provided, but not both." (lines 17506, 17575) */
function promptXorMultiPrompt(input: Record<string, unknown>): Issue[] {
	const prompt = typeof input.prompt === 'string' && input.prompt.trim() !== '';
	const multi = Array.isArray(input.multi_prompt) && input.multi_prompt.length > 0;
	return prompt === multi ? [issue('', 'rule', 'Either prompt or multi_prompt must be provided, but not both.')] : [];
}

/** v3 i2v elements: "A request can only have one element with a video." (KlingV3ComboElementInput, line 17118) */
function oneVideoElement(input: Record<string, unknown>): Issue[] {
	const elements = Array.isArray(input.elements) ? (input.elements as Record<string, unknown>[]) : [];
	return elements.filter((e) => given(e.video_url)).length > 1
		? [issue('elements', 'rule', 'A request can only have one element with a video.')]
		: [];
}

/** v3 motion control: "Element binding is only supported when character_orientation is 'video'." (line 17549) */
function elementsNeedVideoOrientation(input: Record<string, unknown>): Issue[] {
	return Array.isArray(input.elements) && input.elements.length > 0 && input.character_orientation !== 'video'
		? [issue('elements', 'rule', "Element binding is only supported when character_orientation is 'video'.")]
		: [];
}

export interface FalEndpoint {
	operation: Operation;
	quality: 'std' | 'pro';
	/** Model line, for the platform's model list. */
	version: 'v2.6' | 'v3' | 'voice';
	schema: Schema;
	rules?: readonly ((input: Record<string, unknown>) => Issue[])[];
	category: string;
}

const generation = (
	version: 'v2.6' | 'v3',
	operation: Operation,
	quality: 'std' | 'pro',
	schema: Schema,
	rules: FalEndpoint['rules'] = [],
): FalEndpoint => ({
	operation,
	quality,
	version,
	schema,
	rules,
	category: { textToVideo: 'text-to-video', imageToVideo: 'image-to-video', motionControl: 'video-to-video', createVoice: 'audio' }[operation],
});

/** The ids of EndpointTypeMap (lines 47883–48106) this emulator runs. */
export const ENDPOINTS: Readonly<Record<string, FalEndpoint>> = {
	'fal-ai/kling-video/v2.6/pro/text-to-video': generation('v2.6', 'textToVideo', 'pro', V26_T2V),
	'fal-ai/kling-video/v2.6/pro/image-to-video': generation('v2.6', 'imageToVideo', 'pro', V26_I2V),
	'fal-ai/kling-video/v2.6/pro/motion-control': generation('v2.6', 'motionControl', 'pro', V26_MOTION),
	'fal-ai/kling-video/v2.6/standard/motion-control': generation('v2.6', 'motionControl', 'std', V26_MOTION),
	'fal-ai/kling-video/v3/pro/text-to-video': generation('v3', 'textToVideo', 'pro', V3_T2V, [promptXorMultiPrompt]),
	'fal-ai/kling-video/v3/standard/text-to-video': generation('v3', 'textToVideo', 'std', V3_T2V, [promptXorMultiPrompt]),
	'fal-ai/kling-video/v3/pro/image-to-video': generation('v3', 'imageToVideo', 'pro', V3_I2V, [promptXorMultiPrompt, oneVideoElement]),
	'fal-ai/kling-video/v3/standard/image-to-video': generation('v3', 'imageToVideo', 'std', V3_I2V, [promptXorMultiPrompt, oneVideoElement]),
	'fal-ai/kling-video/v3/pro/motion-control': generation('v3', 'motionControl', 'pro', V3_MOTION, [elementsNeedVideoOrientation]),
	'fal-ai/kling-video/v3/standard/motion-control': generation('v3', 'motionControl', 'std', V3_MOTION, [elementsNeedVideoOrientation]),
	'fal-ai/kling-video/create-voice': { operation: 'createVoice', quality: 'pro', version: 'voice', schema: CREATE_VOICE, category: 'audio' },
};

const firstShotPrompt = (input: Record<string, unknown>) =>
	Array.isArray(input.multi_prompt) ? (input.multi_prompt[0] as { prompt?: unknown } | undefined)?.prompt : undefined;

/** What the output follows; `generate_audio` and `keep_original_sound` default to true everywhere. */
export function falOutput(endpoint: FalEndpoint, input: Record<string, unknown>): Omit<OutputRequest, 'rawBase64'> {
	const prompt = input.prompt ?? firstShotPrompt(input);
	if (endpoint.operation === 'motionControl') {
		return { image: input.image_url, video: input.video_url, withAudio: input.keep_original_sound !== false, prompt };
	}
	const seconds = Number(typeof input.duration === 'string' ? input.duration : '5');
	return {
		aspectRatio: input.aspect_ratio,
		defaultAspectRatio: '16:9',
		image: endpoint.operation === 'imageToVideo' ? input.start_image_url : undefined,
		seconds: Number.isFinite(seconds) ? seconds : 5,
		withAudio: input.generate_audio !== false,
		prompt,
	};
}
