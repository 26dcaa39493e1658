/**
 * The one HTTP client for provider calls and downloads, on undici: pooled keep-alive
 * connections (a batch polls many jobs on the same hosts), separate connect / headers / body
 * timeouts, abort signals, streamed bodies, a proxy from the environment, and retries as the
 * package's retry policy (retry.ts) decides.
 */
import { Agent, EnvHttpProxyAgent, FormData, request, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import { backoffMs, DEFAULT_RETRY, isRetryableStatus, retriesError, retriesStatus, retryAfterMs, type RetryClass, type RetryPolicy } from './retry';

export interface HttpResponse {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
	text(): string;
	/** The parsed body, or undefined when it is not JSON. */
	json(): unknown;
}

export interface HttpRequestOptions {
	method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
	url: string;
	headers?: Record<string, string>;
	json?: unknown;
	body?: Buffer | string | FormData;
	/** Absent: a GET is a read, any other method a submit (the safe guess for a billed call). */
	retryClass?: RetryClass;
	signal?: AbortSignal;
	/** How long to wait for the response headers (long-poll requests raise it). */
	headersTimeoutMs?: number;
	/** The provider's word that an error answer is final even though its status looks retryable (Kling 1102 "balance" on a 429). */
	isFinal?: (response: HttpResponse) => boolean;
	/** A delay the provider asks for in its body (Replicate "Expected available in N seconds"), in ms. */
	retryDelayHint?: (response: HttpResponse) => number | undefined;
}

export interface StreamResponse {
	status: number;
	headers: Record<string, string>;
	body: Readable;
}

export interface HttpClientOptions {
	retry?: Partial<RetryPolicy>;
	connectTimeoutMs?: number;
	headersTimeoutMs?: number;
	bodyTimeoutMs?: number;
	/** Connections kept per origin. */
	connections?: number;
}

export class HttpClient {
	readonly retry: RetryPolicy;
	private readonly dispatcher: Dispatcher;
	private readonly headersTimeoutMs: number;

	constructor(options: HttpClientOptions = {}) {
		this.retry = { ...DEFAULT_RETRY, ...options.retry };
		this.headersTimeoutMs = options.headersTimeoutMs ?? 30_000;
		const agentOptions = {
			connections: options.connections ?? 16,
			keepAliveTimeout: 30_000,
			connect: { timeout: options.connectTimeoutMs ?? 10_000 },
			headersTimeout: this.headersTimeoutMs,
			bodyTimeout: options.bodyTimeoutMs ?? 120_000,
		};
		const proxied = ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy'].some(
			(name) => process.env[name],
		);
		this.dispatcher = proxied ? new EnvHttpProxyAgent(agentOptions) : new Agent(agentOptions);
	}

	/** Sends a request and reads the whole (small, JSON) answer, retrying as its retry class allows. */
	async send(options: HttpRequestOptions): Promise<HttpResponse> {
		const retryClass = options.retryClass ?? (options.method && options.method !== 'GET' ? 'submit' : 'read');
		for (let attempt = 1; ; attempt++) {
			const outcome = await settle(this.once(options));
			if (!outcome.ok) {
				const retryable = !options.signal?.aborted && retriesError(retryClass, outcome.error);
				if (!retryable || attempt >= this.retry.maxAttempts) throw outcome.error;
				await sleep(backoffMs(this.retry, attempt), options.signal);
				continue;
			}
			const response = outcome.value;
			const retryable = retriesStatus(retryClass, response.status) && !options.isFinal?.(response);
			if (!retryable || attempt >= this.retry.maxAttempts) return response;
			await sleep(this.delayFor(response, attempt, options), options.signal);
		}
	}

	/** Opens a streamed GET (downloads), retrying until the headers arrive. */
	async stream(
		url: string,
		options: { headers?: Record<string, string>; signal?: AbortSignal } = {},
	): Promise<StreamResponse> {
		for (let attempt = 1; ; attempt++) {
			const outcome = await settle(
				request(url, { method: 'GET', headers: options.headers, signal: options.signal, dispatcher: this.dispatcher }),
			);
			if (!outcome.ok) {
				if (options.signal?.aborted || attempt >= this.retry.maxAttempts) throw outcome.error;
				await sleep(backoffMs(this.retry, attempt), options.signal);
				continue;
			}
			const response = outcome.value;
			const headers = flattenHeaders(response.headers);
			if (isRetryableStatus(response.statusCode) && attempt < this.retry.maxAttempts) {
				await response.body.dump();
				await sleep(this.delayFor(toResponse(response.statusCode, headers, Buffer.alloc(0)), attempt, {}), options.signal);
				continue;
			}
			return { status: response.statusCode, headers, body: response.body };
		}
	}

	async close(): Promise<void> {
		await this.dispatcher.close();
	}

	private async once(options: HttpRequestOptions): Promise<HttpResponse> {
		const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
		let body: Buffer | string | FormData | undefined = options.body;
		if (options.json !== undefined) {
			body = JSON.stringify(options.json);
			headers['content-type'] = 'application/json';
		}
		const response = await request(options.url, {
			method: options.method ?? 'GET',
			headers,
			body,
			signal: options.signal,
			dispatcher: this.dispatcher,
			headersTimeout: options.headersTimeoutMs ?? this.headersTimeoutMs,
		});
		const buffer = Buffer.from(await response.body.arrayBuffer());
		return toResponse(response.statusCode, flattenHeaders(response.headers), buffer);
	}

	private delayFor(response: HttpResponse, attempt: number, options: Pick<HttpRequestOptions, 'retryDelayHint'>) {
		const asked = retryAfterMs(response.headers['retry-after']) ?? options.retryDelayHint?.(response);
		if (asked !== undefined) return Math.min(asked, this.retry.maxDelayMs);
		return backoffMs(this.retry, attempt);
	}
}

/** A promise's outcome as a value, so retry loops decide outside a catch block. */
export async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
	try {
		return { ok: true, value: await promise };
	} catch (error) {
		return { ok: false, error };
	}
}

export function toResponse(status: number, headers: Record<string, string>, body: Buffer): HttpResponse {
	return {
		status,
		headers,
		body,
		text: () => body.toString('utf8'),
		json: () => {
			try {
				return JSON.parse(body.toString('utf8'));
			} catch {
				return undefined;
			}
		},
	};
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal?.reason ?? new Error('aborted'));
		};
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
	const flat: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
	}
	return flat;
}

export { FormData };
