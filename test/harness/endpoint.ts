/**
 * A loopback HTTP endpoint standing in for n8n's webhook server: each request's bytes and
 * headers, as received, go to `handle`, and its answer goes back as JSON.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
	url: string;
	/** Header names lower-cased; repeated headers joined with ', '. */
	headers: Record<string, string>;
	body: Buffer;
}

export interface Answer {
	status: number;
	/** Sent as JSON (`{}` when undefined), or as is when `text` is set. */
	body: unknown;
	text?: string;
}

export interface Endpoint {
	/** `http://127.0.0.1:PORT` */
	origin: string;
	stop(): Promise<void>;
}

async function read(req: IncomingMessage): Promise<ReceivedRequest> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return { url: req.url ?? '', headers, body: Buffer.concat(chunks) };
}

/** Starts the endpoint on a free loopback port; `onError` answers when `handle` throws. */
export async function startEndpoint(handle: (request: ReceivedRequest) => Promise<Answer>, onError: (error: Error) => Answer): Promise<Endpoint> {
	const server: Server = createServer((req, res) => {
		void read(req)
			.then(handle)
			.catch(onError)
			.then(({ status, body, text }) => {
				res.writeHead(status, text === undefined ? { 'content-type': 'application/json' } : {});
				res.end(text ?? JSON.stringify(body ?? {}));
			});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		stop: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
