/**
 * The WaveSpeed adapter against the provider emulator: every operation end to end (submit, poll,
 * download), cancel (which WaveSpeed lacks), list, upload, the webhook secret, failures,
 * malformed answers (from a stub server) and webhook signatures.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MalformedResponseError, ProviderApiError, WebhookRejectedError } from '../../nodes/shared/errors';
import { HttpClient } from '../../nodes/shared/http';
import { isTerminal, type Job, type VideoRequest } from '../../nodes/shared/job';
import type { ProviderClient } from '../../nodes/shared/providers/types';
import { wavespeedAdapter } from '../../nodes/shared/providers/wavespeed/adapter';
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator } from '../emulator';

let emulator: Emulator;
let http: HttpClient;
let client: ProviderClient;

beforeAll(async () => {
	emulator = await startEmulator({ port: 0, timings: { queuedMs: 50, runningMs: 200 } });
	http = new HttpClient({ retry: { baseDelayMs: 10, maxDelayMs: 1500 } });
	client = wavespeedAdapter.connect({ apiKey: EMULATOR_CREDENTIALS.wavespeedKey, baseUrl: emulator.baseUrls.wavespeed }, http);
});

afterEach(() => emulator.reset());

afterAll(async () => {
	await emulator.close();
	await http.close();
});

const textToVideo: VideoRequest = {
	operation: 'textToVideo',
	prompt: 'a lighthouse at dusk',
	duration: 10,
	aspectRatio: '9:16',
	generateAudio: true,
	cfgScale: 0.6,
	mode: 'pro',
};

async function untilTerminal(job: Job, timeoutMs = 5000): Promise<Job> {
	const deadline = Date.now() + timeoutMs;
	let current = job;
	while (!isTerminal(current.status)) {
		if (Date.now() > deadline) throw new Error(`job ${job.jobId} still ${current.status}`);
		await new Promise((resolve) => setTimeout(resolve, 40));
		current = await client.get(current.ref);
	}
	return current;
}

async function downloadBytes(url: string): Promise<{ status: number; bytes: Buffer }> {
	const response = await http.stream(url);
	const chunks: Buffer[] = [];
	for await (const chunk of response.body) chunks.push(chunk as Buffer);
	return { status: response.status, bytes: Buffer.concat(chunks) };
}

const isMp4 = (bytes: Buffer) => bytes.subarray(4, 8).toString('latin1') === 'ftyp';

async function rejected(promise: Promise<unknown>): Promise<Error> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected a rejection');
}

describe('operations end to end', () => {
	it('text to video (pro): submit, poll to success, download an MP4', async () => {
		const submitted = await client.submit(textToVideo);
		expect(submitted).toMatchObject({ provider: 'wavespeed', operation: 'textToVideo', status: 'queued', durationSeconds: 10, hasAudio: true, estimatedCostUsd: 1.4 });
		const done = await untilTerminal(submitted);
		expect(done).toMatchObject({ status: 'succeeded', operation: 'textToVideo', error: null });
		expect(Date.parse(done.expiresAt ?? '') - Date.parse(done.timings.createdAt ?? '')).toBe(7 * 24 * 3600 * 1000);
		expect(done.timings.predictSeconds).toBeGreaterThan(0);
		const video = await downloadBytes(done.videoUrl ?? '');
		expect(video.status).toBe(200);
		expect(isMp4(video.bytes)).toBe(true);
		const [job] = emulator.jobs('wavespeed');
		expect(job.model).toBe('kwaivgi/kling-v2.6-pro/text-to-video');
		expect(job.input).toEqual({ prompt: 'a lighthouse at dusk', duration: 10, aspect_ratio: '9:16', sound: true, cfg_scale: 0.6 });
	});

	it('image to video (pro) from an uploaded image, with voices; Standard takes only prompt, image, negative prompt and duration', async () => {
		const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
		const imageUrl = await client.uploadMedia({ data: png, mimeType: 'image/png', fileName: 'start.png' });
		expect(imageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/wavespeed\//);
		// The current route of WaveSpeed's SDKs (wavespeed-python c54e078): a ticket, then a PUT without the API key.
		const uploads = emulator.counters().requests.filter((request) => request.provider === 'wavespeed' && /media\/upload/.test(request.path));
		expect(uploads.map((request) => request.path)).toEqual([expect.stringMatching(/\/api\/v3\/media\/uploads$/)]);
		expect((await downloadBytes(imageUrl)).bytes.equals(png)).toBe(true);
		const done = await untilTerminal(
			await client.submit({ operation: 'imageToVideo', prompt: 'waves', duration: 5, generateAudio: true, startImage: imageUrl, voiceIds: ['voice_a'], mode: 'pro' }),
		);
		expect(done).toMatchObject({ status: 'succeeded', operation: 'imageToVideo', model: 'kling-v2.6' });
		expect(emulator.jobs('wavespeed')[0]).toMatchObject({
			model: 'kwaivgi/kling-v2.6-pro/image-to-video',
			input: { image: imageUrl, voice_list: [{ voice_id: 'voice_a' }], sound: true },
		});
		expect(isMp4((await downloadBytes(done.videoUrl ?? '')).bytes)).toBe(true);
		const submittedStandard = await client.submit({ operation: 'imageToVideo', prompt: 'waves', duration: 10, startImage: imageUrl, mode: 'std' });
		// The Standard model makes no audio; WaveSpeed does not echo the request, so the submit answer carries what was asked.
		expect(submittedStandard).toMatchObject({ hasAudio: false, durationSeconds: 10 });
		expect(await untilTerminal(submittedStandard)).toMatchObject({ status: 'succeeded' });
		const standardJob = emulator.jobs('wavespeed').find((job) => job.id === submittedStandard.jobId);
		expect(standardJob).toMatchObject({ model: 'kwaivgi/kling-v2.6-std/image-to-video' });
		expect(Object.keys(standardJob?.input ?? {}).sort()).toEqual(['duration', 'image', 'prompt']);
	});

	it('motion control', async () => {
		const done = await untilTerminal(
			await client.submit({ operation: 'motionControl', image: 'https://e/c.png', video: 'https://e/m.mp4', characterOrientation: 'image', keepOriginalSound: false, mode: 'pro', prompt: 'dance' }),
		);
		expect(done).toMatchObject({ status: 'succeeded', operation: 'motionControl' });
		expect(emulator.jobs('wavespeed')[0]).toMatchObject({ model: 'kwaivgi/kling-v2.6-pro/motion-control', input: { keep_original_sound: false, character_orientation: 'image' } });
		expect(isMp4((await downloadBytes(done.videoUrl ?? '')).bytes)).toBe(true);
	});

	it('create voice returns a voice id and no video', async () => {
		const done = await untilTerminal(await client.submit({ operation: 'createVoice', voiceUrl: 'https://e/voice.mp3' }));
		expect(done).toMatchObject({ status: 'succeeded', operation: 'createVoice', videoUrl: null, estimatedCostUsd: null });
		expect(done.voiceId).toBe(emulator.jobs('wavespeed')[0].voiceId);
	});

	it('refuses fields and rule breaks before any request', async () => {
		const error = await rejected(client.submit({ operation: 'imageToVideo', prompt: 'p', duration: 5, generateAudio: true, startImage: 'https://e/s.png', endImage: 'https://e/e.png' }));
		expect(error).toMatchObject({ kind: 'invalidInput' });
		expect(emulator.counters().count({ provider: 'wavespeed' })).toBe(0);
	});
});

describe('cancel, list, upload, secret, credentials', () => {
	it('cancel says WaveSpeed cannot, with the job reference, and sends nothing', async () => {
		const ref = { provider: 'wavespeed' as const, jobId: 'x1', operation: 'textToVideo' as const };
		const error = await rejected(client.cancel(ref));
		expect(error).toBeInstanceOf(ProviderApiError);
		expect(error).toMatchObject({ jobRef: ref });
		expect(emulator.counters().count({ provider: 'wavespeed' })).toBe(0);
	});

	it('lists Kling predictions since a date, filtered by operation', async () => {
		const since = new Date(Date.now() - 1000);
		const a = await client.submit(textToVideo);
		const b = await client.submit({ operation: 'createVoice', voiceUrl: 'https://e/v.mp3' });
		expect((await client.list({ since })).map((job) => job.jobId).sort()).toEqual([a.jobId, b.jobId].sort());
		expect((await client.list({ since, operations: ['createVoice'] })).map((job) => job.jobId)).toEqual([b.jobId]);
		const listCalls = emulator.counters().requests.filter((r) => r.route === 'list');
		expect(listCalls.length).toBeGreaterThan(0);
		expect(listCalls.every((r) => r.method === 'POST' && r.status === 200)).toBe(true);
	});

	it('pages through more than 100 predictions, within maxPages', async () => {
		const since = new Date(Date.now() - 1000);
		emulator.configure({ queuedMs: 60_000 });
		for (let i = 0; i < 101; i++) await client.submit({ operation: 'createVoice', voiceUrl: 'https://e/v.mp3' });
		expect(await client.list({ since })).toHaveLength(101);
		expect(await client.list({ since, maxPages: 1 })).toHaveLength(100);
	});

	it('fetches the webhook secret and tests credentials', async () => {
		expect(await client.fetchWebhookSecret?.()).toBe(EMULATOR_CREDENTIALS.wavespeedWebhookSecret);
		await expect(client.testCredentials()).resolves.toBeUndefined();
		const wrong = wavespeedAdapter.connect({ apiKey: 'wsk_wrong', baseUrl: emulator.baseUrls.wavespeed }, http);
		const error = await rejected(wrong.testCredentials());
		expect(error).toMatchObject({ httpStatus: 401, code: 401, provider: 'wavespeed' });
		expect(error.message).not.toContain('wsk_wrong');
	});
});

describe('failures', () => {
	it('a 400 says what was wrong and the submit is not repeated', async () => {
		// The package checks what WaveSpeed checks, so only an injected refusal reaches WaveSpeed's own answer.
		emulator.injectFault({ provider: 'wavespeed', kind: 'rejectInput', field: 'duration' });
		const error = await rejected(client.submit(textToVideo));
		expect(error).toMatchObject({ httpStatus: 400, code: 400, kind: 'invalidInput' });
		expect(error.message).toMatch(/duration/);
		expect(emulator.counters().count({ provider: 'wavespeed', route: 'submit' })).toBe(1);
	});

	it('content policy ends in a failed job of kind contentPolicy', async () => {
		emulator.injectFault({ provider: 'wavespeed', kind: 'contentPolicy' });
		const done = await untilTerminal(await client.submit(textToVideo));
		expect(done).toMatchObject({ status: 'failed', videoUrl: null, estimatedCostUsd: null, error: { kind: 'contentPolicy' } });
		expect(done.error?.message).toMatch(/NSFW/);
	});

	it('a 429 on submit is retried; a 5xx is not', async () => {
		emulator.injectFault({ provider: 'wavespeed', route: 'submit', kind: '429', retryAfterSeconds: 1 });
		await client.submit(textToVideo);
		expect(emulator.counters().count({ provider: 'wavespeed', route: 'submit' })).toBe(2);
		emulator.injectFault({ provider: 'wavespeed', route: 'submit', kind: '5xx' });
		const error = await rejected(client.submit(textToVideo));
		expect(error).toMatchObject({ httpStatus: 500, code: 500 });
		expect(emulator.counters().count({ provider: 'wavespeed', route: 'submit' })).toBe(3);
	});

	it('a read survives a 5xx (reads are retried) and a 404 carries the job reference', async () => {
		const job = await client.submit(textToVideo);
		emulator.injectFault({ provider: 'wavespeed', route: 'status', kind: '5xx', status: 502 });
		await expect(client.get(job.ref)).resolves.toMatchObject({ jobId: job.jobId });
		const ref = { provider: 'wavespeed' as const, jobId: 'missing', operation: null };
		expect(await rejected(client.get(ref))).toMatchObject({ httpStatus: 404, jobRef: ref });
	});
});

describe('malformed answers and the second secret shape', () => {
	let stub: Server;
	let answer: { status: number; body: string };
	let stubClient: ProviderClient;

	beforeAll(async () => {
		stub = createServer((_req, res) => {
			res.writeHead(answer.status, { 'content-type': 'application/json' });
			res.end(answer.body);
		});
		await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
		stubClient = wavespeedAdapter.connect({ apiKey: 'k', baseUrl: `http://127.0.0.1:${(stub.address() as AddressInfo).port}/api/v3` }, http);
	});
	afterAll(() => new Promise<void>((resolve) => stub.close(() => resolve())));

	it('lists the zod issues and keeps the job id', async () => {
		answer = { status: 200, body: JSON.stringify({ code: 200, message: 'success', data: { id: 'w1', status: 'completed', outputs: [] } }) };
		const error = await rejected(stubClient.get({ provider: 'wavespeed', jobId: 'w1', operation: null }));
		expect(error).toBeInstanceOf(MalformedResponseError);
		expect(error.message).toContain('outputs: a completed prediction must carry its output');
		expect((error as MalformedResponseError).jobRef).toMatchObject({ jobId: 'w1' });
	});

	it('an envelope without a code is malformed; code != 200 on HTTP 200 is an error', async () => {
		answer = { status: 200, body: JSON.stringify({ data: { id: 'w1' } }) };
		expect((await rejected(stubClient.testCredentials())).message).toContain('code: Required');
		answer = { status: 200, body: JSON.stringify({ code: 403, message: 'account suspended', data: null }) };
		expect(await rejected(stubClient.testCredentials())).toMatchObject({ httpStatus: 200, code: 403, message: expect.stringContaining('account suspended') });
	});

	it('accepts the bare {secret} answer', async () => {
		answer = { status: 200, body: JSON.stringify({ secret: 'whsec_bare' }) };
		expect(await stubClient.fetchWebhookSecret?.()).toBe('whsec_bare');
	});
});

describe('webhooks', () => {
	let receiver: Server;
	let received: { url: string; headers: IncomingHttpHeaders; body: Buffer }[];
	let receiverUrl: string;

	beforeAll(async () => {
		received = [];
		receiver = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
				res.writeHead(200);
				res.end();
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook?execution=42&sig=a%2Bb`;
	});
	afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

	const asDelivery = (headers: Record<string, string | string[] | undefined>, body: string | Buffer, secret: string) => ({
		headers,
		rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
		secret,
	});

	it('passes the webhook URL intact and verifies the real delivery', async () => {
		received.length = 0;
		const job = await client.submit(textToVideo, { webhookUrl: receiverUrl });
		await untilTerminal(job);
		await emulator.webhooksIdle();
		expect(received).toHaveLength(1);
		expect(received[0].url).toBe('/hook?execution=42&sig=a%2Bb');
		const secret = (await client.fetchWebhookSecret?.()) ?? '';
		const verified = await client.verifyWebhook(asDelivery(received[0].headers, received[0].body, secret));
		expect(verified).toMatchObject({ jobId: job.jobId, status: 'succeeded', operation: 'textToVideo' });
		expect(verified.videoUrl).toMatch(/\.mp4$/);
	});

	it('accepts a good signed delivery and rejects tampered, wrong-secret, stale and unsigned ones', async () => {
		const job = await untilTerminal(await client.submit(textToVideo));
		const secret = EMULATOR_CREDENTIALS.wavespeedWebhookSecret;
		const good = emulator.signedDelivery('wavespeed', job.jobId);
		await expect(client.verifyWebhook(asDelivery(good.headers, good.body, secret))).resolves.toMatchObject({ jobId: job.jobId, status: 'succeeded' });
		const cases = [
			emulator.signedDelivery('wavespeed', job.jobId, { tamper: true }),
			emulator.signedDelivery('wavespeed', job.jobId, { wrongSecret: true }),
			emulator.signedDelivery('wavespeed', job.jobId, { timestampOffsetSeconds: -600 }),
			emulator.signedDelivery('wavespeed', job.jobId, { omitHeader: 'webhook-timestamp' }),
		];
		for (const delivery of cases) {
			const error = await rejected(client.verifyWebhook(asDelivery(delivery.headers, delivery.body, secret)));
			expect(error).toBeInstanceOf(WebhookRejectedError);
			expect((error as WebhookRejectedError).httpStatus).toBe(401);
		}
	});

	it('rejects a correctly signed body that is not a prediction with 400', async () => {
		const secret = EMULATOR_CREDENTIALS.wavespeedWebhookSecret;
		const body = JSON.stringify({ id: 'w1', status: 'exploded' });
		const timestamp = String(Math.floor(Date.now() / 1000));
		const signature = createHmac('sha256', secret.slice('whsec_'.length)).update(`msg_1.${timestamp}.${body}`).digest('hex');
		const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': timestamp, 'webhook-signature': `v3,${signature}` };
		const error = await rejected(client.verifyWebhook(asDelivery(headers, body, secret)));
		expect(error).toMatchObject({ httpStatus: 400 });
		expect(error.message).toMatch(/status: Invalid enum value/);
	});
});
