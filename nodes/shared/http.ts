/**
 * The one HTTP client for provider calls and downloads, on undici: pooled keep-alive
 * connections (a batch polls many jobs on the same hosts), separate connect / headers / body
 * timeouts, abort signals, streamed bodies, a proxy from the environment, and the single retry
 * policy of the package.
 *
 * Retrying is decided by what a repeat could cost: reads repeat freely; a submit is billed, so
 * it repeats only when it provably never reached the provider or the provider deduplicates it.
 */
import { Agent, EnvHttpProxyAgent, FormData, request, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';

/** read: safe to repeat. submit: billed, never repeated once it may have arrived. idempotentSubmit: the provider deduplicates it. */
export type RequestKind = 'read' | 'submit' | 'idempotentSubmit';

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
	kind?: RequestKind;
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

export interface RetryPolicy {
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export interface HttpClientOptions {
	retry?: Partial<RetryPolicy>;
	connectTimeoutMs?: number;
	headersTimeoutMs?: number;
	bodyTimeoutMs?: number;
	/** Connections kept per origin. */
	connections?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Errors raised before a single byte of the request left this machine. */
const NEVER_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'UND_ERR_CONNECT_TIMEOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

const RETRYABLE_STATUS = (status: number) => status === 429 || (status >= 500 && status <= 599 && status !== 501);

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

	/** Sends a request and reads the whole (small, JSON) answer, retrying as its kind allows. */
	async send(options: HttpRequestOptions): Promise<HttpResponse> {
		const kind = options.kind ?? (options.method && options.method !== 'GET' ? 'submit' : 'read');
		for (let attempt = 1; ; attempt++) {
			const outcome = await settle(this.once(options));
			if (!outcome.ok) {
				// A billed submit is repeated only when it provably never left this machine.
				const retryable = !options.signal?.aborted && (kind !== 'submit' || neverSent(outcome.error));
				if (!retryable || attempt >= this.retry.maxAttempts) throw outcome.error;
				await sleep(this.backoff(attempt), options.signal);
				continue;
			}
			const response = outcome.value;
			const retryable =
				RETRYABLE_STATUS(response.status) &&
				!options.isFinal?.(response) &&
				// A billed submit that got a 5xx may have been accepted; only 429 says it was not.
				(kind !== 'submit' || response.status === 429);
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
				await sleep(this.backoff(attempt), options.signal);
				continue;
			}
			const response = outcome.value;
			const headers = flattenHeaders(response.headers);
			if (RETRYABLE_STATUS(response.statusCode) && attempt < this.retry.maxAttempts) {
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
		return this.backoff(attempt);
	}

	/** Capped exponential backoff with full jitter, so a 429 storm does not come back in step. */
	private backoff(attempt: number) {
		const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
		return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
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

/** `Retry-After` as seconds or an HTTP date, in ms. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
	if (!value) return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function neverSent(error: unknown): boolean {
	const code = (error as { code?: string; cause?: { code?: string } })?.code;
	const causeCode = (error as { cause?: { code?: string } })?.cause?.code;
	return NEVER_SENT_CODES.has(code ?? '') || NEVER_SENT_CODES.has(causeCode ?? '');
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
