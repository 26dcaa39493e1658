/**
 * The Replicate adapter against the provider emulator: every operation end to end (submit, poll,
 * download), cancel, list, upload, the webhook secret, failures, malformed answers (from a stub
 * server, since the emulator always answers well-formed) and webhook signatures.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MalformedResponseError, ProviderApiError, WebhookRejectedError } from '../../nodes/shared/errors';
import { HttpClient } from '../../nodes/shared/http';
import { isTerminal, type Job, type VideoRequest } from '../../nodes/shared/job';
import { connectReplicate, replicateAdapter, type ReplicateClient } from '../../nodes/shared/providers/replicate/adapter';
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator } from '../emulator';

let emulator: Emulator;
let http: HttpClient;
let client: ReplicateClient;

beforeAll(async () => {
	emulator = await startEmulator({ port: 0, timings: { queuedMs: 50, runningMs: 200 } });
	http = new HttpClient({ retry: { baseDelayMs: 10, maxDelayMs: 1500 } });
	client = connectReplicate({ apiKey: EMULATOR_CREDENTIALS.replicateToken, baseUrl: emulator.baseUrls.replicate }, http);
});

afterEach(() => emulator.reset());

afterAll(async () => {
	await emulator.close();
	await http.close();
});

const textToVideo: VideoRequest = { operation: 'textToVideo', prompt: 'a red fox in snow', duration: 5, aspectRatio: '16:9', generateAudio: true };

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
	it('text to video: submit, poll to success, download an MP4', async () => {
		const submitted = await client.submit(textToVideo);
		expect(submitted).toMatchObject({ provider: 'replicate', operation: 'textToVideo', status: 'queued', videoUrl: null });
		const done = await untilTerminal(submitted);
		expect(done).toMatchObject({ status: 'succeeded', durationSeconds: 5, hasAudio: true, estimatedCostUsd: 0.7, error: null });
		expect(Date.parse(done.expiresAt ?? '') - Date.parse(done.timings.completedAt ?? '')).toBe(3600_000);
		expect(done.timings.predictSeconds).toBeGreaterThan(0);
		const video = await downloadBytes(done.videoUrl ?? '');
		expect(video.status).toBe(200);
		expect(isMp4(video.bytes)).toBe(true);
		const [job] = emulator.jobs('replicate');
		expect(job.input).toEqual({ prompt: 'a red fox in snow', duration: 5, aspect_ratio: '16:9', generate_audio: true });
		expect(emulator.counters().count({ provider: 'replicate', route: 'submit' })).toBe(1);
	});

	it('image to video from an uploaded image', async () => {
		const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
		const imageUrl = await client.uploadMedia({ data: png, mimeType: 'image/png', fileName: 'start.png' });
		expect(imageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/replicate\/v1\/files\//);
		const done = await untilTerminal(
			await client.submit({ operation: 'imageToVideo', prompt: 'she smiles', duration: 10, generateAudio: false, startImage: imageUrl }),
		);
		expect(done).toMatchObject({ status: 'succeeded', operation: 'imageToVideo', durationSeconds: 10, hasAudio: false, estimatedCostUsd: 0.7 });
		expect(emulator.jobs('replicate')[0].input).toMatchObject({ start_image: imageUrl, generate_audio: false });
		expect(isMp4((await downloadBytes(done.videoUrl ?? '')).bytes)).toBe(true);
	});

	it('motion control on the motion-control model', async () => {
		const done = await untilTerminal(
			await client.submit({
				operation: 'motionControl',
				image: 'https://example.com/c.png',
				video: 'https://example.com/m.mp4',
				characterOrientation: 'video',
				keepOriginalSound: true,
				mode: 'std',
			}),
		);
		expect(done).toMatchObject({ status: 'succeeded', operation: 'motionControl', hasAudio: true });
		expect(emulator.jobs('replicate')[0]).toMatchObject({ model: 'kwaivgi/kling-v2.6-motion-control', input: { mode: 'std', character_orientation: 'video' } });
		expect(isMp4((await downloadBytes(done.videoUrl ?? '')).bytes)).toBe(true);
	});

	it('Prefer: wait returns the finished prediction from the submit itself', async () => {
		const job = await client.submit(textToVideo, { preferWaitSeconds: 5 });
		expect(job.status).toBe('succeeded');
		expect(emulator.counters().count({ provider: 'replicate', route: 'status' })).toBe(0);
	});

	it('refuses create voice and unsupported fields without sending anything', async () => {
		expect(await rejected(client.submit({ operation: 'createVoice', voiceUrl: 'https://e/a.mp3' }))).toBeInstanceOf(ProviderApiError);
		const error = await rejected(client.submit({ ...textToVideo, cfgScale: 0.3 }));
		expect(error.message).toContain("CFG Scale is 0.3: Replicate's Kling v2.6 takes no CFG Scale for Text to Video");
		expect(emulator.counters().count({ provider: 'replicate' })).toBe(0);
	});
});

describe('cancel, list, secret, credentials', () => {
	it('cancels a running prediction', async () => {
		emulator.injectFault({ provider: 'replicate', kind: 'stuck' });
		const job = await client.submit(textToVideo);
		await client.cancel(job.ref);
		const canceled = await client.get(job.ref);
		expect(canceled).toMatchObject({ status: 'canceled', error: { kind: 'canceled' }, videoUrl: null });
	});

	it('lists Kling predictions since a date, filtered by operation', async () => {
		const since = new Date(Date.now() - 1000);
		const a = await client.submit(textToVideo);
		const b = await client.submit({ operation: 'motionControl', image: 'https://e/i.png', video: 'https://e/v.mp4', characterOrientation: 'image', keepOriginalSound: false, mode: 'pro' });
		const all = await client.list({ since });
		expect(all.map((job) => job.jobId).sort()).toEqual([a.jobId, b.jobId].sort());
		const motion = await client.list({ since, operations: ['motionControl'] });
		expect(motion.map((job) => job.jobId)).toEqual([b.jobId]);
		expect(await client.list({ since: new Date(Date.now() + 60_000) })).toEqual([]);
	});

	it('follows the next cursor across pages, within maxPages', async () => {
		const since = new Date(Date.now() - 1000);
		emulator.configure({ queuedMs: 60_000 });
		for (let i = 0; i < 101; i++) await client.submit(textToVideo);
		expect(await client.list({ since })).toHaveLength(101);
		expect(await client.list({ since, maxPages: 1 })).toHaveLength(100);
	});

	it('fetches the webhook secret and tests credentials', async () => {
		expect(await client.fetchWebhookSecret?.()).toBe(EMULATOR_CREDENTIALS.replicateWebhookSecret);
		await expect(client.testCredentials()).resolves.toBeUndefined();
		const wrong = replicateAdapter.connect({ apiKey: 'r8_wrong', baseUrl: emulator.baseUrls.replicate }, http);
		const error = await rejected(wrong.testCredentials());
		expect(error).toMatchObject({ httpStatus: 401, provider: 'replicate' });
		expect(error.message).not.toContain('r8_wrong');
	});
});

describe('failures', () => {
	it('a 422 names the invalid field and the submit is not repeated', async () => {
		// The package checks what Replicate checks, so only an injected refusal reaches Replicate's own answer.
		emulator.injectFault({ provider: 'replicate', kind: 'rejectInput', field: 'duration' });
		const error = await rejected(client.submit(textToVideo));
		expect(error).toMatchObject({ httpStatus: 422, kind: 'invalidInput' });
		expect(error.message).toContain('input.duration');
		expect(emulator.counters().count({ provider: 'replicate', route: 'submit' })).toBe(1);
	});

	it('content policy ends in a failed job of kind contentPolicy', async () => {
		emulator.injectFault({ provider: 'replicate', kind: 'contentPolicy' });
		const done = await untilTerminal(await client.submit(textToVideo));
		expect(done).toMatchObject({ status: 'failed', videoUrl: null, estimatedCostUsd: null, error: { kind: 'contentPolicy' } });
	});

	it('a 429 on submit is retried after Retry-After; a 5xx is not', async () => {
		emulator.injectFault({ provider: 'replicate', route: 'submit', kind: '429', retryAfterSeconds: 1 });
		const job = await client.submit(textToVideo);
		expect(job.jobId).toBeTruthy();
		expect(emulator.counters().count({ provider: 'replicate', route: 'submit' })).toBe(2);
		emulator.injectFault({ provider: 'replicate', route: 'submit', kind: '5xx', status: 503 });
		const error = await rejected(client.submit(textToVideo));
		expect(error).toMatchObject({ httpStatus: 503, kind: 'provider' });
		expect(emulator.counters().count({ provider: 'replicate', route: 'submit' })).toBe(3);
	});

	it('a 404 on get carries the job reference', async () => {
		const ref = { provider: 'replicate' as const, jobId: 'no-such-prediction', operation: 'textToVideo' as const };
		const error = await rejected(client.get(ref));
		expect(error).toMatchObject({ httpStatus: 404, jobRef: ref });
	});

	it('an expired output has no URL', async () => {
		emulator.injectFault({ provider: 'replicate', kind: 'expiredOutput' });
		const done = await untilTerminal(await client.submit(textToVideo));
		expect(done).toMatchObject({ status: 'succeeded', videoUrl: null });
	});
});

describe('malformed answers', () => {
	let stub: Server;
	let answer: { status: number; body: string };
	let stubClient: ReplicateClient;

	beforeAll(async () => {
		stub = createServer((_req, res) => {
			res.writeHead(answer.status, { 'content-type': 'application/json' });
			res.end(answer.body);
		});
		await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
		stubClient = connectReplicate({ apiKey: 'r8_x', baseUrl: `http://127.0.0.1:${(stub.address() as AddressInfo).port}/v1` }, http);
	});
	afterAll(() => new Promise<void>((resolve) => stub.close(() => resolve())));

	it('lists the zod issues and keeps the job id when there is one', async () => {
		answer = { status: 201, body: JSON.stringify({ id: 'p1', status: 'exploded', created_at: 5 }) };
		const error = await rejected(stubClient.submit(textToVideo));
		expect(error).toBeInstanceOf(MalformedResponseError);
		expect(error.message).toMatch(/status: Invalid enum value/);
		expect(error.message).toContain('created_at: Expected string, received number');
		expect((error as MalformedResponseError).jobRef).toMatchObject({ jobId: 'p1' });
	});

	it('says so when the body is not JSON', async () => {
		answer = { status: 200, body: '<html>gateway</html>' };
		const error = await rejected(stubClient.get({ provider: 'replicate', jobId: 'p1', operation: null }));
		expect(error).toBeInstanceOf(MalformedResponseError);
		expect(error.message).toContain('not JSON');
	});
});

describe('webhooks', () => {
	let receiver: Server;
	let received: { headers: IncomingHttpHeaders; body: Buffer }[];
	let receiverUrl: string;

	beforeAll(async () => {
		received = [];
		receiver = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				received.push({ headers: req.headers, body: Buffer.concat(chunks) });
				res.writeHead(200);
				res.end();
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
	});
	afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

	const asDelivery = (headers: Record<string, string | string[] | undefined>, body: string | Buffer, secret: string) => ({
		headers,
		rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
		secret,
	});

	it('asks for the completed event only and verifies the real delivery', async () => {
		received.length = 0;
		const job = await client.submit(textToVideo, { webhookUrl: receiverUrl });
		await untilTerminal(job);
		await emulator.webhooksIdle();
		expect(emulator.jobs('replicate')[0].webhookEvents).toEqual(['completed']);
		expect(received).toHaveLength(1);
		const secret = (await client.fetchWebhookSecret?.()) ?? '';
		const verified = await client.verifyWebhook(asDelivery(received[0].headers, received[0].body, secret));
		expect(verified).toMatchObject({ jobId: job.jobId, status: 'succeeded', operation: 'textToVideo' });
		expect(verified.videoUrl).toMatch(/\.mp4$/);
	});

	it('accepts a good signed delivery and rejects tampered, wrong-secret, stale and unsigned ones', async () => {
		const job = await untilTerminal(await client.submit(textToVideo));
		const secret = EMULATOR_CREDENTIALS.replicateWebhookSecret;
		const good = emulator.signedDelivery('replicate', job.jobId);
		await expect(client.verifyWebhook(asDelivery(good.headers, good.body, secret))).resolves.toMatchObject({ jobId: job.jobId, status: 'succeeded' });

		const cases = [
			emulator.signedDelivery('replicate', job.jobId, { tamper: true }),
			emulator.signedDelivery('replicate', job.jobId, { wrongSecret: true }),
			emulator.signedDelivery('replicate', job.jobId, { timestampOffsetSeconds: -600 }),
			emulator.signedDelivery('replicate', job.jobId, { omitHeader: 'webhook-signature' }),
		];
		for (const delivery of cases) {
			const error = await rejected(client.verifyWebhook(asDelivery(delivery.headers, delivery.body, secret)));
			expect(error).toBeInstanceOf(WebhookRejectedError);
			expect((error as WebhookRejectedError).httpStatus).toBe(401);
		}
	});

	it('rejects a correctly signed body that is not a prediction with 400', async () => {
		const job = await untilTerminal(await client.submit(textToVideo));
		const good = emulator.signedDelivery('replicate', job.jobId);
		// Re-sign a different body the way Replicate would, so only the body shape is wrong.
		const { createHmac } = await import('node:crypto');
		const secret = EMULATOR_CREDENTIALS.replicateWebhookSecret;
		const body = JSON.stringify({ hello: 'world' });
		const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
		const signature = createHmac('sha256', key).update(`${good.headers['webhook-id']}.${good.headers['webhook-timestamp']}.${body}`).digest('base64');
		const error = await rejected(client.verifyWebhook(asDelivery({ ...good.headers, 'webhook-signature': `v1,${signature}` }, body, secret)));
		expect(error).toMatchObject({ httpStatus: 400 });
		expect(error.message).toContain('id: Required');
	});
});
