/**
 * Batch status reads (issue 14): the jobs of one Wait for Completion run that wait together are
 * read through the provider's list endpoint, one call per tick for all of them, inside n8n's
 * engine against the emulator. Request counts come from the emulator's log; nothing here rests
 * on a timing boundary (the emulator's jobs run 1.5 s, the comparisons have wide margins).
 */
import type { ProviderId } from '../../nodes/shared/job';
import { startEmulator, type Emulator, type EmulatorCounters } from '../emulator';
import { binaryToBuffer } from '../harness';
import { NODE_NAME, runKling, TEXT_TO_VIDEO } from './support';

const JOBS = 4;
const LISTING: ProviderId[] = ['replicate', 'kling', 'fal'];

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ port: 0, timings: { queuedMs: 100, runningMs: 1400 } });
});
afterAll(async () => await emulator.close());
beforeEach(() => emulator.reset());

const items = (count: number) => Array.from({ length: count }, (_, i) => ({ json: { prompt: `Batch item ${i + 1}: a ceramic mug, slow push-in` } }));

async function runBatch(provider: ProviderId, maxConcurrentJobs: number, extra: Record<string, unknown> = {}, continueOnFail = false) {
	return await runKling(
		emulator,
		{ provider, ...TEXT_TO_VIDEO, prompt: '={{ $json.prompt }}', quality: 'pro', generateAudio: false, options: { maxConcurrentJobs }, ...extra },
		{ inputItems: items(JOBS), continueOnFail },
	);
}

/** Every request that read a job's state: list calls, status and result reads, fal's status stream. */
const statusRequests = (counters: EmulatorCounters, provider: ProviderId) =>
	(['list', 'status', 'result', 'stream'] as const).reduce((sum, route) => sum + counters.count({ provider, route }), 0);

describe.each(LISTING)('%s', (provider) => {
	it('reads a batch with shared list calls: fewer status requests than one job at a time, each item its own video', async () => {
		const batch = await runBatch(provider, JOBS);
		expect(batch.error?.message).toBeUndefined();
		const batchCounters = emulator.counters();
		const output = batch.outputOf(NODE_NAME);
		expect(output).toHaveLength(JOBS);
		const jobIds = new Set<string>();
		for (const [index, item] of output.entries()) {
			expect(item.json).toMatchObject({ provider, status: 'succeeded' });
			expect(item.pairedItem).toEqual({ item: index });
			const jobId = String(item.json.jobId);
			jobIds.add(jobId);
			const job = emulator.jobs(provider).find((candidate) => candidate.id === jobId)!;
			expect(job.input.prompt ?? JSON.stringify(job.input)).toContain(`Batch item ${index + 1}:`);
			// The stored file is this job's own video, byte for byte.
			expect((await binaryToBuffer(item.binary!.data)).equals(emulator.outputVideo(provider, jobId))).toBe(true);
		}
		expect(jobIds.size).toBe(JOBS);
		expect(batchCounters.count({ provider, route: 'list' })).toBeGreaterThan(0);

		emulator.reset();
		const oneByOne = await runBatch(provider, 1);
		expect(oneByOne.error?.message).toBeUndefined();
		const oneByOneCounters = emulator.counters();
		// One job at a time never shares: no list calls, its own reads only.
		expect(oneByOneCounters.count({ provider, route: 'list' })).toBe(0);
		expect(statusRequests(batchCounters, provider)).toBeLessThan(statusRequests(oneByOneCounters, provider));
	});

	it('reports a job that failed in the list as failed, with its id, beside the others', async () => {
		emulator.injectFault({ provider, kind: 'contentPolicy' });
		const result = await runBatch(provider, JOBS, {}, true);
		const output = result.outputOf(NODE_NAME);
		expect(output).toHaveLength(JOBS);
		const failedJob = emulator.jobs(provider).find((job) => job.state === 'failed')!;
		expect(failedJob).toBeDefined();
		const failed = output.filter((item) => item.json.status !== 'succeeded');
		expect(failed).toHaveLength(1);
		expect(failed[0].json).toMatchObject({ jobId: failedJob.id, status: 'failed', errorKind: 'contentPolicy' });
		expect(output.filter((item) => item.json.status === 'succeeded')).toHaveLength(JOBS - 1);
		expect(emulator.counters().count({ provider, route: 'list' })).toBeGreaterThan(0);
	});

	it('still finishes every job when the list endpoint fails: the jobs go back to their own reads', async () => {
		emulator.injectFault({ provider, route: 'list', kind: '5xx', status: 500, times: -1 });
		const result = await runBatch(provider, JOBS);
		expect(result.error?.message).toBeUndefined();
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => item.json.status)).toEqual(Array(JOBS).fill('succeeded'));
		expect(new Set(output.map((item) => item.json.jobId)).size).toBe(JOBS);
	});
});

describe('fal', () => {
	it('lists every endpoint of the batch in one call per tick, and notices requests that were unlisted while they ran', async () => {
		const result = await runBatch('fal', JOBS);
		expect(result.error?.message).toBeUndefined();
		const lists = emulator.counters().requests.filter((request) => request.provider === 'fal' && request.route === 'list');
		expect(lists.length).toBeGreaterThan(0);
		for (const list of lists) {
			const query = new URL(list.path, 'http://emulator').searchParams;
			expect(query.get('expand')).toBe('payloads');
			expect(query.get('start')).not.toBeNull();
		}
		// The finished requests brought their output with them: no result read was needed.
		expect(emulator.counters().count({ provider: 'fal', route: 'result' })).toBe(0);
	});
});

describe('a stuck job among listed ones', () => {
	it('times out with its id while the others finish', async () => {
		emulator.injectFault({ provider: 'replicate', kind: 'stuck' });
		const result = await runBatch('replicate', JOBS, { timeoutMinutes: 0.05 }, true);
		const output = result.outputOf(NODE_NAME);
		const stuck = emulator.jobs('replicate').find((job) => job.state !== 'succeeded')!;
		const late = output.filter((item) => item.json.status !== 'succeeded');
		expect(late).toHaveLength(1);
		expect(String(late[0].json.error)).toMatch(/still (queued|running)/);
		expect(late[0].json).toMatchObject({ jobId: stuck.id, errorKind: 'timeout' });
		expect(output.filter((item) => item.json.status === 'succeeded')).toHaveLength(JOBS - 1);
	});
});

describe('a cancelled execution', () => {
	it('stops the board and cancels every job it was waiting for', async () => {
		emulator.injectFault({ provider: 'replicate', kind: 'stuck', times: JOBS });
		const controller = new AbortController();
		const running = runKling(
			emulator,
			{ provider: 'replicate', ...TEXT_TO_VIDEO, prompt: '={{ $json.prompt }}', generateAudio: false, options: { maxConcurrentJobs: JOBS } },
			{ inputItems: items(JOBS), abortSignal: controller.signal },
		);
		for (let waited = 0; emulator.counters().count({ provider: 'replicate', route: 'list' }) === 0; waited += 50) {
			if (waited > 20_000) throw new Error('the board never listed');
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		controller.abort();
		const result = await running;
		expect(result.canceled).toBe(true);
		expect(result.error?.message).toMatch(/cancelled/i);
		expect(emulator.counters().count({ provider: 'replicate', route: 'cancel' })).toBe(JOBS);
		const listsAtEnd = emulator.counters().count({ provider: 'replicate', route: 'list' });
		await new Promise((resolve) => setTimeout(resolve, 3_000));
		expect(emulator.counters().count({ provider: 'replicate', route: 'list' })).toBe(listsAtEnd);
	});
});

describe('WaveSpeed', () => {
	it('keeps its own result reads: its docs say not to poll the history for task status', async () => {
		const result = await runBatch('wavespeed', JOBS);
		expect(result.error?.message).toBeUndefined();
		expect(result.outputOf(NODE_NAME).map((item) => item.json.status)).toEqual(Array(JOBS).fill('succeeded'));
		expect(emulator.counters().count({ provider: 'wavespeed', route: 'list' })).toBe(0);
		expect(emulator.counters().count({ provider: 'wavespeed', route: 'status' }) + emulator.counters().count({ provider: 'wavespeed', route: 'result' })).toBeGreaterThanOrEqual(JOBS);
	});
});
