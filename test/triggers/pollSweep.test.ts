/**
 * The Kling Video Jobs Trigger when the look-back holds more jobs than one poll's pages
 * (Max Pages per Poll): the list says it stopped early, the trigger keeps where (the provider's
 * own continuation) and later polls sweep on through the older pages with part of their pages.
 * Through n8n-core's PollContext against the emulator, whose list is seeded through its
 * test-only control: a burst larger than a poll's pages comes out whole, each job once; a job
 * deep in the list that finishes late comes out; a job the bounded handled set dropped is not
 * emitted again when a sweep reads it again; every poll stays within its pages.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { HANDLED_KEY, MAX_HANDLED_JOBS, SWEEP_KEY } from '../../nodes/KlingVideoJobsTrigger/poll';
import type { ProviderId } from '../../nodes/shared/job';
import { startEmulator, type Emulator } from '../emulator';
import { clientFor, HttpClient, textToVideo } from './jobs';
import { disposeHarness, ensureEnvironment, PollTriggerHarness } from '../harness';
import { emulatorCredentialData } from '../support/emulatorCredentials';

const NEVER = 3_600_000;

let emulator: Emulator;
let http: HttpClient;
let counter = 0;

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

beforeEach(() => emulator.reset());
afterEach(() => jest.restoreAllMocks());

const idsOf = (output: INodeExecutionData[][] | null) => (output ?? []).flat().map((item) => String(item.json.jobId));

async function seed(provider: ProviderId, templateId: string, body: { count: number; state?: string; newestAt?: number; spacingMs?: number }): Promise<void> {
	const response = await fetch(`${emulator.url}/_emulator/jobs/${provider}/${templateId}/seed`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	if (!response.ok) throw new Error(`seeding: HTTP ${response.status} ${await response.text()}`);
}

/** A finished template job to copy; the seeded copies are listed before it (newer). */
async function template(provider: ProviderId): Promise<string> {
	const job = await clientFor(provider, emulator, http).submit(textToVideo(provider, 'sweep template'));
	emulator.finishJob(provider, job.jobId);
	return job.jobId;
}

/** Seeded ids newer than those known so far (the seed route answers no ids). */
function newIds(provider: ProviderId, known: Set<string>): string[] {
	const ids = emulator
		.jobs(provider)
		.map((job) => job.id)
		.filter((id) => !known.has(id));
	for (const id of ids) known.add(id);
	return ids;
}

function harness(provider: ProviderId, maxPages: number) {
	counter += 1;
	return new PollTriggerHarness(provider, emulatorCredentialData(provider, emulator), { options: { downloadVideo: false, maxPages } }, `wf-sweep-${counter}`);
}

/** One poll with the provider's list requests it made. */
async function pollCounting(h: PollTriggerHarness, provider: ProviderId) {
	const before = emulator.counters().count({ provider, route: 'list' });
	const output = await h.poll();
	return { ids: idsOf(output), listRequests: emulator.counters().count({ provider, route: 'list' }) - before };
}

// Kling lists each kind on its own path: Max Pages per Poll bounds each kind's walk (3 kinds watched).
const kindsListed: Record<ProviderId, number> = { replicate: 1, fal: 1, wavespeed: 1, kling: 3 };

describe.each(['replicate', 'kling', 'fal'] as const)('Jobs Trigger sweep on %s', (provider) => {
	it('emits a burst larger than one poll’s pages whole, each job once, and a late finisher deep in the list', async () => {
		const maxPages = 2;
		const templateId = await template(provider);
		const known = new Set<string>([templateId]);
		const now = Date.now();
		// Before activation: 300 finished jobs, then one still running, then 300 more finished (the
		// running one 300 jobs deep, past one poll's 200), all inside the look-back.
		await seed(provider, templateId, { count: 300, newestAt: now - 60_000, spacingMs: 10 });
		await seed(provider, templateId, { count: 1, state: 'running', newestAt: now - 50_000 });
		const [late] = newIds(provider, known).filter((id) => emulator.jobs(provider).find((job) => job.id === id)?.state === 'running');
		await seed(provider, templateId, { count: 300, newestAt: now - 20_000, spacingMs: 10 });
		const preActivation = new Set(newIds(provider, known));

		const h = harness(provider, maxPages);
		expect(await h.poll()).toBeNull(); // activation: recorded, nothing emitted

		// The burst: 500 jobs finish at once, more than a poll's 200 (their ends placed just after
		// now, so none of them looks finished before activation).
		await seed(provider, templateId, { count: 500, newestAt: Date.now() + 1500, spacingMs: 1 });
		const burst = newIds(provider, known);
		expect(burst).toHaveLength(500);
		const emitted: string[] = [];
		const perPoll: number[] = [];
		for (let poll = 0; poll < 40 && new Set(emitted).size < burst.length; poll++) {
			const { ids, listRequests } = await pollCounting(h, provider);
			emitted.push(...ids);
			perPoll.push(listRequests);
		}
		expect(emitted).toHaveLength(burst.length);
		expect(new Set(emitted)).toEqual(new Set(burst));

		// The late finisher, deep in the list: emitted once within the next sweep cycle.
		emulator.finishJob(provider, late);
		const after: string[] = [];
		for (let poll = 0; poll < 40 && !after.includes(late); poll++) {
			const { ids, listRequests } = await pollCounting(h, provider);
			after.push(...ids);
			perPoll.push(listRequests);
		}
		expect(after).toEqual([late]);

		// Then a whole further cycle, and more: nothing again, nothing from before activation.
		for (let poll = 0; poll < 10; poll++) {
			const { ids, listRequests } = await pollCounting(h, provider);
			expect(ids).toEqual([]);
			perPoll.push(listRequests);
		}
		expect(h.emitted.flat().some((item) => preActivation.has(String(item.json.jobId)))).toBe(false);
		// No poll read more than its pages (per kind on Kling).
		expect(Math.max(...perPoll)).toBeLessThanOrEqual(maxPages * kindsListed[provider]);
		expect(h.emittedErrors).toHaveLength(0);
	}, 120_000);
});

describe('Jobs Trigger sweep with more finished jobs than the handled set holds', () => {
	it('does not emit again a job the set no longer holds when a sweep reads it again', async () => {
		const provider = 'replicate';
		const maxPages = 10;
		const templateId = await template(provider);
		const known = new Set<string>([templateId]);
		const h = harness(provider, maxPages);
		expect(await h.poll()).toBeNull();

		// 7,000 jobs finish in five batches, each more than a poll's 1,000 (their ends placed two
		// minutes apart, after now, so each batch finished after the one before by the provider's clock).
		const batches = 5;
		const perBatch = 1400;
		const all: string[] = [];
		const emitted: string[] = [];
		const start = Date.now();
		for (let batch = 1; batch <= batches; batch++) {
			await seed(provider, templateId, { count: perBatch, newestAt: start + batch * 120_000, spacingMs: 1 });
			const ids = newIds(provider, known);
			all.push(...ids);
			for (let poll = 0; poll < 40 && new Set(emitted).size < all.length; poll++) emitted.push(...idsOf(await h.poll()));
		}
		expect(all.length).toBeGreaterThan(MAX_HANDLED_JOBS);
		expect(emitted).toHaveLength(all.length);
		expect(new Set(emitted)).toEqual(new Set(all));
		// The set holds fewer ids than were emitted: the floor and the bound keep it small.
		const handled = new Set((h.staticData()[HANDLED_KEY] as Array<[string, number]>).map(([id]) => id));
		expect(handled.size).toBeLessThanOrEqual(MAX_HANDLED_JOBS);
		const notHeld = all.filter((id) => !handled.has(id));
		expect(notHeld.length).toBeGreaterThan(all.length - MAX_HANDLED_JOBS);

		// Two more whole sweep cycles re-read every one of them, those the set dropped included: nothing again.
		let cycles = 0;
		let sweeping = h.staticData()[SWEEP_KEY] !== undefined;
		const before = emulator.counters().count({ provider, route: 'list' });
		for (let poll = 0; poll < 80 && cycles < 2; poll++) {
			expect(idsOf(await h.poll())).toEqual([]);
			const now = h.staticData()[SWEEP_KEY] !== undefined;
			if (sweeping && !now) cycles += 1;
			sweeping = now;
		}
		expect(cycles).toBe(2);
		// Two cycles through 7,000 jobs read at least 140 pages.
		expect(emulator.counters().count({ provider, route: 'list' }) - before).toBeGreaterThanOrEqual(140);
		expect(h.emittedErrors).toHaveLength(0);
	}, 240_000);
});
