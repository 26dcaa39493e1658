/** Kling's pure mappings: request → body, cross-field rules, external ids, error codes, task → job. */
import { toResponse } from '../../nodes/shared/http';
import type { VideoRequest } from '../../nodes/shared/job';
import { ProviderApiError } from '../../nodes/shared/errors';
import {
	KLING_EXTERNAL_ID,
	klingCapabilities,
	klingError,
	klingExternalTaskId,
	klingImage,
	klingIsFinal,
	klingJob,
	klingRequestProblems,
	toKlingBody,
} from '../../nodes/shared/providers/kling';
import { klingTaskSchema, parseKlingAnswer } from '../../nodes/shared/providers/klingSchemas';

const envelope = (status: number, code: number, message: string) =>
	toResponse(status, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ code, message, request_id: 'rq' })));

const i2v = (extra: Partial<Extract<VideoRequest, { operation: 'imageToVideo' }>> = {}): VideoRequest => ({
	operation: 'imageToVideo',
	prompt: 'a cat turns',
	duration: 5,
	generateAudio: false,
	quality: 'pro',
	startImage: 'https://img/start.png',
	...extra,
});

describe('toKlingBody', () => {
	it('maps text to video: sound on/off, mode, string duration, voice objects', () => {
		expect(
			toKlingBody({
				operation: 'textToVideo',
				prompt: 'p',
				negativePrompt: 'n',
				duration: 10,
				aspectRatio: '1:1',
				generateAudio: true,
				voiceIds: ['v1', 'v2'],
			}),
		).toEqual({
			model_name: 'kling-v2-6',
			prompt: 'p',
			negative_prompt: 'n',
			duration: '10',
			aspect_ratio: '1:1',
			sound: 'on',
			mode: 'pro',
			voice_list: [{ voice_id: 'v1' }, { voice_id: 'v2' }],
		});
	});

	it('sends images as URL or raw base64 without a data: prefix', () => {
		const body = toKlingBody(i2v({ startImage: 'data:image/png;base64,iVBORw0KGgo=', endImage: 'https://img/end.png', quality: 'std' }));
		expect(body).toMatchObject({ image: 'iVBORw0KGgo=', image_tail: 'https://img/end.png', sound: 'off', mode: 'std' });
		expect(body).not.toHaveProperty('aspect_ratio');
		expect(klingImage('iVBORw0KGgo=')).toBe('iVBORw0KGgo=');
	});

	it('maps motion control with yes/no sound and the mode', () => {
		expect(
			toKlingBody({
				operation: 'motionControl',
				prompt: 'dance',
				image: 'https://i.png',
				video: 'https://v.mp4',
				characterOrientation: 'image',
				keepOriginalSound: false,
				quality: 'std',
			}),
		).toEqual({
			model_name: 'kling-v2-6',
			prompt: 'dance',
			image_url: 'https://i.png',
			video_url: 'https://v.mp4',
			character_orientation: 'image',
			keep_original_sound: 'no',
			mode: 'std',
		});
	});

	it('refuses Create Voice, which Kling does not offer', () => {
		expect(() => toKlingBody({ operation: 'createVoice', voiceUrl: 'u' })).toThrow(ProviderApiError);
		expect(klingCapabilities.operations.createVoice).toBeUndefined();
	});
});

describe('klingRequestProblems (cross-field rules)', () => {
	it('accepts a valid pro request', () => {
		expect(klingRequestProblems(i2v({ generateAudio: true, voiceIds: ['v'] }))).toEqual([]);
		expect(klingRequestProblems(i2v({ endImage: 'https://e.png' }))).toEqual([]);
	});

	it('std mode has no audio', () => {
		expect(klingRequestProblems(i2v({ quality: 'std', generateAudio: true }))).toEqual([
			'Mode is "std" with Generate Audio on: Kling v2.6 has audio only in mode "pro"; allowed are Mode "pro", or Generate Audio off',
		]);
	});

	it('an end image needs pro and no audio', () => {
		expect(klingRequestProblems(i2v({ quality: 'std', endImage: 'https://e.png' }))).toEqual([
			'Mode is "std" with an End Image: Kling v2.6 takes an end frame only in mode "pro"; allowed are Mode "pro", or no End Image',
		]);
		expect(klingRequestProblems(i2v({ generateAudio: true, endImage: 'https://e.png' }))).toEqual([
			'Generate Audio is on with an End Image: Kling v2.6 takes an end frame only without audio; allowed are Generate Audio off, or no End Image',
		]);
	});

	it('voices need sound on', () => {
		expect(klingRequestProblems(i2v({ voiceIds: ['v'] }))).toEqual([
			'Voice IDs are v with Generate Audio off: voices are spoken in the audio; allowed are Generate Audio on, or no Voice IDs',
		]);
	});

	it('takes the motion reference video only by URL', () => {
		expect(
			klingRequestProblems({
				operation: 'motionControl',
				image: 'https://i.png',
				video: 'data:video/mp4;base64,AAAA',
				characterOrientation: 'video',
				keepOriginalSound: true,
				quality: 'pro',
			}),
		).toEqual(['Motion Reference Video is data:video/mp4;base64,AAAA: Kling takes it only by URL; allowed is an http(s) URL']);
	});

	it('names unsupported fields and long prompts', () => {
		expect(klingRequestProblems(i2v({ cfgScale: 0.5 }))).toEqual(['cfgScale is not supported by Kling for imageToVideo']);
		expect(klingRequestProblems(i2v({ prompt: 'x'.repeat(2501) }))[0]).toMatch(/at most 2500/);
		expect(klingRequestProblems({ operation: 'createVoice', voiceUrl: 'u' })).toEqual([
			"Kling's API does not offer createVoice",
		]);
	});
});

describe('klingExternalTaskId', () => {
	it('keeps a clean key as it is', () => {
		expect(klingExternalTaskId('exec_12-node-3')).toBe('exec_12-node-3');
	});

	it('turns any other key into an accepted id, distinct per key', () => {
		const keys = ['exec:12/node 3/item#0', 'exec-12-node-3-item-0', 'exec:12/node 3/item#1', 'x'.repeat(200)];
		const ids = keys.map(klingExternalTaskId);
		for (const id of ids) {
			expect(id).toMatch(KLING_EXTERNAL_ID.allowed);
			expect(id.length).toBeLessThanOrEqual(KLING_EXTERNAL_ID.maxLength);
		}
		expect(new Set(ids).size).toBe(keys.length);
		expect(klingExternalTaskId(keys[0])).toBe(ids[0]);
	});
});

describe('Kling error codes', () => {
	it('treats account, balance, permission, parameter and policy codes as final even on 429', () => {
		for (const [status, code] of [
			[429, 1100],
			[429, 1102],
			[403, 1103],
			[400, 1201],
			[400, 1301],
			[401, 1002],
		] as const) {
			expect(klingIsFinal(envelope(status, code, 'x'))).toBe(true);
		}
	});

	it('leaves rate, concurrency and server codes retryable', () => {
		for (const [status, code] of [
			[429, 1302],
			[429, 1303],
			[500, 5000],
			[503, 5001],
			[504, 5002],
		] as const) {
			expect(klingIsFinal(envelope(status, code, 'x'))).toBe(false);
		}
	});

	it('says what Kling said, with the kind a workflow can branch on', () => {
		const policy = klingError(envelope(400, 1301, 'content risk'), 'submit');
		expect(policy).toMatchObject({ kind: 'contentPolicy', code: 1301, httpStatus: 400 });
		expect(policy.message).toBe('Kling submit failed (HTTP 400, code 1301): content risk');
		expect(klingError(envelope(400, 1201, 'bad duration'), 'submit').kind).toBe('invalidInput');
		const balance = klingError(envelope(429, 1102, 'balance not enough'), 'submit');
		expect(balance.kind).toBe('provider');
		expect(balance.message).toMatch(/balance not enough.*balance/);
		expect(klingError(envelope(401, 1004, 'token expired'), 'query').message).toMatch(/clock/);
	});
});

describe('klingJob', () => {
	const base = { task_id: 't1', created_at: Date.parse('2025-01-01T00:00:00Z'), updated_at: Date.parse('2025-01-01T00:02:00Z') };

	it('maps a succeeded task with its video, reported duration and 30-day expiry', () => {
		const task = parseKlingAnswer(klingTaskSchema, {
			...base,
			task_status: 'succeed',
			task_result: { videos: [{ id: 'v', url: 'https://cdn/v.mp4', duration: '5.1' }] },
		}, 'task');
		const job = klingJob(task, 'textToVideo', { raw: true }, { durationSeconds: 5, hasAudio: true });
		expect(job).toMatchObject({
			jobId: 't1',
			provider: 'kling',
			status: 'succeeded',
			videoUrl: 'https://cdn/v.mp4',
			durationSeconds: 5.1,
			hasAudio: true,
			estimatedCostUsd: null,
			expiresAt: '2025-01-31T00:02:00.000Z',
			timings: { createdAt: '2025-01-01T00:00:00.000Z', completedAt: '2025-01-01T00:02:00.000Z' },
			error: null,
			ref: { provider: 'kling', jobId: 't1', operation: 'textToVideo' },
			raw: { raw: true },
		});
	});

	it('maps the states and keeps a failed task as a job with its reason', () => {
		expect(klingJob(parseKlingAnswer(klingTaskSchema, { ...base, task_status: 'submitted' }, 't'), null, {}).status).toBe('queued');
		expect(klingJob(parseKlingAnswer(klingTaskSchema, { ...base, task_status: 'processing' }, 't'), null, {}).status).toBe('running');
		const failed = klingJob(
			parseKlingAnswer(klingTaskSchema, { ...base, task_status: 'failed', task_status_msg: 'Failure to pass the risk control system' }, 't'),
			'imageToVideo',
			{},
		);
		expect(failed).toMatchObject({ status: 'failed', videoUrl: null, error: { kind: 'contentPolicy', message: 'Failure to pass the risk control system' } });
		const plain = klingJob(parseKlingAnswer(klingTaskSchema, { ...base, task_status: 'failed', task_status_msg: 'GPU timeout' }, 't'), null, {});
		expect(plain.error).toEqual({ kind: 'provider', message: 'GPU timeout' });
	});

	it('refuses a success without a video', () => {
		const task = parseKlingAnswer(klingTaskSchema, { ...base, task_status: 'succeed', task_result: { videos: [] } }, 't');
		expect(() => klingJob(task, null, {})).toThrow(/no video/);
	});

	it('names every mismatch of a malformed task', () => {
		expect(() => parseKlingAnswer(klingTaskSchema, { task_id: '', task_status: 'done' }, 'task')).toThrow(
			/task_id: String must contain at least 1 character.*task_status: Invalid enum value/,
		);
	});
});

describe('klingCapabilities', () => {
	it('offers t2v, i2v and motion control without cfgScale, idempotent, unsigned callbacks', () => {
		expect(Object.keys(klingCapabilities.operations).sort()).toEqual(['imageToVideo', 'motionControl', 'textToVideo']);
		for (const fields of Object.values(klingCapabilities.operations)) expect(fields).not.toContain('cfgScale');
		expect(klingCapabilities).toMatchObject({
			promptMaxLength: 2500,
			longPoll: null,
			webhookScheme: 'unsignedRefetch',
			idempotentSubmit: true,
			outputRetentionSeconds: 2592000,
		});
		expect(klingCapabilities.defaultNegativePrompt).toBeUndefined();
	});
});
