/**
 * HMAC-SHA256 webhook signatures as Standard Webhooks define them (Replicate's: `v1,<base64>`,
 * key = base64-decoded secret after `whsec_`): `${webhook-id}.${webhook-timestamp}.${rawBody}`
 * signed, three headers. A provider's variant (WaveSpeed's, in its adapter) differs only in key
 * derivation, digest encoding and version tag, so the verifier takes the scheme as data.
 */
import { createHmac } from 'node:crypto';
import { WebhookRejectedError } from '../errors';
import type { WebhookDelivery } from '../providers/types';
import { constantTimeEqual, requireBodySize, requireFreshTimestamp, requireHeader } from './common';

export interface HmacScheme {
	/** The tag before the comma in each signature entry. */
	version: string;
	/** Turns the account secret (`whsec_…`) into HMAC key bytes. */
	key(secret: string): Buffer;
	encoding: 'base64' | 'hex';
}

const SECRET_PREFIX = 'whsec_';
/** The secret without its `whsec_` prefix, where it has one. */
export const withoutSecretPrefix = (secret: string) => (secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);

/** Replicate (https://www.standardwebhooks.com): the secret is base64 after the prefix. */
export const STANDARD_WEBHOOKS: HmacScheme = {
	version: 'v1',
	key: (secret) => Buffer.from(withoutSecretPrefix(secret), 'base64'),
	encoding: 'base64',
};

export const WEBHOOK_HEADERS = {
	id: 'webhook-id',
	timestamp: 'webhook-timestamp',
	signature: 'webhook-signature',
} as const;

/** The signature the provider would send for this content (without the version tag). */
export function computeSignature(scheme: HmacScheme, secret: string, id: string, timestamp: string, rawBody: Buffer): string {
	return createHmac('sha256', scheme.key(secret))
		.update(`${id}.${timestamp}.`)
		.update(rawBody)
		.digest(scheme.encoding);
}

/**
 * Throws `WebhookRejectedError` unless the delivery is fresh, small enough and carries at least
 * one signature of the scheme's version that matches. Several space-separated entries are
 * allowed (secret rotation sends old and new); entries of other versions are ignored.
 */
export function verifyHmacDelivery(delivery: WebhookDelivery, scheme: HmacScheme): void {
	requireBodySize(delivery);
	if (!delivery.secret) throw new WebhookRejectedError(401, 'No webhook secret is configured to check the signature');
	const id = requireHeader(delivery, WEBHOOK_HEADERS.id);
	const signatureHeader = requireHeader(delivery, WEBHOOK_HEADERS.signature);
	// The timestamp is part of the signed content, so read it as sent, after checking freshness.
	requireFreshTimestamp(delivery, WEBHOOK_HEADERS.timestamp);
	const timestamp = requireHeader(delivery, WEBHOOK_HEADERS.timestamp);

	const expected = Buffer.from(computeSignature(scheme, delivery.secret, id, timestamp, delivery.rawBody));
	const offered = signatureHeader
		.split(' ')
		.map((entry) => entry.trim())
		.filter((entry) => entry.startsWith(`${scheme.version},`))
		.map((entry) => entry.slice(scheme.version.length + 1));
	if (offered.length === 0) {
		throw new WebhookRejectedError(401, `Header ${WEBHOOK_HEADERS.signature} has no ${scheme.version} signature`);
	}
	const normalise = (value: string) => (scheme.encoding === 'hex' ? value.toLowerCase() : value);
	// Check every entry (no early exit) so the time taken does not tell which entry matched.
	let matched = false;
	for (const signature of offered) {
		if (constantTimeEqual(expected, Buffer.from(normalise(signature)))) matched = true;
	}
	if (!matched) throw new WebhookRejectedError(401, 'Webhook signature does not match');
}
