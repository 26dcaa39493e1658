/**
 * The 3 a.m. ad run: SOAK_JOBS paid jobs (default 1000) across the four providers, through real
 * workflow executions in n8n's engine, against the emulator injecting a fault into about one job
 * in ten — 429 storms, 5xx, connection resets, cut downloads, a cut Kling submit answer, content
 * policy, stuck jobs that hit the timeout, expired outputs, providers delivering a webhook twice.
 * Continue On Fail is on, so every run completes.
 *
 * 90 % of the jobs wait for completion in the node; 10 % are Submit Only with their callback at a
 * Kling Video Trigger that the emulator's (duplicated) webhooks reach over HTTP.
 *
 * Asserted: every planned job ends in the output as a video (bytes checked) or as an error with
 * its reason (and its job id whenever a task exists); no task is paid for twice or lost (the
 * emulator's own records); the trigger emits every finished job exactly once. The report goes to
 * stdout and to test/soak/last-report.md.
 *
 * SOAK_JOBS sets the size, SOAK_SEED the faults (same seed, same faults).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { INodeExecutionData } from 'n8n-workflow';
import type { ProviderId } from '../../nodes/shared/job';
import { startEmulator, type Emulator } from '../emulator';
import { VirtualMp4 } from '../emulator/media';
import { binaryToBuffer, chain, node, runWorkflow, startNode } from '../harness';
import { NODE_NAME, PROVIDERS } from '../workflow/support';
import { emulatorCredentialsByType } from '../support/emulatorCredentials';
import { COMPLETION_FAULTS, faultsFor, isJobFault, JobFaultFeeder, seededRandom, TRIGGER_FAULTS, type PlannedFault } from './faults';
import { completionTotals, outcomeOf, renderReport, tagOf, triggerTotals, type CompletionFacts, type Outcome, type PlannedJob, type TriggerFacts } from './report';
import { TriggerReceiver } from './triggerReceiver';

const JOBS = Math.max(8, Number(process.env.SOAK_JOBS ?? 1000));
const SEED = Number(process.env.SOAK_SEED ?? 20261121);
const FAULT_RATE = 0.1;
/** Items per execution, executions in flight per provider, jobs in flight per execution. */
const BATCH = 25;
const BATCHES_IN_FLIGHT = 2;
const MAX_CONCURRENT_JOBS = 8;
/** Long enough that a healthy job under load never hits it, short enough that stuck jobs end the run soon. */
const TIMEOUT_MINUTES = 0.2;
/** Emulator jobs take 150 ms; outputs are 64 KB so a cut download has something to resume. */
const TIMINGS = { queuedMs: 30, runningMs: 120 };
const OUTPUT_BYTES = 64 * 1024;
const TRIGGER_SHARE = 0.1;
const TRIGGER_FAULT_RATE = 0.3;

const REPORT_FILE = path.join(__dirname, 'last-report.md');

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ port: 0, timings: TIMINGS, outputBytes: OUTPUT_BYTES });
});
afterAll(async () => await emulator.close());

const prompt = (tag: string) => `Soak job ${tag}: a ceramic mug on a sunlit table, steam rising`;

/** What a job's output video must be, byte for byte: the emulator's rendering of that job, padded to OUTPUT_BYTES. */
async function expectedVideo(provider: ProviderId, jobId: string): Promise<Buffer> {
	const file = new VirtualMp4(emulator.outputVideo(provider, jobId), OUTPUT_BYTES);
	const chunks: Buffer[] = [];
	for await (const chunk of file.stream(0, file.size - 1)) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

function chunk<T>(list: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let index = 0; index < list.length; index += size) out.push(list.slice(index, index + size));
	return out;
}

function workflowFor(provider: ProviderId, extra: Record<string, unknown> = {}) {
	return {
		nodes: [
			startNode(),
			node(
				NODE_NAME,
				{
					provider,
					operation: 'textToVideo',
					prompt: '={{ $json.prompt }}',
					duration: 5,
					aspectRatio: '16:9',
					generateAudio: false,
					quality: 'pro',
					timeoutMinutes: TIMEOUT_MINUTES,
					options: { maxConcurrentJobs: MAX_CONCURRENT_JOBS },
					...extra,
				},
				{ onError: 'continueRegularOutput' },
			),
		],
		connections: chain('Start', NODE_NAME),
		credentials: emulatorCredentialsByType(emulator),
	};
}

/** One execution of a batch; the outputs are matched to the planned jobs by pairedItem. */
async function runBatch(
	provider: ProviderId,
	batch: PlannedJob[],
	faults: PlannedFault[],
	feeder: JobFaultFeeder,
	check: (item: INodeExecutionData) => Promise<boolean>,
): Promise<Outcome[]> {
	for (const fault of faults) {
		if (isJobFault(fault)) feeder.add(fault);
		else emulator.injectFault(fault.spec);
	}
	const result = await runWorkflow({ ...workflowFor(provider), inputItems: batch.map((job) => ({ json: { prompt: prompt(job.tag), tag: job.tag } })) });
	const items = result.runsOf(NODE_NAME).length ? result.outputOf(NODE_NAME) : [];
	return await Promise.all(
		batch.map((job, index) => outcomeOf(job, items.filter((item) => (item.pairedItem as { item: number }).item === index), check)),
	);
}

async function completionPart(planned: PlannedJob[], random: () => number): Promise<CompletionFacts> {
	const check = async (item: INodeExecutionData) =>
		(await binaryToBuffer(item.binary!.data)).equals(await expectedVideo(item.json.provider as ProviderId, String(item.json.jobId)));
	// Faults drawn up front, in a fixed order, so the seed alone decides them.
	const work = PROVIDERS.map((provider) =>
		chunk(
			planned.filter((job) => job.provider === provider),
			BATCH,
		).map((batch) => ({ provider, batch, faults: faultsFor(provider, batch.length, FAULT_RATE, COMPLETION_FAULTS, random) })),
	);
	const faults = work.flat().flatMap((entry) => entry.faults);
	const feeder = new JobFaultFeeder(emulator);
	const outcomes: Outcome[] = [];
	await Promise.all(
		work.map(async (queue) => {
			const worker = async () => {
				for (let next = queue.shift(); next; next = queue.shift()) {
					outcomes.push(...(await runBatch(next.provider, next.batch, next.faults, feeder, check)));
				}
			};
			await Promise.all(Array.from({ length: BATCHES_IN_FLIGHT }, worker));
		}),
	);
	const neverArmed = await feeder.stop();
	return {
		planned,
		outcomes,
		tasks: emulator.jobs().filter((task) => tagOf(task.input.prompt)),
		counters: emulator.counters(),
		faults,
		pendingFaults: [...emulator.pendingFaults(), ...neverArmed],
	};
}

async function triggerPart(planned: PlannedJob[], random: () => number): Promise<TriggerFacts> {
	const receiver = new TriggerReceiver(emulatorCredentialsByType(emulator));
	await receiver.start();
	const faults: PlannedFault[] = [];
	const submitted: TriggerFacts['submitted'] = [];
	try {
		// One execution per job, one provider's after another's end: each drawn fault marks that job alone.
		const drawn = planned.map((job) => ({ job, faults: faultsFor(job.provider, 1, TRIGGER_FAULT_RATE, TRIGGER_FAULTS, random) }));
		await Promise.all(
			PROVIDERS.map(async (provider) => {
				for (const { job, faults: mine } of drawn.filter((entry) => entry.job.provider === provider)) {
					faults.push(...mine);
					for (const fault of mine) emulator.injectFault(fault.spec);
					const result = await runWorkflow({
						...workflowFor(provider, { waitMode: 'submitOnly', callbackUrl: receiver.callbackUrl(provider) }),
						inputItems: [{ json: { prompt: prompt(job.tag), tag: job.tag } }],
					});
					for (const item of result.outputOf(NODE_NAME)) submitted.push({ provider, jobId: String(item.json.jobId) });
				}
			}),
		);
		// Every job ends within a second; then every delivery (duplicates and retries included) has been answered.
		const ids = new Set(submitted.map((job) => job.jobId));
		for (let waited = 0; waited < 60_000; waited += 100) {
			if (emulator.jobs().filter((task) => ids.has(task.id)).every((task) => ['succeeded', 'failed', 'canceled'].includes(task.state))) break;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		await emulator.webhooksIdle();
		const terminalTasks = emulator.jobs().filter((task) => ids.has(task.id) && ['succeeded', 'failed'].includes(task.state));
		const sent = emulator.counters().webhooksSent.filter((record) => ids.has(record.jobId));
		const seen = new Set<string>();
		let duplicateDeliveries = 0;
		for (const record of sent) {
			const key = `${record.jobId}:${record.messageId}`;
			if (seen.has(key) && record.attempt === 1) duplicateDeliveries++;
			seen.add(key);
		}
		return {
			submitted,
			terminal: new Set(terminalTasks.map((task) => task.id)),
			emissions: receiver.emissions,
			deliveries: receiver.answers.length,
			duplicateDeliveries,
			faults,
		};
	} finally {
		await receiver.stop();
	}
}

it(`${JOBS} jobs: nothing lost, nothing charged twice, each finished job emitted once`, async () => {
	const started = Date.now();
	const random = seededRandom(SEED);
	const triggerJobs = Math.max(4, Math.round(JOBS * TRIGGER_SHARE));
	const plan: PlannedJob[] = Array.from({ length: JOBS }, (_, index) => ({ tag: `soak-${index}`, provider: PROVIDERS[index % PROVIDERS.length] }));
	const completionPlan = plan.slice(0, JOBS - triggerJobs);

	const completion = await completionPart(completionPlan, random);

	// The trigger part starts from a clean emulator: faults the first part never reached must not leak into it.
	emulator.reset();
	emulator.configure({ webhookRetryDelayMs: 50 });
	const trigger = await triggerPart(plan.slice(JOBS - triggerJobs), random);

	const seconds = (Date.now() - started) / 1000;
	const report = renderReport({
		jobs: JOBS,
		seconds,
		completion,
		trigger,
		settings: `seed ${SEED}, ${Math.round(FAULT_RATE * 100)} % faults, batches of ${BATCH}, ${BATCHES_IN_FLIGHT} executions per provider at once, ${MAX_CONCURRENT_JOBS} jobs per execution, timeout ${TIMEOUT_MINUTES * 60} s`,
	});
	writeFileSync(REPORT_FILE, report);
	process.stdout.write(`\n${report}\n`);

	const totals = completionTotals(completion);
	expect(totals.planned).toBe(completionPlan.length);
	expect(totals.missing).toBe(0);
	expect(totals.succeeded + totals.failed).toBe(totals.planned);
	expect(totals.lostTasks).toBe(0);
	expect(totals.maxTasksPerJob).toBe(1);
	expect(totals.submitsPerJob.toFixed(2)).toBe('1.00');
	// A failure after submit carries its job id: only refused submits (no task) may lack one.
	const withoutId = completion.outcomes.filter((outcome) => outcome.kind === 'error' && !outcome.jobId);
	const tagsWithTask = new Set(completion.tasks.map((task) => tagOf(task.input.prompt)));
	expect(withoutId.filter((outcome) => tagsWithTask.has(outcome.tag))).toEqual([]);

	const emitted = triggerTotals(trigger);
	expect(emitted.submitted).toBe(triggerJobs);
	expect(emitted.terminal).toBe(triggerJobs);
	expect(emitted.duplicateEmissions).toBe(0);
	expect(emitted.missingEmissions).toBe(0);
	expect(emitted.emissions).toBe(triggerJobs);
	if (trigger.faults.some((fault) => fault.label === 'duplicate webhook')) expect(emitted.duplicateDeliveries).toBeGreaterThan(0);
});
