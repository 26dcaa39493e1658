/**
 * The one retry policy as each adapter wires it, against a real loopback server that answers
 * whatever the case needs: what each provider says is final is asked once, what it says is
 * temporary is asked again, the delays providers ask for are waited, and a submit is repeated
 * only when it never left this machine or the provider deduplicates it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '../../nodes/shared/http';
import type { ProviderId, VideoRequest } from '../../nodes/shared/job';
import { getProvider } from '../../nodes/shared/providers';
import type { ProviderClient } from '../../nodes/shared/providers/types';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

interface Hit {
	at: number;
	method: string;
	url: string;
}

const servers: Server[] = [];

async function serve(handler: Handler, port = 0): Promise<{ origin: string; hits: Hit[]; server: Server }> {
	const hits: Hit[] = [];
	const server = createServer((request, response) => {
		hits.push({ at: Date.now(), method: request.method ?? '', url: request.url ?? '' });
		request.resume();
		request.on('end', () => handler(request, response));
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	servers.push(server);
	return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
}

const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
	response.writeHead(status, { 'content-type': 'application/json', ...headers });
	response.end(JSON.stringify(body));
};

let http: HttpClient;
beforeEach(() => {
	http = new HttpClient({ retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 2_000 } });
});
afterEach(async () => {
	await http.close();
	await Promise.all(
		servers.splice(0).map(
			(server) =>
				new Promise<void>((resolve) => {
					server.closeAllConnections();
					server.close(() => resolve());
				}),
		),
	);
});

function client(provider: ProviderId, origin: string): ProviderClient {
	const base = { replicate: `${origin}/v1`, fal: origin, wavespeed: `${origin}/api/v3`, kling: origin }[provider];
	const keys = provider === 'kling' ? { accessKey: 'ak', secretKey: 'sk' } : { apiKey: 'key' };
	return getProvider(provider).connect({ ...keys, baseUrl: base }, http);
}

const ref = (provider: ProviderId) => ({ provider, jobId: 'job-1', operation: 'textToVideo' as const });
const t2v: VideoRequest = { operation: 'textToVideo', prompt: 'p', duration: 5, aspectRatio: '16:9', generateAudio: false, mode: 'pro' };
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe('what the provider says is final is asked once', () => {
	it.each([
		['account', 429, 1100],
		['arrears', 429, 1101],
		['balance', 429, 1102],
		['permission', 403, 1103],
		['bad parameters', 400, 1201],
		['not found', 404, 1203],
		['content policy', 400, 1300],
		['content safety', 400, 1301],
	])('Kling %s (HTTP %i, code %i)', async (_label, status, code) => {
		const { origin, hits } = await serve((_request, response) => json(response, status, { code, message: 'no', request_id: 'r' }));
		const error = await failure(client('kling', origin).submit(t2v, { idempotencyKey: 'k-1' }));
		expect(error).toBeDefined();
		expect(hits).toHaveLength(1);
	});

	it.each([
		[422, {}],
		[401, {}],
		[403, {}],
		[503, { 'x-fal-retryable': 'false' }],
	])('fal HTTP %i %j on a status read', async (status, headers) => {
		const { origin, hits } = await serve((_request, response) => json(response, status, { detail: 'no' }, headers as Record<string, string>));
		await failure(client('fal', origin).get(ref('fal')));
		expect(hits).toHaveLength(1);
	});

	it.each(['replicate', 'wavespeed', 'fal', 'kling'] as const)('%s 401 on a status read', async (provider) => {
		const { origin, hits } = await serve((_request, response) => json(response, 401, { code: 1000, message: 'auth', detail: 'auth' }));
		await failure(client(provider, origin).get(ref(provider)));
		expect(hits).toHaveLength(1);
	});
});

describe('what the provider says is temporary is asked again', () => {
	it.each([
		['rate', 429, 1302],
		['concurrency', 429, 1303],
		['server', 500, 5000],
		['unavailable', 503, 5001],
		['timeout', 504, 5002],
	])('Kling %s (HTTP %i, code %i) on a status read', async (_label, status, code) => {
		const { origin, hits } = await serve((_request, response) => json(response, status, { code, message: 'later', request_id: 'r' }));
		await failure(client('kling', origin).get(ref('kling')));
		// The query probes one kind when the operation is known: every attempt is the same read.
		expect(hits).toHaveLength(3);
	});

	it.each(['replicate', 'wavespeed', 'fal'] as const)('%s 502 on a status read', async (provider) => {
		const { origin, hits } = await serve((_request, response) => json(response, 502, {}));
		await failure(client(provider, origin).get(ref(provider)));
		expect(hits).toHaveLength(3);
	});
});

describe('delays the provider asks for', () => {
	it('Replicate: "Expected available in N seconds" in a 429 body without Retry-After', async () => {
		const { origin, hits } = await serve((_request, response) =>
			json(response, 429, { detail: 'Request was throttled. Expected available in 0.4 second(s).' }),
		);
		await failure(client('replicate', origin).get(ref('replicate')));
		expect(hits).toHaveLength(3);
		// Backoff alone would be a few ms (base 5 ms); the hint makes each wait 400 ms.
		expect(hits[1].at - hits[0].at).toBeGreaterThanOrEqual(380);
		expect(hits[2].at - hits[1].at).toBeGreaterThanOrEqual(380);
	});

	it('Retry-After as an HTTP date', async () => {
		const { origin, hits } = await serve((_request, response) => {
			// Whole seconds: at least one full second ahead of now.
			if (hits.length === 1) json(response, 503, {}, { 'retry-after': new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000).toUTCString() });
			else json(response, 200, {});
		});
		const response = await http.send({ url: origin, retryClass: 'read' });
		expect(response.status).toBe(200);
		expect(hits[1].at - hits[0].at).toBeGreaterThanOrEqual(900);
	});

	it('Retry-After is capped by the policy, so a provider cannot park a batch for an hour', async () => {
		const capped = new HttpClient({ retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 100 } });
		const { origin, hits } = await serve((_request, response) => json(response, 429, {}, { 'retry-after': '3600' }));
		const started = Date.now();
		expect((await capped.send({ url: origin, retryClass: 'read' })).status).toBe(429);
		expect(hits).toHaveLength(2);
		expect(Date.now() - started).toBeLessThan(2_000);
		await capped.close();
	});
});

describe('a submit is repeated only when it cannot bill twice', () => {
	it('never after it may have arrived (connection reset after sending) without an idempotency key', async () => {
		const { origin, hits } = await serve((request) => request.socket.destroy());
		await failure(client('replicate', origin).submit(t2v));
		expect(hits).toHaveLength(1);
	});

	it('Kling with external_task_id: repeated after a reset, with the same id', async () => {
		const bodies: string[] = [];
		const { origin, hits } = await serve((request, response) => {
			if (hits.length === 1) request.socket.destroy();
			else json(response, 500, { code: 5000, message: 'later', request_id: 'r' });
		});
		const server = servers[servers.length - 1];
		server.prependListener('request', (request: IncomingMessage) => {
			let body = '';
			request.on('data', (chunk: Buffer) => (body += chunk.toString()));
			request.on('end', () => bodies.push(body));
		});
		await failure(client('kling', origin).submit(t2v, { idempotencyKey: 'exec-7-node-0-single' }));
		expect(hits.length).toBe(3);
		expect(bodies.map((body) => JSON.parse(body).external_task_id)).toEqual(Array(3).fill('exec-7-node-0-single'));
	});

	it('when the connection was refused: the request never left this machine', async () => {
		// Find a free port, keep it closed for the first attempt, then listen on it.
		const probe = await serve(() => undefined);
		const port = (probe.server.address() as AddressInfo).port;
		await new Promise<void>((resolve) => probe.server.close(() => resolve()));
		servers.splice(servers.indexOf(probe.server), 1);
		const slow = new HttpClient({ retry: { maxAttempts: 3, baseDelayMs: 300, maxDelayMs: 300 } });
		let hits: Hit[] = [];
		setTimeout(() => {
			void serve((_request, response) => json(response, 201, {}), port).then((started) => (hits = started.hits));
		}, 20);
		const response = await slow.send({ method: 'POST', url: `http://127.0.0.1:${port}/submit`, json: {}, retryClass: 'submit' });
		expect(response.status).toBe(201);
		expect(hits).toHaveLength(1);
		await slow.close();
	});
});
