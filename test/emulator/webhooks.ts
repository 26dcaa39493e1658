/**
 * Webhook delivery: POST to the URL given at submit (query string kept as is), retried on a
 * non-2xx answer or a network error a few times with a short delay, each attempt recorded.
 * What to send and how to sign it is the provider modules' business; this file only delivers.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CounterLog } from './counters';
import type { EmulatorConfig, ProviderName, SignedDelivery, SignedDeliveryOptions } from './types';

export interface WebhookMessage {
	provider: ProviderName;
	jobId: string;
	event: string;
	url: string;
	messageId: string;
	body: string;
	/** Signature headers for one attempt (providers sign with the attempt's timestamp). */
	sign(body: string, messageId: string): Record<string, string>;
}

const ATTEMPT_TIMEOUT_MS = 5000;

export class WebhookSender {
	private readonly inFlight = new Set<Promise<void>>();
	private readonly aborts = new Set<AbortController>();
	private closed = false;

	constructor(
		private readonly counters: CounterLog,
		private readonly config: () => EmulatorConfig,
	) {}

	/** Fire and forget; `idle()` waits for everything sent so far. */
	send(message: WebhookMessage): Promise<void> {
		const delivery = this.deliver(message).finally(() => this.inFlight.delete(delivery));
		this.inFlight.add(delivery);
		return delivery;
	}

	async idle(): Promise<void> {
		while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
	}

	close(): void {
		this.closed = true;
		for (const abort of this.aborts) abort.abort();
	}

	private async deliver(message: WebhookMessage): Promise<void> {
		const { webhookAttempts, webhookRetryDelayMs } = this.config();
		for (let attempt = 1; attempt <= webhookAttempts && !this.closed; attempt++) {
			const headers = { 'content-type': 'application/json', ...message.sign(message.body, message.messageId) };
			const { status, error } = await this.post(message.url, headers, message.body);
			this.counters.addWebhook({
				at: new Date(),
				provider: message.provider,
				jobId: message.jobId,
				event: message.event,
				url: message.url,
				attempt,
				messageId: message.messageId,
				status,
				error,
				headers,
				body: message.body,
			});
			if (status >= 200 && status < 300) return;
			await new Promise((resolve) => setTimeout(resolve, webhookRetryDelayMs).unref());
		}
	}

	/** One POST on a fresh connection (no pooled sockets left behind after a test). */
	private post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; error: string | null }> {
		const abort = new AbortController();
		this.aborts.add(abort);
		return new Promise<{ status: number; error: string | null }>((resolve) => {
			let target: URL;
			try {
				target = new URL(url);
			} catch {
				resolve({ status: 0, error: `invalid webhook URL: ${url}` });
				return;
			}
			const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
			const req = send(
				target,
				{
					method: 'POST',
					headers: { ...headers, 'content-length': Buffer.byteLength(body), connection: 'close' },
					agent: false,
					signal: abort.signal,
					timeout: ATTEMPT_TIMEOUT_MS,
				},
				(res) => {
					res.resume();
					res.on('end', () => resolve({ status: res.statusCode ?? 0, error: null }));
					res.on('error', (error) => resolve({ status: res.statusCode ?? 0, error: error.message }));
				},
			);
			req.on('timeout', () => req.destroy(new Error('timed out')));
			req.on('error', (error) => resolve({ status: 0, error: error.message }));
			req.end(body);
		}).finally(() => this.aborts.delete(abort));
	}
}

/**
 * Turns a correctly signed delivery into the variant a test asked for: body changed after
 * signing, or a header left out. (Timestamp shifts and wrong secrets happen while signing.)
 */
export function shapeDelivery(
	headers: Record<string, string>,
	body: string,
	options: SignedDeliveryOptions,
): SignedDelivery {
	const shaped: Record<string, string> = { 'content-type': 'application/json', ...headers };
	if (options.omitHeader) {
		for (const name of Object.keys(shaped)) {
			if (name.toLowerCase() === options.omitHeader.toLowerCase()) delete shaped[name];
		}
	}
	const finalBody = options.tamper ? JSON.stringify({ ...JSON.parse(body), tampered: true }) : body;
	return { headers: shaped, body: finalBody };
}
