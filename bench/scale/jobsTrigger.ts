/**
 * The Kling Video Jobs Trigger against a provider list of 10,000 jobs, polled by n8n-core's
 * PollContext (test/harness, as an active workflow polls it), against an in-process emulator
 * whose Replicate list is seeded through its test-only control (`POST /_emulator/jobs/…/seed`).
 *
 * The list: `history` finished jobs, one a second, the newest ending now (all inside the
 * trigger's 180-minute look-back, so every one of them matches its listing), with one job still
 * running an hour back among them. Then, poll after poll:
 *   1. activation: the first poll records what is finished and emits nothing;
 *   2. steady: nothing new;
 *   3. churn: `churnPerPoll` jobs finish before each poll, until the remembered set has met its
 *      bound for a while;
 *   4. burst: more jobs finish at once than one poll's pages hold: polled `burstPolls` times, and
 *      on until every burst job came out (the sweep through the older pages takes a few polls);
 *   5. late finisher: the job an hour back finishes; polled until it comes out (within one sweep
 *      cycle through the whole look-back).
 * For each poll: its time, its requests to the provider, what it emitted, and the node's static
 * data (its size as n8n stores it, the remembered set's length).
 */
import { startEmulator, type Emulator } from '../../test/emulator';
import { disposeHarness, PollTriggerHarness } from '../../test/harness';
import { emulatorCredentialData } from '../../test/support/emulatorCredentials';
import { clientFor, HttpClient, textToVideo } from '../../test/triggers/jobs';
import { CURSOR_KEY, DEFAULT_LOOKBACK_MINUTES, DEFAULT_MAX_PAGES, HANDLED_KEY, MAX_HANDLED_JOBS } from '../../nodes/KlingVideoJobsTrigger/poll';
import { round } from '../lib/stats';

export interface TriggerSettings {
	/** Jobs in the provider's list before activation (the late finisher and the seeding template included). */
	history: number;
	steadyPolls: number;
	churnPerPoll: number;
	churnPolls: number;
	burst: number;
	burstPolls: number;
}

export type TriggerPhase = 'activation' | 'steady' | 'churn' | 'burst' | 'late finisher';

export interface TriggerPoll {
	phase: TriggerPhase;
	index: number;
	/** Jobs that finished since the previous poll. */
	newlyFinished: number;
	ms: number;
	listRequests: number;
	/** Provider requests of every route. */
	requests: number;
	emitted: number;
	staticDataBytes: number;
	handledJobs: number;
	cursorMoved: boolean;
}

export interface TriggerResult {
	settings: TriggerSettings;
	provider: 'replicate';
	listLength: number;
	options: { downloadVideo: false; maxPages: number; lookbackMinutes: number; maxHandledJobs: number; pageSize: number };
	seedSeconds: number;
	polls: TriggerPoll[];
	burst: { finished: number; emitted: number; missed: number; polls?: number };
	/** Of the churn jobs, how many came out by the end of the run (each once: see `duplicates`). */
	churn?: { finished: number; emitted: number };
	/** Emissions of a job already emitted. */
	duplicates?: number;
	lateFinisher: { emitted: boolean; listPosition: number; polls?: number };
}

const PROVIDER = 'replicate';
const PAGE_SIZE = 100;
/** Polls after the burst (and after the late finisher's end) at most, waiting for them to come out. */
const MAX_EXTRA_POLLS = 200;

async function seed(emulator: Emulator, templateId: string, body: { count: number; state?: string; newestAt?: number; spacingMs?: number }): Promise<void> {
	const response = await fetch(`${emulator.url}/_emulator/jobs/${PROVIDER}/${templateId}/seed`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`seeding ${body.count} jobs: HTTP ${response.status} ${text}`);
}

export async function runJobsTriggerScale(settings: TriggerSettings, log: (line: string) => void): Promise<TriggerResult> {
	// The only submitted job (the template) is finished by the bench at once. Short timings keep the
	// seeded copies' creation a second or two before their end, so the list's creation order (the
	// providers' order) follows the seeding and the running job sits an hour deep.
	const emulator = await startEmulator({ timings: { queuedMs: 1000, runningMs: 1000 } });
	const http = new HttpClient();
	try {
		const client = clientFor(PROVIDER, emulator, http);
		const template = await client.submit(textToVideo(PROVIDER, '[scale:trigger] a ceramic mug on a sunlit table'));
		emulator.finishJob(PROVIDER, template.jobId);

		// The history, oldest first (list order follows seeding order): finished jobs one a second,
		// one job started an hour ago and still running, then the last hour's finished jobs.
		const seedStarted = Date.now();
		const now = Date.now();
		// `history` jobs in all: the template, the running one and the finished ones around it.
		const recent = Math.min(settings.history - 2, 3599);
		const older = settings.history - 2 - recent;
		if (older > 0) await seed(emulator, template.jobId, { count: older, newestAt: now - (recent + 1) * 1000, spacingMs: 1000 });
		await seed(emulator, template.jobId, { count: 1, state: 'running', newestAt: now - recent * 1000 - 500 });
		await seed(emulator, template.jobId, { count: recent, newestAt: now, spacingMs: 1000 });
		const lateJob = emulator.jobs(PROVIDER).find((job) => job.state === 'running' && job.id !== template.jobId);
		if (!lateJob) throw new Error('the running job was not seeded');
		const seedSeconds = round((Date.now() - seedStarted) / 1000, 2);
		const listLength = emulator.jobs(PROVIDER).length;
		log(`jobs trigger: ${listLength} jobs in the ${PROVIDER} list (seeded in ${seedSeconds} s)`);

		const harness = new PollTriggerHarness(PROVIDER, emulatorCredentialData(PROVIDER, emulator), { options: { downloadVideo: false } }, 'wf-scale-jobs-trigger');
		const polls: TriggerPoll[] = [];
		let index = 0;
		const poll = async (phase: TriggerPhase, newlyFinished: number) => {
			const before = emulator.counters();
			const cursorBefore = harness.staticData()[CURSOR_KEY];
			const started = process.hrtime.bigint();
			const output = await harness.poll();
			for (const item of (output ?? []).flat()) emittedIds.push(String(item.json.jobId));
			const ms = Number(process.hrtime.bigint() - started) / 1e6;
			const after = emulator.counters();
			const state = harness.staticData();
			const handled = state[HANDLED_KEY];
			const entry: TriggerPoll = {
				phase,
				index: index++,
				newlyFinished,
				ms: round(ms, 1),
				listRequests: after.count({ route: 'list' }) - before.count({ route: 'list' }),
				requests: after.requests.length - before.requests.length,
				emitted: (output ?? []).flat().length,
				staticDataBytes: Buffer.byteLength(JSON.stringify(state)),
				handledJobs: Array.isArray(handled) ? handled.length : 0,
				cursorMoved: state[CURSOR_KEY] !== cursorBefore,
			};
			polls.push(entry);
			return entry;
		};
		const emittedIds: string[] = [];
		const known = new Set(emulator.jobs(PROVIDER).map((job) => job.id));
		const churnIds: string[] = [];
		const burstIds = new Set<string>();
		const finishNew = async (count: number, into: (id: string) => void) => {
			await seed(emulator, template.jobId, { count, newestAt: Date.now(), spacingMs: 1 });
			for (const job of emulator.jobs(PROVIDER)) {
				if (!known.has(job.id)) {
					known.add(job.id);
					into(job.id);
				}
			}
			return count;
		};

		await poll('activation', 0);
		for (let i = 0; i < settings.steadyPolls; i++) await poll('steady', 0);
		for (let i = 0; i < settings.churnPolls; i++) await poll('churn', await finishNew(settings.churnPerPoll, (id) => churnIds.push(id)));
		log(`jobs trigger: ${polls.length} polls after activation, steady and churn`);

		const burstPolls: TriggerPoll[] = [];
		burstPolls.push(await poll('burst', await finishNew(settings.burst, (id) => burstIds.add(id))));
		const burstSoFar = () => emittedIds.filter((id) => burstIds.has(id)).length;
		for (let i = 1; i < settings.burstPolls || (burstSoFar() < settings.burst && i < MAX_EXTRA_POLLS); i++) burstPolls.push(await poll('burst', 0));
		const burstEmitted = burstSoFar();

		emulator.finishJob(PROVIDER, lateJob.id);
		// Its place in the provider's order: newest creation first.
		const byCreation = emulator.jobs(PROVIDER).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.seq - a.seq);
		const listPosition = byCreation.findIndex((job) => job.id === lateJob.id) + 1;
		let latePolls = 0;
		do {
			await poll('late finisher', latePolls === 0 ? 1 : 0);
			latePolls += 1;
		} while (!emittedIds.includes(lateJob.id) && latePolls < MAX_EXTRA_POLLS);
		const late = { emitted: emittedIds.includes(lateJob.id) ? 1 : 0 };
		const churnEmitted = new Set(emittedIds.filter((id) => churnIds.includes(id))).size;
		const duplicates = emittedIds.length - new Set(emittedIds).size;
		const result: TriggerResult = {
			settings,
			provider: PROVIDER,
			listLength,
			options: { downloadVideo: false, maxPages: DEFAULT_MAX_PAGES, lookbackMinutes: DEFAULT_LOOKBACK_MINUTES, maxHandledJobs: MAX_HANDLED_JOBS, pageSize: PAGE_SIZE },
			seedSeconds,
			polls,
			burst: { finished: settings.burst, emitted: burstEmitted, missed: settings.burst - burstEmitted, polls: burstPolls.length },
			churn: { finished: churnIds.length, emitted: churnEmitted },
			duplicates,
			lateFinisher: { emitted: late.emitted > 0, listPosition, polls: latePolls },
		};
		const slowest = Math.max(...polls.map((p) => p.ms));
		const largest = Math.max(...polls.map((p) => p.staticDataBytes));
		log(
			`jobs trigger: ${polls.length} polls, slowest ${slowest} ms, at most ${Math.max(...polls.map((p) => p.listRequests))} list requests, ` +
				`static data at most ${(largest / 1024).toFixed(1)} KiB; burst of ${settings.burst}: ${burstEmitted} emitted; late finisher emitted: ${late.emitted > 0}`,
		);
		return result;
	} finally {
		await http.close();
		await emulator.close();
		disposeHarness();
	}
}
