/**
 * The Kling Video Jobs Trigger through n8n-core's PollContext, polling the provider emulator
 * while jobs finish in between: every job that finishes after activation is emitted exactly
 * once, across list pages, a provider outage and a restart.
 */
import { Logger } from '@n8n/backend-common';
import { NodeApiError, type INodeExecutionData } from 'n8n-workflow';

import { CURSOR_KEY, HANDLED_KEY } from '../../nodes/KlingVideoJobsTrigger/poll';
import { KlingVideoJobsTrigger } from '../../nodes/KlingVideoJobsTrigger/KlingVideoJobsTrigger.node';
import { DEFAULT_RETRY } from '../../nodes/shared/http';
import { PROVIDER_IDS, type Job, type ProviderId } from '../../nodes/shared/job';
import { PROVIDERS } from '../../nodes/shared/providers';
import { operationsOf } from '../../nodes/shared/providers/table';
import { startEmulator, type Emulator } from '../emulator';
import { clientFor, HttpClient, submitJobs } from './jobs';
import { disposeHarness, ensureEnvironment, PollTriggerHarness } from '../harness';
import { emulatorCredentialData } from '../support/emulatorCredentials';

const NEVER = 3_600_000;

let emulator: Emulator;
let http: HttpClient;
let logger: Logger;
let counter = 0;

beforeAll(async () => {
	({ logger } = await ensureEnvironment());
	emulator = await startEmulator({ timings: { queuedMs: NEVER, runningMs: NEVER } });
	http = new HttpClient({ retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 } });
});

afterAll(async () => {
	await http?.close();
	await emulator?.close();
	disposeHarness();
});

afterEach(() => jest.restoreAllMocks());

function harness(provider: ProviderId, parameters = {}, credentials = emulatorCredentialData(provider, emulator)) {
	counter += 1;
	return new PollTriggerHarness(provider, credentials, parameters, `wf-poll-${counter}`);
}

const idsOf = (output: INodeExecutionData[][] | null) => (output ?? []).flat().map((item) => String(item.json.jobId));

function finish(provider: ProviderId, jobs: Job[], outcome: 'succeeded' | 'failed' = 'succeeded') {
	for (const job of jobs) emulator.finishJob(provider, job.jobId, outcome);
}

describe.each(PROVIDER_IDS)('Kling Video Jobs Trigger on %s', (provider) => {
	it('emits each job finished since the last poll exactly once, past one page and through an outage', async () => {
		const h = harness(provider, { options: { downloadVideo: false } });
		const client = clientFor(provider, emulator, http);
		const errors = jest.spyOn(logger, 'error');

		// Before activation: two jobs already finished, two still running.
		const early = await submitJobs(client, provider, 4);
		finish(provider, [early[0]]);
		finish(provider, [early[1]], 'failed');

		// First poll: a baseline, nothing emitted, the cursor set.
		expect(await h.poll()).toBeNull();
		expect(typeof h.staticData()[CURSOR_KEY]).toBe('number');

		// Jobs finish between polls: one created before activation (finishing late), two new ones.
		const batchA = await submitJobs(client, provider, 3);
		finish(provider, [early[2], batchA[0]]);
		finish(provider, [batchA[1]], 'failed');
		const second = await h.poll();
		expect(idsOf(second).sort()).toEqual([early[2], batchA[0], batchA[1]].map((j) => j.jobId).sort());
		const failed = second!.flat().find((item) => item.json.jobId === batchA[1].jobId)!;
		expect(failed.json.status).toBe('failed');
		expect(await h.poll()).toBeNull();

		// The provider's list is down for a whole poll: logged, not thrown, nothing emitted, cursor kept.
		const cursorBefore = h.staticData()[CURSOR_KEY];
		finish(provider, [batchA[2], early[3]]);
		emulator.injectFault({ provider, route: 'list', kind: '5xx', status: 503, times: DEFAULT_RETRY.maxAttempts });
		expect(await h.poll()).toBeNull();
		expect(emulator.pendingFaults()).toHaveLength(0);
		expect(errors).toHaveBeenCalledWith(expect.stringContaining('could not poll'), expect.anything());
		expect(h.staticData()[CURSOR_KEY]).toBe(cursorBefore);
		// Back up: what finished during the outage comes out now.
		expect(idsOf(await h.poll()).sort()).toEqual([batchA[2], early[3]].map((j) => j.jobId).sort());

		// More than one page of finished jobs at once.
		const batchB = await submitJobs(client, provider, 105);
		finish(provider, batchB);
		const listsBefore = emulator.counters().count({ provider, route: 'list' });
		const paged = idsOf(await h.poll());
		expect(paged).toHaveLength(105);
		expect(new Set(paged)).toEqual(new Set(batchB.map((j) => j.jobId)));
		const listCalls = emulator.counters().count({ provider, route: 'list' }) - listsBefore;
		expect(listCalls).toBeGreaterThanOrEqual(2);
		expect(await h.poll()).toBeNull();

		// A restart reloads the static data: nothing is emitted again.
		h.restart();
		expect(await h.poll()).toBeNull();

		// Overall: each job that finished after activation, once; none that finished before.
		const all = idsOf([h.emitted.flat()]);
		expect(all).toHaveLength(new Set(all).size);
		const expected = [early[2], early[3], ...batchA, ...batchB].map((j) => j.jobId);
		expect(new Set(all)).toEqual(new Set(expected));
		expect(all).not.toContain(early[0].jobId);
		expect(all).not.toContain(early[1].jobId);
		expect(h.emittedErrors).toHaveLength(0);
	}, 120_000);

	it('streams the video into binary data and returns the latest finished job in manual mode', async () => {
		const h = harness(provider);
		const client = clientFor(provider, emulator, http);
		expect(await h.poll()).toBeNull();
		const [first, second] = await submitJobs(client, provider, 2);
		finish(provider, [first]);
		await new Promise((resolve) => setTimeout(resolve, 5));
		finish(provider, [second]);

		const manual = await h.poll('manual');
		expect(idsOf(manual)).toEqual([second.jobId]);
		expect(manual![0][0].binary?.data).toMatchObject({ mimeType: 'video/mp4' });

		const output = await h.poll();
		expect(idsOf(output).sort()).toEqual([first.jobId, second.jobId].sort());
		// Oldest finish first.
		expect(idsOf(output)).toEqual([first.jobId, second.jobId]);
		for (const item of output!.flat()) {
			expect(item.json).toMatchObject({ provider, status: 'succeeded', dedupeKey: `${provider}:${String(item.json.jobId)}:succeeded` });
			expect(item.binary?.data.bytes).toBeGreaterThan(1000);
		}
		// The manual run recorded nothing: the real poll still emitted the job it showed.
		expect(idsOf(await h.poll())).toEqual([]);
	}, 60_000);
});

describe('Kling Video Jobs Trigger options and errors', () => {
	it('throws a NodeApiError when the very first poll fails, and records no cursor', async () => {
		const h = harness('replicate', {}, { ...emulatorCredentialData('replicate', emulator), apiToken: 'r8_wrong' });
		const failure = await h.poll().then(
			() => undefined,
			(error: unknown) => error,
		);
		expect(failure).toBeInstanceOf(NodeApiError);
		expect((failure as NodeApiError).httpCode).toBe('401');
		expect(h.staticData()[CURSOR_KEY]).toBeUndefined();
	});

	it('throws on an outage before the first success, logs it after', async () => {
		const h = harness('wavespeed', { options: { downloadVideo: false } });
		emulator.injectFault({ provider: 'wavespeed', route: 'list', kind: '5xx', status: 500, times: DEFAULT_RETRY.maxAttempts });
		await expect(h.poll()).rejects.toBeInstanceOf(NodeApiError);
		expect(await h.poll()).toBeNull(); // the first success
		const errors = jest.spyOn(logger, 'error');
		emulator.injectFault({ provider: 'wavespeed', route: 'list', kind: '5xx', status: 500, times: DEFAULT_RETRY.maxAttempts });
		await expect(h.poll()).resolves.toBeNull();
		expect(errors).toHaveBeenCalledTimes(1);
	}, 60_000);

	it('emits only the selected outcomes and never the others later', async () => {
		const h = harness('kling', { events: ['failed'], options: { downloadVideo: false } });
		const client = clientFor('kling', emulator, http);
		expect(await h.poll()).toBeNull();
		const [ok, bad] = await submitJobs(client, 'kling', 2);
		finish('kling', [ok]);
		finish('kling', [bad], 'failed');
		expect(idsOf(await h.poll())).toEqual([bad.jobId]);
		expect(await h.poll()).toBeNull();
		const handled = (h.staticData()[HANDLED_KEY] as Array<[string, number]>).map(([id]) => id);
		expect(handled).toEqual(expect.arrayContaining([ok.jobId, bad.jobId]));
	});

	it('leaves the static data untouched on an idle poll, and writes it when a job finished', async () => {
		const h = harness('wavespeed', { options: { downloadVideo: false } });
		expect(await h.poll()).toBeNull();
		expect(h.takeDirty()).toBe(true);
		expect(await h.poll()).toBeNull();
		expect(h.takeDirty()).toBe(false);
		const [job] = await submitJobs(clientFor('wavespeed', emulator, http), 'wavespeed', 1);
		expect(await h.poll()).toBeNull();
		expect(h.takeDirty()).toBe(false);
		finish('wavespeed', [job]);
		expect(idsOf(await h.poll())).toEqual([job.jobId]);
		expect(h.takeDirty()).toBe(true);
	});

	it('watches only the selected operations', async () => {
		const h = harness('fal', { operations: ['imageToVideo'], options: { downloadVideo: false } });
		const client = clientFor('fal', emulator, http);
		expect(await h.poll()).toBeNull();
		finish('fal', await submitJobs(client, 'fal', 2));
		expect(await h.poll()).toBeNull();
	});

	it('out of time budget: emits what it prepared, holds the cursor, and the next polls emit the rest', async () => {
		const h = harness('replicate');
		const client = clientFor('replicate', emulator, http);
		expect(await h.poll()).toBeNull();
		const cursor = h.staticData()[CURSOR_KEY];
		const jobs = await submitJobs(client, 'replicate', 3);
		finish('replicate', jobs);
		// A budget already spent: one download per poll.
		const first = idsOf(await h.poll('trigger', 1));
		expect(first).toHaveLength(1);
		expect(h.staticData()[CURSOR_KEY]).toBe(cursor);
		const second = idsOf(await h.poll('trigger', 1));
		const third = idsOf(await h.poll('trigger', 1));
		expect([...first, ...second, ...third].sort()).toEqual(jobs.map((j) => j.jobId).sort());
		expect(h.staticData()[CURSOR_KEY]).not.toBe(cursor);
		expect(await h.poll()).toBeNull();
	});

	it('offers per provider only the operations it has, and defaults to the three video operations', () => {
		const properties = new KlingVideoJobsTrigger().description.properties.filter((p) => p.name === 'operations');
		expect(properties).toHaveLength(PROVIDER_IDS.length);
		for (const property of properties) {
			const provider = (property.displayOptions?.show?.provider as string[])[0] as ProviderId;
			const offered = (property.options as Array<{ value: string }>).map((o) => o.value);
			expect(offered.sort()).toEqual(operationsOf(PROVIDERS[provider].models).sort());
			for (const operation of property.default as string[]) expect(offered).toContain(operation);
		}
	});
});

describe('Kling Video Jobs Trigger state across restarts', () => {
	it.each(PROVIDER_IDS)('%s: what a poll that emits nothing changed is lost on a restart, and nothing is emitted twice or missed for it', async (provider) => {
		const h = harness(provider, { events: ['succeeded'], options: { downloadVideo: false } });
		const client = clientFor(provider, emulator, http);
		expect(await h.poll()).toBeNull(); // activation: a baseline, saved by n8n

		const [emitted, filtered, late] = await submitJobs(client, provider, 3);
		finish(provider, [emitted]);
		expect(idsOf(await h.poll())).toEqual([emitted.jobId]); // emits: saved

		// A failed job is not among the events: handled in memory, emitted nothing, so not saved.
		finish(provider, [filtered], 'failed');
		expect(await h.poll()).toBeNull();
		expect(JSON.stringify(h.staticData())).toContain(filtered.jobId);

		// The leader restarts; meanwhile another job succeeds.
		h.restart();
		expect(JSON.stringify(h.staticData())).not.toContain(filtered.jobId);
		finish(provider, [late]);
		// The failed job is weighed again and still not emitted; the one that succeeded during the restart is, once.
		expect(idsOf(await h.poll())).toEqual([late.jobId]);
		expect(await h.poll()).toBeNull();
		expect(h.emitted.flat().map((item) => String(item.json.jobId)).sort()).toEqual([emitted.jobId, late.jobId].sort());
	});
});

