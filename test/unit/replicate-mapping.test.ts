/** Replicate's mapping tables, job mapping and error reading, without any HTTP. */
import { MalformedResponseError, ProviderApiError } from '../../nodes/shared/errors';
import { toResponse } from '../../nodes/shared/http';
import type { VideoRequest } from '../../nodes/shared/job';
import {
	replicateApiError,
	replicateJob,
	replicateOperationOf,
	replicateRetryDelayHint,
	toReplicateInput,
} from '../../nodes/shared/providers/replicate/adapter';
import { REPLICATE_MODELS } from '../../nodes/shared/providers/replicate/models';
import { parseReplicate, replicatePredictionSchema } from '../../nodes/shared/providers/replicate/schemas';
import { modesOf, offeredFields } from '../../nodes/shared/providers/table';
import { caught, rowsOf, sorted } from './mappingHelpers';

const json = (status: number, body: unknown) => toResponse(status, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify(body)));

const row = rowsOf(REPLICATE_MODELS, 'Replicate');

describe('Replicate model table', () => {

	it('Kling v2.6 takes no voices, end image or cfg scale, and text and image to video only in mode Pro', () => {
		for (const operation of ['textToVideo', 'imageToVideo', 'motionControl'] as const) {
			const fields = offeredFields(row('kling-v2.6', operation));
			expect(fields).not.toContain('voiceIds');
			expect(fields).not.toContain('endImage');
			expect(fields).not.toContain('cfgScale');
		}
		expect(sorted(offeredFields(row('kling-v2.6', 'textToVideo')))).toEqual(['aspectRatio', 'duration', 'generateAudio', 'negativePrompt', 'prompt']);
		// aspect_ratio is ignored with a start image, so image to video does not offer it.
		expect(sorted(offeredFields(row('kling-v2.6', 'imageToVideo')))).toEqual(['duration', 'generateAudio', 'negativePrompt', 'prompt', 'startImage']);
		expect(modesOf(row('kling-v2.6', 'textToVideo'))).toEqual(['pro']);
		expect(modesOf(row('kling-v2.6', 'imageToVideo'))).toEqual(['pro']);
		expect(modesOf(row('kling-v2.6', 'motionControl'))).toEqual(['pro', 'std']);
		expect(offeredFields(row('kling-v2.6', 'motionControl'))).toContain('mode');
	});

	it('Kling v3 takes both modes and an end image', () => {
		expect(sorted(offeredFields(row('kling-v3', 'imageToVideo')))).toEqual([
			'duration',
			'endImage',
			'generateAudio',
			'mode',
			'negativePrompt',
			'prompt',
			'startImage',
		]);
		expect(sorted(offeredFields(row('kling-v3', 'textToVideo')))).toEqual(['aspectRatio', 'duration', 'generateAudio', 'mode', 'negativePrompt', 'prompt']);
	});
});

describe('toReplicateInput', () => {
	it('maps text to video onto kwaivgi/kling-v2.6 with Replicate names and types', () => {
		const request: VideoRequest = {
			operation: 'textToVideo',
			prompt: 'a cat',
			negativePrompt: 'blur',
			duration: 10,
			aspectRatio: '9:16',
			generateAudio: false,
		};
		expect(toReplicateInput(request)).toEqual({
			model: 'kwaivgi/kling-v2.6',
			input: { prompt: 'a cat', negative_prompt: 'blur', duration: 10, aspect_ratio: '9:16', generate_audio: false },
		});
	});

	it('maps the start image and accepts quality pro, which is what the model is', () => {
		const { model, input } = toReplicateInput({
			operation: 'imageToVideo',
			prompt: 'go',
			duration: 5,
			generateAudio: true,
			startImage: 'https://example.com/a.png',
			mode: 'pro',
		});
		expect(model).toBe('kwaivgi/kling-v2.6');
		expect(input).toEqual({ prompt: 'go', duration: 5, generate_audio: true, start_image: 'https://example.com/a.png' });
	});

	it('maps motion control onto the motion-control model', () => {
		expect(
			toReplicateInput({
				operation: 'motionControl',
				image: 'https://e/i.png',
				video: 'https://e/v.mp4',
				characterOrientation: 'video',
				keepOriginalSound: false,
				mode: 'std',
			}),
		).toEqual({
			model: 'kwaivgi/kling-v2.6-motion-control',
			input: { image: 'https://e/i.png', video: 'https://e/v.mp4', character_orientation: 'video', keep_original_sound: false, mode: 'std' },
		});
	});

	it.each<[string, VideoRequest, string]>([
		[
			'endImage',
			{ operation: 'imageToVideo', prompt: 'p', duration: 5, generateAudio: false, startImage: 's', endImage: 'e' },
			`End Image is "e": Replicate's Kling v2.6 takes no End Image for Image to Video`,
		],
		[
			'aspectRatio',
			{ operation: 'imageToVideo', prompt: 'p', duration: 5, generateAudio: false, startImage: 's', aspectRatio: '1:1' },
			`Aspect Ratio is "1:1": Replicate's Kling v2.6 takes no Aspect Ratio for Image to Video`,
		],
		[
			'cfgScale',
			{ operation: 'textToVideo', prompt: 'p', duration: 5, aspectRatio: '1:1', generateAudio: false, cfgScale: 0.4 },
			`CFG Scale is 0.4: Replicate's Kling v2.6 takes no CFG Scale for Text to Video`,
		],
		[
			'voiceIds',
			{ operation: 'textToVideo', prompt: 'p', duration: 5, aspectRatio: '1:1', generateAudio: true, voiceIds: ['v1'] },
			`Voice IDs is ["v1"]: Replicate's Kling v2.6 takes no Voice IDs for Text to Video`,
		],
		// Contract correction: kwaivgi/kling-v2.6 text and image to video are Pro only.
		[
			'mode',
			{ operation: 'textToVideo', prompt: 'p', duration: 5, aspectRatio: '1:1', generateAudio: true, mode: 'std' },
			"Mode is Standard: Replicate's Kling v2.6 offers Text to Video only in mode Pro",
		],
		[
			'mode on image to video',
			{ operation: 'imageToVideo', prompt: 'p', duration: 5, generateAudio: false, startImage: 's', mode: 'std' },
			"Mode is Standard: Replicate's Kling v2.6 offers Image to Video only in mode Pro",
		],
	])('refuses %s instead of dropping it', (_field, request, message) => {
		const error = caught(() => toReplicateInput(request));
		expect(error).toBeInstanceOf(ProviderApiError);
		expect((error as ProviderApiError).kind).toBe('invalidInput');
		expect(error.message).toBe(message);
	});

	it('treats an empty voice list as no voices', () => {
		expect(() => toReplicateInput({ operation: 'textToVideo', prompt: 'p', duration: 5, aspectRatio: '1:1', generateAudio: true, voiceIds: [] })).not.toThrow();
	});

	it('refuses create voice', () => {
		expect(caught(() => toReplicateInput({ operation: 'createVoice', voiceUrl: 'https://e/a.mp3' })).message).toBe(
			'Operation is Create Voice: Replicate does not offer it',
		);
	});

	// Contract correction: motion control runs on kwaivgi/kling-v2.6-motion-control with `mode` std | pro.
	it('sends the motion-control mode as it is, std or pro', () => {
		const request: VideoRequest = { operation: 'motionControl', image: 'i', video: 'v', characterOrientation: 'image', mode: 'pro' };
		expect(toReplicateInput(request)).toEqual({
			model: 'kwaivgi/kling-v2.6-motion-control',
			input: { image: 'i', video: 'v', character_orientation: 'image', mode: 'pro' },
		});
		expect(caught(() => toReplicateInput({ ...request, model: 'kling-v3' })).message).toBe('Model is Kling v3: Replicate offers Motion Control with Kling v2.6');
	});

	// Contract correction: Kling v3 is kwaivgi/kling-v3-video, its `mode` "standard" | "pro" (modeWord).
	it('maps Kling v3 text to video onto kwaivgi/kling-v3-video with the mode word', () => {
		const request: VideoRequest = { operation: 'textToVideo', model: 'kling-v3', prompt: 'p', duration: 12, aspectRatio: '1:1', generateAudio: true, mode: 'std' };
		expect(toReplicateInput(request)).toEqual({
			model: 'kwaivgi/kling-v3-video',
			input: { prompt: 'p', duration: 12, aspect_ratio: '1:1', generate_audio: true, mode: 'standard' },
		});
		expect(toReplicateInput({ ...request, mode: 'pro' }).input.mode).toBe('pro');
		expect(toReplicateInput({ ...request, mode: undefined }).input.mode).toBe('pro');
		expect(toReplicateInput({ ...request, duration: 3 }).input.duration).toBe(3);
		expect(caught(() => toReplicateInput({ ...request, duration: 16 })).message).toBe(
			"Duration is 16 s: Replicate's Kling v3 takes 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 and 15 seconds",
		);
	});

	it('maps Kling v3 image to video with start and end image', () => {
		expect(
			toReplicateInput({
				operation: 'imageToVideo',
				model: 'kling-v3',
				prompt: 'p',
				duration: 8,
				generateAudio: false,
				startImage: 'https://e/s.png',
				endImage: 'https://e/e.png',
				mode: 'std',
			}),
		).toEqual({
			model: 'kwaivgi/kling-v3-video',
			input: { prompt: 'p', duration: 8, generate_audio: false, start_image: 'https://e/s.png', end_image: 'https://e/e.png', mode: 'standard' },
		});
	});
});

// Contract correction: replicateOperationOf returns the model beside the operation.
describe('replicateOperationOf', () => {
	const prediction = (model: string, input: Record<string, unknown> = {}) =>
		parseReplicate(replicatePredictionSchema, { id: 'p1', status: 'processing', model, input }, 'prediction');

	it('reads model and operation from the model, and image to video from start_image', () => {
		expect(replicateOperationOf(prediction('kwaivgi/kling-v2.6', { prompt: 'x' }), null)).toEqual({ model: 'kling-v2.6', operation: 'textToVideo' });
		expect(replicateOperationOf(prediction('kwaivgi/kling-v2.6', { start_image: 'https://e/i.png' }), null)).toEqual({
			model: 'kling-v2.6',
			operation: 'imageToVideo',
		});
		expect(replicateOperationOf(prediction('kwaivgi/kling-v3-video', { prompt: 'x', mode: 'standard' }), null)).toEqual({
			model: 'kling-v3',
			operation: 'textToVideo',
		});
		expect(replicateOperationOf(prediction('kwaivgi/kling-v3-video', { start_image: 'https://e/i.png' }), 'textToVideo')).toEqual({
			model: 'kling-v3',
			operation: 'imageToVideo',
		});
		expect(replicateOperationOf(prediction('kwaivgi/kling-v2.6-motion-control'), null)).toEqual({ model: 'kling-v2.6', operation: 'motionControl' });
	});

	it('keeps the known operation, and no model, for a model it does not know', () => {
		expect(replicateOperationOf(prediction('black-forest-labs/flux-dev'), 'textToVideo')).toEqual({ model: null, operation: 'textToVideo' });
		expect(replicateOperationOf(prediction('black-forest-labs/flux-dev'), null)).toEqual({ model: null, operation: null });
	});
});

describe('replicateJob', () => {
	const base = {
		id: 'abc123',
		model: 'kwaivgi/kling-v2.6',
		input: { prompt: 'x', duration: 10, generate_audio: true },
		created_at: '2025-06-01T12:00:00.000Z',
		started_at: '2025-06-01T12:00:05.000Z',
		urls: { get: 'https://api.replicate.com/v1/predictions/abc123', cancel: 'https://api.replicate.com/v1/predictions/abc123/cancel' },
	};
	const job = (extra: Record<string, unknown>) => {
		const raw = { ...base, ...extra };
		return replicateJob(parseReplicate(replicatePredictionSchema, raw, 'prediction'), raw);
	};

	it('maps a success: URL, expiry one hour after completion, cost, timings, ref, raw', () => {
		const raw = { ...base, status: 'succeeded', output: 'https://replicate.delivery/x.mp4', completed_at: '2025-06-01T12:02:00.000Z', metrics: { predict_time: 110.5 } };
		const result = replicateJob(parseReplicate(replicatePredictionSchema, raw, 'prediction'), raw);
		expect(result).toMatchObject({
			jobId: 'abc123',
			provider: 'replicate',
			operation: 'textToVideo',
			model: 'kling-v2.6',
			status: 'succeeded',
			videoUrl: 'https://replicate.delivery/x.mp4',
			expiresAt: '2025-06-01T13:02:00.000Z',
			durationSeconds: 10,
			hasAudio: true,
			estimatedCostUsd: 1.4,
			timings: { createdAt: base.created_at, startedAt: base.started_at, completedAt: '2025-06-01T12:02:00.000Z', predictSeconds: 110.5 },
			error: null,
			ref: { provider: 'replicate', jobId: 'abc123', operation: 'textToVideo', urls: { status: base.urls.get, cancel: base.urls.cancel } },
		});
		expect(result.raw).toBe(raw);
	});

	it.each([
		['starting', 'queued'],
		['processing', 'running'],
		['canceled', 'canceled'],
		['aborted', 'canceled'],
	])('maps state %s to %s', (state, unified) => {
		expect(job({ status: state }).status).toBe(unified);
	});

	it('reads image to video from start_image and motion control from the model', () => {
		expect(job({ status: 'processing', input: { prompt: 'x', start_image: 'https://e/i.png', duration: 5, generate_audio: false } }).operation).toBe('imageToVideo');
		const motion = job({ status: 'processing', model: 'kwaivgi/kling-v2.6-motion-control', input: { keep_original_sound: true } });
		expect(motion).toMatchObject({ operation: 'motionControl', durationSeconds: null, hasAudio: true, estimatedCostUsd: null });
	});

	it('names Kling v3 as the model of a kling-v3-video prediction; no price is published for it', () => {
		const v3 = job({
			status: 'succeeded',
			model: 'kwaivgi/kling-v3-video',
			input: { prompt: 'x', start_image: 'https://e/i.png', duration: 8, generate_audio: true, mode: 'pro' },
			output: 'https://replicate.delivery/y.mp4',
			completed_at: '2025-06-01T12:02:00.000Z',
		});
		expect(v3).toMatchObject({ model: 'kling-v3', operation: 'imageToVideo', durationSeconds: 8, hasAudio: true, estimatedCostUsd: null });
	});

	it('a failed prediction is a failed job, content policy recognised', () => {
		const failed = job({ status: 'failed', error: 'The input or output was flagged as sensitive. Please try again with different inputs. (E005)' });
		expect(failed).toMatchObject({ status: 'failed', videoUrl: null, estimatedCostUsd: null, error: { kind: 'contentPolicy' } });
		expect(failed.error?.message).toContain('E005');
		expect(job({ status: 'failed', error: 'CUDA out of memory' }).error).toEqual({ message: 'CUDA out of memory', kind: 'provider' });
	});

	it('hides the URL once data_removed is set', () => {
		const removed = job({ status: 'succeeded', output: 'https://replicate.delivery/x.mp4', data_removed: true, completed_at: '2025-06-01T12:02:00Z' });
		expect(removed.videoUrl).toBeNull();
		expect(removed.status).toBe('succeeded');
	});
});

describe('reading Replicate answers', () => {
	it('names every problem of a malformed prediction', () => {
		const error = caught(() => parseReplicate(replicatePredictionSchema, { id: 7, status: 'done' }, 'prediction'));
		expect(error).toBeInstanceOf(MalformedResponseError);
		expect(error.message).toContain('id: Expected string, received number');
		expect(error.message).toMatch(/status: Invalid enum value/);
	});

	it('refuses a success without output', () => {
		expect(caught(() => parseReplicate(replicatePredictionSchema, { id: 'a', status: 'succeeded' }, 'prediction')).message).toContain(
			'output: a succeeded prediction must carry its output URL',
		);
	});

	it('reports a 422 with each invalid field', () => {
		const error = replicateApiError(
			json(422, {
				title: 'Input validation failed',
				status: 422,
				detail: '- input.duration: duration must be one of the following: 5, 10',
				invalid_fields: [{ type: 'enum', field: 'input.duration', description: 'duration must be one of the following: 5, 10' }],
			}),
			'create a prediction',
		);
		expect(error).toMatchObject({ httpStatus: 422, kind: 'invalidInput', code: 'Input validation failed' });
		expect(error.message).toContain('input.duration: duration must be one of the following: 5, 10');
	});

	it('keeps the job reference and reads the 429 retry hint', () => {
		const ref = { provider: 'replicate' as const, jobId: 'j1', operation: null };
		expect(replicateApiError(json(404, { detail: 'Not found.' }), 'read prediction j1', ref).jobRef).toBe(ref);
		expect(replicateRetryDelayHint(json(429, { detail: 'Request was throttled. Expected available in 7 seconds.' }))).toBe(7000);
		expect(replicateRetryDelayHint(json(429, { detail: 'Request was throttled. Expected available in 1 second.' }))).toBe(1000);
		expect(replicateRetryDelayHint(json(500, { detail: 'boom' }))).toBeUndefined();
	});
});
