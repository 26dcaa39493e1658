/** Replicate's mapping tables, job mapping and error reading, without any HTTP. */
import { MalformedResponseError, ProviderApiError } from '../../nodes/shared/errors';
import { toResponse } from '../../nodes/shared/http';
import type { VideoRequest } from '../../nodes/shared/job';
import {
	replicateApiError,
	replicateCapabilities,
	replicateJob,
	replicateRetryDelayHint,
	toReplicateInput,
} from '../../nodes/shared/providers/replicate';
import { parseReplicate, replicatePredictionSchema } from '../../nodes/shared/providers/replicateSchemas';

const json = (status: number, body: unknown) => toResponse(status, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify(body)));

function caught(run: () => unknown): Error {
	try {
		run();
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected an error');
}

describe('Replicate capabilities', () => {
	it('offers text, image and motion control but not voices, end image, cfg scale or create voice', () => {
		const ops = replicateCapabilities.operations;
		expect(Object.keys(ops).sort()).toEqual(['imageToVideo', 'motionControl', 'textToVideo']);
		const all = Object.values(ops).flat();
		expect(all).not.toContain('voiceIds');
		expect(all).not.toContain('endImage');
		expect(all).not.toContain('cfgScale');
		expect(ops.imageToVideo).not.toContain('aspectRatio');
		expect(ops.textToVideo).toContain('aspectRatio');
		expect(replicateCapabilities.webhookScheme).toBe('standardWebhooks');
		expect(replicateCapabilities.outputRetentionSeconds).toBe(3600);
		expect(replicateCapabilities.longPoll).toBeNull();
		expect(replicateCapabilities.idempotentSubmit).toBe(false);
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
			quality: 'pro',
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
				quality: 'std',
			}),
		).toEqual({
			model: 'kwaivgi/kling-v2.6-motion-control',
			input: { image: 'https://e/i.png', video: 'https://e/v.mp4', character_orientation: 'video', keep_original_sound: false, mode: 'std' },
		});
	});

	it.each<[string, VideoRequest]>([
		['endImage', { operation: 'imageToVideo', prompt: 'p', duration: 5, generateAudio: false, startImage: 's', endImage: 'e' }],
		['aspectRatio', { operation: 'imageToVideo', prompt: 'p', duration: 5, generateAudio: false, startImage: 's', aspectRatio: '1:1' }],
		['cfgScale', { operation: 'textToVideo', prompt: 'p', duration: 5, aspectRatio: '1:1', generateAudio: false, cfgScale: 0.4 }],
		['voiceIds', { operation: 'textToVideo', prompt: 'p', duration: 5, aspectRatio: '1:1', generateAudio: true, voiceIds: ['v1'] }],
		['quality', { operation: 'textToVideo', prompt: 'p', duration: 5, aspectRatio: '1:1', generateAudio: true, quality: 'std' }],
	])('refuses %s instead of dropping it', (field, request) => {
		const error = caught(() => toReplicateInput(request));
		expect(error).toBeInstanceOf(ProviderApiError);
		expect((error as ProviderApiError).kind).toBe('invalidInput');
		expect(error.message).toContain(field);
	});

	it('treats an empty voice list as no voices', () => {
		expect(() => toReplicateInput({ operation: 'textToVideo', prompt: 'p', duration: 5, aspectRatio: '1:1', generateAudio: true, voiceIds: [] })).not.toThrow();
	});

	it('refuses create voice', () => {
		expect(caught(() => toReplicateInput({ operation: 'createVoice', voiceUrl: 'https://e/a.mp3' })).message).toMatch(/does not offer createVoice/);
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
