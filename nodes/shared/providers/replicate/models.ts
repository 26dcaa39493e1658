/**
 * Replicate's model table: Kling as the official models `kwaivgi/kling-v2.6` (text and image to
 * video; Pro only), `kwaivgi/kling-v2.6-motion-control` and `kwaivgi/kling-v3-video`. The mode is
 * an input (`mode`), so both modes share a model path. Values pass as they are: durations are
 * integers and audio a boolean on Replicate.
 */
import { unconfirmed, type ModelTable, type Source } from '../table';

const V26: Source = 'https://replicate.com/kwaivgi/kling-v2.6 (seed 000)';
const V26_MC: Source = 'https://replicate.com/kwaivgi/kling-v2.6-motion-control/api (input schema)';
const V3: Source = 'https://replicate.com/kwaivgi/kling-v3-video/versions/4a8ba2743bd9dc2b487e0c4319988aacd658d33c2d064b8a420f4ee1732c30bd/api';
const PROMPT_LIMIT_V26 = { value: 2500, source: unconfirmed("Replicate states no limit for kling-v2.6; Kling's own API caps prompts at 2500") };
const V26_PRICE = { usdPerSecond: { silent: 0.07, withAudio: 0.14 }, source: V26 };

export const REPLICATE_MODELS = {
	'kling-v2.6': {
		textToVideo: {
			endpoints: { pro: { path: 'kwaivgi/kling-v2.6', source: V26, price: V26_PRICE } },
			fields: {
				prompt: { name: 'prompt', source: V26 },
				negativePrompt: { name: 'negative_prompt', source: V26 },
				duration: { name: 'duration', source: V26 },
				aspectRatio: { name: 'aspect_ratio', source: V26 },
				generateAudio: { name: 'generate_audio', source: V26 },
			},
			durations: { values: [5, 10], source: unconfirmed('5 and 10 as on the other hosts; the page names the field without its values') },
			promptMaxLength: PROMPT_LIMIT_V26,
		},
		imageToVideo: {
			endpoints: { pro: { path: 'kwaivgi/kling-v2.6', source: V26, price: V26_PRICE } },
			// aspect_ratio is "ignored if start_image is provided", so it is not offered here.
			fields: {
				prompt: { name: 'prompt', source: V26 },
				negativePrompt: { name: 'negative_prompt', source: V26 },
				duration: { name: 'duration', source: V26 },
				generateAudio: { name: 'generate_audio', source: V26 },
				startImage: { name: 'start_image', source: V26 },
			},
			durations: { values: [5, 10], source: unconfirmed('5 and 10 as on the other hosts; the page names the field without its values') },
			promptMaxLength: PROMPT_LIMIT_V26,
		},
		motionControl: {
			endpoints: {
				pro: { path: 'kwaivgi/kling-v2.6-motion-control', source: V26_MC },
				std: { path: 'kwaivgi/kling-v2.6-motion-control', source: V26_MC },
			},
			fields: {
				prompt: { name: 'prompt', source: V26_MC },
				image: { name: 'image', source: V26_MC },
				video: { name: 'video', source: V26_MC },
				mode: { name: 'mode', source: V26_MC },
				keepOriginalSound: { name: 'keep_original_sound', source: V26_MC },
				characterOrientation: { name: 'character_orientation', source: V26_MC },
			},
			promptMaxLength: PROMPT_LIMIT_V26,
		},
	},
	'kling-v3': {
		textToVideo: {
			endpoints: { pro: { path: 'kwaivgi/kling-v3-video', source: V3 }, std: { path: 'kwaivgi/kling-v3-video', source: V3 } },
			fields: {
				prompt: { name: 'prompt', source: V3 },
				negativePrompt: { name: 'negative_prompt', source: V3 },
				duration: { name: 'duration', source: V3 },
				aspectRatio: { name: 'aspect_ratio', source: V3 },
				generateAudio: { name: 'generate_audio', source: V3 },
				// Replicate's v3 calls the modes "standard" and "pro".
				mode: { name: 'mode', to: 'modeWord', source: V3 },
			},
			durations: { values: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], source: V3 },
			promptMaxLength: { value: 2500, source: V3 },
		},
		imageToVideo: {
			endpoints: { pro: { path: 'kwaivgi/kling-v3-video', source: V3 }, std: { path: 'kwaivgi/kling-v3-video', source: V3 } },
			fields: {
				prompt: { name: 'prompt', source: V3 },
				negativePrompt: { name: 'negative_prompt', source: V3 },
				duration: { name: 'duration', source: V3 },
				generateAudio: { name: 'generate_audio', source: V3 },
				startImage: { name: 'start_image', source: V3 },
				endImage: { name: 'end_image', source: V3 },
				mode: { name: 'mode', to: 'modeWord', source: V3 },
			},
			durations: { values: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], source: V3 },
			promptMaxLength: { value: 2500, source: V3 },
			imageTypes: { values: ['jpeg', 'png'], source: V3 },
		},
	},
} as const satisfies ModelTable;
