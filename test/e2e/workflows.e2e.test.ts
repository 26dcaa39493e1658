/**
 * The example workflows in a real n8n 2.x, the package installed from its tarball, every
 * provider served by the emulator. Two n8n user folders:
 * - `cli`: runs workflows with `n8n execute`, as a script or cron job would;
 * - `server`: `n8n start`, for what needs n8n's HTTP server: production webhooks, resuming a
 *   waiting execution, the Kling Video Trigger, polling.
 * Results are read from what n8n stored (its database and binary store) and from the publishing
 * sink the workflows post to; never from logs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type EmulatorCounters, type EmulatorJob, type EmulatorProcess } from '../../scripts/lib/emulator';
import { n8nCli, packageLoadProblems, startN8n, type N8nInstance } from '../../scripts/lib/n8n';
import { N8nRest } from '../../scripts/lib/n8nRest';
import { makePng } from '../fixtures/images';
import { freePort, sleep, stopAll, waitFor } from '../../scripts/lib/processes';
import { probeMp4FrameSize } from '../../nodes/shared/media/probe';
import { startSink, type Sink } from '../../scripts/lib/sink';
import { binaryFilePath, storedExecutions, type StoredExecution, type StoredItem } from '../../scripts/lib/store';
import {
	isMp4,
	loadExample,
	newWebhookId,
	nodeNamed,
	prepareN8n,
	PROVIDERS,
	setupResult,
	variant,
	type Provider,
	type Workflow,
} from './harness';

const ads = loadExample('01-scheduled-ad-variants.json');
const image = loadExample('02-image-to-video-wait-for-webhook.json');
const submit = loadExample('03a-submit-with-trigger-callback.json');
const trigger = loadExample('03b-kling-video-trigger.json');
const poll = loadExample('06-jobs-trigger-polling.json');
const TRIGGER_WEBHOOK_ID = nodeNamed(trigger, 'Kling Video Trigger').webhookId as string;

const id = {
	ads: (p: Provider) => `e2eAds_${p}`,
	image: (p: Provider) => `e2eImage_${p}`,
	submit: (p: Provider) => `e2eSubmit_${p}`,
	trigger: (p: Provider) => `e2eTrigger_${p}`,
	poll: (p: Provider) => `e2ePoll_${p}`,
};
const triggerWebhookIds = Object.fromEntries(PROVIDERS.map((p) => [p, newWebhookId()])) as Record<Provider, string>;
const imagePath = (p: Provider) => `kling-image-to-video-${p}`;

let emulator: EmulatorProcess;
let sink: Sink;
let cli: N8nInstance;
let server: N8nInstance;
const logs = () => join(setupResult().runDir, 'logs');


const emulatorJobs = (provider: Provider) =>
	emulator.control<EmulatorJob[]>('GET', '/jobs').then((jobs) => jobs.filter((job) => job.provider === provider));
const counters = () => emulator.control<EmulatorCounters>('GET', '/counters');
const postsNamed = (prefix: string) => sink.posts.filter((post) => String(post.headers['x-video-name'] ?? '').startsWith(prefix));

/** The video an output item carries: present in n8n's binary store and a real MP4. */
function expectVideoBinary(instance: N8nInstance, item: StoredItem): void {
	const binary = item.binary?.data;
	expect(binary).toMatchObject({ mimeType: 'video/mp4' });
	const file = binaryFilePath(instance, String(binary?.id));
	expect(existsSync(file)).toBe(true);
	expect(isMp4(readFileSync(file))).toBe(true);
}

function describeFailure(execution: StoredExecution | undefined): string {
	return execution ? `execution ${execution.id} ${execution.status}: ${execution.error ?? ''} ${JSON.stringify(execution.nodeErrors)}` : 'no execution';
}

beforeAll(async () => {
	emulator = await startEmulator({ port: await freePort(), logFile: join(logs(), 'emulator.log'), queuedMs: 300, runningMs: 1500 });
	sink = await startSink(join(setupResult().runDir, 'posts'));
	const serverPort = await freePort();
	const serverUrl = `http://127.0.0.1:${serverPort}`;
	const cliWorkflows: Workflow[] = PROVIDERS.flatMap((p) => [
		variant(ads, { id: id.ads(p), provider: p, urls: { sink: sink.url } }),
		variant(submit, { id: id.submit(p), provider: p, urls: { sink: sink.url, n8n: serverUrl }, replace: [[TRIGGER_WEBHOOK_ID, triggerWebhookIds[p]]] }),
	]);
	const serverWorkflows: Workflow[] = PROVIDERS.flatMap((p) => [
		variant(image, {
			id: id.image(p),
			provider: p,
			urls: { sink: sink.url },
			replace: [
				['kling-image-to-video', imagePath(p)],
				[nodeNamed(image, 'Upload image').webhookId as string, newWebhookId()],
				[nodeNamed(image, 'Kling Video').webhookId as string, newWebhookId()],
			],
		}),
		variant(trigger, { id: id.trigger(p), provider: p, urls: { sink: sink.url }, replace: [[TRIGGER_WEBHOOK_ID, triggerWebhookIds[p]]] }),
		variant(poll, { id: id.poll(p), provider: p, urls: { sink: sink.url } }),
	]);
	[cli, server] = await Promise.all([
		prepareN8n('cli', emulator, cliWorkflows),
		prepareN8n('server', emulator, serverWorkflows, serverPort),
	]);
});

afterAll(async () => {
	await stopAll();
	await sink?.close();
});

describe('example (a) weekly ad variants, run by `n8n execute`', () => {
	test.each(PROVIDERS)('%s: 3 product lines × 3 aspect ratios → 9 MP4s posted', async (provider) => {
		const submitsBefore = (await counters()).totals[`${provider} submit`] ?? 0;
		await n8nCli(cli, ['execute', `--id=${id.ads(provider)}`, '--rawOutput']).catch(async (error: Error) => {
			const [last] = (await storedExecutions(cli, id.ads(provider))).slice(-1);
			throw new Error(`${describeFailure(last)}\n${error.message}`);
		});

		const [execution] = (await storedExecutions(cli, id.ads(provider))).slice(-1);
		expect(execution).toMatchObject({ status: 'success', mode: 'cli' });
		const videos = execution.outputs['Kling Video'];
		expect(videos).toHaveLength(9);
		const products = execution.outputs['Product lines'].map((item) => item.json.product);
		const seen = videos.map((item) => {
			expect(item.json).toMatchObject({ provider, status: 'succeeded', operation: 'textToVideo' });
			expectVideoBinary(cli, item);
			// The emulator draws each job's frame in the shape its request asked for.
			const frame = probeMp4FrameSize(readFileSync(binaryFilePath(cli, String(item.binary?.data?.id))));
			const shape = !frame ? 'none' : frame.width > frame.height ? '16:9' : frame.width < frame.height ? '9:16' : '1:1';
			expect({ ratio: item.json.aspectRatio, shape }).toEqual({ ratio: item.json.aspectRatio, shape: item.json.aspectRatio });
			return `${products[(item.pairedItem as { item: number }).item]} ${item.json.aspectRatio}`;
		});
		expect(new Set(seen).size).toBe(9);
		expect(seen).toEqual(expect.arrayContaining(products.flatMap((product) => ['16:9', '9:16', '1:1'].map((ratio) => `${product} ${ratio}`))));

		const posted = execution.outputs['Publish video'].map((item) => String(item.json.file));
		expect(posted).toHaveLength(9);
		for (const file of posted) expect(isMp4(readFileSync(file))).toBe(true);
		// Three product lines in each of three shapes reach the publishing endpoint.
		const shapes = posted.map((file) => JSON.stringify(probeMp4FrameSize(readFileSync(file))));
		expect([...new Set(shapes)].map((shape) => shapes.filter((other) => other === shape).length)).toEqual([3, 3, 3]);
		expect((await counters()).totals[`${provider} submit`]).toBe(submitsBefore + 9);
	});
});

describe('`n8n start`: webhooks, resume and triggers', () => {
	let rest: N8nRest;
	let pollActivatedAt: number;

	beforeAll(async () => {
		await startN8n(server, join(logs(), 'n8n-server.log'));
		expect(packageLoadProblems(join(logs(), 'n8n-server.log'))).toBeNull();
		rest = new N8nRest(server.url);
		await rest.setupOwner({ email: 'owner@example.com', password: 'E2e-password-1', firstName: 'E2E' });
		for (const p of PROVIDERS) {
			await rest.activate(id.image(p));
			await rest.activate(id.trigger(p));
		}
		// Publishing a polling workflow runs its first poll, which only takes note of finished jobs.
		for (const p of PROVIDERS) await rest.activate(id.poll(p));
		pollActivatedAt = Date.now();
		// Slow enough that the paused execution can be seen waiting.
		await emulator.control('POST', '/config', { queuedMs: 1000, runningMs: 4000 });
	});

	test.each(PROVIDERS)('Wait for Webhook (%s): the execution waits, the provider callback resumes it, the video is in binary', async (provider) => {
		const response = await fetch(`${server.url}/webhook/${imagePath(provider)}`, {
			method: 'POST',
			headers: { 'content-type': 'image/png' },
			body: makePng(640, 480),
		});
		expect(response.status).toBe(200);

		const waiting = await waitFor(
			'the execution to wait',
			async () => (await storedExecutions(server, id.image(provider))).find((execution) => ['waiting', 'success', 'error'].includes(execution.status)),
			30_000,
			200,
		);
		expect(waiting.status).toBe('waiting');
		expect(waiting.waitTill).not.toBeNull();

		const done = await waitFor(
			'the execution to finish',
			async () => (await storedExecutions(server, id.image(provider))).find((execution) => execution.id === waiting.id && execution.status !== 'waiting' && execution.status !== 'running'),
			60_000,
		);
		expect({ status: done.status, failure: describeFailure(done) }).toMatchObject({ status: 'success' });
		const [video] = done.outputs['Kling Video'];
		expect(video.json).toMatchObject({ provider, status: 'succeeded', operation: 'imageToVideo' });
		expectVideoBinary(server, video);
		const callbacks = (await counters()).webhooksSent.filter((sent) => sent.provider === provider && sent.jobId === video.json.jobId && sent.url.includes(`/webhook-waiting/${waiting.id}`));
		expect(callbacks.map((sent) => sent.status)).toContain(200);
		expect(postsNamed(`animated ${String(video.json.jobId)}`)).toHaveLength(1);
	});

	test('Wait for Webhook (replicate), its callback lost: the node checks the job itself and resumes long before the 30 min limit', async () => {
		const provider: Provider = 'replicate';
		await emulator.control('POST', '/faults', { provider, kind: 'dropWebhook' });
		const pausedAt = Date.now();
		const response = await fetch(`${server.url}/webhook/${imagePath(provider)}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: makePng(640, 480) });
		expect(response.status).toBe(200);
		const waiting = await waitFor(
			'the execution to wait',
			async () => (await storedExecutions(server, id.image(provider))).find((execution) => execution.status === 'waiting'),
			30_000,
			200,
		);
		// The first status check is at an eighth of the limit, capped at 30 s; allow three times that.
		const done = await waitFor(
			'the execution to resume without a callback',
			async () => (await storedExecutions(server, id.image(provider))).find((execution) => execution.id === waiting.id && execution.status !== 'waiting' && execution.status !== 'running'),
			90_000,
			500,
		);
		const resumedAfterMs = Date.now() - pausedAt;
		expect({ status: done.status, failure: describeFailure(done) }).toMatchObject({ status: 'success' });
		const [video] = done.outputs['Kling Video'];
		expect(video.json).toMatchObject({ provider, status: 'succeeded' });
		expectVideoBinary(server, video);
		expect((await counters()).webhooksSent.filter((sent) => sent.jobId === video.json.jobId)).toEqual([]);
		console.log(`Wait for Webhook with its callback lost: resumed ${(resumedAfterMs / 1000).toFixed(1)} s after the submit (time limit 30 min)`);
		expect(resumedAfterMs).toBeLessThan(90_000);
	});

	test.each(PROVIDERS)('Kling Video Trigger (%s): a Submit Only callback starts the workflow once; forged and repeated deliveries do not', async (provider) => {
		const triggerUrl = `${server.url}/webhook/${triggerWebhookIds[provider]}/webhook`;
		await n8nCli(cli, ['execute', `--id=${id.submit(provider)}`, '--rawOutput']);
		const [submitted] = (await storedExecutions(cli, id.submit(provider))).slice(-1);
		expect(submitted.status).toBe('success');
		const jobId = String(submitted.outputs['Kling Video'][0].json.jobId);

		const started = await waitFor(
			'the trigger workflow to run',
			async () =>
				(await storedExecutions(server, id.trigger(provider))).find(
					(execution) => execution.status === 'success' && execution.outputs['Kling Video Trigger']?.[0]?.json.jobId === jobId,
				),
			60_000,
		).catch(async (error: Error) => {
			const attempts = (await counters()).webhooksSent.filter((sent) => sent.jobId === jobId);
			const executions = await storedExecutions(server, id.trigger(provider));
			throw new Error(`${error.message}; deliveries of job ${jobId}: ${JSON.stringify(attempts)}; trigger executions: ${executions.map(describeFailure).join(' | ')}`);
		});
		const [item] = started.outputs['Kling Video Trigger'];
		expect(item.json).toMatchObject({ provider, status: 'succeeded' });
		expectVideoBinary(server, item);
		expect(postsNamed(`finished ${jobId}`).length).toBeGreaterThanOrEqual(1);
		const delivered = (await counters()).webhooksSent.filter((sent) => sent.jobId === jobId && sent.url === triggerUrl);
		expect(delivered.map((sent) => sent.status)).toContain(200);

		const executionsBefore = (await storedExecutions(server, id.trigger(provider))).length;
		// Forged: signed with a key the provider never published (Kling signs nothing: a task that does not exist).
		const forged =
			provider === 'kling'
				? await emulator.control<{ headers: Record<string, string>; body: string }>('POST', '/signed-delivery', { provider, jobId }).then((delivery) => ({
						...delivery,
						body: delivery.body.split(jobId).join(`${jobId.slice(0, -4)}0000`),
					}))
				: await emulator.control<{ headers: Record<string, string>; body: string }>('POST', '/signed-delivery', { provider, jobId, wrongSecret: true });
		const forgedAnswer = await fetch(triggerUrl, { method: 'POST', headers: forged.headers, body: forged.body });
		expect(forgedAnswer.status).toBeGreaterThanOrEqual(400);
		// Genuine, but for a job that already started the workflow: answered, not run again.
		const again = await emulator.control<{ headers: Record<string, string>; body: string }>('POST', '/signed-delivery', { provider, jobId });
		const againAnswer = await fetch(triggerUrl, { method: 'POST', headers: again.headers, body: again.body });
		expect(againAnswer.status).toBe(200);
		await sleep(3000);
		expect(await storedExecutions(server, id.trigger(provider))).toHaveLength(executionsBefore);
	});

	test('Kling Video Jobs Trigger: each job that finished after publishing is emitted exactly once', async () => {
		const emitted = async (provider: Provider) =>
			(await storedExecutions(server, id.poll(provider))).flatMap((execution) => (execution.outputs['Kling Video Jobs Trigger'] ?? []).map((item) => String(item.json.jobId)));
		const expected: Partial<Record<Provider, string[]>> = {};
		for (const provider of PROVIDERS) {
			const jobs = await emulatorJobs(provider);
			expected[provider] = jobs.filter((job) => Date.parse(job.createdAt) > pollActivatedAt && job.state === 'succeeded').map((job) => job.id);
			expect(expected[provider]!.length).toBeGreaterThan(0);
		}
		// Polls run every minute: wait for the one after the last job finished, then one more.
		for (const provider of PROVIDERS) {
			await waitFor(
				`${provider} poll to emit ${expected[provider]!.join(', ')}`,
				async () => {
					const ids = await emitted(provider);
					return expected[provider]!.every((jobId) => ids.includes(jobId)) ? ids : undefined;
				},
				150_000,
				2000,
			);
		}
		const lists = (await counters()).totals;
		await waitFor(
			'one more poll of every provider',
			async () => {
				const now = (await counters()).totals;
				return PROVIDERS.every((p) => (now[`${p} list`] ?? 0) > (lists[`${p} list`] ?? 0)) ? true : undefined;
			},
			90_000,
			2000,
		);
		await sleep(3000);
		for (const provider of PROVIDERS) {
			const ids = await emitted(provider);
			expect(ids.sort()).toEqual([...expected[provider]!].sort());
			const executions = await storedExecutions(server, id.poll(provider));
			for (const execution of executions) expect({ status: execution.status, failure: describeFailure(execution) }).toMatchObject({ status: 'success' });
		}
	});
});
