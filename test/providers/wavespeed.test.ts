/**
 * The WaveSpeed adapter against the provider emulator, beyond the contract every adapter keeps
 * (contract.test.ts): every operation end to end (submit, poll, download), cancel (which
 * WaveSpeed lacks), list, upload, a 400, retried reads, malformed answers (from a stub server)
 * and webhook deliveries.
 */
import { createHmac } from 'node:crypto';
import { MalformedResponseError, ProviderApiError } from '../../nodes/shared/errors';
import { HttpClient } from '../../nodes/shared/http';
import type { Job, VideoRequest } from '../../nodes/shared/job';
import type { ProviderClient } from '../../nodes/shared/providers/types';
import { wavespeedAdapter } from '../../nodes/shared/providers/wavespeed/adapter';
import { EMULATOR_CREDENTIALS, type Emulator } from '../emulator';
import { downloadBytes as download, isMp4, rejected, startStub, untilTerminal as terminal, useAdapterEmulator } from './support';

let emulator: Emulator;
let http: HttpClient;
let client: ProviderClient;

useAdapterEmulator(
	{
		timings: { queuedMs: 50, runningMs: 200 },
		retry: { baseDelayMs: 10, maxDelayMs: 1500 },
		connect: (started, h) => wavespeedAdapter.connect({ apiKey: EMULATOR_CREDENTIALS.wavespeedKey, baseUrl: started.baseUrls.wavespeed }, h),
	},
	(setup) => ({ emulator, http, client } = setup),
);

const textToVideo: VideoRequest = {
	operation: 'textToVideo',
	prompt: 'a lighthouse at dusk',
	duration: 10,
	aspectRatio: '9:16',
	generateAudio: true,
	cfgScale: 0.6,
	mode: 'pro',
};

const untilTerminal = (job: Job, timeoutMs = 5000) => terminal(client, job.ref, timeoutMs);
const downloadBytes = (url: string) => download(http, url);

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

describe('cancel, list, upload', () => {
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
		expect((await client.list({ since })).jobs.map((job) => job.jobId).sort()).toEqual([a.jobId, b.jobId].sort());
		expect((await client.list({ since, operations: ['createVoice'] })).jobs.map((job) => job.jobId)).toEqual([b.jobId]);
		const listCalls = emulator.counters().requests.filter((r) => r.route === 'list');
		expect(listCalls.length).toBeGreaterThan(0);
		expect(listCalls.every((r) => r.method === 'POST' && r.status === 200)).toBe(true);
	});

	it('pages through more than 100 predictions, within maxPages', async () => {
		const since = new Date(Date.now() - 1000);
		emulator.configure({ queuedMs: 60_000 });
		for (let i = 0; i < 101; i++) await client.submit({ operation: 'createVoice', voiceUrl: 'https://e/v.mp3' });
		expect((await client.list({ since })).jobs).toHaveLength(101);
		const first = await client.list({ since, maxPages: 1 });
		expect(first.jobs).toHaveLength(100);
		expect(first.complete).toBe(false);
		const rest = await client.list({ since, maxPages: 1, resume: first.resume });
		expect(rest.complete).toBe(true);
		expect(new Set([...first.jobs, ...rest.jobs].map((job) => job.jobId)).size).toBe(101);
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

	it('a read survives a 5xx (reads are retried) and a 404 carries the job reference', async () => {
		const job = await client.submit(textToVideo);
		emulator.injectFault({ provider: 'wavespeed', route: 'status', kind: '5xx', status: 502 });
		await expect(client.get(job.ref)).resolves.toMatchObject({ jobId: job.jobId });
		const ref = { provider: 'wavespeed' as const, jobId: 'missing', operation: null };
		expect(await rejected(client.get(ref))).toMatchObject({ httpStatus: 404, jobRef: ref });
	});
});

describe('malformed answers and the second secret shape', () => {
	let stub: { origin: string; close(): Promise<void> };
	let answer: { status: number; body: string };
	let stubClient: ProviderClient;

	beforeAll(async () => {
		stub = await startStub(() => answer);
		stubClient = wavespeedAdapter.connect({ apiKey: 'k', baseUrl: `${stub.origin}/api/v3` }, http);
	});
	afterAll(() => stub.close());

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
	const asDelivery = (headers: Record<string, string | string[] | undefined>, body: string | Buffer, secret: string) => ({
		headers,
		rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
		secret,
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
