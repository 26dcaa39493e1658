/** WaveSpeed's mapping tables, job mapping and error reading, without any HTTP. */
import { MalformedResponseError, ProviderApiError } from '../../nodes/shared/errors';
import { toResponse } from '../../nodes/shared/http';
import type { VideoRequest } from '../../nodes/shared/job';
import {
	toWavespeedInput,
	wavespeedApiError,
	wavespeedCapabilities,
	wavespeedJob,
	wavespeedOperationOf,
} from '../../nodes/shared/providers/wavespeed';
import { parseWavespeed, wavespeedPredictionSchema, wavespeedSecretSchema } from '../../nodes/shared/providers/wavespeedSchemas';

const json = (status: number, body: unknown) => toResponse(status, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify(body)));

function caught(run: () => unknown): Error {
	try {
		run();
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected an error');
}

describe('WaveSpeed capabilities', () => {
	it('offers all four operations with the fields WaveSpeed takes', () => {
		const ops = wavespeedCapabilities.operations;
		expect(Object.keys(ops).sort()).toEqual(['createVoice', 'imageToVideo', 'motionControl', 'textToVideo']);
		expect(ops.textToVideo).toEqual(expect.arrayContaining(['cfgScale', 'aspectRatio', 'generateAudio', 'quality']));
		expect(ops.textToVideo).not.toContain('voiceIds');
		expect(ops.imageToVideo).toEqual(expect.arrayContaining(['startImage', 'endImage', 'voiceIds', 'cfgScale']));
		expect(ops.imageToVideo).not.toContain('aspectRatio');
		expect(ops.createVoice).toEqual(['voiceUrl']);
		expect(wavespeedCapabilities.webhookScheme).toBe('wavespeedHmacHex');
		expect(wavespeedCapabilities.outputRetentionSeconds).toBe(7 * 24 * 3600);
	});

	it('cross-field rules: voices need audio, end image needs silence and pro', () => {
		const rules = wavespeedCapabilities.crossFieldRules ?? [];
		const messages = (request: VideoRequest) => rules.map((rule) => rule.check(request)).filter(Boolean);
		const i2v = { operation: 'imageToVideo' as const, prompt: 'p', duration: 5 as const, startImage: 's' };
		expect(messages({ ...i2v, generateAudio: false, voiceIds: ['v'] })).toEqual([expect.stringMatching(/Voice IDs/)]);
		expect(messages({ ...i2v, generateAudio: true, voiceIds: ['v'] })).toEqual([]);
		expect(messages({ ...i2v, generateAudio: true, endImage: 'e' })).toEqual([expect.stringMatching(/Generate Audio off/)]);
		expect(messages({ ...i2v, generateAudio: false, endImage: 'e', quality: 'std' })).toEqual([expect.stringMatching(/pro/)]);
		expect(messages({ ...i2v, generateAudio: false, endImage: 'e', quality: 'pro' })).toEqual([]);
	});
});

describe('toWavespeedInput', () => {
	it('maps text to video, the tier choosing the path and audio named sound', () => {
		expect(
			toWavespeedInput({ operation: 'textToVideo', prompt: 'a cat', duration: 10, aspectRatio: '1:1', generateAudio: false, cfgScale: 0.7, quality: 'std' }),
		).toEqual({
			path: 'kwaivgi/kling-v2.6-std/text-to-video',
			input: { prompt: 'a cat', duration: 10, aspect_ratio: '1:1', sound: false, cfg_scale: 0.7 },
		});
	});

	it('defaults to the pro tier and maps image, end image and voices', () => {
		expect(
			toWavespeedInput({ operation: 'imageToVideo', prompt: 'p', duration: 5, generateAudio: true, startImage: 'https://e/s.png', voiceIds: ['v1', 'v2'] }),
		).toEqual({
			path: 'kwaivgi/kling-v2.6-pro/image-to-video',
			input: { prompt: 'p', duration: 5, sound: true, image: 'https://e/s.png', voice_list: [{ voice_id: 'v1' }, { voice_id: 'v2' }] },
		});
		expect(
			toWavespeedInput({ operation: 'imageToVideo', prompt: 'p', duration: 5, generateAudio: false, startImage: 's', endImage: 'e' }).input,
		).toMatchObject({ image: 's', end_image: 'e' });
	});

	it('maps motion control and create voice', () => {
		expect(
			toWavespeedInput({ operation: 'motionControl', image: 'i', video: 'v', characterOrientation: 'image', keepOriginalSound: true, quality: 'std' }),
		).toEqual({
			path: 'kwaivgi/kling-v2.6-std/motion-control',
			input: { image: 'i', video: 'v', character_orientation: 'image', keep_original_sound: true },
		});
		expect(toWavespeedInput({ operation: 'createVoice', voiceUrl: 'https://e/a.mp3' })).toEqual({
			path: 'kwaivgi/kling-v2.6/create-voice',
			input: { voice_url: 'https://e/a.mp3' },
		});
	});

	it('refuses fields WaveSpeed does not take and requests that break a rule', () => {
		const refused = caught(() => toWavespeedInput({ operation: 'imageToVideo', prompt: 'p', duration: 5, generateAudio: true, startImage: 's', aspectRatio: '9:16' }));
		expect(refused).toBeInstanceOf(ProviderApiError);
		expect(refused.message).toContain('aspectRatio');
		const broken = caught(() => toWavespeedInput({ operation: 'imageToVideo', prompt: 'p', duration: 5, generateAudio: false, startImage: 's', voiceIds: ['v'] }));
		expect((broken as ProviderApiError).kind).toBe('invalidInput');
	});

	it('reads the operation back from a model path, and nothing from other models', () => {
		expect(wavespeedOperationOf('kwaivgi/kling-v2.6-std/image-to-video')).toBe('imageToVideo');
		expect(wavespeedOperationOf('kwaivgi/kling-v2.6/create-voice')).toBe('createVoice');
		expect(wavespeedOperationOf('wavespeed-ai/flux-dev')).toBeNull();
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
