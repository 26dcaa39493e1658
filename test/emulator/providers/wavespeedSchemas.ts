/**
 * WaveSpeed's kwaivgi models as the emulator runs them: each model's input schema (refused at
 * submit with `{code: 400, message, data: null}`), its rules, and what its output follows.
 *
 * Transcribed from WaveSpeed's own pages, named beside each entry (the docs' "Request Parameters"
 * tables and the models' llms.txt Input Schemas). Not from nodes/. Names no first-party page gives are
 * marked UNCONFIRMED: they are the project's current guess, kept so a wrong guess is one edit.
 */
import type { OutputRequest } from '../outputPlan';
import type { AspectRatio, Operation } from '../types';
import { given, issue, type Issue, type Schema } from '../validate';

/**
 * A body field of every submit, not of the model: `enable_sync_mode: true` holds the submit until
 * the prediction ends (wavespeed-python a420718 src/wavespeed/api/client.py `Client._submit`).
 */
const PLATFORM: Schema = { enable_sync_mode: { type: 'boolean' } };

const RATIOS = ['1:1', '9:16', '16:9'] as const;

// kwaivgi/kling-v2.6-pro/text-to-video: https://wavespeed.ai/docs/docs-api/kwaivgi/kling-v2.6-pro/text-to-video (WaveSpeed docs page, "Request Parameters").
const V26_PRO_T2V: Schema = {
	prompt: { type: 'string', required: true }, // string, required
	negative_prompt: { type: 'string' }, // string
	cfg_scale: { type: 'number', min: 0, max: 1 }, // number, default 0.5, 0.00–1.00
	sound: { type: 'boolean' }, // boolean, default true
	aspect_ratio: { type: 'string', oneOf: RATIOS }, // default "1:1"
	duration: { type: 'integer', oneOf: [5, 10] }, // integer, default 5
};

// kwaivgi/kling-v2.6-pro/image-to-video: the model page https://wavespeed.ai/models/kwaivgi/kling-v2.6-pro/image-to-video
// (its parameters table; "model page" below) and https://wavespeed.ai/models/kwaivgi/kling-v2.6-pro/image-to-video/llms.txt.
const V26_PRO_I2V: Schema = {
	prompt: { type: 'string', required: true }, // llms.txt: string, required
	image: { type: 'string', required: true }, // llms.txt: string, required (jpg/jpeg/png ≤10 MB, ≥300 px, 1:2.5–2.5:1)
	negative_prompt: { type: 'string' },
	// The end frame: llms.txt and the current docs page https://wavespeed.ai/docs/docs-api/kwaivgi/kling-v2.6-pro/image-to-video say `last_image`
	// ("URL of the ending image."); only an older page says end_image, which is therefore refused.
	last_image: { type: 'string' },
	cfg_scale: { type: 'number', min: 0, max: 1 }, // model page: number 0.5 (0–1)
	sound: { type: 'boolean' }, // model page: boolean, default true
	// model page: array, "List of tones …"; the item shape is UNCONFIRMED (the project's guess: Kling's own [{voice_id}]);
	// max 2 only in third-party docs (novita/myrouter): UNCONFIRMED.
	voice_list: { type: 'objectArray', maxItems: 2, items: { voice_id: { type: 'string', required: true } } },
	duration: { type: 'integer', oneOf: [5, 10] }, // model page: integer, default 5
};

// kwaivgi/kling-v2.6-{pro,std}/motion-control: both ids first-party (WaveSpeedAI/wavespeed-desktop 0a7b268 src/lib/smartFormConfig.ts SMART_FORM_FAMILIES),
// but no first-party field list: beyond image and video, every name here is UNCONFIRMED (the project's guess,
// after the v3.0 std motion-control page and third-party docs).
const V26_MOTION: Schema = {
	image: { type: 'string', required: true },
	video: { type: 'string', required: true },
	character_orientation: { type: 'string', oneOf: ['image', 'video'] }, // UNCONFIRMED
	keep_original_sound: { type: 'boolean' }, // UNCONFIRMED
	prompt: { type: 'string' }, // UNCONFIRMED
};

// kwaivgi/kling-v2.6-std/text-to-video: https://wavespeed.ai/docs/docs-api/kwaivgi/kwaivgi-kling-v2.6-std-text-to-video (docs page). No sound, no cfg_scale.
const V26_STD_T2V: Schema = {
	prompt: { type: 'string', required: true },
	negative_prompt: { type: 'string' },
	aspect_ratio: { type: 'string', oneOf: RATIOS }, // default 16:9 (pro's is 1:1)
	duration: { type: 'integer', oneOf: [5, 10] }, // default 5
};

// kwaivgi/kling-v2.6-std/image-to-video: https://wavespeed.ai/models/kwaivgi/kling-v2.6-std/image-to-video/llms.txt, the whole schema.
const V26_STD_I2V: Schema = {
	prompt: { type: 'string', required: true }, // llms.txt: required (a docs page says "No")
	image: { type: 'string', required: true }, // jpg/jpeg/png, ≤10 MB, ≥300 px
	negative_prompt: { type: 'string' },
	duration: { type: 'integer', oneOf: [5, 10] }, // integer, default 5
};

// kwaivgi/kling-v2.6/create-voice: https://wavespeed.ai/models/kwaivgi/kling-v2.6/create-voice/llms.txt: an Input Schema of exactly one field.
// Two prose pages say voice_url (fal's name); the schema says audio, and voice_url is refused.
const CREATE_VOICE: Schema = {
	audio: { type: 'string', required: true }, // string, required: one clean voice, 5–30 s
};

// kwaivgi/kling-v3.0-std/image-to-video: https://wavespeed.ai/models/kwaivgi/kling-v3.0-std/image-to-video/llms.txt and
// https://wavespeed.ai/docs/docs-api/kwaivgi/kwaivgi-kling-v3.0-std-image-to-video. kwaivgi/kling-v3.0-pro/image-to-video
// (https://wavespeed.ai/docs/docs-api/kwaivgi/kling-v3.0-pro/image-to-video) lists the same features, its table cut off: same schema.
const V3_I2V: Schema = {
	image: { type: 'string', required: true }, // required (jpg/jpeg/png ≤10 MB ≥300 px, 1:2.5–2.5:1)
	prompt: { type: 'string' }, // optional: "Either prompt or multi_prompt must be provided, but not both"
	negative_prompt: { type: 'string' },
	end_image: { type: 'string' }, // v3 says end_image (v2.6 pro: last_image); "multi_shot is not supported with end image"
	duration: { type: 'integer', min: 3, max: 15 }, // integer 3–15, default 5
	cfg_scale: { type: 'number', min: 0, max: 1 }, // default 0.5; the 0–1 range is v2.6's: UNCONFIRMED for v3
	sound: { type: 'boolean' }, // default disabled
	multi_prompt: { type: 'objectArray' }, // named on the page; item shape UNCONFIRMED (the "element list" field's name is cut off: not accepted)
};

// kwaivgi/kling-v3.0-std/text-to-video: https://wavespeed.ai/docs/docs-api/kwaivgi/kwaivgi-kling-v3.0-std-text-to-video, table cut off:
// "3–15 s, 16:9/9:16/1:1, optional sound, negative prompt, multi-prompt". Field names after std i2v: UNCONFIRMED.
const V3_T2V: Schema = {
	prompt: { type: 'string' }, // UNCONFIRMED: optional as in i2v (either prompt or multi_prompt)
	negative_prompt: { type: 'string' },
	aspect_ratio: { type: 'string', oneOf: RATIOS }, // 16:9/9:16/1:1; default UNCONFIRMED (16:9 assumed)
	duration: { type: 'integer', min: 3, max: 15 }, // 3–15 s
	cfg_scale: { type: 'number', min: 0, max: 1 }, // UNCONFIRMED (named on the i2v page only)
	sound: { type: 'boolean' }, // "optional sound"; default UNCONFIRMED (off assumed, as i2v)
	multi_prompt: { type: 'objectArray' }, // item shape UNCONFIRMED
};

// kwaivgi/kling-v3.0-std/motion-control: https://wavespeed.ai/docs/docs-api/kwaivgi/kwaivgi-kling-v3.0-std-motion-control (params table) and
// https://wavespeed.ai/zh-CN/kling-3-motion-control-api.
const V3_MOTION: Schema = {
	image: { type: 'string', required: true }, // Yes (character image)
	video: { type: 'string', required: true }, // Yes (driving video)
	character_orientation: { type: 'string', required: true, oneOf: ['image', 'video'] }, // Yes
	keep_original_sound: { type: 'boolean' }, // "option to keep the original video sound": the name is UNCONFIRMED
	prompt: { type: 'string' }, // "optional prompts"
};

/** v3 std i2v llms.txt: "Either prompt or multi_prompt must be provided, but not both"; "multi_shot is not supported with end image". */
function v3Prompts(input: Record<string, unknown>): Issue[] {
	const prompt = typeof input.prompt === 'string' && input.prompt.trim() !== '';
	const multi = Array.isArray(input.multi_prompt) && input.multi_prompt.length > 0;
	if (prompt === multi) return [issue('prompt', 'rule', 'either prompt or multi_prompt must be provided, but not both')];
	if (multi && given(input.end_image)) return [issue('end_image', 'rule', 'multi_prompt (multi-shot) is not supported with end_image')];
	return [];
}

export interface WavespeedModel {
	operation: Operation;
	quality: 'std' | 'pro';
	schema: Schema;
	rules?: (input: Record<string, unknown>) => Issue[];
	output(input: Record<string, unknown>): Omit<OutputRequest, 'rawBase64'>;
}

/** Text / image to video; `audio`: whether the model has a sound field, and its default. */
function generation(
	operation: 'textToVideo' | 'imageToVideo',
	quality: 'std' | 'pro',
	schema: Schema,
	audio: { field: boolean; byDefault: boolean },
	defaultAspectRatio: AspectRatio,
	rules?: WavespeedModel['rules'],
): WavespeedModel {
	return {
		operation,
		quality,
		schema: { ...schema, ...PLATFORM },
		rules,
		output: (input) => ({
			aspectRatio: input.aspect_ratio,
			defaultAspectRatio,
			image: operation === 'imageToVideo' ? input.image : undefined,
			seconds: typeof input.duration === 'number' ? input.duration : 5,
			withAudio: audio.field && (audio.byDefault ? input.sound !== false : input.sound === true),
			prompt: input.prompt,
		}),
	};
}

function motion(quality: 'std' | 'pro', schema: Schema): WavespeedModel {
	return {
		operation: 'motionControl',
		quality,
		schema: { ...schema, ...PLATFORM },
		// Keeping the reference video's sound is assumed on by default (UNCONFIRMED).
		output: (input) => ({ image: input.image, video: input.video, withAudio: input.keep_original_sound !== false, prompt: input.prompt }),
	};
}

const WITH_SOUND = { field: true, byDefault: true };
const NO_SOUND = { field: false, byDefault: false };
const SOUND_OFF_BY_DEFAULT = { field: true, byDefault: false };

/** The model ids this emulator runs (the path after /api/v3/); any other answers 404. */
export const WAVESPEED_MODELS: Readonly<Record<string, WavespeedModel>> = {
	'kwaivgi/kling-v2.6-pro/text-to-video': generation('textToVideo', 'pro', V26_PRO_T2V, WITH_SOUND, '1:1'),
	'kwaivgi/kling-v2.6-pro/image-to-video': generation('imageToVideo', 'pro', V26_PRO_I2V, WITH_SOUND, '16:9'),
	'kwaivgi/kling-v2.6-pro/motion-control': motion('pro', V26_MOTION),
	'kwaivgi/kling-v2.6-std/text-to-video': generation('textToVideo', 'std', V26_STD_T2V, NO_SOUND, '16:9'),
	'kwaivgi/kling-v2.6-std/image-to-video': generation('imageToVideo', 'std', V26_STD_I2V, NO_SOUND, '16:9'),
	'kwaivgi/kling-v2.6-std/motion-control': motion('std', V26_MOTION),
	'kwaivgi/kling-v2.6/create-voice': {
		operation: 'createVoice',
		quality: 'pro',
		schema: { ...CREATE_VOICE, ...PLATFORM },
		output: () => ({ withAudio: false }),
	},
	'kwaivgi/kling-v3.0-std/text-to-video': generation('textToVideo', 'std', V3_T2V, SOUND_OFF_BY_DEFAULT, '16:9', v3Prompts),
	'kwaivgi/kling-v3.0-std/image-to-video': generation('imageToVideo', 'std', V3_I2V, SOUND_OFF_BY_DEFAULT, '16:9', v3Prompts),
	'kwaivgi/kling-v3.0-pro/image-to-video': generation('imageToVideo', 'pro', V3_I2V, SOUND_OFF_BY_DEFAULT, '16:9', v3Prompts),
	'kwaivgi/kling-v3.0-std/motion-control': motion('std', V3_MOTION),
};
