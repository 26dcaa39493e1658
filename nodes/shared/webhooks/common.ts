/**
 * What every signature scheme checks the same way: headers present, timestamp fresh, bytes
 * compared in constant time, body size bounded.
 */
import { timingSafeEqual } from 'node:crypto';
import { WebhookRejectedError } from '../errors';
import type { WebhookDelivery } from '../providers/types';

/** Every signed provider documents 300 s; older deliveries are treated as replays. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** A Kling video job's webhook is a few KB; anything this large is not a provider's delivery. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export function requireHeader(delivery: WebhookDelivery, name: string): string {
	const value = delivery.headers[name.toLowerCase()];
	const first = Array.isArray(value) ? value[0] : value;
	if (!first) throw new WebhookRejectedError(401, `Missing header ${name}`);
	return first;
}

/** Checks a unix-seconds timestamp header against the delivery's clock. */
export function requireFreshTimestamp(delivery: WebhookDelivery, header: string): number {
	const raw = requireHeader(delivery, header);
	const seconds = Number(raw);
	if (!Number.isFinite(seconds)) throw new WebhookRejectedError(401, `Header ${header} is not a unix timestamp`);
	const now = (delivery.now ?? new Date()).getTime() / 1000;
	if (Math.abs(now - seconds) > WEBHOOK_TOLERANCE_SECONDS) {
		throw new WebhookRejectedError(
			401,
			`Header ${header} is ${Math.round(now - seconds)} s from now; at most ${WEBHOOK_TOLERANCE_SECONDS} s is accepted`,
		);
	}
	return seconds;
}

export function requireBodySize(delivery: WebhookDelivery): void {
	if (delivery.rawBody.length > MAX_WEBHOOK_BODY_BYTES) {
		throw new WebhookRejectedError(413, `Body of ${delivery.rawBody.length} bytes exceeds ${MAX_WEBHOOK_BODY_BYTES}`);
	}
}

export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
	return a.length === b.length && timingSafeEqual(a, b);
}

/** Parses the body as JSON or rejects the delivery with 400. */
export function parseJsonBody(delivery: WebhookDelivery): unknown {
	let body: unknown;
	let parsed = true;
	try {
		body = JSON.parse(delivery.rawBody.toString('utf8'));
	} catch {
		parsed = false;
	}
	if (!parsed) throw new WebhookRejectedError(400, 'Body is not JSON');
	return body;
}
