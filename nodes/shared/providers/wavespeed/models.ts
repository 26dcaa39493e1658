/**
 * WaveSpeed's model table: Kling as `kwaivgi/kling-v2.6-{pro|std}/…` and
 * `kwaivgi/kling-v3.0-{pro|std}/…` on WaveSpeed's API v3; each mode is its own model path.
 * Sources are WaveSpeed's model pages (their `llms.txt` input schemas where they exist) and API docs.
 */
import { endImageWithoutAudio, voicesNeedAudio } from '../rules';
import { unconfirmed, type ModelTable, type Source } from '../table';

const MODELS = 'https://wavespeed.ai/models/kwaivgi';
const DOCS = 'https://wavespeed.ai/docs/docs-api/kwaivgi';

const V26_PRO_T2V = `${DOCS}/kling-v2.6-pro/text-to-video`;
const V26_PRO_I2V = `${MODELS}/kling-v2.6-pro/image-to-video/llms.txt`;
const V26_STD_T2V = `${DOCS}/kwaivgi-kling-v2.6-std-text-to-video`;
const V26_STD_I2V = `${MODELS}/kling-v2.6-std/image-to-video/llms.txt`;
/** Both motion-control ids are first-party (WaveSpeed's "Kling 2.6 Motion Control" family); no input schema was found. */
const V26_MC = unconfirmed(
	'no WaveSpeed input schema for kling-v2.6 motion-control; names as in its v3.0 motion-control doc and Kling\'s own API',
);
const V3_STD_T2V = `${DOCS}/kwaivgi-kling-v3.0-std-text-to-video`;
const V3_STD_I2V = `${MODELS}/kling-v3.0-std/image-to-video/llms.txt`;
const V3_PRO_I2V = `${DOCS}/kling-v3.0-pro/image-to-video`;
const V3_STD_MC = `${DOCS}/kwaivgi-kling-v3.0-std-motion-control`;

const PROMPT_LIMIT = { value: 2500, source: unconfirmed("WaveSpeed states no limit; Kling's own API caps prompts at 2500 characters") };
const JPG_PNG = (source: Source) => ({ values: ['jpeg', 'png'] as const, source });
const perSecond = (silent: number, withAudio: number, source: Source) => ({ usdPerSecond: { silent, withAudio }, source });

export const WAVESPEED_MODELS = {
	'kling-v2.6': {
		textToVideo: {
			endpoints: {
				pro: {
					path: 'kwaivgi/kling-v2.6-pro/text-to-video',
					source: V26_PRO_T2V,
					price: perSecond(0.07, 0.14, `${V26_PRO_T2V} (5 s $0.35, 10 s $0.70; audio doubles)`),
				},
				std: {
					path: 'kwaivgi/kling-v2.6-std/text-to-video',
					source: V26_STD_T2V,
					// The Standard model lists no `sound` and no `cfg_scale`, and makes no audio.
					omits: ['generateAudio', 'cfgScale'],
					implies: { generateAudio: false },
					price: perSecond(0.042, 0.042, `${V26_STD_T2V} (5 s $0.21, 10 s $0.42)`),
				},
			},
			fields: {
				prompt: { name: 'prompt', source: V26_PRO_T2V },
				negativePrompt: { name: 'negative_prompt', source: V26_PRO_T2V },
				duration: { name: 'duration', source: V26_PRO_T2V },
				aspectRatio: { name: 'aspect_ratio', source: V26_PRO_T2V },
				generateAudio: { name: 'sound', source: V26_PRO_T2V },
				cfgScale: { name: 'cfg_scale', source: V26_PRO_T2V },
			},
			durations: { values: [5, 10], source: V26_PRO_T2V },
			promptMaxLength: PROMPT_LIMIT,
		},
		imageToVideo: {
			endpoints: {
				pro: {
					path: 'kwaivgi/kling-v2.6-pro/image-to-video',
					source: V26_PRO_I2V,
					price: perSecond(0.07, 0.14, `${MODELS}/kling-v2.6-pro/image-to-video (5 s $0.35, 10 s $0.70; audio doubles)`),
				},
				std: {
					path: 'kwaivgi/kling-v2.6-std/image-to-video',
					source: V26_STD_I2V,
					// Its whole schema is prompt, image, negative_prompt and duration.
					omits: ['generateAudio', 'cfgScale', 'endImage', 'voiceIds'],
					implies: { generateAudio: false },
				},
			},
			fields: {
				prompt: { name: 'prompt', source: V26_PRO_I2V },
				negativePrompt: { name: 'negative_prompt', source: V26_PRO_I2V },
				duration: { name: 'duration', source: V26_PRO_I2V },
				generateAudio: { name: 'sound', source: V26_PRO_I2V },
				cfgScale: { name: 'cfg_scale', source: V26_PRO_I2V },
				startImage: { name: 'image', source: V26_PRO_I2V },
				// The current page and API doc say last_image; an older doc page says end_image.
				endImage: { name: 'last_image', source: `${V26_PRO_I2V}; ${DOCS}/kling-v2.6-pro/image-to-video` },
				voiceIds: {
					name: 'voice_list',
					to: 'voiceObjects',
					source: unconfirmed(`the item shape; ${V26_PRO_I2V} names only voice_id, Kling's own API takes [{voice_id}]`),
				},
			},
			durations: { values: [5, 10], source: V26_PRO_I2V },
			promptMaxLength: PROMPT_LIMIT,
			imageTypes: JPG_PNG(V26_PRO_I2V),
			rules: [
				voicesNeedAudio('https://wavespeed.ai/docs (seed 003: "When the voice_id parameter is not empty … billed based on the with voice generation metric")'),
				// Kling's own rule for v2.6 start and end frames; WaveSpeed relays Kling and states none of its own.
				endImageWithoutAudio('Kling v2.6', unconfirmed("WaveSpeed states no rule; Kling's capability map allows start and end frame only without audio")),
			],
		},
		motionControl: {
			endpoints: {
				pro: { path: 'kwaivgi/kling-v2.6-pro/motion-control', source: 'https://wavespeed.ai/kling-2-6-api (7 REST endpoints)' },
				std: { path: 'kwaivgi/kling-v2.6-std/motion-control', source: 'https://wavespeed.ai/kling-2-6-api (7 REST endpoints)' },
			},
			fields: {
				image: { name: 'image', source: V26_MC },
				video: { name: 'video', source: V26_MC },
				characterOrientation: { name: 'character_orientation', source: V26_MC },
				keepOriginalSound: { name: 'keep_original_sound', source: V26_MC },
				prompt: { name: 'prompt', source: V26_MC },
			},
			promptMaxLength: PROMPT_LIMIT,
		},
		createVoice: {
			endpoints: { pro: { path: 'kwaivgi/kling-v2.6/create-voice', source: `${MODELS}/kling-v2.6/create-voice/llms.txt` } },
			// The input schema has one field, `audio` (two prose pages still say voice_url, fal's name).
			fields: { voiceUrl: { name: 'audio', source: `${MODELS}/kling-v2.6/create-voice/llms.txt` } },
		},
	},
	'kling-v3': {
		textToVideo: {
			// Only the Standard text-to-video model is on a WaveSpeed page.
			endpoints: { std: { path: 'kwaivgi/kling-v3.0-std/text-to-video', source: V3_STD_T2V } },
			fields: {
				prompt: { name: 'prompt', source: V3_STD_T2V },
				negativePrompt: { name: 'negative_prompt', source: V3_STD_T2V },
				duration: { name: 'duration', source: V3_STD_T2V },
				aspectRatio: { name: 'aspect_ratio', source: V3_STD_T2V },
				generateAudio: { name: 'sound', source: V3_STD_T2V },
			},
			durations: { values: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], source: V3_STD_T2V },
			promptMaxLength: PROMPT_LIMIT,
		},
		imageToVideo: {
			endpoints: {
				pro: { path: 'kwaivgi/kling-v3.0-pro/image-to-video', source: V3_PRO_I2V },
				std: { path: 'kwaivgi/kling-v3.0-std/image-to-video', source: V3_STD_I2V },
			},
			fields: {
				prompt: { name: 'prompt', source: V3_STD_I2V },
				negativePrompt: { name: 'negative_prompt', source: V3_STD_I2V },
				duration: { name: 'duration', source: V3_STD_I2V },
				generateAudio: { name: 'sound', source: V3_STD_I2V },
				cfgScale: { name: 'cfg_scale', source: V3_STD_I2V },
				startImage: { name: 'image', source: V3_STD_I2V },
				// v3 calls the end frame end_image (v2.6 Pro: last_image).
				endImage: { name: 'end_image', source: V3_STD_I2V },
			},
			durations: { values: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], source: V3_STD_I2V },
			promptMaxLength: PROMPT_LIMIT,
			imageTypes: JPG_PNG(V3_STD_I2V),
		},
		motionControl: {
			endpoints: { std: { path: 'kwaivgi/kling-v3.0-std/motion-control', source: V3_STD_MC } },
			// The keep-sound option and the prompt are described but their names are cut off in the doc.
			fields: {
				image: { name: 'image', source: V3_STD_MC },
				video: { name: 'video', source: V3_STD_MC },
				characterOrientation: { name: 'character_orientation', source: V3_STD_MC },
			},
			required: ['characterOrientation'],
		},
	},
} as const satisfies ModelTable;
