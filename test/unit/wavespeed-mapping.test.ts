/** WaveSpeed's model table, request mapping, job mapping and error reading, without any HTTP. */
import { MalformedResponseError, ProviderApiError } from '../../nodes/shared/errors';
import { toResponse } from '../../nodes/shared/http';
import type { VideoRequest } from '../../nodes/shared/job';
import { tableOf } from '../../nodes/shared/providers';
import { modesOf, offeredFields } from '../../nodes/shared/providers/table';
import { requestProblems } from '../../nodes/shared/providers/validation';
import {
	toWavespeedInput,
	wavespeedApiError,
	wavespeedEndpointMatch,
	wavespeedJob,
} from '../../nodes/shared/providers/wavespeed/adapter';
import { WAVESPEED_MODELS } from '../../nodes/shared/providers/wavespeed/models';
import { parseWavespeed, wavespeedPredictionSchema, wavespeedSecretSchema } from '../../nodes/shared/providers/wavespeed/schemas';
import { caught, rowsOf, sorted } from './mappingHelpers';

const json = (status: number, body: unknown) => toResponse(status, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify(body)));

const problems = (request: VideoRequest) => requestProblems(tableOf('wavespeed'), request).map((problem) => problem.message);
const row = rowsOf(WAVESPEED_MODELS, 'WaveSpeed');

type ImageToVideo = Extract<VideoRequest, { operation: 'imageToVideo' }>;
const i2v = (extra: Partial<ImageToVideo> = {}): ImageToVideo => ({
	operation: 'imageToVideo',
	prompt: 'p',
	duration: 5,
	startImage: 's',
	...extra,
});

describe('WaveSpeed model table', () => {

	it('Kling v2.6 Pro takes the fields WaveSpeed lists for it', () => {
		expect(sorted(offeredFields(row('kling-v2.6', 'textToVideo'), 'pro'))).toEqual([
			'aspectRatio',
			'cfgScale',
			'duration',
			'generateAudio',
			'mode',
			'negativePrompt',
			'prompt',
		]);
		// No voices on text to video, and no aspect ratio on image to video (the image decides).
		expect(sorted(offeredFields(row('kling-v2.6', 'imageToVideo'), 'pro'))).toEqual([
			'cfgScale',
			'duration',
			'endImage',
			'generateAudio',
			'mode',
			'negativePrompt',
			'prompt',
			'startImage',
			'voiceIds',
		]);
		expect(offeredFields(row('kling-v2.6', 'createVoice'))).toEqual(['voiceUrl']);
	});

	// Contract correction: WaveSpeed's Standard endpoints list fewer inputs than the Pro ones
	// (kling-v2.6-std/text-to-video has no sound and no cfg_scale; kling-v2.6-std/image-to-video
	// is prompt, image, negative_prompt and duration only), so the table omits them for std.
	it('Kling v2.6 Standard takes only what its endpoints list', () => {
		expect(sorted(offeredFields(row('kling-v2.6', 'textToVideo'), 'std'))).toEqual(['aspectRatio', 'duration', 'mode', 'negativePrompt', 'prompt']);
		expect(sorted(offeredFields(row('kling-v2.6', 'imageToVideo'), 'std'))).toEqual(['duration', 'mode', 'negativePrompt', 'prompt', 'startImage']);
	});

	it('Kling v3 has one text-to-video and one motion-control mode (Standard) and two image-to-video modes', () => {
		expect(modesOf(row('kling-v3', 'textToVideo'))).toEqual(['std']);
		expect(modesOf(row('kling-v3', 'imageToVideo'))).toEqual(['pro', 'std']);
		expect(modesOf(row('kling-v3', 'motionControl'))).toEqual(['std']);
		expect(sorted(offeredFields(row('kling-v3', 'textToVideo')))).toEqual(['aspectRatio', 'duration', 'generateAudio', 'negativePrompt', 'prompt']);
		expect(sorted(offeredFields(row('kling-v3', 'imageToVideo')))).toEqual([
			'cfgScale',
			'duration',
			'endImage',
			'generateAudio',
			'mode',
			'negativePrompt',
			'prompt',
			'startImage',
		]);
		expect(sorted(offeredFields(row('kling-v3', 'motionControl')))).toEqual(['characterOrientation', 'image', 'video']);
	});

	it('cross-field rules: voices need audio; end image and voices only in mode Pro', () => {
		const voicesOff = 'Voice IDs are v with Generate Audio off: voices are spoken in the audio; allowed are Generate Audio on, or no Voice IDs';
		expect(problems(i2v({ generateAudio: false, voiceIds: ['v'] }))).toEqual([voicesOff]);
		expect(problems(i2v({ generateAudio: true, voiceIds: ['v'] }))).toEqual([]);
		expect(problems(i2v({ generateAudio: false, endImage: 'e', mode: 'pro' }))).toEqual([]);
		// The Standard image-to-video endpoint takes no end frame (its schema lists none).
		const [endImageStd] = problems(i2v({ endImage: 'e', mode: 'std' }));
		expect(endImageStd).toContain('End Image is "e"');
		expect(endImageStd).toContain("WaveSpeed's Kling v2.6");
		expect(endImageStd).toContain('takes no End Image for Image to Video');
		expect(problems(i2v({ endImage: 'e', mode: 'std' }))).toHaveLength(1);
	});
});

describe('toWavespeedInput', () => {
	it('maps text to video, the mode choosing the path and audio named sound', () => {
		expect(
			toWavespeedInput({ operation: 'textToVideo', prompt: 'a cat', duration: 10, aspectRatio: '1:1', generateAudio: false, cfgScale: 0.7, mode: 'pro' }),
		).toEqual({
			path: 'kwaivgi/kling-v2.6-pro/text-to-video',
			input: { prompt: 'a cat', duration: 10, aspect_ratio: '1:1', sound: false, cfg_scale: 0.7 },
		});
		expect(
			toWavespeedInput({ operation: 'textToVideo', prompt: 'a cat', negativePrompt: 'blur', duration: 10, aspectRatio: '1:1', mode: 'std' }),
		).toEqual({
			path: 'kwaivgi/kling-v2.6-std/text-to-video',
			input: { prompt: 'a cat', negative_prompt: 'blur', duration: 10, aspect_ratio: '1:1' },
		});
	});

	// Contract correction: kling-v2.6-std/text-to-video lists no `sound` and no `cfg_scale`, so
	// they are refused for Standard instead of being sent to an endpoint that ignores them.
	it('refuses Generate Audio and CFG Scale on the Standard text-to-video model', () => {
		const error = caught(() =>
			toWavespeedInput({ operation: 'textToVideo', prompt: 'a cat', duration: 10, aspectRatio: '1:1', generateAudio: false, cfgScale: 0.7, mode: 'std' }),
		);
		expect(error).toBeInstanceOf(ProviderApiError);
		expect((error as ProviderApiError).kind).toBe('invalidInput');
		// One problem per field; each message has its own "; allowed are …".
		const [audio, cfg] = error.message.split(/; (?=[A-Z][A-Za-z ]+ is )/);
		expect(audio).toMatch(/^Generate Audio is false: WaveSpeed's Kling v2\.6 .*takes no Generate Audio for Text to Video/);
		expect(cfg).toMatch(/^CFG Scale is 0\.7: WaveSpeed's Kling v2\.6 .*takes no CFG Scale for Text to Video in mode Standard; allowed are Mode Pro, or no CFG Scale$/);
		expect(problems({ operation: 'textToVideo', prompt: 'p', duration: 5, aspectRatio: '1:1', generateAudio: true, mode: 'std' })).toEqual([
			expect.stringMatching(/^Generate Audio is true: WaveSpeed's Kling v2\.6 .*takes no Generate Audio for Text to Video/),
		]);
	});

	// Contract correction: kling-v2.6-std/image-to-video's whole schema is prompt, image,
	// negative_prompt and duration.
	it('maps Standard image to video to prompt, image, negative prompt and duration only', () => {
		expect(toWavespeedInput(i2v({ mode: 'std', negativePrompt: 'n', duration: 10 }))).toEqual({
			path: 'kwaivgi/kling-v2.6-std/image-to-video',
			input: { prompt: 'p', image: 's', negative_prompt: 'n', duration: 10 },
		});
	});

	it.each<[string, string, Partial<ImageToVideo>]>([
		['Generate Audio', 'false', { generateAudio: false }],
		['CFG Scale', '0.4', { cfgScale: 0.4 }],
		['End Image', '"e"', { endImage: 'e' }],
		['Voice IDs', '["v"]', { voiceIds: ['v'] }],
	])('refuses %s on the Standard image-to-video model', (label, shown, extra) => {
		const error = caught(() => toWavespeedInput(i2v({ mode: 'std', ...extra })));
		expect(error).toBeInstanceOf(ProviderApiError);
		expect((error as ProviderApiError).kind).toBe('invalidInput');
		expect(error.message.startsWith(`${label} is ${shown}: WaveSpeed's Kling v2.6`)).toBe(true);
		expect(error.message).toContain(`takes no ${label} for Image to Video`);
	});

	// Contract correction: the current kling-v2.6-pro/image-to-video schema names the end frame
	// `last_image` (only an older doc page says end_image).
	it('defaults to Pro and maps image, the end frame as last_image, and voices', () => {
		expect(toWavespeedInput(i2v({ generateAudio: true, startImage: 'https://e/s.png', voiceIds: ['v1', 'v2'] }))).toEqual({
			path: 'kwaivgi/kling-v2.6-pro/image-to-video',
			input: { prompt: 'p', duration: 5, sound: true, image: 'https://e/s.png', voice_list: [{ voice_id: 'v1' }, { voice_id: 'v2' }] },
		});
		const { input } = toWavespeedInput(i2v({ generateAudio: false, endImage: 'e' }));
		expect(input).toEqual({ prompt: 'p', duration: 5, sound: false, image: 's', last_image: 'e' });
		expect(input).not.toHaveProperty('end_image');
	});

	// Contract correction: the create-voice input schema has one field, `audio` (voice_url is fal's name).
	it('maps motion control and create voice, whose sample is `audio`', () => {
		expect(
			toWavespeedInput({ operation: 'motionControl', image: 'i', video: 'v', characterOrientation: 'image', keepOriginalSound: true, mode: 'std' }),
		).toEqual({
			path: 'kwaivgi/kling-v2.6-std/motion-control',
			input: { image: 'i', video: 'v', character_orientation: 'image', keep_original_sound: true },
		});
		const voice = toWavespeedInput({ operation: 'createVoice', voiceUrl: 'https://e/a.mp3' });
		expect(voice).toEqual({ path: 'kwaivgi/kling-v2.6/create-voice', input: { audio: 'https://e/a.mp3' } });
		expect(voice.input).not.toHaveProperty('voice_url');
	});

	it('refuses fields WaveSpeed does not take and requests that break a rule', () => {
		const refused = caught(() => toWavespeedInput(i2v({ generateAudio: true, aspectRatio: '9:16' })));
		expect(refused).toBeInstanceOf(ProviderApiError);
		expect(refused.message).toBe(`Aspect Ratio is "9:16": WaveSpeed's Kling v2.6 takes no Aspect Ratio for Image to Video`);
		const broken = caught(() => toWavespeedInput(i2v({ generateAudio: false, voiceIds: ['v'] })));
		expect((broken as ProviderApiError).kind).toBe('invalidInput');
		expect(broken.message).toBe('Voice IDs are v with Generate Audio off: voices are spoken in the audio; allowed are Generate Audio on, or no Voice IDs');
		expect(caught(() => toWavespeedInput({ operation: 'textToVideo', prompt: 'p', duration: 7, aspectRatio: '1:1' })).message).toBe(
			"Duration is 7 s: WaveSpeed's Kling v2.6 takes 5 and 10 seconds",
		);
	});

	// Contract correction: WaveSpeed hosts Kling v3 as kwaivgi/kling-v3.0-{pro,std}/… .
	it('maps Kling v3 text to video onto its only (Standard) model, with 3 to 15 seconds', () => {
		const request: VideoRequest = { operation: 'textToVideo', model: 'kling-v3', prompt: 'p', duration: 12, aspectRatio: '9:16', generateAudio: true };
		expect(toWavespeedInput(request)).toEqual({
			path: 'kwaivgi/kling-v3.0-std/text-to-video',
			input: { prompt: 'p', duration: 12, aspect_ratio: '9:16', sound: true },
		});
		expect(toWavespeedInput({ ...request, mode: 'std' }).path).toBe('kwaivgi/kling-v3.0-std/text-to-video');
		expect(problems({ ...request, mode: 'pro' })).toEqual(["Mode is Pro: WaveSpeed's Kling v3 offers Text to Video only in mode Standard"]);
		expect(problems({ ...request, cfgScale: 0.5 })).toEqual([`CFG Scale is 0.5: WaveSpeed's Kling v3 takes no CFG Scale for Text to Video`]);
		for (const duration of [3, 15]) expect(toWavespeedInput({ ...request, duration }).input.duration).toBe(duration);
		expect(problems({ ...request, duration: 16 })).toEqual([
			"Duration is 16 s: WaveSpeed's Kling v3 takes 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 and 15 seconds",
		]);
	});

	// Contract correction: v3 image to video calls the end frame end_image (v2.6 Pro: last_image).
	it('maps Kling v3 image to video per mode, the end frame as end_image', () => {
		const request = i2v({ model: 'kling-v3', duration: 8, generateAudio: false, endImage: 'e' });
		expect(toWavespeedInput(request)).toEqual({
			path: 'kwaivgi/kling-v3.0-pro/image-to-video',
			input: { prompt: 'p', duration: 8, sound: false, image: 's', end_image: 'e' },
		});
		expect(toWavespeedInput({ ...request, mode: 'std' })).toEqual({
			path: 'kwaivgi/kling-v3.0-std/image-to-video',
			input: { prompt: 'p', duration: 8, sound: false, image: 's', end_image: 'e' },
		});
	});

	it('maps Kling v3 motion control onto the Standard model, without keep-sound', () => {
		const request: VideoRequest = { operation: 'motionControl', model: 'kling-v3', image: 'i', video: 'v', characterOrientation: 'video', mode: 'std' };
		expect(toWavespeedInput(request)).toEqual({
			path: 'kwaivgi/kling-v3.0-std/motion-control',
			input: { image: 'i', video: 'v', character_orientation: 'video' },
		});
		expect(problems({ ...request, keepOriginalSound: true, mode: 'pro' })).toEqual([
			"Mode is Pro: WaveSpeed's Kling v3 offers Motion Control only in mode Standard",
			"Keep Original Sound is true: WaveSpeed's Kling v3 takes no Keep Original Sound for Motion Control",
		]);
	});

	// Contract correction: wavespeedOperationOf became wavespeedEndpointMatch, which also names model and mode.
	it('reads model, operation and mode back from a model path, and nothing from other models', () => {
		expect(wavespeedEndpointMatch('kwaivgi/kling-v2.6-std/image-to-video')).toEqual({ model: 'kling-v2.6', operation: 'imageToVideo', mode: 'std' });
		expect(wavespeedEndpointMatch('kwaivgi/kling-v2.6-pro/motion-control')).toEqual({ model: 'kling-v2.6', operation: 'motionControl', mode: 'pro' });
		expect(wavespeedEndpointMatch('kwaivgi/kling-v2.6/create-voice')).toEqual({ model: 'kling-v2.6', operation: 'createVoice', mode: 'pro' });
		expect(wavespeedEndpointMatch('kwaivgi/kling-v3.0-std/text-to-video')).toEqual({ model: 'kling-v3', operation: 'textToVideo', mode: 'std' });
		expect(wavespeedEndpointMatch('kwaivgi/kling-v3.0-pro/image-to-video')).toEqual({ model: 'kling-v3', operation: 'imageToVideo', mode: 'pro' });
		expect(wavespeedEndpointMatch('kwaivgi/kling-v3.0-std/motion-control')).toEqual({ model: 'kling-v3', operation: 'motionControl', mode: 'std' });
		expect(wavespeedEndpointMatch('wavespeed-ai/flux-dev')).toBeNull();
		expect(wavespeedEndpointMatch(undefined)).toBeNull();
	});
});

describe('wavespeedJob', () => {
	const base = {
		id: 'ws1',
		model: 'kwaivgi/kling-v2.6-pro/text-to-video',
		urls: { get: 'https://api.wavespeed.ai/api/v3/predictions/ws1/result' },
		created_at: '2025-06-01T12:00:00.000Z',
		error: '',
	};
	const parse = (extra: Record<string, unknown>) => parseWavespeed(wavespeedPredictionSchema, { ...base, ...extra }, 'prediction');

	it('maps a completed video with what the submit asked for', () => {
		const raw = { code: 200, data: { ...base, status: 'completed', outputs: ['https://cdn/x.mp4'], has_nsfw_contents: [false], timings: { inference: 61000 } } };
		const job = wavespeedJob(parse(raw.data), raw, null, { durationSeconds: 5, hasAudio: false });
		expect(job).toMatchObject({
			jobId: 'ws1',
			provider: 'wavespeed',
			operation: 'textToVideo',
			model: 'kling-v2.6',
			status: 'succeeded',
			videoUrl: 'https://cdn/x.mp4',
			voiceId: null,
			expiresAt: '2025-06-08T12:00:00.000Z',
			durationSeconds: 5,
			hasAudio: false,
			estimatedCostUsd: 0.35,
			timings: { createdAt: base.created_at, predictSeconds: 61 },
			error: null,
			ref: { provider: 'wavespeed', jobId: 'ws1', operation: 'textToVideo', urls: { status: base.urls.get } },
		});
		expect(job.raw).toBe(raw);
	});

	it('reads a Standard text-to-video echo as silent and prices it at the Standard rate', () => {
		const job = wavespeedJob(
			parse({ model: 'kwaivgi/kling-v2.6-std/text-to-video', status: 'completed', outputs: ['https://cdn/x.mp4'], input: { prompt: 'p', duration: 5 } }),
			{},
		);
		expect(job).toMatchObject({ operation: 'textToVideo', model: 'kling-v2.6', durationSeconds: 5, hasAudio: false, estimatedCostUsd: 0.21 });
	});

	it('names Kling v3 as the model of a v3 prediction', () => {
		const job = wavespeedJob(parse({ model: 'kwaivgi/kling-v3.0-pro/image-to-video', status: 'processing', input: { duration: 8, sound: true } }), {});
		expect(job).toMatchObject({ operation: 'imageToVideo', model: 'kling-v3', status: 'running', durationSeconds: 8, hasAudio: true });
	});

	it.each([
		['created', 'queued', null],
		['processing', 'running', null],
		['cancelled', 'canceled', 'canceled'],
		['timeout', 'failed', 'timeout'],
	])('maps state %s to %s', (state, unified, kind) => {
		const job = wavespeedJob(parse({ status: state }), {});
		expect(job.status).toBe(unified);
		expect(job.error?.kind ?? null).toBe(kind);
	});

	it('a failed or NSFW-flagged prediction is a failed job with the reason', () => {
		const failed = wavespeedJob(parse({ status: 'failed', error: 'prompt rejected by content safety check' }), {});
		expect(failed).toMatchObject({ status: 'failed', videoUrl: null, error: { kind: 'contentPolicy', message: 'prompt rejected by content safety check' } });
		expect(wavespeedJob(parse({ status: 'failed', error: 'GPU crashed' }), {}).error).toEqual({ message: 'GPU crashed', kind: 'provider' });
		const flagged = wavespeedJob(parse({ status: 'completed', outputs: ['https://cdn/x.mp4'], has_nsfw_contents: [true] }), {});
		expect(flagged).toMatchObject({ status: 'failed', videoUrl: null, error: { kind: 'contentPolicy' } });
	});

	it('reads a voice id from create voice, as a string or an object', () => {
		const voice = (outputs: unknown[]) => wavespeedJob(parse({ model: 'kwaivgi/kling-v2.6/create-voice', status: 'completed', outputs }), {});
		expect(voice(['voice_123'])).toMatchObject({ operation: 'createVoice', voiceId: 'voice_123', videoUrl: null });
		expect(voice([{ voice_id: 'voice_456' }]).voiceId).toBe('voice_456');
	});
});

describe('reading WaveSpeed answers', () => {
	it('names the problems of a malformed prediction', () => {
		const error = caught(() => parseWavespeed(wavespeedPredictionSchema, { id: 'x', status: 'completed', outputs: [] }, 'prediction'));
		expect(error).toBeInstanceOf(MalformedResponseError);
		expect(error.message).toContain('outputs: a completed prediction must carry its output');
		expect(caught(() => parseWavespeed(wavespeedPredictionSchema, { status: 'done' }, 'prediction')).message).toMatch(/id: Required.*status: Invalid enum value/);
	});

	it('accepts both shapes of the secret answer', () => {
		expect(parseWavespeed(wavespeedSecretSchema, { code: 200, data: { secret: 'whsec_a' } }, 'secret')).toEqual({ code: 200, data: { secret: 'whsec_a' } });
		expect(parseWavespeed(wavespeedSecretSchema, { secret: 'whsec_b' }, 'secret')).toEqual({ secret: 'whsec_b' });
	});

	it('reports an envelope error with its code, even on HTTP 200', () => {
		const error = wavespeedApiError(json(200, { code: 400, message: 'duration must be 5 or 10', data: null }), 'create a prediction');
		expect(error).toMatchObject({ httpStatus: 200, code: 400, kind: 'invalidInput' });
		expect(error.message).toContain('duration must be 5 or 10');
		const ref = { provider: 'wavespeed' as const, jobId: 'j', operation: null };
		expect(wavespeedApiError(json(401, { code: 401, message: 'Unauthorized' }), 'read', ref)).toMatchObject({ kind: 'provider', jobRef: ref });
	});
});
