/**
 * The Kling adapter against the provider emulator: every operation end to end (submit → get
 * until terminal → the MP4 downloads), idempotent submits, list, inline uploads, no cancel,
 * unsigned callbacks trusted only after a re-read, and failures: parameter and policy codes,
 * auth, faults, malformed answers.
 */
import { MalformedResponseError, ProviderApiError, WebhookRejectedError } from '../../nodes/shared/errors';
import { HttpClient } from '../../nodes/shared/http';
import type { JobRef, VideoRequest } from '../../nodes/shared/job';
import { klingAdapter } from '../../nodes/shared/providers/kling/adapter';
import type { ProviderClient, WebhookDelivery } from '../../nodes/shared/providers/types';
import { MAX_WEBHOOK_BODY_BYTES } from '../../nodes/shared/webhooks/common';
import { EMULATOR_CREDENTIALS, type Emulator } from '../emulator';
import { downloadBytes, rejection, startStub, untilTerminal as terminal, useAdapterEmulator } from './support';

let emulator: Emulator;
let http: HttpClient;
let client: ProviderClient;

const TIMINGS = { queuedMs: 150, runningMs: 350 };
const credentials = () => ({
	accessKey: EMULATOR_CREDENTIALS.klingAccessKey,
	secretKey: EMULATOR_CREDENTIALS.klingSecretKey,
	baseUrl: emulator.baseUrls.kling,
});

useAdapterEmulator(
	{
		timings: TIMINGS,
		retry: { baseDelayMs: 10, maxDelayMs: 100 },
		connect: (started, h) => {
			emulator = started;
			return klingAdapter.connect(credentials(), h);
		},
	},
	(setup) => ({ emulator, http, client } = setup),
);

const t2v: VideoRequest = {
	operation: 'textToVideo',
	prompt: 'a fox in snow',
	duration: 5,
	aspectRatio: '9:16',
	generateAudio: true,
	mode: 'pro',
};

const untilTerminal = (ref: JobRef, timeoutMs = 10_000) => terminal(client, ref, timeoutMs, 50);

async function downloadMp4(url: string, withAudio: boolean): Promise<void> {
	const { status, type, bytes } = await downloadBytes(http, url);
	expect(status).toBe(200);
	expect(type).toBe('video/mp4');
	expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
	expect(bytes.includes(Buffer.from('mp4a'))).toBe(withAudio);
}

const callback = (body: unknown): WebhookDelivery => ({
	headers: { 'content-type': 'application/json' },
	rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});

describe('generation', () => {
	it('text to video: submitted, polled to success, MP4 with audio', async () => {
		const submitted = await client.submit(t2v);
		expect(submitted).toMatchObject({ provider: 'kling', status: 'queued', operation: 'textToVideo', hasAudio: true, durationSeconds: 5 });
		const job = await untilTerminal(submitted.ref);
		expect(job).toMatchObject({ status: 'succeeded', error: null, durationSeconds: 5, estimatedCostUsd: null });
		expect(Date.parse(job.expiresAt ?? '') - Date.parse(job.timings.completedAt ?? '')).toBe(30 * 24 * 3600 * 1000);
		expect(emulator.jobs('kling')[0].input).toMatchObject({
			model_name: 'kling-v2-6',
			prompt: 'a fox in snow',
			duration: '5',
			aspect_ratio: '9:16',
			sound: 'on',
			mode: 'pro',
		});
		await downloadMp4(job.videoUrl ?? '', true);
	});

	it('image to video with a binary image sends raw base64, and an end frame without audio', async () => {
		const data = Buffer.from('\x89PNG\r\n\x1a\nsmall-test-image');
		const startImage = await client.uploadMedia({ data, mimeType: 'image/png', fileName: 'start.png' });
		expect(startImage).toBe(data.toString('base64'));
		const submitted = await client.submit({
			operation: 'imageToVideo',
			prompt: 'the cat turns',
			duration: 10,
			generateAudio: false,
			mode: 'pro',
			startImage,
			endImage: `data:image/png;base64,${data.toString('base64')}`,
		});
		const job = await untilTerminal(submitted.ref);
		expect(job).toMatchObject({ status: 'succeeded', durationSeconds: 10, operation: 'imageToVideo' });
		const [emulated] = emulator.jobs('kling');
		expect(emulated.kind).toBe('image2video');
		expect(emulated.input).toMatchObject({ image: data.toString('base64'), image_tail: data.toString('base64'), sound: 'off' });
		await downloadMp4(job.videoUrl ?? '', false);
	});

	it('motion control: yes/no sound, mode, its own kind', async () => {
		const submitted = await client.submit({
			operation: 'motionControl',
			image: 'https://example.com/person.png',
			video: 'https://example.com/moves.mp4',
			characterOrientation: 'image',
			keepOriginalSound: false,
			mode: 'std',
		});
		const job = await untilTerminal(submitted.ref);
		expect(job.status).toBe('succeeded');
		expect(emulator.jobs('kling')[0]).toMatchObject({
			kind: 'motion-control',
			input: { keep_original_sound: 'no', mode: 'std', character_orientation: 'image' },
		});
		await downloadMp4(job.videoUrl ?? '', false);
	});

	it('finds a task whose kind the ref does not know', async () => {
		const submitted = await client.submit(t2v);
		const job = await untilTerminal({ provider: 'kling', jobId: submitted.jobId, operation: null });
		expect(job).toMatchObject({ status: 'succeeded', operation: 'textToVideo' });
	});

	it('refuses what Kling v2.6 cannot do before any request', async () => {
		await expect(client.submit({ ...t2v, mode: 'std' })).rejects.toMatchObject({ kind: 'invalidInput' });
		await expect(client.submit({ operation: 'createVoice', voiceUrl: 'https://example.com/v.mp3' })).rejects.toMatchObject({
			kind: 'invalidInput',
		});
		expect(emulator.counters().count()).toBe(0);
	});
});

describe('idempotent submit', () => {
	it('sends external_task_id from the idempotency key; the same key never makes a second task', async () => {
		const key = 'execution:17/node:Kling Video/item:0/variant:9:16';
		const first = await client.submit(t2v, { idempotencyKey: key });
		const second = await client.submit(t2v, { idempotencyKey: key });
		expect(second.jobId).toBe(first.jobId);
		const jobs = emulator.jobs('kling');
		expect(jobs).toHaveLength(1);
		expect(jobs[0].externalTaskId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
		const other = await client.submit(t2v, { idempotencyKey: `${key}x` });
		expect(other.jobId).not.toBe(first.jobId);
	});

	it('retries an idempotent submit through a 5xx without billing twice', async () => {
		emulator.injectFault({ provider: 'kling', route: 'submit', kind: '5xx', status: 503 });
		const job = await client.submit(t2v, { idempotencyKey: 'retry-me' });
		expect(job.status).toBe('queued');
		expect(emulator.counters().count({ provider: 'kling', route: 'submit' })).toBe(2);
		expect(emulator.jobs('kling')).toHaveLength(1);
	});

	it('does not retry a plain submit after a 5xx', async () => {
		emulator.injectFault({ provider: 'kling', route: 'submit', kind: '5xx', status: 500 });
		const error = await rejection(client.submit(t2v), ProviderApiError);
		expect(error).toMatchObject({ httpStatus: 500, code: 5000 });
		expect(emulator.counters().count({ provider: 'kling', route: 'submit' })).toBe(1);
	});
});

describe('cancel', () => {
	it('says Kling cannot cancel and sends nothing', async () => {
		const submitted = await client.submit(t2v);
		const before = emulator.counters().count();
		const error = await rejection(client.cancel(submitted.ref), ProviderApiError);
		expect(error.message).toMatch(/cannot cancel/);
		expect(error.jobRef?.jobId).toBe(submitted.jobId);
		expect(emulator.counters().count()).toBe(before);
	});
});

describe('list', () => {
	it('lists tasks per kind with pageNum/pageSize', async () => {
		const since = new Date(Date.now() - 1000);
		const a = await client.submit(t2v);
		const b = await client.submit({ ...t2v, prompt: 'second' });
		const c = await client.submit({
			operation: 'motionControl',
			image: 'https://example.com/p.png',
			video: 'https://example.com/m.mp4',
			characterOrientation: 'video',
			keepOriginalSound: true,
			mode: 'pro',
		});
		await untilTerminal(a.ref);
		const { jobs } = await client.list({ since });
		expect(jobs.map((job) => job.jobId).sort()).toEqual([a.jobId, b.jobId, c.jobId].sort());
		expect(jobs.find((job) => job.jobId === a.jobId)).toMatchObject({ status: 'succeeded', operation: 'textToVideo' });
		expect(jobs.find((job) => job.jobId === c.jobId)?.operation).toBe('motionControl');

		const { jobs: onlyT2v } = await client.list({ operations: ['textToVideo'] });
		expect(onlyT2v.map((job) => job.jobId).sort()).toEqual([a.jobId, b.jobId].sort());
		const paths = emulator.counters().requests.filter((request) => request.route === 'list').map((request) => request.path);
		expect(paths.at(-1)).toMatch(/^\/kling\/v1\/videos\/text2video\?pageNum=1&pageSize=\d+$/);
		expect(await client.list({ since: new Date(Date.now() + 60_000) })).toEqual({ jobs: [], complete: true });
	});
});

describe('upload', () => {
	it('refuses an image over 10 MB, a video and other image types', async () => {
		await expect(
			client.uploadMedia({ data: Buffer.alloc(10 * 1024 * 1024 + 1), mimeType: 'image/jpeg', fileName: 'big.jpg' }),
		).rejects.toMatchObject({ kind: 'invalidInput', message: expect.stringMatching(/10 MB/) });
		await expect(client.uploadMedia({ data: Buffer.alloc(10), mimeType: 'video/mp4', fileName: 'm.mp4' })).rejects.toThrow(/only by URL/);
		await expect(client.uploadMedia({ data: Buffer.alloc(10), mimeType: 'image/webp', fileName: 'i.webp' })).rejects.toThrow(/JPG or PNG/);
		const exact = await client.uploadMedia({ data: Buffer.alloc(10 * 1024 * 1024, 1), mimeType: 'image/jpeg', fileName: 'ok.jpg' });
		expect(Buffer.from(exact, 'base64')).toHaveLength(10 * 1024 * 1024);
		expect(exact.startsWith('data:')).toBe(false);
	});
});

describe('callbacks (unsigned: re-read from the API)', () => {
	it('returns the task as the API reports it', async () => {
		const submitted = await client.submit(t2v);
		await untilTerminal(submitted.ref);
		const before = emulator.counters().count({ provider: 'kling', route: 'status' });
		const signed = emulator.signedDelivery('kling', submitted.jobId);
		const job = await client.verifyWebhook(callback(signed.body));
		expect(job).toMatchObject({ jobId: submitted.jobId, status: 'succeeded', operation: 'textToVideo' });
		expect(emulator.counters().count({ provider: 'kling', route: 'status' })).toBeGreaterThan(before);
	});

	it('believes the API, not a body claiming success for a task still processing', async () => {
		emulator.injectFault({ provider: 'kling', kind: 'stuck' });
		const submitted = await client.submit(t2v);
		await new Promise((resolve) => setTimeout(resolve, TIMINGS.queuedMs + 100));
		const forged = {
			task_id: submitted.jobId,
			task_status: 'succeed',
			task_result: { videos: [{ id: 'x', url: 'https://evil.example/v.mp4', duration: '5' }] },
		};
		const job = await client.verifyWebhook(callback(forged));
		expect(job.status).toBe('running');
		expect(job.videoUrl).toBeNull();
	});

	it('rejects a callback for a task this account does not have (401)', async () => {
		const error = await rejection(client.verifyWebhook(callback({ task_id: '123456', task_status: 'succeed' })), WebhookRejectedError);
		expect(error.httpStatus).toBe(401);
		// Every kind was asked before giving up: the three video kinds and custom voices.
		expect(emulator.counters().count({ provider: 'kling', route: 'status' })).toBe(4);
	});

	it('rejects a body without a task id (400) and an oversized body (413)', async () => {
		await expect(client.verifyWebhook(callback({ status: 'succeed' }))).rejects.toMatchObject({ httpStatus: 400 });
		await expect(client.verifyWebhook(callback('not json'))).rejects.toMatchObject({ httpStatus: 400 });
		const big = callback({ task_id: '1', pad: 'x'.repeat(MAX_WEBHOOK_BODY_BYTES) });
		await expect(client.verifyWebhook(big)).rejects.toMatchObject({ httpStatus: 413 });
		expect(emulator.counters().count()).toBe(0);
	});
});

describe('failures', () => {
	it('maps a parameter error (400 / 1201) to invalidInput without retrying', async () => {
		const error = await rejection(client.submit({ ...t2v, negativePrompt: 'n'.repeat(2501) }), ProviderApiError);
		expect(error).toMatchObject({ httpStatus: 400, code: 1201, kind: 'invalidInput' });
		expect(error.message).toMatch(/^Kling submit to \/v1\/videos\/text2video failed \(HTTP 400, code 1201\): .*negative_prompt/);
		expect(emulator.counters().count({ provider: 'kling', route: 'submit' })).toBe(1);
	});

	it('reports a content-policy failure (HTTP 200, code 0, task failed) as a failed job', async () => {
		emulator.injectFault({ provider: 'kling', kind: 'contentPolicy' });
		const submitted = await client.submit(t2v);
		const job = await untilTerminal(submitted.ref);
		expect(job).toMatchObject({
			status: 'failed',
			videoUrl: null,
			error: { kind: 'contentPolicy', message: 'Failure to pass the risk control system' },
		});
	});

	it('reports any other failed task with Kling\'s reason', async () => {
		emulator.injectFault({ provider: 'kling', kind: 'stuck' });
		const submitted = await client.submit(t2v);
		emulator.finishJob('kling', submitted.jobId, 'failed');
		const job = await client.get(submitted.ref);
		expect(job).toMatchObject({ status: 'failed', error: { kind: 'provider', message: 'The job was failed by the test.' } });
	});

	it('rejects wrong keys once (final) and never shows the secret or the JWT', async () => {
		const bad = klingAdapter.connect({ ...credentials(), secretKey: 'not-the-secret' }, http);
		const error = await rejection(bad.submit(t2v), ProviderApiError);
		expect(error).toMatchObject({ httpStatus: 401, code: 1000 });
		expect(error.message).not.toContain('not-the-secret');
		expect(JSON.stringify(error.responseBody)).not.toMatch(/eyJ/);
		expect(emulator.counters().count({ provider: 'kling' })).toBe(1);
		await expect(bad.testCredentials()).rejects.toMatchObject({ code: 1000 });
		await expect(client.testCredentials()).resolves.toBeUndefined();
	});

	it('retries rate limits (429 / 1302) and resets on reads', async () => {
		const submitted = await client.submit(t2v);
		emulator.injectFault({ provider: 'kling', route: 'status', kind: '429', retryAfterSeconds: 0 });
		emulator.injectFault({ provider: 'kling', route: 'status', kind: 'reset' });
		const job = await client.get(submitted.ref);
		expect(job.jobId).toBe(submitted.jobId);
		expect(emulator.counters().count({ provider: 'kling', route: 'status' })).toBe(3);
	});

	it('attaches the job ref when a query finally fails', async () => {
		const submitted = await client.submit(t2v);
		emulator.injectFault({ provider: 'kling', route: 'status', kind: '5xx', status: 503, times: -1 });
		const error = await rejection(client.get(submitted.ref), ProviderApiError);
		expect(error).toMatchObject({ httpStatus: 503, code: 5001 });
		expect(error.jobRef).toMatchObject({ provider: 'kling', jobId: submitted.jobId, operation: 'textToVideo' });
	});

	it('keeps keys and tokens out of jobs', async () => {
		const submitted = await client.submit(t2v);
		const job = await untilTerminal(submitted.ref);
		const text = JSON.stringify([submitted, job]);
		expect(text).not.toContain(EMULATOR_CREDENTIALS.klingSecretKey);
		expect(text).not.toMatch(/eyJhbGciOi/);
	});
});

describe('malformed answers', () => {
	let stub: { origin: string; close(): Promise<void> };
	let stubClient: ProviderClient;
	let answer: unknown = {};

	beforeAll(async () => {
		stub = await startStub(() => ({ status: 200, body: typeof answer === 'string' ? answer : JSON.stringify(answer) }));
		stubClient = klingAdapter.connect({ accessKey: 'a', secretKey: 's', baseUrl: stub.origin }, http);
	});

	afterAll(() => stub.close());

	it('names what is wrong in the envelope', async () => {
		answer = { code: 'zero', data: {} };
		await expect(stubClient.submit(t2v)).rejects.toThrow(/code: Expected number, received string/);
	});

	it('names what is wrong in a task and keeps the job ref', async () => {
		answer = { code: 0, data: { task_id: 't-1', task_status: 'done', created_at: 'yesterday' } };
		const error = await rejection(stubClient.get({ provider: 'kling', jobId: 't-1', operation: 'textToVideo' }), MalformedResponseError);
		expect(error.message).toMatch(/task_status: Invalid enum value.*created_at: Expected number/);
		expect(error.jobRef?.jobId).toBe('t-1');
	});

	it('refuses a list that is not a list and a body that is not JSON', async () => {
		answer = { code: 0, data: { task_id: 'x' } };
		await expect(stubClient.list({ operations: ['textToVideo'] })).rejects.toThrow(/Expected array, received object/);
		answer = '<html>bad gateway</html>';
		await expect(stubClient.testCredentials()).rejects.toThrow(MalformedResponseError);
	});
});

describe('custom voices and Kling v3', () => {
	it('creates a named voice, which then appears among the account voices beside the presets', async () => {
		const submitted = await client.submit({ operation: 'createVoice', voiceUrl: 'https://cdn.example.com/narrator.mp3', voiceName: 'Narrator' });
		const done = await untilTerminal(submitted.ref);
		expect(done).toMatchObject({ operation: 'createVoice', status: 'succeeded', videoUrl: null, expiresAt: null });
		expect(done.voiceId).toMatch(/^\S+$/);
		const submit = emulator.jobs('kling').find((job) => job.id === submitted.jobId);
		expect(submit?.input).toMatchObject({ voice_name: 'Narrator', voice_url: 'https://cdn.example.com/narrator.mp3' });

		const voices = await client.listVoices!();
		expect(voices.filter((voice) => !voice.preset)).toEqual([expect.objectContaining({ voiceId: done.voiceId, name: 'Narrator' })]);
		const presets = voices.filter((voice) => voice.preset);
		expect(presets.length).toBeGreaterThan(0);
		for (const preset of presets) expect(preset.voiceId).toMatch(/^\S+$/);
	});

	it('refuses a voice sample given inline, before sending anything (Kling fetches it by URL)', async () => {
		const error = await rejection(client.submit({ operation: 'createVoice', voiceUrl: 'data:audio/mpeg;base64,AAAA', voiceName: 'Inline' }), ProviderApiError);
		expect(error.message).toMatch(/^Voice Sample is data:audio\/mpeg;base64,AAAA: Kling takes it only by URL/);
		expect(emulator.counters().count({ provider: 'kling' })).toBe(0);
	});

	it('submits Kling v3 with model_name kling-v3 and a 12 s duration', async () => {
		const submitted = await client.submit({ ...t2v, model: 'kling-v3', duration: 12, mode: 'std' });
		expect(submitted).toMatchObject({ model: 'kling-v3', durationSeconds: 12 });
		expect(emulator.jobs('kling').find((job) => job.id === submitted.jobId)?.input).toMatchObject({ model_name: 'kling-v3', duration: '12', mode: 'std' });
		// Kling v3 prices per second from Kling's 3.0 specification: Standard with audio is 0.9 units, $0.126.
		expect(submitted.estimatedCostUsd).toBeCloseTo(12 * 0.126, 3);
		await downloadMp4((await untilTerminal(submitted.ref)).videoUrl ?? '', true);
	});

	it('does not retry 1304 (IP allow-list): one request, a final error', async () => {
		emulator.injectFault({ provider: 'kling', kind: 'ipWhitelist', times: -1 });
		const error = await rejection(client.get({ provider: 'kling', jobId: '123', operation: 'textToVideo' }), ProviderApiError);
		expect(error).toMatchObject({ httpStatus: 429, code: 1304 });
		expect(error.message).toMatch(/allow-list/);
		expect(emulator.counters().count({ provider: 'kling' })).toBe(1);
	});
});
