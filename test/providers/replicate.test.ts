/**
 * The Replicate adapter against the provider emulator, beyond the contract every adapter keeps
 * (contract.test.ts): every operation end to end (submit, poll, download), Prefer: wait, cancel,
 * list, a 422, an expired output, malformed answers (from a stub server, since the emulator
 * always answers well-formed) and webhook deliveries.
 */
import { MalformedResponseError, ProviderApiError } from '../../nodes/shared/errors';
import { HttpClient } from '../../nodes/shared/http';
import type { Job, VideoRequest } from '../../nodes/shared/job';
import { connectReplicate, type ReplicateClient } from '../../nodes/shared/providers/replicate/adapter';
import { EMULATOR_CREDENTIALS, type Emulator } from '../emulator';
import { downloadBytes as download, isMp4, rejected, startStub, untilTerminal as terminal, useAdapterEmulator } from './support';

let emulator: Emulator;
let http: HttpClient;
let client: ReplicateClient;

useAdapterEmulator(
	{
		timings: { queuedMs: 50, runningMs: 200 },
		retry: { baseDelayMs: 10, maxDelayMs: 1500 },
		connect: (started, h) => connectReplicate({ apiKey: EMULATOR_CREDENTIALS.replicateToken, baseUrl: started.baseUrls.replicate }, h),
	},
	(setup) => ({ emulator, http, client } = setup),
);

const textToVideo: VideoRequest = { operation: 'textToVideo', prompt: 'a red fox in snow', duration: 5, aspectRatio: '16:9', generateAudio: true };

const untilTerminal = (job: Job, timeoutMs = 5000) => terminal(client, job.ref, timeoutMs);
const downloadBytes = (url: string) => download(http, url);

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

describe('cancel and list', () => {
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
		const { jobs: all } = await client.list({ since });
		expect(all.map((job) => job.jobId).sort()).toEqual([a.jobId, b.jobId].sort());
		const { jobs: motion } = await client.list({ since, operations: ['motionControl'] });
		expect(motion.map((job) => job.jobId)).toEqual([b.jobId]);
		expect(await client.list({ since: new Date(Date.now() + 60_000) })).toEqual({ jobs: [], complete: true });
	});

	it('follows the next cursor across pages, within maxPages', async () => {
		const since = new Date(Date.now() - 1000);
		emulator.configure({ queuedMs: 60_000 });
		for (let i = 0; i < 101; i++) await client.submit(textToVideo);
		expect((await client.list({ since })).jobs).toHaveLength(101);
		const first = await client.list({ since, maxPages: 1 });
		expect(first.jobs).toHaveLength(100);
		expect(first.complete).toBe(false);
		// The continuation (created_before) reads the rest: together every job, none skipped.
		const rest = await client.list({ since, maxPages: 1, resume: first.resume });
		expect(rest.complete).toBe(true);
		expect(new Set([...first.jobs, ...rest.jobs].map((job) => job.jobId)).size).toBe(101);
		const listCalls = emulator.counters().requests.filter((request) => request.route === 'list');
		expect(listCalls.at(-1)?.path).toContain('created_before=');
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

	it('an expired output has no URL', async () => {
		emulator.injectFault({ provider: 'replicate', kind: 'expiredOutput' });
		const done = await untilTerminal(await client.submit(textToVideo));
		expect(done).toMatchObject({ status: 'succeeded', videoUrl: null });
	});
});

describe('malformed answers', () => {
	let stub: { origin: string; close(): Promise<void> };
	let answer: { status: number; body: string };
	let stubClient: ReplicateClient;

	beforeAll(async () => {
		stub = await startStub(() => answer);
		stubClient = connectReplicate({ apiKey: 'r8_x', baseUrl: `${stub.origin}/v1` }, http);
	});
	afterAll(() => stub.close());

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
	const asDelivery = (headers: Record<string, string | string[] | undefined>, body: string | Buffer, secret: string) => ({
		headers,
		rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
		secret,
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
