/**
 * The three ways a job's completion reaches the next node, inside n8n's engine: waiting in the
 * node, Submit Only with a callback URL, and Wait for Webhook (pause, verified resume, time limit).
 * Request counts come from the emulator, which saw every call.
 */
import { startEmulator, type Emulator, type WebhookRecord } from '../emulator';
import { binaryToBuffer, callWaitingWebhook, type RunResult } from '../harness';
import { NODE_NAME, PROVIDERS, runKling, TEXT_TO_VIDEO } from './support';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ port: 0, timings: { queuedMs: 50, runningMs: 200 } });
	// Nothing listens at the harness's resume URL; the tests hand the emulator's delivery to n8n themselves.
	emulator.configure({ webhookAttempts: 1 });
});
afterAll(async () => await emulator.close());
beforeEach(() => emulator.reset());

async function terminalDelivery(provider: string, jobId: string): Promise<WebhookRecord> {
	for (let waited = 0; waited < 5_000; waited += 50) {
		await emulator.webhooksIdle();
		const record = emulator
			.counters()
			.webhooksSent.find((sent) => sent.provider === provider && sent.jobId === jobId && ['completed', 'succeeded', 'failed', 'succeed'].includes(sent.event));
		if (record) return record;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	throw new Error(`no terminal webhook for ${provider} job ${jobId}`);
}

function deliver(waiting: RunResult, record: WebhookRecord, tamper = false) {
	const body = tamper ? record.body.replace('"', '"tampered":1,"') : record.body;
	return callWaitingWebhook(waiting, { url: record.url, headers: record.headers, rawBody: Buffer.from(body) });
}

describe.each(PROVIDERS)('%s', (provider) => {
	it('Submit Only returns at once with the job and passes the callback URL to the provider', async () => {
		const callbackUrl = `${emulator.url}/_emulator/counters?sink=1`;
		const result = await runKling(emulator, { provider, ...TEXT_TO_VIDEO, waitMode: 'submitOnly', callbackUrl, quality: 'pro' });
		expect(result.error?.message).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		expect(['queued', 'running']).toContain(item.json.status);
		expect(item.binary).toBeUndefined();
		expect(emulator.counters().count({ provider, route: 'submit' })).toBe(1);
		expect(emulator.counters().count({ provider, route: 'status' })).toBe(0);
		const job = emulator.jobs(provider).find((candidate) => candidate.id === item.json.jobId);
		expect(JSON.stringify(job)).toContain('sink=1');
	});

	it('Wait for Webhook pauses, resumes on the verified callback and outputs the video', async () => {
		const waiting = await runKling(emulator, { provider, ...TEXT_TO_VIDEO, waitMode: 'waitForWebhook', quality: 'pro', generateAudio: true });
		expect(waiting.status).toBe('waiting');
		const job = emulator.jobs(provider)[0];
		const record = await terminalDelivery(provider, job.id);
		expect(record.url).toContain('/webhook-waiting/');
		expect(record.url).toContain('signature=');

		if (provider !== 'kling') {
			// Kling signs nothing: its callback only names the task, which the node re-reads (tested below).
			const forged = await deliver(waiting, record, true);
			expect(forged.result).toBeUndefined();
			expect(forged.response.statusCode).toBe(401);
		}

		const statusCallsBefore = emulator.counters().count({ provider, route: 'status' });
		const resumed = await deliver(waiting, record);
		expect(resumed.webhookError).toBeUndefined();
		const finished = await resumed.result!;
		expect(finished.status).toBe('success');
		const [item] = finished.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({ jobId: job.id, provider, status: 'succeeded', durationSeconds: 5, hasAudio: true });
		expect(item.pairedItem).toEqual({ item: 0 });
		expect((await binaryToBuffer(item.binary!.data)).subarray(4, 8).toString()).toBe('ftyp');
		// Signed providers need no status call; Kling signs nothing, so its callback costs one re-fetch.
		const statusCalls = emulator.counters().count({ provider, route: 'status' }) - statusCallsBefore;
		expect(statusCalls).toBeLessThanOrEqual(provider === 'kling' ? 1 : 0);
	});
});

describe('Wait for Webhook limits', () => {
	it('Kling: a callback for a task the API says is still running does not resume', async () => {
		emulator.injectFault({ provider: 'kling', kind: 'stuck' });
		const waiting = await runKling(emulator, { provider: 'kling', ...TEXT_TO_VIDEO, waitMode: 'waitForWebhook', quality: 'pro' });
		expect(waiting.status).toBe('waiting');
		const job = emulator.jobs('kling')[0];
		const claim = JSON.stringify({ task_id: job.id, task_status: 'succeed', task_result: { videos: [{ id: 'x', url: 'https://evil.example/video.mp4', duration: '5' }] } });
		const url = job.webhookUrl as string;
		const forged = await callWaitingWebhook(waiting, { url, headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(claim) });
		expect(forged.result).toBeUndefined();
		expect(forged.response.statusCode).toBe(200);
	});


	it('refuses a batch before submitting anything: one pause serves one job', async () => {
		const result = await runKling(
			emulator,
			{ provider: 'fal', ...TEXT_TO_VIDEO, waitMode: 'waitForWebhook', options: { aspectRatioVariants: ['16:9', '9:16'] } },
		);
		expect(result.error?.message).toMatch(/Wait for Webhook.*2 jobs/);
		expect(emulator.counters().count({ route: 'submit' })).toBe(0);
	});
});

describe('Wait for Completion', () => {
	it('uses the fal status stream: no status polling', async () => {
		const result = await runKling(emulator, { provider: 'fal', ...TEXT_TO_VIDEO });
		expect(result.error?.message).toBeUndefined();
		expect(emulator.counters().count({ provider: 'fal', route: 'stream' })).toBeGreaterThanOrEqual(1);
		// At most one plain status read, after the stream closes.
		expect(emulator.counters().count({ provider: 'fal', route: 'status' })).toBeLessThanOrEqual(1);
	});

	it('times out with the job id in the error, and the job is not cancelled', async () => {
		emulator.injectFault({ provider: 'replicate', kind: 'stuck' });
		const started = Date.now();
		const result = await runKling(emulator, { provider: 'replicate', ...TEXT_TO_VIDEO, timeoutMinutes: 0.03 });
		expect(Date.now() - started).toBeLessThan(10_000);
		const job = emulator.jobs('replicate')[0];
		expect(result.error?.message).toContain(job.id);
		expect(result.error?.message).toMatch(/still (queued|running)/);
		expect(emulator.counters().count({ provider: 'replicate', route: 'cancel' })).toBe(0);
	});
});
