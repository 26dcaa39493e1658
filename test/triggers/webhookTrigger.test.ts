/**
 * The Kling Video Trigger against deliveries the provider emulator makes, for all four
 * providers, run through n8n-core's WebhookContext with real static data: what each delivery
 * is answered, and whether n8n would start an execution.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { NodeApiError } from 'n8n-workflow';

import { resetDeliveryClaims, SeenSet } from '../../nodes/shared/dedupe';
import { DEFAULT_RETRY } from '../../nodes/shared/http';
import { MAX_WEBHOOK_BODY_BYTES } from '../../nodes/shared/webhooks/common';
import { EMITTED_KEY, MAX_REMEMBERED_DELIVERIES } from '../../nodes/KlingVideoTrigger/delivery';
import { PROVIDER_IDS, type Job, type ProviderId } from '../../nodes/shared/job';
import { startEmulator, type Emulator, type SignedDelivery } from '../emulator';
import { FAL_SIGNING_KEY } from '../emulator/credentials';
import { signatureHeaders, unixSeconds } from '../emulator/signing';
import { clientFor, HttpClient, submitJobs } from './jobs';
import { DeliveryReceiver, disposeHarness, ensureEnvironment, WebhookTriggerHarness, type DeliveryResult } from '../harness';
import { emulatorCredentialData } from '../support/emulatorCredentials';

const NEVER = 3_600_000;

let emulator: Emulator;
let http: HttpClient;
let workflowCounter = 0;

/** What each case was answered, for the report: provider → case → [status, started]. */
const matrix: Record<string, Record<string, [number, boolean]>> = {};
function record(provider: ProviderId, label: string, result: DeliveryResult): DeliveryResult {
	(matrix[provider] ??= {})[label] = [result.status, result.started];
	return result;
}

beforeAll(async () => {
	await ensureEnvironment();
	emulator = await startEmulator({ timings: { queuedMs: NEVER, runningMs: NEVER } });
	emulator.configure({ webhookRetryDelayMs: 20, webhookAttempts: 2 });
	http = new HttpClient({ retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 } });
});

afterAll(async () => {
	await http?.close();
	await emulator?.close();
	disposeHarness();
	writeFileSync(path.join(tmpdir(), 'kling-video-trigger-matrix.json'), JSON.stringify(matrix, null, 2));
});

beforeEach(() => resetDeliveryClaims());

function harness(provider: ProviderId, parameters = {}): WebhookTriggerHarness {
	workflowCounter += 1;
	return new WebhookTriggerHarness(provider, emulatorCredentialData(provider, emulator), parameters, `wf-${workflowCounter}`);
}

async function finishedJob(provider: ProviderId, outcome: 'succeeded' | 'failed' = 'succeeded', webhookUrl?: string): Promise<Job> {
	const [job] = await submitJobs(clientFor(provider, emulator, http), provider, 1, webhookUrl);
	emulator.finishJob(provider, job.jobId, outcome);
	return job;
}

async function unfinishedJob(provider: ProviderId): Promise<Job> {
	const [job] = await submitJobs(clientFor(provider, emulator, http), provider, 1);
	return job;
}

const emitted = (h: WebhookTriggerHarness) => h.executions.flat().map((item) => `${item.json.jobId}:${item.json.status}`);

const SIGNED = PROVIDER_IDS.filter((provider) => provider !== 'kling');
const HEADERS: Record<Exclude<ProviderId, 'kling'>, { signature: string; timestamp: string; id: string }> = {
	replicate: { signature: 'webhook-signature', timestamp: 'webhook-timestamp', id: 'webhook-id' },
	wavespeed: { signature: 'webhook-signature', timestamp: 'webhook-timestamp', id: 'webhook-id' },
	fal: { signature: 'x-fal-webhook-signature', timestamp: 'x-fal-webhook-timestamp', id: 'x-fal-webhook-request-id' },
};

/** A delivery of `body`, correctly signed the provider's way with the emulator's published secret/key. */
function signedBy(provider: ProviderId, body: string, requestId = 'req-1'): SignedDelivery {
	const headers = signatureHeaders(provider, emulator.credentials, FAL_SIGNING_KEY, { messageId: requestId, timestamp: unixSeconds(), body });
	return { headers: { 'content-type': 'application/json', ...headers }, body };
}

describe.each(PROVIDER_IDS)('Kling Video Trigger, %s deliveries', (provider) => {
	it('emits a good delivery once, in the action node job shape, with the video as binary data', async () => {
		const h = harness(provider);
		const job = await finishedJob(provider);
		const downloadsBefore = emulator.counters().count({ route: 'download' });
		const result = record(provider, 'good', await h.deliver(emulator.signedDelivery(provider, job.jobId)));
		expect(result.status).toBe(200);
		expect(result.started).toBe(true);
		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		expect(item.json).toMatchObject({ jobId: job.jobId, provider, status: 'succeeded', dedupeKey: `${provider}:${job.jobId}:succeeded` });
		expect(typeof item.json.videoUrl).toBe('string');
		expect(item.json).not.toHaveProperty('ref');
		expect(item.json).toHaveProperty('raw');
		expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: `${provider}-${job.jobId}.mp4` });
		expect(item.binary?.data.bytes).toBeGreaterThan(1000);
		expect(emulator.counters().count({ route: 'download' })).toBe(downloadsBefore + 1);
		const stored = h.storedStaticData[`node:${h.nodeName}`] as Record<string, unknown>;
		expect(new SeenSet(stored[EMITTED_KEY], MAX_REMEMBERED_DELIVERIES).has(`${job.jobId}:succeeded`)).toBe(true);
	});

	it('answers a replay of the same delivery 200 and drops it, also after a restart (static data alone)', async () => {
		const h = harness(provider, { options: { downloadVideo: false } });
		const job = await finishedJob(provider);
		const delivery = emulator.signedDelivery(provider, job.jobId);
		const first = await h.deliver(delivery);
		const second = record(provider, 'replayed', await h.deliver(delivery));
		resetDeliveryClaims(); // a new process: only the static data remembers
		const third = await h.deliver(delivery);
		expect(first).toMatchObject({ status: 200, started: true });
		expect(second).toMatchObject({ status: 200, started: false });
		expect(second.body).toMatchObject({ duplicate: true });
		expect(third).toMatchObject({ status: 200, started: false });
		expect(emitted(h)).toEqual([`${job.jobId}:succeeded`]);
		expect(first.items[0].binary).toBeUndefined();
	});

	it('emits once when the same delivery arrives twice at the same moment', async () => {
		const h = harness(provider, { options: { downloadVideo: false } });
		const job = await finishedJob(provider);
		const delivery = emulator.signedDelivery(provider, job.jobId);
		const results = await Promise.all([h.deliver(delivery), h.deliver(delivery)]);
		record(provider, 'concurrent duplicate', results.find((r) => !r.started) ?? results[1]);
		expect(results.map((r) => r.status)).toEqual([200, 200]);
		expect(results.filter((r) => r.started)).toHaveLength(1);
		expect(emitted(h)).toEqual([`${job.jobId}:succeeded`]);
	});

	it('emits once when the provider delivers twice (duplicate webhook fault), through real HTTP deliveries', async () => {
		const h = harness(provider, { options: { downloadVideo: false } });
		const receiver = new DeliveryReceiver(() => h);
		await receiver.start();
		try {
			emulator.injectFault({ provider, kind: 'duplicateWebhook' });
			const [job] = await submitJobs(clientFor(provider, emulator, http), provider, 1, receiver.url);
			emulator.finishJob(provider, job.jobId);
			await emulator.webhooksIdle();
			const sent = emulator.counters().webhooksSent.filter((w) => w.jobId === job.jobId);
			const finalEvent = sent[sent.length - 1].event;
			expect(sent.filter((w) => w.event === finalEvent)).toHaveLength(2);
			expect(sent.every((w) => w.status === 200 && w.attempt === 1)).toBe(true);
			expect(receiver.results.filter((r) => r.started)).toHaveLength(1);
			expect(emitted(h)).toEqual([`${job.jobId}:succeeded`]);
			record(provider, 'duplicate webhook fault', receiver.results[receiver.results.length - 1]);
		} finally {
			await receiver.stop();
		}
	});

	it('emits a failed job (default events) and drops it when only Succeeded is selected', async () => {
		const job = await finishedJob(provider, 'failed');
		const all = harness(provider);
		const onlySucceeded = harness(provider, { events: ['succeeded'] });
		const delivery = emulator.signedDelivery(provider, job.jobId);
		const emittedFailed = record(provider, 'failed job', await all.deliver(delivery));
		const dropped = record(provider, 'failed job, only Succeeded selected', await onlySucceeded.deliver(delivery));
		expect(emittedFailed).toMatchObject({ status: 200, started: true });
		expect(emittedFailed.items[0].json).toMatchObject({ jobId: job.jobId, status: 'failed', videoUrl: null, dedupeKey: expect.stringMatching(/:failed$/) });
		expect((emittedFailed.items[0].json.error as { message: string }).message).toBeTruthy();
		expect(emittedFailed.items[0].binary).toBeUndefined();
		expect(dropped).toMatchObject({ status: 200, started: false });
	});

	it('still emits the job, without binary and with the reason, when its video is gone', async () => {
		const h = harness(provider);
		emulator.injectFault({ provider, kind: 'expiredOutput', status: 410 });
		const job = await finishedJob(provider);
		const result = record(provider, 'good, video expired', await h.deliver(emulator.signedDelivery(provider, job.jobId)));
		expect(result).toMatchObject({ status: 200, started: true });
		expect(result.items[0].json).toMatchObject({ jobId: job.jobId, status: 'succeeded' });
		if (provider === 'replicate') {
			// Replicate says so itself (`data_removed`): there is no URL left to try.
			expect(result.items[0].json.videoUrl).toBeNull();
		} else {
			expect(String(result.items[0].json.downloadError)).toContain('410');
		}
		expect(result.items[0].binary).toBeUndefined();
	});

	it('refuses an oversized body with 413 before checking anything else', async () => {
		const h = harness(provider);
		const job = await finishedJob(provider);
		const good = emulator.signedDelivery(provider, job.jobId);
		const padded = JSON.stringify({ ...JSON.parse(good.body), padding: 'x'.repeat(MAX_WEBHOOK_BODY_BYTES) });
		const requestsBefore = emulator.counters().count({ provider });
		const result = record(provider, 'oversized', await h.deliver({ headers: good.headers, body: padded }));
		expect(result).toMatchObject({ status: 413, started: false });
		// Refused before the credential was even used (no secret fetch, no Kling re-read).
		expect(emulator.counters().count({ provider })).toBe(requestsBefore);
		const declared = record(provider, 'declared Content-Length too large', await h.deliver({
			headers: { ...good.headers, 'content-length': String(MAX_WEBHOOK_BODY_BYTES + 1) },
			body: good.body,
		}));
		expect(declared).toMatchObject({ status: 413, started: false });
		expect(h.executions).toHaveLength(0);
	});

	it('refuses a body that is not the provider\'s shape with 400', async () => {
		const h = harness(provider);
		const wrongShape = signedBy(provider, JSON.stringify({ hello: 'world', id: 42 }));
		const result = record(provider, 'body not of the provider\'s shape', await h.deliver(wrongShape));
		expect(result).toMatchObject({ status: 400, started: false });
		const notJson = record(provider, 'body not JSON', await h.deliver(signedBy(provider, 'this is not json')));
		expect(notJson).toMatchObject({ status: 400, started: false });
		expect(h.executions).toHaveLength(0);
	});
});

describe.each(SIGNED)('Kling Video Trigger, forged %s deliveries', (provider) => {
	const headers = HEADERS[provider as Exclude<ProviderId, 'kling'>];

	it('refuses a tampered body with 401', async () => {
		const h = harness(provider);
		const job = await finishedJob(provider);
		const result = record(provider, 'tampered', await h.deliver(emulator.signedDelivery(provider, job.jobId, { tamper: true })));
		expect(result).toMatchObject({ status: 401, started: false });
		// The untampered delivery of the same job is still taken: the refusal recorded nothing.
		const good = await h.deliver(emulator.signedDelivery(provider, job.jobId));
		expect(good).toMatchObject({ status: 200, started: true });
	});

	it('refuses a stale timestamp (600 s old) and one from the future (600 s ahead) with 401', async () => {
		const h = harness(provider);
		const job = await finishedJob(provider);
		const stale = record(provider, 'stale (600 s)', await h.deliver(emulator.signedDelivery(provider, job.jobId, { timestampOffsetSeconds: -600 })));
		const future = record(provider, 'future (+600 s)', await h.deliver(emulator.signedDelivery(provider, job.jobId, { timestampOffsetSeconds: 600 })));
		expect(stale).toMatchObject({ status: 401, started: false });
		expect(future).toMatchObject({ status: 401, started: false });
		const fresh = await h.deliver(emulator.signedDelivery(provider, job.jobId, { timestampOffsetSeconds: -250 }));
		expect(fresh).toMatchObject({ status: 200, started: true });
	});

	it('refuses a delivery missing the signature, timestamp or id header with 401', async () => {
		const h = harness(provider);
		const job = await finishedJob(provider);
		for (const [label, header] of [
			['missing signature header', headers.signature],
			['missing timestamp header', headers.timestamp],
			['missing id header', headers.id],
		] as const) {
			const result = record(provider, label, await h.deliver(emulator.signedDelivery(provider, job.jobId, { omitHeader: header })));
			expect(result).toMatchObject({ status: 401, started: false });
		}
		expect(h.executions).toHaveLength(0);
	});

	it('refuses a delivery signed with a secret or key the provider never published with 401', async () => {
		const h = harness(provider);
		const job = await finishedJob(provider);
		const result = record(provider, 'wrong secret / key', await h.deliver(emulator.signedDelivery(provider, job.jobId, { wrongSecret: true })));
		expect(result).toMatchObject({ status: 401, started: false });
	});
});

describe('Kling Video Trigger, wrong provider', () => {
	it('refuses a Replicate-signed delivery to a WaveSpeed-configured trigger with 401', async () => {
		const h = harness('wavespeed');
		const job = await finishedJob('replicate');
		const result = record('wavespeed', 'wrong provider (Replicate-signed)', await h.deliver(emulator.signedDelivery('replicate', job.jobId)));
		expect(result).toMatchObject({ status: 401, started: false });
	});

	it.each(PROVIDER_IDS)('refuses every other provider\'s good delivery to a %s trigger', async (target) => {
		const h = harness(target);
		for (const source of PROVIDER_IDS.filter((p) => p !== target)) {
			const job = await finishedJob(source);
			const result = record(target, `wrong provider (${source} delivery)`, await h.deliver(emulator.signedDelivery(source, job.jobId)));
			expect(result.started).toBe(false);
			// A signed provider finds no signature of its own; Kling finds no task id in another provider's body.
			expect(result.status).toBe(target === 'kling' ? 400 : 401);
		}
		expect(h.executions).toHaveLength(0);
	});
});

describe('Kling Video Trigger, non-terminal updates', () => {
	it.each(['replicate', 'wavespeed', 'kling'] as const)('answers a %s update of an unfinished job 200 and starts nothing', async (provider) => {
		const h = harness(provider);
		const job = await unfinishedJob(provider);
		const result = record(provider, 'non-terminal', await h.deliver(emulator.signedDelivery(provider, job.jobId)));
		expect(result).toMatchObject({ status: 200, started: false });
		expect(result.body).toMatchObject({ received: true });
		// When it then finishes, its terminal delivery is emitted.
		emulator.finishJob(provider, job.jobId);
		const done = await h.deliver(emulator.signedDelivery(provider, job.jobId));
		expect(done).toMatchObject({ status: 200, started: true });
	});

	it('answers Replicate start/logs/output events 200 and emits only the completed one (real deliveries)', async () => {
		const h = harness('replicate', { options: { downloadVideo: false } });
		const receiver = new DeliveryReceiver(() => h);
		await receiver.start();
		try {
			// A prediction that asked for every event, as a user calling Replicate directly might.
			const response = await http.send({
				method: 'POST',
				url: `${emulator.baseUrls.replicate}/models/kwaivgi/kling-v2.6/predictions`,
				headers: { authorization: `Bearer ${emulator.credentials.replicateToken}` },
				json: { input: { prompt: 'all events', duration: 5 }, webhook: receiver.url },
				retryClass: 'read',
			});
			const id = (response.json() as { id: string }).id;
			emulator.finishJob('replicate', id);
			await emulator.webhooksIdle();
			const events = emulator.counters().webhooksSent.filter((w) => w.jobId === id).map((w) => `${w.event}:${w.status}`);
			expect(events).toEqual(expect.arrayContaining(['logs:200', 'output:200', 'completed:200']));
			expect(receiver.results.filter((r) => r.started)).toHaveLength(1);
			expect(emitted(h)).toEqual([`${id}:succeeded`]);
			record('replicate', 'non-terminal events (start/logs/output)', receiver.results.find((r) => !r.started)!);
		} finally {
			await receiver.stop();
		}
	});

	it('answers Kling status callbacks 200 and emits the finished task once (real deliveries)', async () => {
		const h = harness('kling', { options: { downloadVideo: false } });
		const receiver = new DeliveryReceiver(() => h);
		await receiver.start();
		try {
			const [job] = await submitJobs(clientFor('kling', emulator, http), 'kling', 1, receiver.url);
			emulator.finishJob('kling', job.jobId);
			await emulator.webhooksIdle();
			const sent = emulator.counters().webhooksSent.filter((w) => w.jobId === job.jobId);
			expect(sent.length).toBeGreaterThanOrEqual(2);
			expect(sent.every((w) => w.status === 200)).toBe(true);
			expect(emitted(h)).toEqual([`${job.jobId}:succeeded`]);
		} finally {
			await receiver.stop();
		}
	});
});

describe('Kling Video Trigger, Kling (unsigned: only the re-read task is believed)', () => {
	it('does not believe a body that claims a running task finished', async () => {
		const h = harness('kling');
		const job = await unfinishedJob('kling');
		const claim = JSON.parse(emulator.signedDelivery('kling', job.jobId).body) as Record<string, unknown>;
		const forged = JSON.stringify({ ...claim, task_status: 'succeed', task_result: { videos: [{ id: 'v', url: 'https://evil.example/x.mp4', duration: '5' }] } });
		const result = record('kling', 'tampered (claims a running task finished)', await h.deliver({ headers: { 'content-type': 'application/json' }, body: forged }));
		expect(result).toMatchObject({ status: 200, started: false });
	});

	it('refuses a callback for a task the credential does not know with 401', async () => {
		const h = harness('kling');
		const job = await finishedJob('kling');
		const claim = JSON.parse(emulator.signedDelivery('kling', job.jobId).body) as Record<string, unknown>;
		const forged = JSON.stringify({ ...claim, task_id: 'no-such-task' });
		const result = record('kling', 'forged task id', await h.deliver({ headers: { 'content-type': 'application/json' }, body: forged }));
		expect(result).toMatchObject({ status: 401, started: false });
	});

	it('emits the task as the API reports it, not as the body says', async () => {
		const h = harness('kling', { options: { downloadVideo: false } });
		const job = await finishedJob('kling');
		const claim = JSON.parse(emulator.signedDelivery('kling', job.jobId).body) as Record<string, unknown>;
		const forged = JSON.stringify({ ...claim, task_result: { videos: [{ id: 'v', url: 'https://evil.example/x.mp4', duration: '5' }] } });
		const result = await h.deliver({ headers: { 'content-type': 'application/json' }, body: forged });
		expect(result).toMatchObject({ status: 200, started: true });
		expect(result.items[0].json.videoUrl).not.toContain('evil.example');
		expect(String(result.items[0].json.videoUrl)).toContain(emulator.url);
	});
});

describe('Kling Video Trigger, signing secret and activation', () => {
	it.each(['replicate', 'wavespeed'] as const)('%s: a pasted secret is used without asking the provider; a wrong one refuses deliveries', async (provider) => {
		const secret = provider === 'replicate' ? emulator.credentials.replicateWebhookSecret : emulator.credentials.wavespeedWebhookSecret;
		const job = await finishedJob(provider);
		const secretsBefore = emulator.counters().count({ provider, route: 'secret' });
		const pasted = harness(provider, { webhookSecret: secret, options: { downloadVideo: false } });
		expect(await pasted.deliver(emulator.signedDelivery(provider, job.jobId))).toMatchObject({ status: 200, started: true });
		expect(emulator.counters().count({ provider, route: 'secret' })).toBe(secretsBefore);
		const wrong = harness(provider, { webhookSecret: 'whsec_dGhpcyBpcyBub3QgaXQ=' });
		const result = record(provider, 'wrong pasted secret', await wrong.deliver(emulator.signedDelivery(provider, job.jobId)));
		expect(result).toMatchObject({ status: 401, started: false });
	});

	it.each(PROVIDER_IDS)('%s: activation checks the credential and registers nothing', async (provider) => {
		const h = harness(provider);
		expect(await h.lifecycle('checkExists')).toBe(false);
		expect(await h.lifecycle('create')).toBe(true);
		expect(await h.lifecycle('delete')).toBe(true);
		const broken = { ...emulatorCredentialData(provider, emulator) };
		if (provider === 'kling') broken.secretKey = 'not-the-secret-key';
		else if (provider === 'replicate') broken.apiToken = 'r8_wrong';
		else broken.apiKey = 'wrong-key';
		const bad = new WebhookTriggerHarness(provider, broken, {}, `wf-bad-${provider}`);
		const failure = await bad.lifecycle('create').then(
			() => undefined,
			(error: unknown) => error,
		);
		expect(failure).toBeInstanceOf(NodeApiError);
		expect((failure as NodeApiError).httpCode).toBe('401');
	});

	it('answers 503 and starts nothing when the secret cannot be fetched (provider down)', async () => {
		const h = new WebhookTriggerHarness('wavespeed', { ...emulatorCredentialData('wavespeed', emulator), apiKey: 'another-key-no-cache' }, {}, 'wf-secret-down');
		const job = await finishedJob('wavespeed');
		emulator.injectFault({ provider: 'wavespeed', route: 'secret', kind: '5xx', status: 503, times: DEFAULT_RETRY.maxAttempts });
		const errors = jest.spyOn(Container.get(Logger), 'error');
		const result = record('wavespeed', 'secret endpoint down', await h.deliver(emulator.signedDelivery('wavespeed', job.jobId)));
		expect(emulator.pendingFaults()).toHaveLength(0);
		expect(result).toMatchObject({ status: 503, started: false });
		expect(errors).toHaveBeenCalledWith(expect.stringContaining('could not check a wavespeed delivery'), expect.anything());
		errors.mockRestore();
	});
});

describe('remembered deliveries are bounded', () => {
	it(`keeps the last ${MAX_REMEMBERED_DELIVERIES} keys, oldest dropped first`, () => {
		const seen = new SeenSet([], MAX_REMEMBERED_DELIVERIES);
		for (let index = 0; index < MAX_REMEMBERED_DELIVERIES + 5; index++) seen.add(`job-${index}:succeeded`, index);
		expect(seen.size).toBe(MAX_REMEMBERED_DELIVERIES);
		expect(seen.has('job-0:succeeded')).toBe(false);
		expect(seen.has('job-4:succeeded')).toBe(false);
		expect(seen.has('job-5:succeeded')).toBe(true);
		const restored = new SeenSet(JSON.parse(JSON.stringify(seen.toJSON())), MAX_REMEMBERED_DELIVERIES);
		expect(restored.has(`job-${MAX_REMEMBERED_DELIVERIES + 4}:succeeded`)).toBe(true);
		expect(restored.size).toBe(MAX_REMEMBERED_DELIVERIES);
	});
});
