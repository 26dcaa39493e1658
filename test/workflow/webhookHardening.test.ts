/**
 * Wait for Webhook, hardened, inside n8n's engine: the paused execution is resumed by exactly
 * one genuine delivery of the job it waits for. Forged, stale, replayed, wrong-provider,
 * oversized and malformed deliveries, a delivery for another job, and a Kling callback whose task
 * the API says is still running resume nothing; the same delivery twice (one after the other, or
 * at the same moment as a provider's duplicate) resumes once.
 */
import type { INodeParameters } from 'n8n-workflow';
import type { ProviderId } from '../../nodes/shared/job';
import { STATUS_CHECK_HEADER } from '../../nodes/KlingVideo/v2/strategies/webhookResume';
import { MAX_WEBHOOK_BODY_BYTES } from '../../nodes/shared/webhooks/common';
import { startEmulator, type EmulatedJob, type Emulator, type SignedDelivery, type WebhookRecord } from '../emulator';
import { FAL_SIGNING_KEY } from '../emulator/credentials';
import { newMessageId, signatureHeaders, unixSeconds } from '../emulator/signing';
import { callWaitingWebhook, makeBinary, resumeAfterWaitTill, storedExecution, type HarnessCredentials, type RunResult, type WebhookCallResult } from '../harness';
import { makePng } from '../fixtures/images';
import { NODE_NAME, PROVIDERS, runKling, TEXT_TO_VIDEO } from './support';
import { emulatorCredentialsByType } from '../support/emulatorCredentials';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ port: 0, timings: { queuedMs: 20, runningMs: 60 } });
});
afterAll(async () => await emulator.close());
beforeEach(() => {
	emulator.reset();
	// Nothing listens at the harness's resume URLs: each test hands deliveries to n8n itself.
	emulator.configure({ webhookAttempts: 1, webhookRetryDelayMs: 0 });
});

const SIGNED: ProviderId[] = ['replicate', 'fal', 'wavespeed'];

const parametersFor = (provider: ProviderId, extra: INodeParameters = {}): INodeParameters => ({
	provider,
	...TEXT_TO_VIDEO,
	generateAudio: false,
	quality: 'pro',
	waitMode: 'waitForWebhook',
	...extra,
});

let freshCredentials = 0;

/**
 * Credentials this process has not yet verified a delivery with (the same keys, the base URL
 * with extra trailing slashes, which the adapters drop), so no signing secret is cached for them.
 */
function uncachedCredentials() {
	freshCredentials += 1;
	const credentials: HarnessCredentials = emulatorCredentialsByType(emulator);
	for (const data of Object.values(credentials)) data.baseUrl = `${data.baseUrl}${'/'.repeat(freshCredentials)}`;
	return credentials;
}

/** A paused execution and the emulator's job it waits for, held unfinished until the test ends it. */
async function paused(provider: ProviderId, extra: INodeParameters = {}, fresh = false): Promise<{ waiting: RunResult; job: EmulatedJob }> {
	emulator.injectFault({ provider, kind: 'stuck' });
	const before = new Set(emulator.jobs(provider).map((job) => job.id));
	const waiting = await runKling(emulator, parametersFor(provider, extra), fresh ? { credentials: uncachedCredentials() } : {});
	expect(waiting.status).toBe('waiting');
	const job = emulator.jobs(provider).find((candidate) => !before.has(candidate.id)) as EmulatedJob;
	return { waiting, job };
}

async function finished(provider: ProviderId, extra: INodeParameters = {}, fresh = false) {
	const state = await paused(provider, extra, fresh);
	emulator.finishJob(provider, state.job.id);
	await emulator.webhooksIdle();
	return state;
}

function deliver(waiting: RunResult, job: EmulatedJob, delivery: SignedDelivery, url = job.webhookUrl as string): Promise<WebhookCallResult> {
	return callWaitingWebhook(waiting, { url, headers: delivery.headers, rawBody: Buffer.from(delivery.body) });
}

function expectStillWaiting(call: WebhookCallResult, waiting: RunResult, status: number) {
	expect(call.response.statusCode).toBe(status);
	expect(call.result).toBeUndefined();
	expect(call.webhookError).toBeUndefined();
	expect(storedExecution(waiting.executionId)?.status).toBe('waiting');
}

async function expectResumed(call: WebhookCallResult, job: EmulatedJob) {
	expect(call.webhookError).toBeUndefined();
	expect(call.result?.status).toBe('success');
	expect(call.result?.outputOf(NODE_NAME)[0].json).toMatchObject({ jobId: job.id, status: 'succeeded' });
}

/** `body` signed the provider's way with the emulator's own secret or key: genuine, whatever it says. */
function signed(provider: ProviderId, body: string): SignedDelivery {
	// fal's request id names the request; this one names none the emulator knows.
	const messageId = provider === 'fal' ? 'req-unknown' : newMessageId();
	const headers = signatureHeaders(provider, emulator.credentials, FAL_SIGNING_KEY, { messageId, timestamp: unixSeconds(), body });
	return { headers: { 'content-type': 'application/json', ...headers }, body };
}

describe.each(SIGNED)('%s: deliveries that are not provably the provider\'s resume nothing', (provider) => {
	it('forged (tampered body), wrong secret, missing signature: 401; the genuine one then resumes', async () => {
		const { waiting, job } = await finished(provider);
		const signatureHeader = provider === 'fal' ? 'x-fal-webhook-signature' : 'webhook-signature';
		expectStillWaiting(await deliver(waiting, job, emulator.signedDelivery(provider, job.id, { tamper: true })), waiting, 401);
		expectStillWaiting(await deliver(waiting, job, emulator.signedDelivery(provider, job.id, { wrongSecret: true })), waiting, 401);
		expectStillWaiting(await deliver(waiting, job, emulator.signedDelivery(provider, job.id, { omitHeader: signatureHeader })), waiting, 401);
		await expectResumed(await deliver(waiting, job, emulator.signedDelivery(provider, job.id)), job);
	});

	it('stale (600 s old) and future (600 s ahead) timestamps: 401', async () => {
		const { waiting, job } = await finished(provider);
		expectStillWaiting(await deliver(waiting, job, emulator.signedDelivery(provider, job.id, { timestampOffsetSeconds: -600 })), waiting, 401);
		expectStillWaiting(await deliver(waiting, job, emulator.signedDelivery(provider, job.id, { timestampOffsetSeconds: 600 })), waiting, 401);
	});

	it('oversized: 413 before anything is parsed or fetched', async () => {
		const { waiting, job } = await finished(provider, {}, true);
		const requestsBefore = emulator.counters().requests.length;
		const huge = JSON.stringify({ pad: 'x'.repeat(MAX_WEBHOOK_BODY_BYTES) });
		expectStillWaiting(await deliver(waiting, job, signed(provider, huge)), waiting, 413);
		// Not even the signing secret or the JWKS was fetched for it.
		expect(emulator.counters().requests.length).toBe(requestsBefore);
	});

	it('malformed: a genuinely signed body that is not JSON, or not the provider\'s shape: 400', async () => {
		const { waiting, job } = await finished(provider);
		expectStillWaiting(await deliver(waiting, job, signed(provider, 'not json at all')), waiting, 400);
		expectStillWaiting(await deliver(waiting, job, signed(provider, JSON.stringify({ hello: 'world' }))), waiting, 400);
	});

	it('wrong provider: another provider\'s genuine delivery is refused', async () => {
		const { waiting, job } = await finished(provider);
		const other = SIGNED.find((candidate) => candidate !== provider) as ProviderId;
		const { job: otherJob } = await finished(other);
		const call = await deliver(waiting, job, emulator.signedDelivery(other, otherJob.id));
		expectStillWaiting(call, waiting, 401);
	});
});

describe.each(PROVIDERS)('%s: one resume per paused job', (provider) => {
	it('replayed: a genuine delivery of another job, sent to this resume URL, is refused', async () => {
		const a = await finished(provider);
		const b = await finished(provider);
		expectStillWaiting(await deliver(a.waiting, a.job, emulator.signedDelivery(provider, b.job.id)), a.waiting, 401);
		await expectResumed(await deliver(a.waiting, a.job, emulator.signedDelivery(provider, a.job.id)), a.job);
	});

	it('the same delivery twice, one after the other: the second finds the execution finished', async () => {
		const { waiting, job } = await finished(provider);
		const delivery = emulator.signedDelivery(provider, job.id);
		await expectResumed(await deliver(waiting, job, delivery), job);
		const again = await deliver(waiting, job, delivery);
		expect(again.result).toBeUndefined();
		expect(again.response.statusCode).toBe(409);
	});

	it('the provider delivers twice at the same moment (duplicate webhook): one resume', async () => {
		emulator.injectFault({ provider, kind: 'duplicateWebhook' });
		const waiting = await runKling(emulator, parametersFor(provider));
		const job = emulator.jobs(provider)[0];
		let terminal: WebhookRecord[] = [];
		for (let waited = 0; waited < 5_000 && terminal.length < 2; waited += 25) {
			await new Promise((resolve) => setTimeout(resolve, 25));
			await emulator.webhooksIdle();
			terminal = emulator
				.counters()
				.webhooksSent.filter((sent) => sent.jobId === job.id && ['completed', 'succeeded', 'succeed', 'OK'].includes(sent.event));
		}
		expect(terminal.length).toBe(2);
		const calls = await Promise.all(
			terminal.map((sent) => callWaitingWebhook(waiting, { url: sent.url, headers: sent.headers, rawBody: Buffer.from(sent.body) })),
		);
		const resumed = calls.filter((call) => call.result);
		expect(resumed).toHaveLength(1);
		await expectResumed(resumed[0], job);
		const other = calls.find((call) => !call.result) as WebhookCallResult;
		expect(other.response.statusCode).toBe(200);
		expect(other.response.body).toMatchObject({ duplicate: true });
	});
});

describe('nothing lost on resume', () => {
	it.each(['replicate', 'wavespeed'] as ProviderId[])('%s: a resumed job whose video is gone fails the run with its job id', async (provider) => {
		emulator.injectFault({ provider, kind: 'expiredOutput' });
		const { waiting, job } = await finished(provider);
		const call = await deliver(waiting, job, emulator.signedDelivery(provider, job.id));
		expect(call.webhookError?.message).toContain(`(job ${job.id} on ${provider})`);
		expect(call.webhookError?.message).toMatch(/no longer keeps|is gone/);
	});
});

describe('Kling (unsigned: only the re-read task is believed)', () => {
	it('a callback claiming success for a task the API says is still running resumes nothing', async () => {
		// The task stays queued for the whole test, however slow the machine (20 ms otherwise).
		emulator.configure({ queuedMs: 3_600_000 });
		const { waiting, job } = await paused('kling');
		for (const claim of ['succeed', 'failed']) {
			const body = JSON.stringify({
				task_id: job.id,
				task_status: claim,
				task_status_msg: claim === 'failed' ? 'content policy' : '',
				task_result: { videos: [{ id: 'x', url: 'https://evil.example/video.mp4', duration: '5' }] },
			});
			const call = await deliver(waiting, job, { headers: { 'content-type': 'application/json' }, body });
			expectStillWaiting(call, waiting, 200);
			expect(call.response.body).toMatchObject({ status: 'queued' });
		}
	});

	it('a callback naming a task these credentials do not know: 401', async () => {
		const { waiting, job } = await finished('kling');
		const body = JSON.stringify({ task_id: 'no-such-task', task_status: 'succeed' });
		expectStillWaiting(await deliver(waiting, job, { headers: { 'content-type': 'application/json' }, body }), waiting, 401);
	});

	it('malformed and oversized callbacks: 400 and 413', async () => {
		const { waiting, job } = await finished('kling');
		const json = { 'content-type': 'application/json' };
		expectStillWaiting(await deliver(waiting, job, { headers: json, body: '{"task_id":' }), waiting, 400);
		expectStillWaiting(await deliver(waiting, job, { headers: json, body: JSON.stringify({ status: 'done' }) }), waiting, 400);
		const huge = JSON.stringify({ task_id: job.id, pad: 'x'.repeat(MAX_WEBHOOK_BODY_BYTES) });
		expectStillWaiting(await deliver(waiting, job, { headers: json, body: huge }), waiting, 413);
	});

	it('another provider\'s genuine delivery: 400 (no Kling task in it)', async () => {
		const { waiting, job } = await finished('kling');
		const { job: replicateJob } = await finished('replicate');
		expectStillWaiting(await deliver(waiting, job, emulator.signedDelivery('replicate', replicateJob.id)), waiting, 400);
	});
});

describe('the callback URL and the time limit', () => {
	it('a resume URL without the job context, or with a wrong resume token, resumes nothing', async () => {
		const { waiting, job } = await finished('replicate');
		const delivery = emulator.signedDelivery('replicate', job.id);
		const withoutContext = new URL(job.webhookUrl as string);
		withoutContext.searchParams.delete('klingVideo');
		expectStillWaiting(await deliver(waiting, job, delivery, withoutContext.toString()), waiting, 400);
		const wrongToken = new URL(job.webhookUrl as string);
		wrongToken.searchParams.set('signature', 'not-the-token');
		expectStillWaiting(await deliver(waiting, job, delivery, wrongToken.toString()), waiting, 401);
	});

	it('a status check before the deadline of a job still running: 202, the wait goes on', async () => {
		const { waiting, job } = await paused('fal');
		const body = JSON.stringify({ ref: { provider: 'fal', jobId: job.id, operation: 'textToVideo' } });
		const call = await deliver(waiting, job, { headers: { 'content-type': 'application/json', [STATUS_CHECK_HEADER]: '1' }, body });
		expectStillWaiting(call, waiting, 202);
	});

	it('after the deadline, a status check naming another job is refused; the right one checks the job once and resumes', async () => {
		const { waiting, job } = await paused('wavespeed', { webhookTimeLimitMinutes: 0.002 });
		const { job: other } = await finished('wavespeed');
		await new Promise((resolve) => setTimeout(resolve, 250));
		const headers = { 'content-type': 'application/json', [STATUS_CHECK_HEADER]: '1' };
		const forged = JSON.stringify({ ref: { provider: 'wavespeed', jobId: other.id, operation: 'textToVideo' } });
		expectStillWaiting(await deliver(waiting, job, { headers, body: forged }), waiting, 400);
		const genuine = JSON.stringify({ ref: { provider: 'wavespeed', jobId: job.id, operation: 'textToVideo' } });
		const call = await deliver(waiting, job, { headers, body: genuine });
		expect(call.result?.status).toBe('success');
		expect(call.result?.outputOf(NODE_NAME)[0].json).toMatchObject({ jobId: job.id, status: expect.stringMatching(/^(queued|running)$/), error: { kind: 'timeout' } });
	});
});

describe('ways out of the wait that must never hand on a wrong result', () => {
	it('n8n resuming by time (no call to the node) hands on the job marked timed out with its id, never the input image', async () => {
		emulator.injectFault({ provider: 'fal', kind: 'stuck' });
		const image = await makeBinary(makePng(640, 640), 'frame.png', 'image/png');
		const waiting = await runKling(
			emulator,
			{ provider: 'fal', operation: 'imageToVideo', prompt: 'The mug turns slowly', startImageSource: 'binary', startImageBinaryProperty: 'image', waitMode: 'waitForWebhook' },
			{ inputItems: [{ json: { product: 'mug' }, binary: { image } }] },
		);
		expect(waiting.status).toBe('waiting');
		const [job] = emulator.jobs('fal');
		const resumed = await resumeAfterWaitTill(waiting);
		expect(resumed.status).toBe('success');
		const [item] = resumed.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({ jobId: job.id, provider: 'fal', videoUrl: null, error: { kind: 'timeout', message: expect.stringContaining(job.id) } });
		expect(item.json.product).toBeUndefined();
		expect(item.binary).toBeUndefined();
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('a status check of a job that ended resumes at once, before the time limit, with the video', async () => {
		const { waiting, job } = await paused('replicate');
		emulator.finishJob('replicate', job.id);
		const body = JSON.stringify({ ref: { provider: 'replicate', jobId: job.id, operation: 'textToVideo' } });
		const call = await deliver(waiting, job, { headers: { 'content-type': 'application/json', [STATUS_CHECK_HEADER]: '1' }, body });
		await expectResumed(call, job);
		expect(call.result?.outputOf(NODE_NAME)[0].binary?.data?.mimeType).toBe('video/mp4');
	});
});

