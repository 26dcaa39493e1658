/**
 * The controls under `/_emulator/`, for a running emulator (the CLI, a workflow test in another
 * process). They mirror the in-process API one to one; control requests are never counted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateFault } from './faults';
import { randomId } from './providers/shared';
import type { ControlHandler } from './server';
import { JobStore, type SeedOptions } from './store';
import { PROVIDERS, type ProviderName } from './types';
import type { Emulator } from './index';

const ROUTES = [
	'GET  /_emulator/counters',
	'POST /_emulator/reset',
	'GET  /_emulator/config',
	'POST /_emulator/config {queuedMs?, runningMs?, concurrencyLimit?, outputBytes?, webhookRetryDelayMs?, webhookAttempts?}',
	'GET  /_emulator/faults',
	'POST /_emulator/faults {provider?, route?, kind, times?, status?, retryAfterSeconds?} or an array of them',
	'GET  /_emulator/jobs',
	'POST /_emulator/jobs/{provider}/{id}/finish {outcome?: "succeeded" | "failed"}',
	'POST /_emulator/jobs/{provider}/{id}/seed {count, state?: "succeeded" | "failed" | "running", newestAt?, spacingMs?} (test-only history: copies of the job)',
	'POST /_emulator/signed-delivery {provider, jobId, tamper?, timestampOffsetSeconds?, omitHeader?, wrongSecret?}',
	'GET  /_emulator/credentials',
];

function send(res: ServerResponse, status: number, body: unknown): void {
	const bytes = Buffer.from(JSON.stringify(body, null, 2));
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length });
	res.end(bytes);
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const text = Buffer.concat(chunks).toString('utf8').trim();
	return text === '' ? {} : JSON.parse(text);
}

const MAX_SEEDED = 100_000;

/** The seed route's body, checked: `count` copies, the newest ending now (or at `newestAt`), 1 s apart unless told. */
function seedOptions(body: unknown): SeedOptions & { count: number } {
	const { count, state = 'succeeded', newestAt, spacingMs = 1000 } = (body ?? {}) as Record<string, unknown>;
	if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > MAX_SEEDED) throw new Error(`count must be an integer from 1 to ${MAX_SEEDED}`);
	if (state !== 'succeeded' && state !== 'failed' && state !== 'running') throw new Error('state must be succeeded, failed or running');
	const newest = newestAt === undefined ? Date.now() : typeof newestAt === 'string' ? Date.parse(newestAt) : Number(newestAt);
	if (!Number.isFinite(newest)) throw new Error('newestAt must be a time (ms since the epoch or ISO 8601)');
	if (typeof spacingMs !== 'number' || !Number.isFinite(spacingMs) || spacingMs < 0) throw new Error('spacingMs must be a number >= 0');
	return { count: count as number, state, newestAt: newest, spacingMs };
}

/**
 * The job store behind the in-process API. Seeding is a test-only control with no in-process
 * method (index.ts stays as it is), so the route reaches the store the emulator instance keeps.
 */
function storeOf(api: Emulator): JobStore {
	const store = (api as unknown as { store?: unknown }).store;
	if (!(store instanceof JobStore)) throw new Error('this emulator has no job store to seed');
	return store;
}

export function controlHandler(emulator: () => Emulator): ControlHandler {
	return async (req, res, path) => {
		const method = req.method ?? 'GET';
		const api = emulator();
		try {
			if (method === 'GET' && path === '/counters') {
				const { requests, webhooksSent, totals } = api.counters();
				return send(res, 200, { requests, webhooksSent, totals });
			}
			if (method === 'POST' && path === '/reset') {
				api.reset();
				return send(res, 200, { reset: true });
			}
			if (path === '/config' && method === 'GET') return send(res, 200, api.config());
			if (path === '/config' && method === 'POST') {
				api.configure((await readJsonBody(req)) as Parameters<Emulator['configure']>[0]);
				return send(res, 200, api.config());
			}
			if (path === '/faults' && method === 'GET') return send(res, 200, api.pendingFaults());
			if (path === '/faults' && method === 'POST') {
				const body = await readJsonBody(req);
				const faults = (Array.isArray(body) ? body : [body]).map(validateFault);
				faults.forEach((fault) => api.injectFault(fault));
				return send(res, 201, api.pendingFaults());
			}
			if (method === 'GET' && path === '/jobs') return send(res, 200, api.jobs());
			const finish = /^\/jobs\/([^/]+)\/([^/]+)\/finish$/.exec(path);
			if (method === 'POST' && finish) {
				const provider = finish[1] as ProviderName;
				if (!PROVIDERS.includes(provider)) return send(res, 404, { error: `unknown provider ${provider}` });
				const { outcome } = (await readJsonBody(req)) as { outcome?: 'succeeded' | 'failed' };
				api.finishJob(provider, finish[2], outcome);
				return send(res, 200, api.jobs().find((job) => job.provider === provider && job.id === finish[2]));
			}
			const seed = /^\/jobs\/([^/]+)\/([^/]+)\/seed$/.exec(path);
			if (method === 'POST' && seed) {
				const provider = seed[1] as ProviderName;
				if (!PROVIDERS.includes(provider)) return send(res, 404, { error: `unknown provider ${provider}` });
				const store = storeOf(api);
				const template = store.get(provider, seed[2]);
				if (!template) return send(res, 404, { error: `no ${provider} job ${seed[2]}` });
				const { count, ...options } = seedOptions(await readJsonBody(req));
				const ids = Array.from({ length: count }, () => randomId(provider));
				const seeded = store.seed(template, ids, options);
				return send(res, 201, { seeded: seeded.length, oldest: seeded[0].id, newest: seeded[seeded.length - 1].id });
			}
			if (method === 'POST' && path === '/signed-delivery') {
				const { provider, jobId, ...options } = (await readJsonBody(req)) as { provider: ProviderName; jobId: string };
				return send(res, 200, api.signedDelivery(provider, jobId, options));
			}
			if (method === 'GET' && path === '/credentials') {
				return send(res, 200, { ...api.credentials, baseUrls: api.baseUrls, falJwksUrl: `${api.url}/fal-rest/.well-known/jwks.json` });
			}
			if (method === 'GET' && (path === '/' || path === '')) return send(res, 200, { routes: ROUTES });
			send(res, 404, { error: 'unknown control route', routes: ROUTES });
		} catch (error) {
			send(res, 400, { error: (error as Error).message });
		}
	};
}
