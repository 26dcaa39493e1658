/**
 * The HTTP client's retry policy against a real loopback server: what it repeats, what it never
 * repeats (a billed submit that may have arrived), and the delays providers ask for.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient, neverSent, retryAfterMs } from '../../nodes/shared/http';

type Handler = (request: IncomingMessage, response: ServerResponse, hit: number) => void;

async function serve(handler: Handler): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
	let hits = 0;
	const server: Server = createServer((request, response) => {
		hits++;
		request.resume();
		request.on('end', () => handler(request, response, hits));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		hits: () => hits,
		close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
	};
}

const fast = () => new HttpClient({ retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 50 } });

describe('HttpClient retries', () => {
	it('repeats a read after 503 and returns the success', async () => {
		const server = await serve((_q, response, hit) => {
			response.writeHead(hit < 3 ? 503 : 200, { 'content-type': 'application/json' });
			response.end(JSON.stringify({ hit }));
		});
		const client = fast();
		const response = await client.send({ url: server.url, retryClass: 'read' });
		expect(response.status).toBe(200);
		expect(response.json()).toEqual({ hit: 3 });
		expect(server.hits()).toBe(3);
		await client.close();
		await server.close();
	});

	it('never repeats a billed submit answered with 500: it may have been accepted', async () => {
		const server = await serve((_q, response) => {
			response.writeHead(500);
			response.end('{}');
		});
		const client = fast();
		const response = await client.send({ method: 'POST', url: server.url, json: {}, retryClass: 'submit' });
		expect(response.status).toBe(500);
		expect(server.hits()).toBe(1);
		await client.close();
		await server.close();
	});

	it('repeats a submit refused with 429, which says it was not taken', async () => {
		const server = await serve((_q, response, hit) => {
			response.writeHead(hit === 1 ? 429 : 201, { 'retry-after': '0' });
			response.end('{}');
		});
		const client = fast();
		const response = await client.send({ method: 'POST', url: server.url, json: {}, retryClass: 'submit' });
		expect(response.status).toBe(201);
		expect(server.hits()).toBe(2);
		await client.close();
		await server.close();
	});

	it('does not repeat a submit whose connection was reset after sending', async () => {
		const server = await serve((request) => request.socket.destroy());
		const client = fast();
		await expect(client.send({ method: 'POST', url: server.url, json: {}, retryClass: 'submit' })).rejects.toThrow();
		expect(server.hits()).toBe(1);
		await client.close();
		await server.close();
	});

	it('repeats an idempotent submit after a reset', async () => {
		const server = await serve((request, response, hit) => {
			if (hit === 1) {
				request.socket.destroy();
				return;
			}
			response.writeHead(200);
			response.end('{}');
		});
		const client = fast();
		const response = await client.send({ method: 'POST', url: server.url, json: {}, retryClass: 'idempotentSubmit' });
		expect(response.status).toBe(200);
		expect(server.hits()).toBe(2);
		await client.close();
		await server.close();
	});

	it('stops at an answer the provider marks final, even a 429', async () => {
		const server = await serve((_q, response) => {
			response.writeHead(429);
			response.end(JSON.stringify({ code: 1102 }));
		});
		const client = fast();
		const response = await client.send({
			url: server.url,
			retryClass: 'read',
			isFinal: (answer) => (answer.json() as { code?: number })?.code === 1102,
		});
		expect(response.status).toBe(429);
		expect(server.hits()).toBe(1);
		await client.close();
		await server.close();
	});

	it('gives up after the configured attempts', async () => {
		const server = await serve((_q, response) => {
			response.writeHead(502);
			response.end();
		});
		const client = fast();
		expect((await client.send({ url: server.url })).status).toBe(502);
		expect(server.hits()).toBe(4);
		await client.close();
		await server.close();
	});

	it('treats a refused connection as never sent', async () => {
		const server = await serve(() => undefined);
		const url = server.url;
		await server.close();
		const client = fast();
		const error = await client.send({ method: 'POST', url, json: {}, retryClass: 'read' }).catch((caught: unknown) => caught);
		expect(neverSent(error)).toBe(true);
		await client.close();
	});

	it('stops waiting when the signal aborts', async () => {
		const server = await serve((_q, response) => {
			response.writeHead(503, { 'retry-after': '30' });
			response.end();
		});
		const client = new HttpClient({ retry: { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 60_000 } });
		const controller = new AbortController();
		const started = Date.now();
		setTimeout(() => controller.abort(), 100);
		await expect(client.send({ url: server.url, signal: controller.signal })).rejects.toBeDefined();
		expect(Date.now() - started).toBeLessThan(5_000);
		await client.close();
		await server.close();
	});
});

describe('retryAfterMs', () => {
	it('reads seconds and HTTP dates', () => {
		expect(retryAfterMs('3')).toBe(3000);
		const now = Date.parse('2026-11-21T12:00:00Z');
		expect(retryAfterMs('Sat, 21 Nov 2026 12:00:10 GMT', now)).toBe(10_000);
		expect(retryAfterMs('soon')).toBeUndefined();
		expect(retryAfterMs(undefined)).toBeUndefined();
	});
});
