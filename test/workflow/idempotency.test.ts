/**
 * No retry pays twice, inside n8n's engine: a re-run of the same execution and n8n's Retry On
 * Fail reuse the Kling task (its external_task_id comes from execution, node, item and variant),
 * a Kling submit whose answer was lost is sent again without a second task, and on providers
 * without an idempotency key a submit that may have arrived is never sent again. The emulator's
 * jobs and counters are the bill.
 */
import type { INode, INodeParameters } from 'n8n-workflow';
import type { ProviderId } from '../../nodes/shared/job';
import { startEmulator, type Emulator } from '../emulator';
import { binaryToBuffer, chain, node, runWorkflow, startNode } from '../harness';
import { NODE_NAME, TEXT_TO_VIDEO } from './support';
import { emulatorCredentialsByType } from '../support/emulatorCredentials';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ port: 0, timings: { queuedMs: 30, runningMs: 100 } });
});
afterAll(async () => await emulator.close());
beforeEach(() => emulator.reset());

const KLING: INodeParameters = { provider: 'kling', ...TEXT_TO_VIDEO, quality: 'pro', generateAudio: false };

/** One workflow, built once: a re-run must present the same node id, as n8n's stored workflow does. */
function workflow(parameters: INodeParameters, extra: Partial<INode> = {}) {
	return { nodes: [startNode(), node(NODE_NAME, parameters, extra)], connections: chain('Start', NODE_NAME), credentials: emulatorCredentialsByType(emulator) };
}

describe('Kling: one task per planned job, whatever is retried', () => {
	it('running the same execution twice creates one task', async () => {
		const flow = workflow(KLING);
		const first = await runWorkflow({ ...flow, executionId: 'rerun-1' });
		const second = await runWorkflow({ ...flow, executionId: 'rerun-1' });
		expect(first.error?.message).toBeUndefined();
		expect(second.error?.message).toBeUndefined();
		const [a] = first.outputOf(NODE_NAME);
		const [b] = second.outputOf(NODE_NAME);
		expect(b.json.jobId).toBe(a.json.jobId);
		expect(b.json.status).toBe('succeeded');
		expect(emulator.jobs('kling')).toHaveLength(1);
		expect(emulator.counters().count({ provider: 'kling', route: 'submit' })).toBe(2);
		// A different execution is a different job.
		await runWorkflow({ ...flow, executionId: 'rerun-2' });
		expect(emulator.jobs('kling')).toHaveLength(2);
	});

	it('n8n Retry On Fail after the wait failed reuses the task', async () => {
		// Five 429s in a row exhaust the client's attempts on the first status read: the node fails once.
		emulator.injectFault({ provider: 'kling', route: 'status', kind: '429', times: 5, retryAfterSeconds: 0 });
		const flow = workflow(KLING, { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 });
		const result = await runWorkflow({ ...flow, executionId: 'retry-on-fail-1' });
		expect(result.error?.message).toBeUndefined();
		expect(result.outputOf(NODE_NAME)[0].json.status).toBe('succeeded');
		expect(emulator.counters().count({ provider: 'kling', route: 'submit' })).toBe(2);
		expect(emulator.jobs('kling')).toHaveLength(1);
	});

	it('aspect ratio variants of one item are separate tasks, each once across a re-run', async () => {
		const flow = workflow({ ...KLING, options: { aspectRatioVariants: ['16:9', '9:16'] } });
		await runWorkflow({ ...flow, executionId: 'variants-1' });
		await runWorkflow({ ...flow, executionId: 'variants-1' });
		const jobs = emulator.jobs('kling');
		expect(jobs).toHaveLength(2);
		expect(new Set(jobs.map((job) => job.input.aspect_ratio))).toEqual(new Set(['16:9', '9:16']));
	});

	it('a submit whose answer was cut is sent again with the same external_task_id: one task', async () => {
		emulator.injectFault({ provider: 'kling', route: 'submit', kind: 'truncate' });
		const result = await runWorkflow({ ...workflow(KLING), executionId: 'cut-answer-1' });
		expect(result.error?.message).toBeUndefined();
		expect(emulator.counters().count({ provider: 'kling', route: 'submit' })).toBe(2);
		expect(emulator.jobs('kling')).toHaveLength(1);
	});
});

describe.each(['replicate', 'fal', 'wavespeed'] as ProviderId[])('%s (no idempotency key)', (provider) => {
	const parameters = { provider, ...TEXT_TO_VIDEO, generateAudio: false };

	it('a submit whose answer was cut is not sent again, and the error says the job may exist', async () => {
		emulator.injectFault({ provider, route: 'submit', kind: 'truncate' });
		const result = await runWorkflow({ ...workflow(parameters) });
		expect(result.error?.message).toMatch(/was cut off after it was sent .*may have been created and billed.*not sent again/);
		expect(emulator.counters().count({ provider, route: 'submit' })).toBe(1);
		expect(emulator.jobs(provider)).toHaveLength(1);
	});

	it('a submit answered 5xx is not sent again', async () => {
		emulator.injectFault({ provider, route: 'submit', kind: '5xx', status: 502 });
		const result = await runWorkflow({ ...workflow(parameters) });
		expect(result.error?.message).toMatch(/502/);
		expect(emulator.counters().count({ provider, route: 'submit' })).toBe(1);
	});

	it('a submit refused with 429 is sent again (the provider took nothing): one job', async () => {
		emulator.injectFault({ provider, route: 'submit', kind: '429', times: 2, retryAfterSeconds: 0 });
		const result = await runWorkflow({ ...workflow(parameters) });
		expect(result.error?.message).toBeUndefined();
		expect(emulator.counters().count({ provider, route: 'submit' })).toBe(3);
		expect(emulator.jobs(provider)).toHaveLength(1);
	});
});

describe('reads and downloads ride out faults', () => {
	it.each(['replicate', 'fal', 'wavespeed', 'kling'] as ProviderId[])('%s: 5xx and resets on status, a cut download resumed with Range', async (provider) => {
		const reads = provider === 'fal' ? 'stream' : 'status';
		emulator.injectFault({ provider, route: reads, kind: '5xx', status: 503 });
		emulator.injectFault({ provider, route: reads, kind: 'reset' });
		emulator.injectFault({ provider, kind: 'truncate' });
		emulator.configure({ outputBytes: 4 * 1024 * 1024 });
		const result = await runWorkflow({ ...workflow({ provider, ...TEXT_TO_VIDEO, quality: 'pro', generateAudio: false }) });
		expect(result.error?.message).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json.status).toBe('succeeded');
		const bytes = await binaryToBuffer(item.binary!.data);
		expect(bytes.length).toBe(4 * 1024 * 1024);
		expect(bytes.subarray(4, 8).toString()).toBe('ftyp');
		const downloads = emulator.counters().requests.filter((request) => request.route === 'download');
		// The cut one (its status is 200: the headers went out whole), then one Range request for the rest.
		expect(downloads.map((request) => [request.fault, request.status])).toEqual([
			['truncate', 200],
			[null, 206],
		]);
		expect(emulator.pendingFaults()).toEqual([]);
	});

	it.each(['replicate', 'fal', 'wavespeed', 'kling'] as ProviderId[])('%s: an expired output is an error with the job id, never a "succeeded" item without its video', async (provider) => {
		emulator.injectFault({ provider, kind: 'expiredOutput' });
		const result = await runWorkflow({ ...workflow({ provider, ...TEXT_TO_VIDEO, quality: 'pro', generateAudio: false }, { onError: 'continueRegularOutput' }) });
		const [item] = result.outputOf(NODE_NAME);
		const job = emulator.jobs(provider)[0];
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({ jobId: job.id, status: 'succeeded' });
		// Replicate marks the output removed (no URL to fetch); the others' CDNs answer 410.
		expect(item.json.error).toMatch(/no longer keeps/);
		expect(item.json.error).toContain(job.id);
	});
});
