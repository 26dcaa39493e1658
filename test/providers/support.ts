/**
 * What the adapter tests share: an emulator and an HTTP client per test file, polling a job to
 * its end, downloads, rejections, a stub server for answers the emulator never gives, and a
 * loopback receiver for the webhooks it sends.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { HttpClient } from '../../nodes/shared/http';
import { isTerminal, type Job, type JobRef } from '../../nodes/shared/job';
import type { ProviderClient } from '../../nodes/shared/providers/types';
import { startEmulator, type Emulator } from '../emulator';

export interface AdapterSetup<C extends ProviderClient> {
	emulator: Emulator;
	http: HttpClient;
	client: C;
}

export interface AdapterSetupOptions<C extends ProviderClient> {
	timings: { queuedMs: number; runningMs: number };
	/** The HTTP client's retry delays. */
	retry: { baseDelayMs: number; maxDelayMs: number };
	connect(emulator: Emulator, http: HttpClient): C;
}

/** Starts the emulator and the client before the file's tests, resets the emulator after each, closes both after all. */
export function useAdapterEmulator<C extends ProviderClient>(options: AdapterSetupOptions<C>, started: (setup: AdapterSetup<C>) => void): void {
	let setup: AdapterSetup<C> | undefined;
	beforeAll(async () => {
		const emulator = await startEmulator({ port: 0, timings: options.timings });
		const http = new HttpClient({ retry: options.retry });
		setup = { emulator, http, client: options.connect(emulator, http) };
		started(setup);
	});
	afterEach(() => setup?.emulator.reset());
	afterAll(async () => {
		await setup?.http.close();
		await setup?.emulator.close();
	});
}

/** Reads the job until it is terminal; fails after `timeoutMs`. */
export async function untilTerminal(client: ProviderClient, ref: JobRef, timeoutMs = 5000, everyMs = 40): Promise<Job> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const job = await client.get(ref);
		if (isTerminal(job.status)) return job;
		if (Date.now() > deadline) throw new Error(`job ${ref.jobId} still ${job.status}`);
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}

/** Streams `url` through the package's HTTP client. */
export async function downloadBytes(http: HttpClient, url: string): Promise<{ status: number; type: string | undefined; bytes: Buffer }> {
	const response = await http.stream(url);
	const chunks: Buffer[] = [];
	for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
	return { status: response.status, type: response.headers['content-type'] as string | undefined, bytes: Buffer.concat(chunks) };
}

export const isMp4 = (bytes: Buffer) => bytes.subarray(4, 8).toString('latin1') === 'ftyp';

/** The error the promise rejects with; fails if it resolves. */
export async function rejected(promise: Promise<unknown>): Promise<Error> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected a rejection');
}

/** The error the promise rejects with, which must be a `type`. */
export async function rejection<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
	const error = await rejected(promise);
	if (error instanceof type) return error;
	throw error;
}

/** A loopback server answering every request with what `answer` gives (for malformed answers). */
export async function startStub(answer: (req: IncomingMessage) => { status: number; body: string }): Promise<{ origin: string; close(): Promise<void> }> {
	const server = createServer((req, res) => {
		const { status, body } = answer(req);
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(body);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => closeServer(server) };
}

export interface ReceivedWebhook {
	url: string;
	headers: IncomingHttpHeaders;
	body: Buffer;
}

/** A loopback endpoint that records each webhook it gets and answers 200. */
export async function startReceiver(): Promise<{ origin: string; received: ReceivedWebhook[]; close(): Promise<void> }> {
	const received: ReceivedWebhook[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
			res.writeHead(200);
			res.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
	return new Promise<void>((resolve) => server.close(() => resolve()));
}
