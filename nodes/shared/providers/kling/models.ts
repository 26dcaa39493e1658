/**
 * Kling's own API's model table (the `/v1/videos/*` API with AK/SK JWTs). One path per operation; the
 * model travels as `model_name` and the mode as `mode`. Source: Kling's API reference
 * (app.klingai.com/global/dev/document-api, read from verbatim copies: the page itself is not
 * reachable here) and its "Kling AI Series 3.0 Model API Specification".
 */
import { audioNeedsPro, endImageNeedsPro, endImageWithoutAudio, motionVideoByUrl, voiceSampleByUrl, voicesNeedAudio } from '../rules';
import { klingUnitPrice } from '../../spend/units';
import type { ModelTable, Rule, Source } from '../table';

const REF = 'https://app.klingai.com/global/dev/document-api';
const T2V: Source = `${REF} (Text to Video)`;
const I2V: Source = `${REF} (Image to Video)`;
const MC: Source = `${REF} (Motion Control)`;
const VOICES: Source = `${REF} (Custom Voices)`;
const CAPABILITIES: Source = `${REF} (capability map)`;
const V3_SPEC: Source = 'https://docs.qingque.cn (Kling AI Series 3.0 Model API Specification, 2026-02)';
const PROMPT_LIMIT = { value: 2500, source: T2V };
const V3_DURATIONS = { values: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], source: CAPABILITIES };

/** Voices (image to video, mode Pro only) need the audio they are spoken in. */
const voicesNeedPro: Rule = {
	source: CAPABILITIES,
	check: (request) =>
		request.operation === 'imageToVideo' && (request.voiceIds?.length ?? 0) > 0 && request.mode === 'std'
			? `Mode is Standard with Voice IDs: Kling v2.6 takes voices only in mode Pro; allowed are Mode Pro, or no Voice IDs`
			: null,
};

const both = (path: string, source: Source) => ({ pro: { path, source }, std: { path, source } });
/** Units per second (3.0 spec, "Credit Deduction Details"); the dollars are the units at the list price (spend/units.ts). */
const v3Units = (silent: number, withAudio: number, withVoices?: number) =>
	klingUnitPrice({ silent, withAudio, ...(withVoices === undefined ? {} : { withVoices }) }, `${V3_SPEC} (units per second; $0.14 per unit)`);

const textToVideoFields = {
	prompt: { name: 'prompt', source: T2V },
	negativePrompt: { name: 'negative_prompt', source: T2V },
	duration: { name: 'duration', to: 'string', source: T2V },
	aspectRatio: { name: 'aspect_ratio', source: T2V },
	generateAudio: { name: 'sound', to: 'onOff', source: T2V },
	mode: { name: 'mode', source: T2V },
} as const;

const imageToVideoFields = {
	prompt: { name: 'prompt', source: I2V },
	negativePrompt: { name: 'negative_prompt', source: I2V },
	duration: { name: 'duration', to: 'string', source: I2V },
	generateAudio: { name: 'sound', to: 'onOff', source: I2V },
	mode: { name: 'mode', source: I2V },
	startImage: { name: 'image', to: 'rawBase64', source: I2V },
	endImage: { name: 'image_tail', to: 'rawBase64', source: I2V },
} as const;

const motionControlFields = {
	prompt: { name: 'prompt', source: MC },
	image: { name: 'image_url', to: 'rawBase64', source: MC },
	video: { name: 'video_url', source: MC },
	characterOrientation: { name: 'character_orientation', source: MC },
	keepOriginalSound: { name: 'keep_original_sound', to: 'yesNo', source: MC },
	mode: { name: 'mode', source: MC },
} as const;

const JPG_PNG = { values: ['jpeg', 'png'] as const, source: I2V };
const byUrl = motionVideoByUrl('Kling', MC);

export const KLING_MODELS = {
	'kling-v2.6': {
		textToVideo: {
			endpoints: both('/v1/videos/text2video', T2V),
			// v2.6 text to video takes no voice_list: voices are image to video in mode Pro only.
			fields: textToVideoFields,
			fixed: { model_name: { value: 'kling-v2-6', source: T2V } },
			durations: { values: [5, 10], source: CAPABILITIES },
			promptMaxLength: PROMPT_LIMIT,
			rules: [audioNeedsPro('Kling v2.6', CAPABILITIES)],
		},
		imageToVideo: {
			endpoints: both('/v1/videos/image2video', I2V),
			fields: { ...imageToVideoFields, voiceIds: { name: 'voice_list', to: 'voiceObjects', source: I2V } },
			fixed: { model_name: { value: 'kling-v2-6', source: I2V } },
			durations: { values: [5, 10], source: CAPABILITIES },
			promptMaxLength: PROMPT_LIMIT,
			imageTypes: JPG_PNG,
			rules: [
				audioNeedsPro('Kling v2.6', CAPABILITIES),
				endImageNeedsPro('Kling v2.6', CAPABILITIES),
				endImageWithoutAudio('Kling v2.6', CAPABILITIES),
				voicesNeedAudio(I2V),
				voicesNeedPro,
			],
		},
		motionControl: {
			endpoints: both('/v1/videos/motion-control', MC),
			fields: motionControlFields,
			fixed: { model_name: { value: 'kling-v2-6', source: MC } },
			promptMaxLength: PROMPT_LIMIT,
			imageTypes: JPG_PNG,
			rules: [byUrl],
		},
		createVoice: {
			endpoints: { pro: { path: '/v1/general/custom-voices', source: VOICES } },
			fields: { voiceUrl: { name: 'voice_url', source: VOICES }, voiceName: { name: 'voice_name', source: VOICES } },
			required: ['voiceName'],
			rules: [voiceSampleByUrl('Kling', VOICES)],
		},
	},
	'kling-v3': {
		textToVideo: {
			endpoints: {
				pro: { path: '/v1/videos/text2video', source: T2V, price: v3Units(0.8, 1.2, 1.4) },
				std: { path: '/v1/videos/text2video', source: T2V, price: v3Units(0.6, 0.9, 1.1) },
			},
			fields: textToVideoFields,
			fixed: { model_name: { value: 'kling-v3', source: T2V } },
			durations: V3_DURATIONS,
			promptMaxLength: PROMPT_LIMIT,
		},
		imageToVideo: {
			endpoints: {
				pro: { path: '/v1/videos/image2video', source: I2V, price: v3Units(0.8, 1.2, 1.4) },
				std: { path: '/v1/videos/image2video', source: I2V, price: v3Units(0.6, 0.9, 1.1) },
			},
			// Kling's capability map shows no voice control for kling-v3.
			fields: imageToVideoFields,
			fixed: { model_name: { value: 'kling-v3', source: I2V } },
			durations: V3_DURATIONS,
			promptMaxLength: PROMPT_LIMIT,
			imageTypes: JPG_PNG,
		},
		motionControl: {
			endpoints: {
				pro: { path: '/v1/videos/motion-control', source: MC, price: v3Units(1.2, 1.2) },
				std: { path: '/v1/videos/motion-control', source: MC, price: v3Units(0.9, 0.9) },
			},
			fields: motionControlFields,
			fixed: { model_name: { value: 'kling-v3', source: MC } },
			promptMaxLength: PROMPT_LIMIT,
			imageTypes: JPG_PNG,
			rules: [byUrl],
		},
	},
} as const satisfies ModelTable;
