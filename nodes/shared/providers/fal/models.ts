/**
 * fal.ai's model table: Kling on fal's queue, one endpoint id per model, operation and mode.
 * Field names and values are checked against the input types fal's official client publishes
 * (`models.typecheck.ts`): a misspelled or removed name fails `npm run typecheck`.
 */
import { voicesNeedAudio } from '../rules';
import type { ModelTable, Source } from '../table';

/** fal's official client, whose published endpoint types are the first-party schema. */
const SDK = 'sdk @fal-ai/client@1.10.1 src/types/endpoints.d.ts';
const sdk = (type: string): Source => `${SDK} ${type}`;
const PAGE_V26_I2V = 'https://fal.ai/models/fal-ai/kling-video/v2.6/pro/image-to-video/llms.txt';

const V26_T2V = sdk('KlingVideoV26ProTextToVideoInput');
const V26_I2V = sdk('KlingVideoV26ProImageToVideoInput');
const V26_MC = sdk('KlingVideoV26ProMotionControlInput');
const V3_T2V = sdk('KlingVideoV3ProTextToVideoInput');
const V3_I2V = sdk('KlingVideoV3ProImageToVideoInput');
const V3_MC = sdk('KlingVideoV3ProMotionControlInput');

/** Durations are strings on fal: v2.6 "5" | "10", v3 "3" … "15". */
const V3_DURATIONS = { values: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], source: V3_T2V } as const;
const PROMPT_LIMIT = {
	value: 2500,
	source: "UNCONFIRMED: fal states no limit for these endpoints; Kling's own API caps prompts at 2500 characters",
};

const motionControlFields = (source: Source) =>
	({
		prompt: { name: 'prompt', source },
		image: { name: 'image_url', source },
		video: { name: 'video_url', source },
		characterOrientation: { name: 'character_orientation', source },
		keepOriginalSound: { name: 'keep_original_sound', source },
	}) as const;

export const FAL_MODELS = {
	'kling-v2.6': {
		textToVideo: {
			endpoints: {
				pro: {
					path: 'fal-ai/kling-video/v2.6/pro/text-to-video',
					source: `${SDK} EndpointTypeMap`,
					price: { usdPerSecond: { silent: 0.07, withAudio: 0.14 }, source: 'https://fal.ai/docs/model-api-reference/video-generation-api/kling-video-v2.6-pro (seed 004: $0.07/s audio off, $0.14/s audio on)' },
				},
			},
			fields: {
				prompt: { name: 'prompt', source: V26_T2V },
				negativePrompt: { name: 'negative_prompt', source: V26_T2V },
				duration: { name: 'duration', to: 'string', source: V26_T2V },
				aspectRatio: { name: 'aspect_ratio', source: V26_T2V },
				cfgScale: { name: 'cfg_scale', source: V26_T2V },
				generateAudio: { name: 'generate_audio', source: V26_T2V },
			},
			durations: { values: [5, 10], source: V26_T2V },
			promptMaxLength: PROMPT_LIMIT,
		},
		imageToVideo: {
			endpoints: {
				pro: {
					path: 'fal-ai/kling-video/v2.6/pro/image-to-video',
					source: `${SDK} EndpointTypeMap`,
					price: { usdPerSecond: { silent: 0.07, withAudio: 0.14, withVoices: 0.168 }, source: `${PAGE_V26_I2V} (voice control: $0.168/s)` },
				},
			},
			// No aspect_ratio (the start image decides) and no cfg_scale on this endpoint.
			fields: {
				prompt: { name: 'prompt', source: V26_I2V },
				negativePrompt: { name: 'negative_prompt', source: V26_I2V },
				duration: { name: 'duration', to: 'string', source: V26_I2V },
				generateAudio: { name: 'generate_audio', source: V26_I2V },
				startImage: { name: 'start_image_url', source: V26_I2V },
				endImage: { name: 'end_image_url', source: V26_I2V },
				voiceIds: { name: 'voice_ids', source: V26_I2V },
			},
			durations: { values: [5, 10], source: V26_I2V },
			promptMaxLength: PROMPT_LIMIT,
			rules: [
				voicesNeedAudio(`UNCONFIRMED: fal states no such rule; its price page bills voice control only "with native audio" (${PAGE_V26_I2V})`),
			],
		},
		motionControl: {
			endpoints: {
				pro: { path: 'fal-ai/kling-video/v2.6/pro/motion-control', source: `${SDK} EndpointTypeMap` },
				std: { path: 'fal-ai/kling-video/v2.6/standard/motion-control', source: `${SDK} EndpointTypeMap` },
			},
			fields: motionControlFields(V26_MC),
			promptMaxLength: PROMPT_LIMIT,
		},
		createVoice: {
			endpoints: { pro: { path: 'fal-ai/kling-video/create-voice', source: `${SDK} EndpointTypeMap` } },
			fields: { voiceUrl: { name: 'voice_url', source: sdk('CreateVoiceInput') } },
		},
	},
	'kling-v3': {
		textToVideo: {
			endpoints: {
				pro: { path: 'fal-ai/kling-video/v3/pro/text-to-video', source: `${SDK} EndpointTypeMap` },
				std: {
					path: 'fal-ai/kling-video/v3/standard/text-to-video',
					source: `${SDK} EndpointTypeMap`,
					price: {
						usdPerSecond: { silent: 0.084, withAudio: 0.126, withVoices: 0.154 },
						source: 'https://fal.ai/models/fal-ai/kling-video/v3/standard/text-to-video/llms.txt (voice control: $0.154/s)',
					},
				},
			},
			// multi_prompt and shot_type (multi-shot) are v3 fields the table can add later.
			fields: {
				prompt: { name: 'prompt', source: V3_T2V },
				negativePrompt: { name: 'negative_prompt', source: V3_T2V },
				duration: { name: 'duration', to: 'string', source: V3_T2V },
				aspectRatio: { name: 'aspect_ratio', source: V3_T2V },
				cfgScale: { name: 'cfg_scale', source: V3_T2V },
				generateAudio: { name: 'generate_audio', source: V3_T2V },
			},
			durations: V3_DURATIONS,
			promptMaxLength: PROMPT_LIMIT,
		},
		imageToVideo: {
			endpoints: {
				pro: {
					path: 'fal-ai/kling-video/v3/pro/image-to-video',
					source: `${SDK} EndpointTypeMap`,
					price: {
						usdPerSecond: { silent: 0.112, withAudio: 0.168, withVoices: 0.196 },
						source: 'https://fal.ai/models/fal-ai/kling-video/v3/pro/image-to-video/playground ($0.112/s audio off, $0.168/s audio on, $0.196/s with voice control)',
					},
				},
				std: { path: 'fal-ai/kling-video/v3/standard/image-to-video', source: `${SDK} EndpointTypeMap` },
			},
			// Voices bind to elements on v3 (elements[].voice_id), which the table can add later.
			fields: {
				prompt: { name: 'prompt', source: V3_I2V },
				negativePrompt: { name: 'negative_prompt', source: V3_I2V },
				duration: { name: 'duration', to: 'string', source: V3_I2V },
				cfgScale: { name: 'cfg_scale', source: V3_I2V },
				generateAudio: { name: 'generate_audio', source: V3_I2V },
				startImage: { name: 'start_image_url', source: V3_I2V },
				endImage: { name: 'end_image_url', source: V3_I2V },
			},
			durations: { values: V3_DURATIONS.values, source: V3_I2V },
			promptMaxLength: PROMPT_LIMIT,
		},
		motionControl: {
			endpoints: {
				pro: { path: 'fal-ai/kling-video/v3/pro/motion-control', source: `${SDK} EndpointTypeMap` },
				std: { path: 'fal-ai/kling-video/v3/standard/motion-control', source: `${SDK} EndpointTypeMap` },
			},
			fields: motionControlFields(V3_MC),
			promptMaxLength: PROMPT_LIMIT,
		},
	},
} as const satisfies ModelTable;
