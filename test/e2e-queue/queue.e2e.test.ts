/**
 * The examples on a real n8n 2.x in queue mode: one main (`n8n start`, the leader: pollers, wait
 * tracker, REST API), two workers (`n8n worker`, every execution), two webhook processes
 * (`n8n webhook`, production webhooks and `/webhook-waiting/…`; WEBHOOK_URL is webhook process 1),
 * PostgreSQL and Redis of their own, the package installed from its tarball, every provider served
 * by the emulator. Results are read from PostgreSQL (executions and n8n's binary store, which is
 * the database in queue mode) and from the publishing sink; which worker ran an execution comes
 * from the workers' logs (n8n's execution row has no worker column).
 *
 * Runs only under `npm run test:e2e:queue` (its globalSetup); elsewhere (`npm test`) it is skipped.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emulatorCredentials, startEmulator, type EmulatorCounters, type EmulatorJob, type EmulatorProcess } from '../../scripts/lib/emulator';
import { installPackage, n8nCli, packageLoadProblems } from '../../scripts/lib/n8n';
import { N8nRest } from '../../scripts/lib/n8nRest';
import { freePort, sleep, stopAll, tailLog, waitFor } from '../../scripts/lib/processes';
import {
	killProcess,
	queueBinary,
	queueCluster,
	queueExecutions,
	queueStaticData,
	startPostgres,
	startQueueProcess,
	startRedis,
	type N8nRole,
	type Postgres,
	type QueueCluster,
	type QueueProcess,
	type QueueStoredExecution,
	type QueueStoredItem,
	type Redis,
	type ServiceBinaries,
} from '../../scripts/lib/queue';
import { startSink, type Sink } from '../../scripts/lib/sink';
import { probeMp4FrameSize } from '../../nodes/shared/media/probe';
import { makePng } from '../fixtures/images';
import { isMp4, loadExample, newWebhookId, nodeNamed, PROVIDERS, setupResult, variant, type Provider, type Workflow } from '../e2e/harness';

const enabled = Boolean(process.env.KLING_E2E_SERVICES);
/**
 * Each n8n process has its own user folder (the package installed in each), as separate hosts
 * do. KLING_E2E_QUEUE_SHARED_FOLDER=1 gives all of them one folder instead: n8n then shares its
 * event log and crash marker too, and a restarted worker marks the other worker's running
 * executions as crashed (see case e1).
 */
const sharedFolder = process.env.KLING_E2E_QUEUE_SHARED_FOLDER === '1';
const suite = enabled ? describe : describe.skip;

const ads = loadExample('01-scheduled-ad-variants.json');
const image = loadExample('02-image-to-video-wait-for-webhook.json');
const trigger = loadExample('03b-kling-video-trigger.json');
const poll = loadExample('06-jobs-trigger-polling.json');

const ID = {
	ads: 'qAds',
	image: (p: Provider) => `qImage_${p}`,
	trigger: 'qTrigger',
	poll: 'qPoll',
};
const ADS_PATH = 'queue-ads';
const imagePath = (p: Provider) => `queue-image-${p}`;
const triggerWebhookId = newWebhookId();
const FINAL = ['success', 'error', 'crashed', 'canceled'];

interface Delivery {
	headers: Record<string, string>;
	body: string;
}

/** The ad example, started by a production webhook instead of its schedule, each post named by its execution. */
function adsWorkflow(sinkUrl: string): Workflow {
	const workflow = variant(ads, {
		id: ID.ads,
		provider: 'replicate',
		urls: { sink: sinkUrl },
		replace: [[`"={{ $('Product lines')`, `"=exec{{ $execution.id }} {{ $('Product lines')`]],
	});
	workflow.nodes.push({
		id: randomUUID(),
		name: 'Run by webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [180, 280],
		parameters: { httpMethod: 'POST', path: ADS_PATH, responseMode: 'onReceived', options: {} },
		webhookId: newWebhookId(),
	});
	workflow.connections['Run by webhook'] = { main: [[{ node: 'Product lines', type: 'main', index: 0 }]] };
	return workflow;
}

/**
 * The trigger example with n8n's Remove Duplicates node after the trigger, keyed on the items'
 * `dedupeKey`, as the README advises for queue mode.
 */
function triggerWorkflow(sinkUrl: string): Workflow {
	const workflow = variant(trigger, {
		id: ID.trigger,
		provider: 'replicate',
		urls: { sink: sinkUrl },
		replace: [[nodeNamed(trigger, 'Kling Video Trigger').webhookId as string, triggerWebhookId]],
	});
	const next = workflow.connections['Kling Video Trigger'];
	workflow.nodes.push({
		id: randomUUID(),
		name: REMOVE_DUPLICATES,
		type: 'n8n-nodes-base.removeDuplicates',
		typeVersion: 2,
		position: [560, 300],
		parameters: { operation: 'removeItemsSeenInPreviousExecutions', dedupeValue: '={{ $json.dedupeKey }}', options: {} },
	});
	workflow.connections['Kling Video Trigger'] = { main: [[{ node: REMOVE_DUPLICATES, type: 'main', index: 0 }]] };
	workflow.connections[REMOVE_DUPLICATES] = next;
	return workflow;
}
const REMOVE_DUPLICATES = 'Remove Duplicates';

suite('n8n queue mode: 1 main, 2 workers, 2 webhook processes, PostgreSQL and Redis', () => {
	let emulator: EmulatorProcess;
	let sink: Sink;
	let pg: Postgres | undefined;
	let redis: Redis | undefined;
	let cluster: QueueCluster;
	let main: QueueProcess;
	const workers: QueueProcess[] = [];
	const webhooks: QueueProcess[] = [];
	let rest: N8nRest;
	let pollActivatedAt = 0;
	/** Log files of every start of a worker (restarts get a new file). */
	const workerLogs: Record<string, string[]> = {};
	const report: string[] = [];
	const logs = () => join(setupResult().runDir, 'logs');

	const counters = () => emulator.control<EmulatorCounters>('GET', '/counters');
	const emulatorJobs = (provider: Provider) =>
		emulator.control<EmulatorJob[]>('GET', '/jobs').then((jobs) => jobs.filter((job) => job.provider === provider));
	const executions = (workflowId: string) => queueExecutions(cluster, workflowId);
	const describeFailure = (execution: QueueStoredExecution | undefined) =>
		execution ? `execution ${execution.id} ${execution.status}: ${execution.error ?? ''} ${JSON.stringify(execution.nodeErrors)}` : 'no execution';

	/** Which worker's log says it started each execution (a list: a job handed on after a crash is started twice). */
	function workerOf(): Map<string, string[]> {
		const owners = new Map<string, string[]>();
		for (const [name, files] of Object.entries(workerLogs)) {
			for (const file of files) {
				for (const match of tailLog(file, 1_000_000).matchAll(/Worker started execution (\d+)/g)) {
					owners.set(match[1], [...(owners.get(match[1]) ?? []), name]);
				}
			}
		}
		return owners;
	}

	async function expectVideo(item: QueueStoredItem): Promise<Buffer> {
		const binary = item.binary?.data;
		expect(binary).toMatchObject({ mimeType: 'video/mp4' });
		const stored = await queueBinary(cluster, String(binary?.id));
		expect(stored).not.toBeNull();
		expect(isMp4(stored!.bytes)).toBe(true);
		return stored!.bytes;
	}

	const folderOf = (name: string) => (sharedFolder ? cluster.userFolder : join(setupResult().runDir, `n8n-${name}`));

	async function startProcess(name: string, role: N8nRole, port: number, logName = name): Promise<QueueProcess> {
		const logFile = join(logs(), `${logName}.log`);
		if (role === 'worker') workerLogs[name] = [...(workerLogs[name] ?? []), logFile];
		const started = await startQueueProcess(cluster, { name, role, port, logFile, concurrency: 10, userFolder: folderOf(name) });
		expect(packageLoadProblems(logFile)).toBeNull();
		return started;
	}

	beforeAll(async () => {
		const { runtime, tarball, runDir } = setupResult();
		const binaries = JSON.parse(process.env.KLING_E2E_SERVICES as string) as ServiceBinaries;
		const t0 = Date.now();
		emulator = await startEmulator({ port: await freePort(), logFile: join(logs(), 'emulator.log'), queuedMs: 300, runningMs: 1500 });
		sink = await startSink(join(runDir, 'posts'));
		[pg, redis] = await Promise.all([
			startPostgres(binaries.pgBin, join(runDir, 'postgres'), join(logs(), 'postgres.log')),
			startRedis(binaries.redisServer, join(runDir, 'redis'), join(logs(), 'redis.log')),
		]);
		const tServices = Date.now();
		const ports = { main: await freePort(), webhook1: await freePort(), webhook2: await freePort(), worker1: await freePort(), worker2: await freePort() };
		cluster = queueCluster({ runtime, userFolder: join(runDir, 'n8n'), pg, redis, webhookPort: ports.webhook1 });
		const folders = sharedFolder ? [cluster.userFolder] : [cluster.userFolder, ...['main', 'worker1', 'worker2', 'webhook1', 'webhook2'].map(folderOf)];
		for (const folder of folders) await installPackage(folder, tarball);

		const workflows: Workflow[] = [
			adsWorkflow(sink.url),
			...PROVIDERS.map((p) =>
				variant(image, {
					id: ID.image(p),
					provider: p,
					urls: { sink: sink.url },
					replace: [
						['kling-image-to-video', imagePath(p)],
						[nodeNamed(image, 'Upload image').webhookId as string, newWebhookId()],
						[nodeNamed(image, 'Kling Video').webhookId as string, newWebhookId()],
					],
				}),
			),
			triggerWorkflow(sink.url),
			variant(poll, { id: ID.poll, provider: 'replicate', urls: { sink: sink.url } }),
		];
		const importDir = join(runDir, 'import');
		mkdirSync(join(importDir, 'workflows'), { recursive: true });
		writeFileSync(join(importDir, 'credentials.json'), JSON.stringify(await emulatorCredentials(emulator)));
		for (const workflow of workflows) writeFileSync(join(importDir, 'workflows', `${workflow.id}.json`), JSON.stringify(workflow));
		await n8nCli(cluster.cli, ['import:credentials', `--input=${join(importDir, 'credentials.json')}`]);
		await n8nCli(cluster.cli, ['import:workflow', '--separate', `--input=${join(importDir, 'workflows')}`]);
		const tImport = Date.now();

		main = await startProcess('main', 'main', ports.main);
		const tMain = Date.now();
		const [w1, w2, h1, h2] = await Promise.all([
			startProcess('worker1', 'worker', ports.worker1),
			startProcess('worker2', 'worker', ports.worker2),
			startProcess('webhook1', 'webhook', ports.webhook1),
			startProcess('webhook2', 'webhook', ports.webhook2),
		]);
		workers.push(w1, w2);
		webhooks.push(h1, h2);
		const tAll = Date.now();

		rest = new N8nRest(main.url);
		await rest.setupOwner({ email: 'owner@example.com', password: 'E2e-password-1', firstName: 'E2E' });
		await rest.activate(ID.ads);
		for (const p of PROVIDERS) await rest.activate(ID.image(p));
		await rest.activate(ID.trigger);
		// Publishing a polling workflow runs its first poll on the leader, which only takes note of finished jobs.
		await rest.activate(ID.poll);
		pollActivatedAt = Date.now();
		const line =
			`[e2e-queue] services (emulator, PostgreSQL ${pg.port}, Redis ${redis.port}) ${((tServices - t0) / 1000).toFixed(1)} s; ` +
			`package + import ${((tImport - tServices) / 1000).toFixed(1)} s; main ready ${((tMain - tImport) / 1000).toFixed(1)} s; ` +
			`workers and webhook processes ready ${((tAll - tMain) / 1000).toFixed(1)} s (` +
			[w1, w2, h1, h2].map((p) => `${p.name} :${p.port} ${(p.readyMs / 1000).toFixed(1)} s`).join(', ') +
			`); main :${main.port}; WEBHOOK_URL ${cluster.webhookUrl}`;
		report.push(line);
		console.log(line);
	}, 20 * 60 * 1000);

	afterAll(async () => {
		// Every process, even when a test failed: n8n first, then the queue and the database.
		for (const process_ of [...webhooks, ...workers, ...(main ? [main] : [])]) await process_.service.stop().catch(() => undefined);
		await redis?.stop().catch(() => undefined);
		await pg?.stop().catch(() => undefined);
		await stopAll();
		await sink?.close();
		if (report.length) console.log(`\n[e2e-queue] summary\n${report.join('\n')}`);
	}, 5 * 60 * 1000);

	test('(a) the weekly ad variants example runs on a worker: 9 MP4s stored and posted', async () => {
		const submitsBefore = (await counters()).totals['replicate submit'] ?? 0;
		const started = Date.now();
		const response = await fetch(`${webhooks[1].url}/webhook/${ADS_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		expect(response.status).toBe(200);
		const execution = await waitFor(
			'the ad execution to finish',
			async () => (await executions(ID.ads)).find((e) => FINAL.includes(e.status)),
			240_000,
			1000,
		);
		const seconds = (Date.now() - started) / 1000;
		expect({ status: execution.status, failure: describeFailure(execution) }).toMatchObject({ status: 'success' });
		expect(execution.mode).toBe('webhook');
		expect(await executions(ID.ads)).toHaveLength(1);
		const ranOn = workerOf().get(execution.id) ?? [];
		expect(ranOn).toHaveLength(1);
		expect(ranOn[0]).toMatch(/^worker[12]$/);

		const videos = execution.outputs['Kling Video'];
		expect(videos).toHaveLength(9);
		const products = execution.outputs['Product lines'].map((item) => item.json.product);
		const seen: string[] = [];
		for (const item of videos) {
			expect(item.json).toMatchObject({ provider: 'replicate', status: 'succeeded', operation: 'textToVideo' });
			const bytes = await expectVideo(item);
			const frame = probeMp4FrameSize(bytes);
			const shape = !frame ? 'none' : frame.width > frame.height ? '16:9' : frame.width < frame.height ? '9:16' : '1:1';
			expect(shape).toBe(item.json.aspectRatio);
			seen.push(`${products[(item.pairedItem as { item: number }).item]} ${item.json.aspectRatio}`);
		}
		expect(new Set(seen).size).toBe(9);
		expect(new Set(videos.map((item) => item.json.jobId)).size).toBe(9);
		const posted = sink.posts.filter((post) => String(post.headers['x-video-name'] ?? '').startsWith(`exec${execution.id} `));
		expect(posted).toHaveLength(9);
		for (const post of posted) expect(isMp4(readFileSync(post.file))).toBe(true);
		expect((await counters()).totals['replicate submit']).toBe(submitsBefore + 9);
		const line = `(a) ad example: 1 execution (${execution.id}, mode webhook) on ${ranOn[0]}, ${videos.length} videos, ${posted.length} posts, 9 submits; ${seconds.toFixed(1)} s`;
		report.push(line);
		console.log(line);
	});

	test.each(PROVIDERS)('(b) Wait for Webhook (%s): the callback to WEBHOOK_URL resumes the execution through webhook process 1', async (provider) => {
		await emulator.control('POST', '/config', { queuedMs: 1000, runningMs: 4000 });
		const started = Date.now();
		// Started on webhook process 2; the provider calls back on webhook process 1 (WEBHOOK_URL).
		const response = await fetch(`${webhooks[1].url}/webhook/${imagePath(provider)}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: makePng(640, 480) });
		expect(response.status).toBe(200);
		const waiting = await waitFor(
			'the execution to wait',
			async () => (await executions(ID.image(provider))).find((e) => ['waiting', ...FINAL].includes(e.status)),
			60_000,
			300,
		);
		expect({ status: waiting.status, failure: describeFailure(waiting) }).toMatchObject({ status: 'waiting' });
		const done = await waitFor(
			'the execution to finish',
			async () => (await executions(ID.image(provider))).find((e) => e.id === waiting.id && FINAL.includes(e.status)),
			120_000,
			500,
		);
		expect({ status: done.status, failure: describeFailure(done) }).toMatchObject({ status: 'success' });
		expect(await executions(ID.image(provider))).toHaveLength(1);
		const [video] = done.outputs['Kling Video'];
		expect(video.json).toMatchObject({ provider, status: 'succeeded', operation: 'imageToVideo' });
		await expectVideo(video);
		const callbacks = (await counters()).webhooksSent.filter((sent) => sent.provider === provider && sent.jobId === video.json.jobId);
		const resumedBy = callbacks.filter((sent) => sent.url.startsWith(`${webhooks[0].url}/webhook-waiting/${waiting.id}`));
		expect(resumedBy.map((sent) => sent.status)).toContain(200);
		const ranOn = [...new Set(workerOf().get(done.id) ?? [])];
		expect(ranOn.length).toBeGreaterThanOrEqual(1);
		const line = `(b) Wait for Webhook ${provider}: execution ${done.id} waited, resumed by ${resumedBy.length} callback(s) to webhook1 (statuses ${callbacks.map((c) => c.status).join(',')}), ran on ${ranOn.join('+')}; ${((Date.now() - started) / 1000).toFixed(1)} s`;
		report.push(line);
		console.log(line);
	});

	test('(c) Kling Video Trigger on both webhook processes: 10 concurrent twin pairs, 10 concurrent pairs of distinct deliveries, then every delivery repeated to the other process', async () => {
		const N = 10;
		const M = 10;
		await emulator.control('POST', '/config', { queuedMs: 0, runningMs: 0 });
		const keys = await emulator.control<{ replicateToken: string; baseUrls: { replicate: string } }>('GET', '/credentials');
		// Jobs made at the provider directly (no callback URL), then finished.
		const jobIds: string[] = [];
		for (let i = 0; i <= N + 2 * M; i++) {
			const response = await fetch(`${keys.baseUrls.replicate}/models/kwaivgi/kling-v2.6/predictions`, {
				method: 'POST',
				headers: { authorization: `Bearer ${keys.replicateToken}`, 'content-type': 'application/json' },
				body: JSON.stringify({ input: { prompt: `queue-mode trigger job ${i}` } }),
			});
			expect(response.status).toBeLessThan(300);
			const { id } = (await response.json()) as { id: string };
			await emulator.control('POST', `/jobs/replicate/${id}/finish`, { outcome: 'succeeded' });
			jobIds.push(id);
		}
		// The first job warms the workflow up alone: n8n's Remove Duplicates creates its record on
		// first use with a plain INSERT, so two executions reaching it at once the very first time
		// can fail one with a duplicate-key error (n8n's, not the package's; see the README).
		const warmUp = jobIds.shift() as string;
		const twins = jobIds.slice(0, N);
		const distinct = jobIds.slice(N);
		const url = (process_: QueueProcess) => `${process_.url}/webhook/${triggerWebhookId}/webhook`;
		const other = (name: string) => webhooks.find((process_) => process_.name !== name)!;
		const deliver = async (jobId: string, to: QueueProcess) => {
			const delivery = await emulator.control<Delivery>('POST', '/signed-delivery', { provider: 'replicate', jobId });
			return { jobId, to: to.name, delivery };
		};
		const send = async ({ jobId, to, delivery }: { jobId: string; to: string; delivery: Delivery }) => {
			const target = webhooks.find((process_) => process_.name === to)!;
			const response = await fetch(url(target), { method: 'POST', headers: delivery.headers, body: delivery.body });
			return { jobId, to, status: response.status, body: (await response.text()).slice(0, 200) };
		};
		expect((await send(await deliver(warmUp, webhooks[0]))).status).toBe(200);
		await waitFor(
			'the warm-up delivery to finish its execution',
			async () => ((await executions(ID.trigger)).some((e) => FINAL.includes(e.status)) ? true : undefined),
			120_000,
			500,
		);
		expect((await executions(ID.trigger)).map((e) => e.status)).toEqual(['success']);
		const twinDeliveries = await Promise.all(twins.flatMap((jobId) => [deliver(jobId, webhooks[0]), deliver(jobId, webhooks[1])]));
		// A twin is the same delivery (same id, signature and body) to both processes.
		for (let i = 0; i < twinDeliveries.length; i += 2) twinDeliveries[i + 1].delivery = twinDeliveries[i].delivery;
		const distinctDeliveries = await Promise.all(distinct.map((jobId, i) => deliver(jobId, webhooks[i % 2])));
		const answers = await Promise.all([...twinDeliveries, ...distinctDeliveries].map(send));
		for (const answer of answers) expect({ answer }).toMatchObject({ answer: { status: 200 } });

		const jobOf = (execution: QueueStoredExecution) => String(execution.outputs['Kling Video Trigger']?.[0]?.json.jobId ?? '');
		const started = async () => {
			const list = (await executions(ID.trigger)).filter((execution) => jobOf(execution) !== warmUp);
			const perJob = new Map<string, QueueStoredExecution[]>();
			for (const execution of list) {
				const jobId = String(execution.outputs['Kling Video Trigger']?.[0]?.json.jobId ?? '');
				perJob.set(jobId, [...(perJob.get(jobId) ?? []), execution]);
			}
			return { list, perJob };
		};
		const settled = async (expected: (list: QueueStoredExecution[]) => boolean, what: string) => {
			await waitFor(
				what,
				async () => {
					const { list } = await started();
					return expected(list) && list.every((e) => FINAL.includes(e.status)) ? true : undefined;
				},
				180_000,
				1000,
			).catch(async (error: Error) => {
				const { list } = await started();
				throw new Error(`${error.message}: ${list.map(describeFailure).join(' | ')}`);
			});
			// Executions a late duplicate would start are given time to appear.
			await sleep(5000);
			return await started();
		};
		const burst = await settled(
			(list) => jobIds.every((jobId) => list.some((e) => e.outputs['Kling Video Trigger']?.[0]?.json.jobId === jobId)),
			'every job to start at least one execution, and every execution to finish',
		);
		const stored = await queueStaticData(cluster, ID.trigger);
		const emittedKeys = new Set(((stored['node:Kling Video Trigger'] as { emittedJobs?: [string, number][] } | undefined)?.emittedJobs ?? []).map(([key]) => key));
		const recordedAfterBurst = jobIds.filter((jobId) => emittedKeys.has(`${jobId}:succeeded`)).length;

		// Later repeats (a provider's retry): each delivery again, one at a time, to the process that did not take it.
		const repeats = [...twinDeliveries.filter((_, i) => i % 2 === 0), ...distinctDeliveries].map((d) => ({ ...d, to: other(d.to).name }));
		const repeatAnswers: Awaited<ReturnType<typeof send>>[] = [];
		for (const repeat of repeats) repeatAnswers.push(await send(repeat));
		for (const answer of repeatAnswers) expect({ answer }).toMatchObject({ answer: { status: 200 } });
		const after = await settled((list) => list.length >= burst.list.length, 'the repeats to be answered and any execution they started to finish');

		for (const execution of after.list) {
			expect(execution.status === 'success' ? 'success' : describeFailure(execution)).toBe('success');
			const [item] = execution.outputs['Kling Video Trigger'];
			expect(item.json).toMatchObject({ provider: 'replicate', status: 'succeeded', dedupeKey: `replicate:${String(item.json.jobId)}:succeeded` });
			expect(jobIds).toContain(String(item.json.jobId));
			await expectVideo(item);
		}
		const count = (perJob: Map<string, QueueStoredExecution[]>, jobs: string[]) => jobs.reduce((sum, jobId) => sum + (perJob.get(jobId)?.length ?? 0), 0);
		const passed = (jobs: string[]) =>
			after.list.filter((e) => jobs.includes(String(e.outputs['Kling Video Trigger']?.[0]?.json.jobId)) && (e.outputs[REMOVE_DUPLICATES]?.length ?? 0) > 0).length;
		const posted = new Map<string, number>();
		for (const e of after.list) if ((e.outputs[REMOVE_DUPLICATES]?.length ?? 0) > 0) {
			const jobId = String(e.outputs['Kling Video Trigger'][0].json.jobId);
			posted.set(jobId, (posted.get(jobId) ?? 0) + 1);
		}
		for (const jobId of jobIds) expect(after.perJob.get(jobId)?.length ?? 0).toBeGreaterThanOrEqual(1);
		const row = (label: string, jobs: string[], deliveries: number) => {
			const burstRuns = count(burst.perJob, jobs);
			const allRuns = count(after.perJob, jobs);
			const recorded = jobs.filter((jobId) => emittedKeys.has(`${jobId}:succeeded`)).length;
			const postedTwice = jobs.filter((jobId) => (posted.get(jobId) ?? 0) > 1).length;
			return `| ${label} | ${jobs.length} | ${deliveries} | ${burstRuns} | ${recorded} of ${jobs.length} | ${allRuns - burstRuns} | ${passed(jobs)} | ${postedTwice} | ${jobs.filter((j) => !posted.get(j)).length} |`;
		};
		const table = [
			'(c) Kling Video Trigger on 2 webhook processes (replicate deliveries; the burst sent at once, the repeats one at a time to the other process)',
			'| kind | jobs | burst deliveries | executions started by the burst | keys in static data after the burst | executions started by the repeats | executions past Remove Duplicates | jobs posted twice | jobs not posted |',
			'|---|---|---|---|---|---|---|---|---|',
			row('twin pair (same delivery to webhook1 and webhook2)', twins, 2 * N),
			row('distinct (one job per process, pairs at once)', distinct, 2 * M),
			'per job (burst→after repeats): ' + jobIds.map((j) => `${j.slice(0, 6)} ${twins.includes(j) ? 'T' : 'D'} ${burst.perJob.get(j)?.length ?? 0}→${after.perJob.get(j)?.length ?? 0}`).join(', '),
		].join('\n');
		report.push(table);
		console.log(table);
		// No job is lost: every one reached the posting node at least once.
		expect(jobIds.filter((jobId) => !posted.get(jobId))).toEqual([]);
		// A distinct delivery in the burst is one execution.
		expect(count(burst.perJob, distinct)).toBe(distinct.length);
		expect(recordedAfterBurst).toBeGreaterThan(0);
	});

	test('(d) Kling Video Jobs Trigger on the leader main: each job finished after publishing is emitted once', async () => {
		const emitted = async () =>
			(await executions(ID.poll)).flatMap((execution) => (execution.outputs['Kling Video Jobs Trigger'] ?? []).map((item) => String(item.json.jobId)));
		const jobs = await emulatorJobs('replicate');
		const expected = jobs.filter((job) => Date.parse(job.createdAt) > pollActivatedAt && job.state === 'succeeded').map((job) => job.id);
		expect(expected.length).toBeGreaterThan(0);
		await waitFor(
			`the poll to emit ${expected.length} jobs`,
			async () => {
				const ids = await emitted();
				return expected.every((jobId) => ids.includes(jobId)) ? ids : undefined;
			},
			180_000,
			2000,
		);
		const lists = (await counters()).totals['replicate list'] ?? 0;
		await waitFor('one more poll', async () => (((await counters()).totals['replicate list'] ?? 0) > lists ? true : undefined), 120_000, 2000);
		await waitFor('poll executions to finish', async () => ((await executions(ID.poll)).every((e) => FINAL.includes(e.status)) ? true : undefined), 120_000, 1000);
		const ids = await emitted();
		const duplicates = ids.length - new Set(ids).size;
		const list = await executions(ID.poll);
		for (const execution of list) expect({ status: execution.status, failure: describeFailure(execution) }).toMatchObject({ status: 'success' });
		const ranOn = list.map((e) => (workerOf().get(e.id) ?? ['?']).join('+'));
		// The leader main polls and enqueues; the workers run the executions.
		const mainLog = tailLog(main.logFile, 1_000_000);
		for (const execution of list) {
			expect(execution.mode).toBe('trigger');
			expect(mainLog).toContain(`Enqueued execution ${execution.id} `);
		}
		const line = `(d) Jobs Trigger: ${expected.length} jobs finished after publishing, ${ids.length} emitted in ${list.length} executions (enqueued by main, ran on ${[...new Set(ranOn)].join(', ')}), duplicates ${duplicates}`;
		report.push(line);
		console.log(line);
		expect(duplicates).toBe(0);
		expect([...new Set(ids)].sort()).toEqual(expect.arrayContaining([...expected].sort()));
		// Emitted jobs are all from after publishing (the first poll only took note).
		for (const jobId of ids) expect(jobs.find((job) => job.id === jobId) && Date.parse(jobs.find((job) => job.id === jobId)!.createdAt) > pollActivatedAt).toBe(true);
	});

	test('(e1) a worker killed (SIGKILL) and restarted in the middle of a batch of ad executions', async () => {
		const BATCH = 4;
		await emulator.control('POST', '/config', { queuedMs: 500, runningMs: 8000 });
		const before = new Set((await executions(ID.ads)).map((e) => e.id));
		const batchStart = Date.now();
		for (let i = 0; i < BATCH; i++) {
			const response = await fetch(`${webhooks[i % 2].url}/webhook/${ADS_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
			expect(response.status).toBe(200);
		}
		const batch = async () => (await executions(ID.ads)).filter((e) => !before.has(e.id));
		// Kill the worker that holds the most running executions of the batch, once it has submitted jobs.
		const victim = await waitFor(
			'batch executions running on a worker',
			async () => {
				const list = await batch();
				if (list.length < BATCH) return undefined;
				const owners = workerOf();
				const running = list.filter((e) => e.status === 'running' && owners.has(e.id));
				if (!running.length) return undefined;
				const submits = (await emulatorJobs('replicate')).filter((job) => Date.parse(job.createdAt) >= batchStart).length;
				if (submits < 3) return undefined;
				const byWorker = workers.map((w) => ({ w, n: running.filter((e) => owners.get(e.id)!.includes(w.name)).length }));
				return byWorker.sort((a, b) => b.n - a.n)[0].w;
			},
			120_000,
			250,
		);
		const ownersAtKill = workerOf();
		const onVictim = (await batch()).filter((e) => ownersAtKill.get(e.id)?.includes(victim.name)).map((e) => e.id);
		const submitsAtKill = (await emulatorJobs('replicate')).filter((job) => Date.parse(job.createdAt) >= batchStart).length;
		const killedAt = Date.now();
		await killProcess(victim);
		const index = workers.indexOf(victim);
		const restarted = await startProcess(victim.name, 'worker', victim.port, `${victim.name}-restart`);
		workers[index] = restarted;
		const restartMs = Date.now() - killedAt;

		// What is still open when the wait gives up shows in the statuses below.
		const batchEnded = async (timeoutMs: number) =>
			await waitFor('every batch execution to end', async () => ((await batch()).every((e) => FINAL.includes(e.status)) ? true : undefined), timeoutMs, 2000).catch(
				() => undefined,
			);
		await batchEnded(360_000);
		// Past Bull's lock (30 s) and stalled check (15 s): a job of the killed worker handed on to another would show now.
		const observeUntil = killedAt + 75_000;
		if (Date.now() < observeUntil) await sleep(observeUntil - Date.now());
		await batchEnded(240_000);
		const settled = await batch();
		const owners = workerOf();
		const submitted = (await emulatorJobs('replicate')).filter((job) => Date.parse(job.createdAt) >= batchStart && job.operation === 'textToVideo');
		const seenIds = new Set<string>();
		const wrong: string[] = [];
		for (const execution of settled) {
			for (const item of execution.outputs['Kling Video'] ?? []) {
				if (item.json.jobId) seenIds.add(String(item.json.jobId));
				const hasVideo = item.binary?.data !== undefined;
				if (execution.status === 'success' && !hasVideo && item.json.error === undefined && item.error === undefined) wrong.push(`${execution.id}: ${JSON.stringify(item.json).slice(0, 200)}`);
				if (hasVideo) await expectVideo(item);
			}
			const text = `${execution.error ?? ''} ${JSON.stringify(execution.nodeErrors)}`;
			for (const job of submitted) if (text.includes(job.id)) seenIds.add(job.id);
		}
		const notInBatch = submitted.filter((job) => !seenIds.has(job.id));
		// What a killed execution had submitted is in none of n8n's records of it (its run data is saved
		// only at the end). The Kling Video Jobs Trigger (qPoll, active on the leader) lists the
		// account's jobs every minute and emits each finished one: that is where they surface.
		const pollEmitted = async () =>
			new Set((await executions(ID.poll)).flatMap((e) => (e.outputs['Kling Video Jobs Trigger'] ?? []).map((item) => String(item.json.jobId))));
		const emittedByPoll = notInBatch.length
			? await waitFor(
					'the Jobs Trigger to emit the jobs the killed executions had submitted',
					async () => {
						const ids = await pollEmitted();
						return notInBatch.every((job) => ids.has(job.id)) ? ids : undefined;
					},
					180_000,
					3000,
				).catch(() => pollEmitted())
			: new Set<string>();
		const lost = notInBatch.filter((job) => !emittedByPoll.has(job.id)).map((job) => `${job.id} (${job.state})`);
		const statuses = settled.map(
			(e) =>
				`${e.id}:${e.status}${e.status === 'success' ? `(${e.outputs['Kling Video']?.length ?? 0} videos)` : ''} on ${(owners.get(e.id) ?? ['?']).join('→')}` +
				(e.status === 'success' ? '' : ` [${(e.error ?? Object.values(e.nodeErrors).join('; ')).slice(0, 90)}]`),
		);
		const line =
			`(e1) worker kill: killed ${victim.name} (SIGKILL) holding executions [${onVictim.join(', ')}], restarted and ready in ${(restartMs / 1000).toFixed(1)} s; ` +
			`batch of ${BATCH}: ${statuses.join('; ')}; ${submitted.length} jobs submitted (${submitsAtKill} before the kill; ${BATCH * 9} if every execution had finished), ` +
			`${submitted.length - notInBatch.length} in the batch's outputs or errors, ${notInBatch.length} only at the provider, ` +
			`${notInBatch.length - lost.length} of those emitted by the Jobs Trigger, lost ${lost.length}${lost.length ? ` (${lost.slice(0, 3).join(', ')}…)` : ''}` +
			`; settled ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`;
		report.push(line);
		console.log(line);
		expect(settled).toHaveLength(BATCH);
		for (const execution of settled) expect(FINAL).toContain(execution.status);
		expect(wrong).toEqual([]);
		for (const execution of settled) if (execution.status === 'success') expect(execution.outputs['Kling Video']).toHaveLength(9);
		// Nothing duplicated: no execution was run again (that would submit its jobs again).
		expect(submitted.length).toBeLessThanOrEqual(BATCH * 9);
		expect(new Set(settled.flatMap((e) => (e.outputs['Kling Video'] ?? []).map((item) => String(item.json.jobId)))).size).toBe(
			settled.flatMap((e) => e.outputs['Kling Video'] ?? []).length,
		);
		// Nothing lost: every submitted job is in the batch's outputs or errors, or was emitted by the Jobs Trigger.
		expect(lost).toEqual([]);
	});

	test('(e2) webhook process 1 (WEBHOOK_URL) killed and restarted while Wait for Webhook executions wait', async () => {
		const providers: Provider[] = ['replicate', 'fal', 'wavespeed'];
		await emulator.control('POST', '/config', { queuedMs: 1000, runningMs: 12000, webhookRetryDelayMs: 5000, webhookAttempts: 6 });
		const before = new Map<Provider, Set<string>>();
		for (const p of providers) before.set(p, new Set((await executions(ID.image(p))).map((e) => e.id)));
		const startedAt = Date.now();
		for (const p of providers) {
			const response = await fetch(`${webhooks[1].url}/webhook/${imagePath(p)}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: makePng(640, 480) });
			expect(response.status).toBe(200);
		}
		const fresh = async () =>
			(await Promise.all(providers.map(async (p) => (await executions(ID.image(p))).filter((e) => !before.get(p)!.has(e.id))))).flat();
		await waitFor('the executions to wait', async () => {
			const list = await fresh();
			return list.length === providers.length && list.every((e) => e.status === 'waiting') ? list : undefined;
		}, 90_000, 300);
		const victim = webhooks[0];
		const killedAt = Date.now();
		await killProcess(victim);
		// Down for a while: callbacks that arrive meanwhile are refused and retried by the provider.
		await sleep(8000);
		const restarted = await startProcess(victim.name, 'webhook', victim.port, `${victim.name}-restart`);
		webhooks[0] = restarted;
		const restartMs = Date.now() - killedAt;

		const settled = await waitFor(
			'the waiting executions to end',
			async () => {
				const list = await fresh();
				return list.every((e) => FINAL.includes(e.status)) ? list : undefined;
			},
			240_000,
			1000,
		).catch(async () => fresh());
		const submitted = (await emulator.control<EmulatorJob[]>('GET', '/jobs')).filter(
			(job) => providers.includes(job.provider) && job.operation === 'imageToVideo' && Date.parse(job.createdAt) >= startedAt,
		);
		const sent = (await counters()).webhooksSent.filter((s) => submitted.some((job) => job.id === s.jobId));
		const seenIds = new Set<string>();
		const wrong: string[] = [];
		for (const execution of settled) {
			for (const item of execution.outputs['Kling Video'] ?? []) {
				if (item.json.jobId) seenIds.add(String(item.json.jobId));
				const hasVideo = item.binary?.data !== undefined;
				if (execution.status === 'success' && !hasVideo && item.json.error === undefined) wrong.push(`${execution.id}: ${JSON.stringify(item.json).slice(0, 200)}`);
				if (hasVideo) await expectVideo(item);
			}
			const text = `${execution.error ?? ''} ${JSON.stringify(execution.nodeErrors)}`;
			for (const job of submitted) if (text.includes(job.id)) seenIds.add(job.id);
		}
		const missing = submitted.filter((job) => !seenIds.has(job.id)).map((job) => job.id);
		const line =
			`(e2) webhook process kill: killed webhook1 while ${settled.length} executions waited, down 8 s, restarted and ready in ${(restartMs / 1000).toFixed(1)} s after the kill; ` +
			`executions: ${settled.map((e) => `${e.id}:${e.status}${e.status === 'success' ? '' : ` [${(e.error ?? Object.values(e.nodeErrors).join('; ')).slice(0, 90)}]`}`).join(', ')}; ` +
			`callbacks: ${providers.map((p) => `${p} ${sent.filter((s) => s.provider === p).map((s) => s.status || 'refused').join(',')}`).join('; ')}; ` +
			`${submitted.length} jobs submitted, ${submitted.length - missing.length} found in outputs or errors; settled ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`;
		report.push(line);
		console.log(line);
		expect(settled).toHaveLength(providers.length);
		expect(wrong).toEqual([]);
		expect(missing).toEqual([]);
		for (const execution of settled) expect(FINAL).toContain(execution.status);
	});
});
