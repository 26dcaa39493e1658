/**
 * The Kling Video Trigger's record of emitted jobs when another webhook process overwrites it.
 * n8n writes a workflow's static data back whole after each request, so a delivery handled at
 * the same time by a second process can save a copy without this process's keys. Here that
 * save is made by hand (the stored static data set back to what it was before), and the next
 * request to this process must write the dropped key back.
 */
import { EMITTED_KEY, MAX_REMEMBERED_DELIVERIES } from '../../nodes/KlingVideoTrigger/delivery';
import { resetDeliveryClaims, SeenSet } from '../../nodes/shared/dedupe';
import type { Job } from '../../nodes/shared/job';
import { startEmulator, type Emulator } from '../emulator';
import { clientFor, HttpClient, submitJobs } from './jobs';
import { disposeHarness, ensureEnvironment, WebhookTriggerHarness } from '../harness';
import { emulatorCredentialData } from '../support/emulatorCredentials';

const NEVER = 3_600_000;
const provider = 'replicate';
let emulator: Emulator;
let http: HttpClient;

beforeAll(async () => {
	await ensureEnvironment();
	emulator = await startEmulator({ timings: { queuedMs: NEVER, runningMs: NEVER } });
	http = new HttpClient({ retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 } });
});

afterAll(async () => {
	await http?.close();
	await emulator?.close();
	disposeHarness();
});

beforeEach(() => resetDeliveryClaims());

async function finishedJob(): Promise<Job> {
	const [job] = await submitJobs(clientFor(provider, emulator, http), provider, 1);
	emulator.finishJob(provider, job.jobId, 'succeeded');
	return job;
}

const recorded = (h: WebhookTriggerHarness) =>
	new SeenSet((h.storedStaticData[`node:${h.nodeName}`] as Record<string, unknown> | undefined)?.[EMITTED_KEY], MAX_REMEMBERED_DELIVERIES);

function harness(name: string): WebhookTriggerHarness {
	return new WebhookTriggerHarness(provider, emulatorCredentialData(provider, emulator), { options: { downloadVideo: false } }, name);
}

it('writes back a key that a concurrent save by another process dropped, with the next request it handles', async () => {
	const h = harness('wf-restore-1');
	const [first, second] = [await finishedJob(), await finishedJob()];
	const before = structuredClone(h.storedStaticData);
	expect((await h.deliver(emulator.signedDelivery(provider, first.jobId))).started).toBe(true);
	expect(recorded(h).has(`${first.jobId}:succeeded`)).toBe(true);

	h.storedStaticData = before; // the other process's save, made from a copy read before ours was stored
	expect(recorded(h).has(`${first.jobId}:succeeded`)).toBe(false);

	expect((await h.deliver(emulator.signedDelivery(provider, second.jobId))).started).toBe(true);
	expect(recorded(h).has(`${first.jobId}:succeeded`)).toBe(true);
	expect(recorded(h).has(`${second.jobId}:succeeded`)).toBe(true);
});

it('writes the key back with a duplicate delivery too, which starts nothing', async () => {
	const h = harness('wf-restore-2');
	const job = await finishedJob();
	const delivery = emulator.signedDelivery(provider, job.jobId);
	const before = structuredClone(h.storedStaticData);
	expect((await h.deliver(delivery)).started).toBe(true);
	h.storedStaticData = before;

	const repeat = await h.deliver(delivery);
	expect(repeat).toMatchObject({ status: 200, started: false, body: { duplicate: true } });
	expect(recorded(h).has(`${job.jobId}:succeeded`)).toBe(true);
	expect(h.executions).toHaveLength(1);
});

it('cannot write back what a restarted process no longer holds: the repeat then starts a second run (the documented limit)', async () => {
	const h = harness('wf-restore-3');
	const job = await finishedJob();
	const delivery = emulator.signedDelivery(provider, job.jobId);
	const before = structuredClone(h.storedStaticData);
	expect((await h.deliver(delivery)).started).toBe(true);
	h.storedStaticData = before;
	resetDeliveryClaims(); // the process restarts before it handles another request

	expect((await h.deliver(delivery)).started).toBe(true);
	expect(h.executions).toHaveLength(2);
	expect(h.executions.flat().map((item) => item.json.dedupeKey)).toEqual([`${provider}:${job.jobId}:succeeded`, `${provider}:${job.jobId}:succeeded`]);
});
