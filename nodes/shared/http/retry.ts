/**
 * The single retry policy of the package: which failed requests are sent again, and how long to
 * wait before. It is decided by what a repeat could cost: reads repeat freely; a submit is
 * billed, so it repeats only when it provably never reached the provider, or when the provider
 * deduplicates it.
 */

/**
 * What repeating a request could cost. read: safe to repeat (also a PUT or POST that creates
 * nothing billed). submit: billed, never repeated once it may have arrived. idempotentSubmit:
 * billed, but the provider deduplicates it, so it repeats like a read.
 */
export type RetryClass = 'read' | 'submit' | 'idempotentSubmit';

export interface RetryPolicy {
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
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

/** Statuses a later try may not get: throttling and server errors (501 says the server never will). */
export const isRetryableStatus = (status: number) => status === 429 || (status >= 500 && status <= 599 && status !== 501);

/** Whether a failed request provably never reached the server, so even a billed submit may go again. */
export function neverSent(error: unknown): boolean {
	const code = (error as { code?: string; cause?: { code?: string } })?.code;
	const causeCode = (error as { cause?: { code?: string } })?.cause?.code;
	return NEVER_SENT_CODES.has(code ?? '') || NEVER_SENT_CODES.has(causeCode ?? '');
}

/** Whether a request that failed without an answer goes again. */
export const retriesError = (retryClass: RetryClass, error: unknown) => retryClass !== 'submit' || neverSent(error);

/** Whether an answer with this status goes again; a billed submit that got a 5xx may have been accepted, only 429 says it was not. */
export const retriesStatus = (retryClass: RetryClass, status: number) =>
	isRetryableStatus(status) && (retryClass !== 'submit' || status === 429);

/** `Retry-After` as seconds or an HTTP date, in ms. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
	if (!value) return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Capped exponential backoff, half of it random, so a 429 storm does not come back in step. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
