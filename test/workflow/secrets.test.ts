/**
 * Secrets never leak. The emulator accepts recognisable keys (and signs with recognisable webhook
 * secrets); the wrong-key runs use equally recognisable keys it refuses. Every operation and
 * every failure runs inside n8n's engine — success, upload, Submit Only, Get Job, Cancel Job,
 * Wait for Webhook with a forged delivery, auth failure, 422 and content policy, timeout,
 * provider down, bad input, the trigger's rejections — and none of the keys, nor a Kling JWT
 * made from them, may appear in an output item, an error (message, description, context, the
 * provider's response), the execution as stored, a webhook answer, or a log line (n8n's logger
 * at debug level, the console, stdout and stderr, all captured during the runs).
 */
// n8n's logger reads these when the harness first builds it: everything it would log is captured.
process.env.N8N_LOG_LEVEL = 'debug';
process.env.N8N_LOG_OUTPUT = 'console';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { CREDENTIAL_TYPES } from '../../nodes/shared/credentials';
import type { ProviderId } from '../../nodes/shared/job';
import { startEmulator, type EmulatedJob, type Emulator } from '../emulator';
import type { EmulatorCredentials } from '../emulator/credentials';
import { makePng } from '../fixtures/images';
import {
	callWaitingWebhook,
	callWebhook,
	chain,
	ensureEnvironment,
	KLING_VIDEO_TRIGGER_NODE_TYPE,
	makeBinary,
	node,
	runWorkflow,
	startNode,
	storedExecution,
	type HarnessCredentials,
	type RunResult,
	type WebhookCallResult,
} from '../harness';
import { emulatorCredentialData } from '../support/emulatorCredentials';
import { NODE_NAME, PROVIDERS, TEXT_TO_VIDEO } from './support';

const SECRETS: EmulatorCredentials = {
	replicateToken: 'r8_LEAKCANARYreplicateToken7Q2w',
	falKey: 'LEAKCANARYfalKeyId4Xk:LEAKCANARYfalKeySecret9Zp',
	wavespeedKey: 'wsk_LEAKCANARYwavespeedKey3Mv',
	klingAccessKey: 'LEAKCANARYklingAccessKey8Rt',
	klingSecretKey: 'LEAKCANARYklingSecretKey5Yn',
	replicateWebhookSecret: `whsec_${Buffer.from('LEAKCANARYreplicateWebhookKey!!').toString('base64')}`,
	wavespeedWebhookSecret: 'whsec_LEAKCANARYwavespeedWebhookSecret1Hs',
	falUserId: 'emulator-user',
};

/** Keys the emulator refuses, for the auth-failure runs: they must not leak either. */
const WRONG = {
	replicate: { apiToken: 'r8_LEAKCANARYwrongReplicateToken6Ub' },
	fal: { apiKey: 'LEAKCANARYwrongFalId:LEAKCANARYwrongFalSecret2Gd' },
	wavespeed: { apiKey: 'wsk_LEAKCANARYwrongWavespeedKey0Jc' },
	kling: { accessKey: 'LEAKCANARYwrongKlingAccess7Fe', secretKey: 'LEAKCANARYwrongKlingSecret4Ww' },
};

/** Every secret, and the parts of it a careless message might quote. */
const NEEDLES: string[] = [
	...new Set([
	...Object.entries(SECRETS)
		.filter(([name]) => name !== 'falUserId')
		.flatMap(([, value]) => [value, ...value.split(':'), value.replace(/^whsec_/, '')]),
	'LEAKCANARYreplicateWebhookKey',
	...Object.values(WRONG).flatMap((keys) => Object.values(keys).flatMap((value) => [value, ...value.split(':')])),
	]),
];
/** A JWT (Kling signs one per request from the access and secret key) or an Authorization header value. */
const TOKEN_PATTERNS = [/eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/, /\b(Bearer|Key) [\w:.-]{8,}/];

let emulator: Emulator;
const captured: string[] = [];
/** How much was captured over all tests: the proof that the capture sees n8n's logging. */
let capturedChars = 0;
const restore: Array<() => void> = [];

beforeAll(async () => {
	emulator = await startEmulator({ port: 0, timings: { queuedMs: 20, runningMs: 80 }, credentials: SECRETS });
	await ensureEnvironment();
	// Every log line n8n's logger is given (message and metadata, before any formatting), then
	// whatever reaches the console or the process's streams. Recorded, not printed: the logger's
	// console transport holds its own reference to console.log, which no spy would silence.
	const logger = Container.get(Logger) as unknown as Record<string, (...args: unknown[]) => unknown>;
	for (const level of ['error', 'warn', 'info', 'debug'] as const) {
		const spy = jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
			captured.push(serialise(args));
		});
		restore.push(() => spy.mockRestore());
	}
	for (const stream of [process.stdout, process.stderr]) {
		const spy = jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
			captured.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
			return true;
		});
		restore.push(() => spy.mockRestore());
	}
	for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
		const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
			captured.push(serialise(args));
		});
		restore.push(() => spy.mockRestore());
	}
});

afterAll(async () => {
	for (const undo of restore.splice(0)) undo();
	await emulator.close();
});

beforeEach(() => {
	emulator.reset();
	emulator.configure({ webhookAttempts: 1, webhookRetryDelayMs: 0 });
});

// ---------------------------------------------------------------------------------------------
// Looking for the needles

/** Every string reachable from a value: own properties (enumerable or not, so an Error's message, stack and cause too), keys included. */
function strings(value: unknown, out: string[] = [], seen = new WeakSet<object>(), depth = 0): string[] {
	if (typeof value === 'string') out.push(value);
	else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') out.push(String(value));
	else if (Buffer.isBuffer(value)) out.push(value.toString('utf8'));
	else if (value && typeof value === 'object' && !seen.has(value) && depth < 40) {
		seen.add(value);
		for (const key of Reflect.ownKeys(value)) {
			if (typeof key !== 'string') continue;
			out.push(key);
			let inner: unknown;
			try {
				inner = (value as Record<string, unknown>)[key];
			} catch {
				continue;
			}
			strings(inner, out, seen, depth + 1);
		}
	}
	return out;
}

function serialise(value: unknown): string {
	return strings(value).join('\n');
}

function leaks(haystack: string): string[] {
	const found = NEEDLES.filter((needle) => haystack.includes(needle));
	for (const pattern of TOKEN_PATTERNS) {
		const match = pattern.exec(haystack);
		if (match) found.push(match[0]);
	}
	return found;
}

/** What one scenario left behind: its runs, their stored executions, webhook answers. */
const evidence: Array<{ label: string; text: string }> = [];

function keep(label: string, ...things: unknown[]) {
	const parts: unknown[] = [];
	for (const thing of things) {
		parts.push(thing);
		const run = thing as RunResult;
		if (run && typeof run === 'object' && 'executionId' in run && 'run' in run) parts.push(storedExecution(run.executionId));
	}
	evidence.push({ label, text: serialise(parts) });
}

afterEach(() => {
	const { currentTestName } = expect.getState();
	const logs = captured.splice(0).join('\n');
	capturedChars += logs.length;
	const items = [...evidence.splice(0), { label: 'logs, console, stdout and stderr', text: logs }];
	const found = items.flatMap((item) => leaks(item.text).map((leak) => `${item.label}: ${leak}`));
	if (found.length) throw new Error(`${currentTestName} leaked secrets:\n${found.join('\n')}`);
});

// ---------------------------------------------------------------------------------------------
// Running the node

function credentialsFor(provider: ProviderId, wrong = false): HarnessCredentials {
	return { [CREDENTIAL_TYPES[provider]]: { ...emulatorCredentialData(provider, emulator), ...(wrong ? WRONG[provider] : {}) } };
}

async function run(provider: ProviderId, parameters: INodeParameters, options: { wrong?: boolean; continueOnFail?: boolean; binary?: IDataObject } = {}) {
	return await runWorkflow({
		nodes: [startNode(), node(NODE_NAME, { provider, ...parameters }, options.continueOnFail ? { onError: 'continueRegularOutput' } : {})],
		connections: chain('Start', NODE_NAME),
		credentials: credentialsFor(provider, options.wrong),
		inputItems: [{ json: {}, ...(options.binary ? { binary: options.binary as never } : {}) }],
	});
}

const t2v = (_provider: ProviderId): INodeParameters => ({ ...TEXT_TO_VIDEO, generateAudio: false, quality: 'pro' });

async function settleWebhooks(job: EmulatedJob) {
	for (let waited = 0; waited < 5_000; waited += 25) {
		await emulator.webhooksIdle();
		const sent = emulator.counters().webhooksSent.filter((record) => record.jobId === job.id);
		if (sent.some((record) => ['completed', 'succeeded', 'succeed', 'OK'].includes(record.event))) return sent;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	throw new Error(`no terminal webhook for ${job.provider} job ${job.id}`);
}

// ---------------------------------------------------------------------------------------------

describe.each(PROVIDERS)('%s', (provider) => {
	it('success with download, an uploaded image, Submit Only, Get Job, Cancel Job', async () => {
		const generated = await run(provider, t2v(provider));
		expect(generated.outputOf(NODE_NAME)[0].json.status).toBe('succeeded');
		const image = await makeBinary(makePng(640, 640), 'frame.png', 'image/png');
		const animated = await run(provider, { operation: 'imageToVideo', prompt: 'It turns', startImageSource: 'binary', startImageBinaryProperty: 'image', generateAudio: false, quality: 'pro' }, { binary: { image } });
		expect(animated.outputOf(NODE_NAME)[0].json.status).toBe('succeeded');
		const submitted = await run(provider, { ...t2v(provider), waitMode: 'submitOnly', callbackUrl: 'https://hooks.example.com/kling' });
		const jobId = submitted.outputOf(NODE_NAME)[0].json.jobId as string;
		const read = await run(provider, { operation: 'getJob', jobId, jobOptions: { downloadVideo: true } });
		expect(read.outputOf(NODE_NAME)[0].json.jobId).toBe(jobId);
		const runs: RunResult[] = [generated, animated, submitted, read];
		if (provider === 'replicate' || provider === 'fal') {
			const canceled = await run(provider, { operation: 'cancelJob', jobId }, { continueOnFail: true });
			runs.push(canceled);
		}
		keep('successful runs', ...runs);
	});

	it('auth failure with keys the provider refuses', async () => {
		const stopped = await run(provider, t2v(provider), { wrong: true });
		expect(stopped.error?.message).toMatch(/401|auth|key|Authentication|token/i);
		const continued = await run(provider, t2v(provider), { wrong: true, continueOnFail: true });
		expect(continued.outputOf(NODE_NAME)[0].json.error).toBeDefined();
		const getJob = await run(provider, { operation: 'getJob', jobId: 'some-job' }, { wrong: true, continueOnFail: true });
		expect(getJob.outputOf(NODE_NAME)[0].json.error).toBeDefined();
		keep('auth failures', stopped, continued, getJob);
	});

	it('content policy (fal: its 422 result) and a timeout', async () => {
		emulator.injectFault({ provider, kind: 'contentPolicy' });
		const refused = await run(provider, t2v(provider));
		expect(refused.error?.message).toBeDefined();
		emulator.injectFault({ provider, kind: 'stuck' });
		const late = await run(provider, { ...t2v(provider), timeoutMinutes: 0.01 }, { continueOnFail: true });
		expect(late.outputOf(NODE_NAME)[0].json.error).toMatch(/still (queued|running)/);
		keep('content policy and timeout', refused, late);
	});

	it('bad input', async () => {
		const invalid = await run(provider, { ...t2v(provider), prompt: 'x'.repeat(2501) });
		expect(invalid.error?.name).toBe('NodeOperationError');
		keep('bad input', invalid);
	});

	it('Wait for Webhook: a forged delivery is refused, the genuine one resumes', async () => {
		const waiting = await run(provider, { ...t2v(provider), waitMode: 'waitForWebhook' });
		expect(waiting.status).toBe('waiting');
		const job = emulator.jobs(provider)[0];
		const sent = await settleWebhooks(job);
		const terminal = sent[sent.length - 1];
		const calls: WebhookCallResult[] = [];
		if (provider !== 'kling') {
			const forged = emulator.signedDelivery(provider, job.id, { wrongSecret: true });
			calls.push(await callWaitingWebhook(waiting, { url: terminal.url, headers: forged.headers, rawBody: Buffer.from(forged.body) }));
			expect(calls[0].response.statusCode).toBe(401);
		} else {
			calls.push(await callWaitingWebhook(waiting, { url: terminal.url, headers: { 'content-type': 'application/json' }, rawBody: Buffer.from('{"task_id":"nope"}') }));
			expect(calls[0].response.statusCode).toBe(401);
		}
		const resumed = await callWaitingWebhook(waiting, { url: terminal.url, headers: terminal.headers, rawBody: Buffer.from(terminal.body) });
		expect(resumed.result?.status).toBe('success');
		keep('webhook answers and the resumed run', waiting, ...calls, resumed);
	});

	it('the Kling Video Trigger refuses forged deliveries and emits a good one', async () => {
		const submitted = await run(provider, { ...t2v(provider), waitMode: 'submitOnly', callbackUrl: 'https://hooks.example.com/kling' });
		const jobId = submitted.outputOf(NODE_NAME)[0].json.jobId as string;
		emulator.finishJob(provider, jobId);
		const trigger = node('Kling Video Trigger', { provider }, { type: KLING_VIDEO_TRIGGER_NODE_TYPE, webhookId: 'c0ffee00-0000-4000-8000-00000000000a' });
		const deliverTo = (delivery: { headers: Record<string, string>; body: string }, wrong = false) =>
			callWebhook({
				nodes: [trigger],
				connections: {},
				credentials: credentialsFor(provider, wrong),
				webhookNode: 'Kling Video Trigger',
				request: { headers: delivery.headers, rawBody: Buffer.from(delivery.body) },
			});
		const json = { 'content-type': 'application/json' };
		const rejected =
			provider === 'kling'
				? // Unsigned: the body only names a task, which the API is asked about.
					[{ headers: json, body: '{"task_id":"no-such-task"}' }, { headers: json, body: 'not json' }]
				: [emulator.signedDelivery(provider, jobId, { tamper: true }), emulator.signedDelivery(provider, jobId, { timestampOffsetSeconds: -400 })];
		const calls = [];
		for (const delivery of rejected) calls.push(await deliverTo(delivery));
		// fal's keys are public (JWKS): its signature holds whatever the trigger's credential is.
		if (provider !== 'fal') {
			// The trigger's own credential is refused while it checks the delivery (fetching the secret, or Kling's re-read).
			calls.push(await deliverTo(emulator.signedDelivery(provider, jobId), true));
		}
		for (const call of calls) expect(call.result).toBeUndefined();
		const good = await deliverTo(emulator.signedDelivery(provider, jobId));
		expect(good.result?.outputOf('Kling Video Trigger')[0].json.jobId).toBe(jobId);
		keep('trigger answers', submitted, ...calls, good);
	});
});

it('provider down: 5xx on every call, and a refused connection (all providers at once)', async () => {
	for (const provider of PROVIDERS) emulator.injectFault({ provider, kind: '5xx', status: 503, times: -1 });
	const down = await Promise.all(PROVIDERS.map((provider) => run(provider, t2v(provider), { continueOnFail: true })));
	for (const result of down) expect(result.outputOf(NODE_NAME)[0].json.error).toBeDefined();
	emulator.reset();
	const refused = await Promise.all(
		PROVIDERS.map(async (provider) => {
			const credentials = credentialsFor(provider);
			for (const data of Object.values(credentials)) data.baseUrl = String(data.baseUrl).replace(/:\d+/, ':9');
			return await runWorkflow({
				nodes: [startNode(), node(NODE_NAME, { provider, ...t2v(provider) }, { onError: 'continueRegularOutput' })],
				connections: chain('Start', NODE_NAME),
				credentials,
			});
		}),
	);
	for (const result of refused) expect(result.outputOf(NODE_NAME)[0].json.error).toBeDefined();
	keep('provider down', ...down, ...refused);
}, 60_000);

it('the capture works: n8n logged during these runs, and a planted secret is found', () => {
	// Without this, a silent logger would let the log check pass for the wrong reason.
	expect(capturedChars).toBeGreaterThan(1000);
	expect(leaks(`error: ${SECRETS.klingSecretKey}`)).toEqual([SECRETS.klingSecretKey]);
	expect(leaks('authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhYmMifQ.c2lnbmF0dXJlMTIz').length).toBeGreaterThan(0);
});
