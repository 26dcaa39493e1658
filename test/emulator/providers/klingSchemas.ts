/**
 * Kling's own API (legacy `/v1/videos/*` contract) as the emulator checks it: each endpoint's
 * body, `model_name` per endpoint, the durations per model, and the rules across fields. Every
 * refusal is HTTP 400 `{code: 1201, message, request_id}`.
 *
 * Transcribed from copies of Kling's API reference: the English reference (a copy of
 * https://app.klingai.com/global/dev/document-api, "EN" below) and Kling's "Kling AI Series 3.0
 * Model API Specification" (a copy of the document on docs.qingque.cn, "3.0 spec"). Not from nodes/.
 */
import type { Operation } from '../types';
import { given, issue, type FieldRule, type Issue, type Schema } from '../validate';

/** EN: the model_name enums, per endpoint, and their defaults. */
const T2V_MODELS = ['kling-v1', 'kling-v1-6', 'kling-v2-master', 'kling-v2-1-master', 'kling-v2-5-turbo', 'kling-v2-6', 'kling-v3'];
const I2V_MODELS = [...T2V_MODELS, 'kling-v1-5', 'kling-v2-1'];
const MOTION_MODELS = ['kling-v2-6', 'kling-v3'];

const V3 = 'kling-v3';
const V26 = 'kling-v2-6';

/**
 * Durations per model: EN capability map "kling-v2-6 … std 5/10s; pro 5/10s", "kling-v3 std
 * (3～15s) / pro (3～15s)". The field is a string "3"…"15" and "the model decides which values
 * are valid"; for the older models 5 and 10 are assumed (UNCONFIRMED).
 */
export function durationsFor(model: string): readonly string[] {
	return model === V3 ? Array.from({ length: 13 }, (_, i) => String(i + 3)) : ['5', '10'];
}

/** Shared tail of every video body (EN). */
const COMMON: Schema = {
	callback_url: { type: 'string' },
	external_task_id: { type: 'string' },
	watermark_info: { type: 'object', properties: { enabled: { type: 'boolean' } } }, // watermark_info{enabled}
};

/** EN: camera_control{type, config{horizontal, vertical, pan, tilt, roll, zoom}}. */
const CAMERA_CONTROL: FieldRule = {
	type: 'object',
	properties: {
		type: { type: 'string' },
		config: {
			type: 'object',
			properties: Object.fromEntries(['horizontal', 'vertical', 'pan', 'tilt', 'roll', 'zoom'].map((axis) => [axis, { type: 'number' }])),
		},
	},
};

/** EN / 3.0 spec: multi_prompt [{index: int, prompt: string ≤512, duration: "<string>"}], 1–6 shots. */
const MULTI_PROMPT: FieldRule = {
	type: 'objectArray',
	minItems: 1,
	maxItems: 6,
	items: {
		index: { type: 'integer' },
		prompt: { type: 'string', required: true, maxLength: 512 },
		duration: { type: 'string', required: true },
	},
};

/** The 3.0 generation's multi-shot fields (EN, 3.0 spec). */
const MULTI_SHOT: Schema = {
	multi_shot: { type: 'boolean' }, // default false; true: prompt ignored, start/end frames not supported
	shot_type: { type: 'string', oneOf: ['customize', 'intelligence'] }, // required when multi_shot
	multi_prompt: MULTI_PROMPT,
};

/** Voices: voice_list[{voice_id}], ≤2; voice_id "from the custom-voice API or presets"; one example shows a long. */
const VOICE_LIST: FieldRule = { type: 'objectArray', maxItems: 2, items: { voice_id: { type: 'stringOrInteger', required: true } } };

const generation = (models: readonly string[]): Schema => ({
	model_name: { type: 'string', oneOf: models },
	...MULTI_SHOT,
	negative_prompt: { type: 'string', maxLength: 2500 }, // ≤2500
	sound: { type: 'string', oneOf: ['on', 'off'] }, // on|off, default off
	cfg_scale: { type: 'number' }, // default 0.5; "kling-v2.x models do not support"
	mode: { type: 'string', oneOf: ['std', 'pro'] }, // std|pro, default std (a zh copy adds 4k: not accepted)
	camera_control: CAMERA_CONTROL,
	duration: { type: 'string' }, // a string; the values per model (durationsFor)
	...COMMON,
});

/** POST /v1/videos/text2video (EN). The EN body has no voice_list; the 3.0 spec lists one ("only V2.6 and subsequent"). */
const TEXT2VIDEO: Schema = {
	...generation(T2V_MODELS),
	prompt: { type: 'string', maxLength: 2500 }, // ≤2500; required unless multi-shot (rule below)
	aspect_ratio: { type: 'string', oneOf: ['16:9', '9:16', '1:1'] }, // default 16:9
	voice_list: VOICE_LIST, // only kling-v3 (rule below): refused for kling-v2-6 text2video
};

/** POST /v1/videos/image2video (EN). No aspect_ratio. */
const IMAGE2VIDEO: Schema = {
	...generation(I2V_MODELS),
	prompt: { type: 'string', maxLength: 2500 },
	image: { type: 'string' }, // URL or raw base64 without data: (at least one of image / image_tail)
	image_tail: { type: 'string' }, // same rules; exclusive with masks and camera_control
	element_list: { type: 'objectArray', maxItems: 3, items: { element_id: { type: 'stringOrInteger', required: true } } },
	voice_list: VOICE_LIST,
	static_mask: { type: 'string' },
	dynamic_masks: {
		type: 'objectArray',
		items: {
			mask: { type: 'string', required: true },
			trajectories: { type: 'objectArray', items: { x: { type: 'integer', required: true }, y: { type: 'integer', required: true } } },
		},
	},
};

/** POST /v1/videos/motion-control (EN). No duration: the output follows the reference clip. */
const MOTION_CONTROL: Schema = {
	model_name: { type: 'string', oneOf: MOTION_MODELS }, // kling-v2-6 (default) | kling-v3
	prompt: { type: 'string', maxLength: 2500 },
	image_url: { type: 'string', required: true }, // base64 or URL
	video_url: { type: 'string', required: true }, // mp4/mov ≤100 MB, ≥3 s, ≤30 s (video) / ≤10 s (image)
	element_list: { type: 'objectArray', maxItems: 1, items: { element_id: { type: 'stringOrInteger', required: true } } }, // only 1
	keep_original_sound: { type: 'string', oneOf: ['yes', 'no'] }, // default yes
	character_orientation: { type: 'string', required: true, oneOf: ['image', 'video'] },
	mode: { type: 'string', required: true, oneOf: ['std', 'pro'] },
	...COMMON,
};

export interface KlingKind {
	operation: Operation;
	schema: Schema;
	defaultModel: string;
}

export const KINDS: Readonly<Record<string, KlingKind>> = {
	text2video: { operation: 'textToVideo', schema: TEXT2VIDEO, defaultModel: 'kling-v1' },
	image2video: { operation: 'imageToVideo', schema: IMAGE2VIDEO, defaultModel: 'kling-v1' },
	'motion-control': { operation: 'motionControl', schema: MOTION_CONTROL, defaultModel: V26 },
};

/** The model a body asks for: its model_name when valid for the endpoint, else the endpoint's default. */
export function modelOf(kind: string, input: Record<string, unknown>): string {
	const rule = KINDS[kind].schema.model_name as { oneOf: readonly string[] };
	return typeof input.model_name === 'string' && rule.oneOf.includes(input.model_name) ? input.model_name : KINDS[kind].defaultModel;
}

const nonEmpty = (value: unknown) => Array.isArray(value) && value.length > 0;

/** The rules across fields, each with its source. Returns the first broken one. */
export function crossFieldIssue(kind: string, model: string, input: Record<string, unknown>): Issue | null {
	const duration = input.duration;
	if (typeof duration === 'string' && !durationsFor(model).includes(duration)) {
		return issue('duration', 'enum', `duration must be one of: ${durationsFor(model).join(', ')} for ${model}`);
	}
	// 3.0-generation fields (EN "Fields added by the 3.0 generation"): refused for the older models. INFERRED.
	if (model !== V3) {
		for (const field of ['multi_prompt', 'shot_type', 'element_list'] as const) {
			if (given(input[field])) return issue(field, 'rule', `${field} is not supported by ${model}`);
		}
		if (input.multi_shot === true) return issue('multi_shot', 'rule', `multi_shot is not supported by ${model}`);
	}
	if (kind === 'motion-control') {
		// EN: element_list "only 1; forces video orientation".
		if (nonEmpty(input.element_list) && input.character_orientation !== 'video') {
			return issue('element_list', 'rule', 'element_list requires character_orientation video');
		}
		return null;
	}
	// EN: cfg_scale "kling-v2.x models do not support".
	if (given(input.cfg_scale) && model.startsWith('kling-v2')) return issue('cfg_scale', 'rule', `cfg_scale is not supported by ${model}`);
	const soundOn = input.sound === 'on';
	const mode = input.mode ?? 'std';
	// EN capability map: native audio from kling-v2-6 on; v2-6 std is "only no audio". The older models' refusal is INFERRED.
	if (soundOn && model !== V26 && model !== V3) return issue('sound', 'rule', `sound is not supported by ${model}`);
	if (soundOn && model === V26 && mode !== 'pro') return issue('sound', 'rule', 'sound is only supported in pro mode for kling-v2-6');
	if (input.multi_shot === true) {
		// EN / 3.0 spec: shot_type is required with multi_shot; customize needs multi_prompt; no start/end frames.
		if (!given(input.shot_type)) return issue('shot_type', 'missing', 'shot_type is required when multi_shot is true');
		if (input.shot_type === 'customize' && !nonEmpty(input.multi_prompt)) {
			return issue('multi_prompt', 'missing', 'multi_prompt is required when shot_type is customize');
		}
		if (given(input.image_tail)) return issue('image_tail', 'rule', 'image_tail is not supported with multi_shot');
		if (nonEmpty(input.multi_prompt)) {
			// EN: the shots' durations must sum to the task duration (default "5").
			const total = (input.multi_prompt as { duration?: unknown }[]).reduce((sum, shot) => sum + Number(shot.duration), 0);
			if (total !== Number(input.duration ?? '5')) return issue('multi_prompt', 'rule', 'the multi_prompt durations must sum to duration');
		}
	} else if (!given(input.prompt) && kind === 'text2video') {
		return issue('prompt', 'missing', 'prompt is required');
	}
	if (nonEmpty(input.voice_list)) {
		// EN text2video has no voice_list; the 3.0 spec lists it for kling-v3 (UNCONFIRMED there).
		if (kind === 'text2video' && model !== V3) return issue('voice_list', 'rule', `voice_list is not supported by ${model} text2video`);
		// 3.0 spec: voice_list "only V2.6 and subsequent".
		if (model !== V26 && model !== V3) return issue('voice_list', 'rule', `voice_list is not supported by ${model}`);
		// EN: "sound must be on"; capability map: kling-v2-6 voice control "only pro".
		if (!soundOn) return issue('voice_list', 'rule', 'voice_list requires sound on');
		if (model === V26 && mode !== 'pro') return issue('voice_list', 'rule', 'voice_list requires mode pro for kling-v2-6');
		// EN: voice_list and element_list are mutually exclusive.
		if (nonEmpty(input.element_list)) return issue('voice_list', 'rule', 'voice_list and element_list cannot be used together');
	}
	if (kind === 'image2video') return imageIssue(model, mode, soundOn, input);
	return null;
}

function imageIssue(model: string, mode: unknown, soundOn: boolean, input: Record<string, unknown>): Issue | null {
	// EN: at least one of image / image_tail; both are a URL or raw base64 "without data: prefix".
	if (!given(input.image) && !given(input.image_tail)) return issue('image', 'missing', 'image or image_tail is required');
	for (const field of ['image', 'image_tail'] as const) {
		const value = input[field];
		if (typeof value === 'string' && /^data:/i.test(value)) {
			return issue(field, 'rule', `${field} must be a URL or raw base64 without a data: prefix`);
		}
	}
	if (given(input.image_tail)) {
		// EN: image_tail, dynamic_masks / static_mask and camera_control are mutually exclusive.
		if (given(input.static_mask) || given(input.dynamic_masks) || given(input.camera_control)) {
			return issue('image_tail', 'rule', 'image_tail cannot be used with static_mask, dynamic_masks or camera_control');
		}
		// EN capability map: kling-v2-6 start/end frame "✅ pro (only no audio)".
		if (model === V26 && (mode !== 'pro' || soundOn)) {
			return issue('image_tail', 'rule', 'image_tail is only supported in pro mode without sound for kling-v2-6');
		}
	}
	return null;
}

/** POST /v1/general/custom-voices (EN; a copy of https://klingai.com/document-api/api/video/2-6/voice-customization.md). */
export const CUSTOM_VOICE: Schema = {
	voice_name: { type: 'string', required: true, maxLength: 20 }, // ≤20 chars
	voice_url: { type: 'string' }, // .mp3/.wav/.mp4/.mov, one clean voice, 5–30 s
	video_id: { type: 'string' }, // a video made by V2.6 with sound on (or by the Avatar / Lip-Sync APIs)
	callback_url: { type: 'string' },
	external_task_id: { type: 'string' },
};
