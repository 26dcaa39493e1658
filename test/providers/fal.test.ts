/**
 * The fal adapter against the provider emulator, beyond the contract every adapter keeps
 * (contract.test.ts): every operation end to end (submit → get until terminal → the MP4
 * downloads), the status stream, cancel, list, upload, webhooks (JWKS, real delivery), and
 * failures: validation 422, content policy, auth, faults, malformed answers.
 */
import { MalformedResponseError, ProviderApiError } from '../../nodes/shared/errors';
import { HttpClient } from '../../nodes/shared/http';
import type { Job, JobRef, VideoRequest } from '../../nodes/shared/job';
import { falAdapter } from '../../nodes/shared/providers/fal/adapter';
import type { ProviderClient, WebhookDelivery } from '../../nodes/shared/providers/types';
import { EMULATOR_CREDENTIALS, type Emulator } from '../emulator';
import { downloadBytes, rejection, startStub, untilTerminal as terminal, useAdapterEmulator } from './support';

let emulator: Emulator;
let http: HttpClient;
let client: ProviderClient;

const TIMINGS = { queuedMs: 150, runningMs: 350 };

useAdapterEmulator(
	{
		timings: TIMINGS,
		retry: { baseDelayMs: 10, maxDelayMs: 100 },
		connect: (started, h) => falAdapter.connect({ apiKey: EMULATOR_CREDENTIALS.falKey, baseUrl: started.baseUrls.falRoot }, h),
	},
	(setup) => ({ emulator, http, client } = setup),
);

const t2v: VideoRequest = { operation: 'textToVideo', prompt: 'a fox in snow', duration: 5, aspectRatio: '16:9', generateAudio: false };

const untilTerminal = (ref: JobRef, timeoutMs = 10_000) => terminal(client, ref, timeoutMs, 50);

async function download(url: string): Promise<{ type: string | undefined; bytes: Buffer }> {
	const { status, type, bytes } = await downloadBytes(http, url);
	expect(status).toBe(200);
	return { type, bytes };
}

function expectMp4(bytes: Buffer, withAudio: boolean) {
	expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
	expect(bytes.includes(Buffer.from('mp4a'))).toBe(withAudio);
}

const deliveryOf = (signed: { headers: Record<string, string>; body: string }): WebhookDelivery => ({
	headers: Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value])),
	rawBody: Buffer.from(signed.body),
});

describe('generation', () => {
	it('text to video: one submit, polled to success, MP4 without audio, priced', async () => {
		const submitted = await client.submit(t2v);
		expect(submitted).toMatchObject({ provider: 'fal', status: 'queued', operation: 'textToVideo', estimatedCostUsd: 0.35 });
		expect(submitted.ref.urls?.status).toContain('/fal-queue/fal-ai/kling-video/requests/');

		const job = await untilTerminal(submitted.ref);
		expect(job).toMatchObject({ status: 'succeeded', error: null, jobId: submitted.jobId });
		expect(job.timings.predictSeconds).toBeGreaterThan(0);
		expect(Date.parse(job.expiresAt ?? '') - Date.parse(job.timings.completedAt ?? '')).toBe(7 * 24 * 3600 * 1000);

		const [emulated] = emulator.jobs('fal');
		expect(emulated.model).toBe('fal-ai/kling-video/v2.6/pro/text-to-video');
		expect(emulated.input).toEqual({ prompt: 'a fox in snow', duration: '5', aspect_ratio: '16:9', generate_audio: false });
		expect(emulator.counters().count({ provider: 'fal', route: 'submit' })).toBe(1);

		const file = await download(job.videoUrl ?? '');
		expect(file.type).toBe('video/mp4');
		expectMp4(file.bytes, false);
	});

	it('image to video with end image and voices carries audio', async () => {
		const submitted = await client.submit({
			operation: 'imageToVideo',
			prompt: 'the king says <<<voice_1>>> hello',
			duration: 10,
			generateAudio: true,
			startImage: 'https://example.com/start.png',
			endImage: 'https://example.com/end.png',
			voiceIds: ['voice-a'],
		});
		expect(submitted.estimatedCostUsd).toBe(1.4);
		const job = await untilTerminal(submitted.ref);
		expect(job.status).toBe('succeeded');
		expect(emulator.jobs('fal')[0].input).toMatchObject({
			start_image_url: 'https://example.com/start.png',
			end_image_url: 'https://example.com/end.png',
			voice_ids: ['voice-a'],
			duration: '10',
		});
		expectMp4((await download(job.videoUrl ?? '')).bytes, true);
	});

	it.each(['pro', 'std'] as const)('motion control (%s) uses its own endpoint', async (mode) => {
		const submitted = await client.submit({
			operation: 'motionControl',
			prompt: 'dance',
			image: 'https://example.com/person.png',
			video: 'https://example.com/moves.mp4',
			characterOrientation: 'video',
			keepOriginalSound: false,
			mode,
		});
		const job = await untilTerminal(submitted.ref);
		expect(job.status).toBe('succeeded');
		expect(emulator.jobs('fal')[0].model).toBe(
			mode === 'pro' ? 'fal-ai/kling-video/v2.6/pro/motion-control' : 'fal-ai/kling-video/v2.6/standard/motion-control',
		);
		expectMp4((await download(job.videoUrl ?? '')).bytes, false);
	});

	it('create voice returns a voice id and no video', async () => {
		const submitted = await client.submit({ operation: 'createVoice', voiceUrl: 'https://example.com/voice.mp3' });
		const job = await untilTerminal(submitted.ref);
		expect(job).toMatchObject({ status: 'succeeded', videoUrl: null, operation: 'createVoice', estimatedCostUsd: null });
		expect(job.voiceId).toBe(emulator.jobs('fal')[0].voiceId);
		expect(job.voiceId).toBeTruthy();
	});

	it('asks again with only the id and operation (no stored URLs)', async () => {
		const submitted = await client.submit(t2v);
		const job = await untilTerminal({ provider: 'fal', jobId: submitted.jobId, operation: 'textToVideo' });
		expect(job.status).toBe('succeeded');
	});

	it('never sends the key to URLs outside the configured queue host', async () => {
		const submitted = await client.submit(t2v);
		const forged: JobRef = { ...submitted.ref, urls: { status: 'http://127.0.0.1:1/steal', result: 'http://127.0.0.1:1/steal' } };
		const job = await untilTerminal(forged);
		expect(job.status).toBe('succeeded');
	});

	it('refuses unsupported fields and cross-field problems before any request', async () => {
		await expect(client.submit({ ...t2v, mode: 'std' })).rejects.toMatchObject({ kind: 'invalidInput' });
		expect(emulator.counters().count()).toBe(0);
	});
});

describe('status stream (waitForChange)', () => {
	it('returns as soon as the status changes, then on completion with the result', async () => {
		const submitted = await client.submit(t2v);
		const started = Date.now();
		const running = await client.waitForChange!(submitted.ref, 10);
		expect(running.status).toBe('running');
		const done = await client.waitForChange!(submitted.ref, 10);
		expect(done.status).toBe('succeeded');
		expect(done.videoUrl).toBeTruthy();
		expect(Date.now() - started).toBeLessThan(5000);
		expect(emulator.counters().count({ provider: 'fal', route: 'stream' })).toBe(2);
	});

	it('gives up after maxSeconds on a stuck job and still returns the job', async () => {
		emulator.injectFault({ provider: 'fal', kind: 'stuck' });
		const submitted = await client.submit(t2v);
		await new Promise((resolve) => setTimeout(resolve, TIMINGS.queuedMs + 100));
		const started = Date.now();
		const job = await client.waitForChange!(submitted.ref, 0.5);
		expect(job.status).toBe('running');
		expect(Date.now() - started).toBeGreaterThanOrEqual(450);
		expect(Date.now() - started).toBeLessThan(3000);
	});

	it('stops when the caller aborts', async () => {
		emulator.injectFault({ provider: 'fal', kind: 'stuck' });
		const submitted = await client.submit(t2v);
		await new Promise((resolve) => setTimeout(resolve, TIMINGS.queuedMs + 100));
		const abort = new AbortController();
		setTimeout(() => abort.abort(new Error('execution cancelled')), 200);
		const started = Date.now();
		await expect(client.waitForChange!(submitted.ref, 30, abort.signal)).rejects.toThrow('execution cancelled');
		expect(Date.now() - started).toBeLessThan(2000);
	});
});

describe('cancel', () => {
	it('cancels a queued request, which then reads as canceled', async () => {
		emulator.configure({ queuedMs: 5000 });
		const submitted = await client.submit(t2v);
		await client.cancel(submitted.ref);
		const job = await untilTerminal(submitted.ref);
		expect(job).toMatchObject({ status: 'canceled', videoUrl: null, error: { kind: 'canceled' } });
	});

	it('reports a cancel of a finished request as an error with the job ref', async () => {
		const submitted = await client.submit(t2v);
		await untilTerminal(submitted.ref);
		const error = await rejection(client.cancel(submitted.ref), ProviderApiError);
		expect(error.httpStatus).toBe(400);
		expect(error.jobRef?.jobId).toBe(submitted.jobId);
	});
});

describe('list', () => {
	it('lists finished requests per endpoint with their outputs', async () => {
		const since = new Date(Date.now() - 1000);
		const a = await client.submit(t2v);
		const b = await client.submit({ operation: 'createVoice', voiceUrl: 'https://example.com/v.mp3' });
		await untilTerminal(a.ref);
		await untilTerminal(b.ref);
		const { jobs, complete } = await client.list({ since });
		expect(complete).toBe(true);
		const byId = new Map(jobs.map((job) => [job.jobId, job]));
		expect(byId.get(a.jobId)).toMatchObject({ status: 'succeeded', operation: 'textToVideo', durationSeconds: 5, hasAudio: false });
		expect(byId.get(a.jobId)?.videoUrl).toBe(emulator.jobs('fal').find((job) => job.id === a.jobId)?.outputUrl);
		expect(byId.get(b.jobId)).toMatchObject({ status: 'succeeded', operation: 'createVoice' });

		const { jobs: onlyVoices } = await client.list({ since, operations: ['createVoice'] });
		expect(onlyVoices.map((job) => job.jobId)).toEqual([b.jobId]);
		const listCalls = emulator.counters().requests.filter((request) => request.route === 'list');
		expect(listCalls.at(-1)?.path).toContain('endpoint_id=fal-ai%2Fkling-video%2Fcreate-voice');
	});
});

describe('upload', () => {
	it('initiates an upload, PUTs the bytes and returns a URL that serves them', async () => {
		const data = Buffer.from('\x89PNG\r\n\x1a\nnot-really-an-image');
		const url = await client.uploadMedia({ data, mimeType: 'image/png', fileName: 'start.png' });
		const served = await download(url);
		expect(served.bytes.equals(data)).toBe(true);
		expect(served.type).toBe('image/png');
		expect(emulator.counters().count({ route: 'uploadPut' })).toBe(1);
	});

	it('above 90 MiB uploads in 10 MiB parts and completes them, as fal\'s client does', async () => {
		// 95 MiB of a repeating pattern, so a misplaced part would show in the served bytes.
		const data = Buffer.alloc(95 * 1024 * 1024);
		for (let offset = 0; offset < data.length; offset += 4) data.writeUInt32BE((offset / 4) >>> 0, offset);
		const url = await client.uploadMedia({ data, mimeType: 'video/mp4', fileName: 'reference.mp4' });
		const served = await download(url);
		expect(served.bytes.length).toBe(data.length);
		expect(served.bytes.equals(data)).toBe(true);
		expect(emulator.counters().count({ route: 'uploadPut' })).toBe(10);
		expect(emulator.counters().count({ route: 'uploadComplete' })).toBe(1);
		const initiate = emulator.counters().requests.find((request) => request.route === 'upload');
		expect(initiate?.path).toContain('/storage/upload/initiate-multipart?storage_type=fal-cdn-v3');
	}, 60_000);
});

describe('webhooks', () => {
	async function finishedJob(): Promise<Job> {
		const submitted = await client.submit(t2v);
		return untilTerminal(submitted.ref);
	}

	it('has no webhook secret to fetch: fal signs with keys from its JWKS', () => {
		expect(client.fetchWebhookSecret).toBeUndefined();
		expect(falAdapter.capabilities.webhookScheme).toBe('ed25519Jwks');
	});

	it('reports a content-policy failure delivered by webhook', async () => {
		emulator.injectFault({ provider: 'fal', kind: 'contentPolicy' });
		const done = await finishedJob();
		expect(done.status).toBe('failed');
		const job = await client.verifyWebhook(deliveryOf(emulator.signedDelivery('fal', done.jobId)));
		expect(job).toMatchObject({ status: 'failed', error: { kind: 'contentPolicy' } });
	});
});

describe('failures', () => {
	it('refuses a duration the model lacks before sending anything', async () => {
		const error = await client.submit({ ...t2v, duration: 7 }).then(() => null, (caught: unknown) => caught);
		expect(error).toBeInstanceOf(ProviderApiError);
		expect((error as ProviderApiError).message).toMatch(/^Duration is 7 s: fal\.ai's Kling v2\.6 takes 5 and 10 seconds/);
		expect(emulator.counters().count({ provider: 'fal' })).toBe(0);
	});

	it('maps a 422 result (validation) to a failed job saying "field: message"', async () => {
		// The package checks what fal checks, so only an injected refusal reaches fal's own answer.
		emulator.injectFault({ provider: 'fal', kind: 'rejectInput', field: 'duration' });
		const submitted = await client.submit(t2v);
		const job = await untilTerminal(submitted.ref);
		expect(job.status).toBe('failed');
		expect(job.error).toMatchObject({ kind: 'invalidInput', message: expect.stringMatching(/^duration: /) });
	});

	it('maps a content-policy failure to kind contentPolicy', async () => {
		emulator.injectFault({ provider: 'fal', kind: 'contentPolicy' });
		const submitted = await client.submit(t2v);
		const job = await untilTerminal(submitted.ref);
		expect(job).toMatchObject({ status: 'failed', videoUrl: null, error: { kind: 'contentPolicy', code: 'content_policy_violation' } });
		expect(job.error?.message).toMatch(/^prompt: .*content checker/);
	});

	it('maps a failed run (500 result) to a failed job, not an exception', async () => {
		emulator.injectFault({ provider: 'fal', kind: 'stuck' });
		const submitted = await client.submit(t2v);
		emulator.finishJob('fal', submitted.jobId, 'failed');
		const job = await client.get(submitted.ref);
		expect(job).toMatchObject({ status: 'failed', error: { kind: 'provider' } });
	});

	it('rejects a wrong key with 401 and never repeats its words', async () => {
		const bad = falAdapter.connect({ apiKey: 'wrong-id:wrong-secret', baseUrl: emulator.baseUrls.falRoot }, http);
		const error = await rejection(bad.submit(t2v), ProviderApiError);
		expect(error).toMatchObject({ httpStatus: 401, provider: 'fal' });
		expect(error.message).toMatch(/rejected the API key/);
		expect(error.message).not.toContain('wrong-secret');
		expect(emulator.jobs('fal')).toHaveLength(0);
		await expect(bad.testCredentials()).rejects.toMatchObject({ httpStatus: 401 });
		await expect(client.testCredentials()).resolves.toBeUndefined();
	});

	it('never retries a submit that got a 5xx (it may have been accepted)', async () => {
		emulator.injectFault({ provider: 'fal', route: 'submit', kind: '5xx', status: 503 });
		const error = await rejection(client.submit(t2v), ProviderApiError);
		expect(error.httpStatus).toBe(503);
		expect(emulator.counters().count({ provider: 'fal', route: 'submit' })).toBe(1);
	});

	it('retries reads through 429, resets and truncated answers', async () => {
		const submitted = await client.submit(t2v);
		emulator.injectFault({ provider: 'fal', route: 'status', kind: '429', retryAfterSeconds: 0 });
		emulator.injectFault({ provider: 'fal', route: 'status', kind: 'reset' });
		emulator.injectFault({ provider: 'fal', route: 'status', kind: 'truncate' });
		const job = await client.get(submitted.ref);
		expect(['queued', 'running']).toContain(job.status);
		expect(emulator.counters().count({ provider: 'fal', route: 'status' })).toBe(4);
	});

	it('attaches the job ref when a status read finally fails', async () => {
		const submitted = await client.submit(t2v);
		emulator.injectFault({ provider: 'fal', route: 'status', kind: '5xx', times: -1 });
		const error = await rejection(client.get(submitted.ref), ProviderApiError);
		expect(error.httpStatus).toBe(500);
		expect(error.jobRef).toMatchObject({ provider: 'fal', jobId: submitted.jobId });
	});

	it('keeps the key out of jobs and raw answers', async () => {
		const submitted = await client.submit(t2v);
		const job = await untilTerminal(submitted.ref);
		expect(JSON.stringify([submitted, job])).not.toContain(EMULATOR_CREDENTIALS.falKey);
	});
});

describe('malformed answers', () => {
	let stub: { origin: string; close(): Promise<void> };
	let stubClient: ProviderClient;
	const answers: Record<string, unknown> = {};

	beforeAll(async () => {
		stub = await startStub((req) => {
			const path = (req.url ?? '').replace(/\?.*$/, '');
			const body = Object.entries(answers).find(([suffix]) => path.endsWith(suffix))?.[1];
			return { status: 200, body: typeof body === 'string' ? body : JSON.stringify(body ?? {}) };
		});
		stubClient = falAdapter.connect({ apiKey: 'k', baseUrl: stub.origin }, http);
	});

	afterAll(() => stub.close());

	it('names what is wrong in a submit answer', async () => {
		answers['text-to-video'] = { request_id: 42, status_url: 'not a url' };
		const error = await rejection(stubClient.submit(t2v), MalformedResponseError);
		expect(error.message).toMatch(/submit answer.*request_id: Expected string, received number.*status_url: Invalid url/);
	});

	it('names what is wrong in a status answer and keeps the job ref', async () => {
		answers['/status'] = { status: 'RUNNING' };
		const error = await rejection(stubClient.get({ provider: 'fal', jobId: 'r-1', operation: 'textToVideo' }), MalformedResponseError);
		expect(error.message).toMatch(/status: Invalid enum value.*'IN_QUEUE' \| 'IN_PROGRESS' \| 'COMPLETED'/);
		expect(error.jobRef?.jobId).toBe('r-1');
	});

	it('names what is wrong in a result and rejects a body that is not JSON', async () => {
		answers['/status'] = { status: 'COMPLETED' };
		answers['/requests/r-2'] = { video: { url: 'nowhere' } };
		await expect(stubClient.get({ provider: 'fal', jobId: 'r-2', operation: 'textToVideo' })).rejects.toThrow(/video\.url: Invalid url/);
		answers['/status'] = '<html>gateway</html>';
		await expect(stubClient.get({ provider: 'fal', jobId: 'r-3', operation: 'textToVideo' })).rejects.toThrow(
			/Expected object, received string/,
		);
	});
});
