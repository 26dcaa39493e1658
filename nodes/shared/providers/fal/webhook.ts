/**
 * fal.ai's webhook signature: ED25519 over
 * `request_id + "\n" + user_id + "\n" + timestamp + "\n" + sha256hex(rawBody)`, hex-encoded in
 * `X-Fal-Webhook-Signature`, verified against any key of fal's JWKS
 * (`https://rest.alpha.fal.ai/.well-known/jwks.json`, `kty:"OKP", crv:"Ed25519", x` base64url).
 * A signature no cached key verifies triggers one refetch of the keys (fal may have rotated them),
 * within the cache's refetch floor (webhooks/jwks.ts).
 */
import { createHash, verify, type KeyObject } from 'node:crypto';
import { WebhookRejectedError } from '../../errors';
import type { WebhookDelivery } from '../types';
import { requireBodySize, requireFreshTimestamp, requireHeader } from '../../webhooks/common';
import type { JwksFetcher, JwksKeyCache } from '../../webhooks/jwks';

export const FAL_WEBHOOK_HEADERS = {
	requestId: 'x-fal-webhook-request-id',
	userId: 'x-fal-webhook-user-id',
	timestamp: 'x-fal-webhook-timestamp',
	signature: 'x-fal-webhook-signature',
} as const;

export function falSignedMessage(requestId: string, userId: string, timestamp: string, rawBody: Buffer): Buffer {
	const bodyHash = createHash('sha256').update(rawBody).digest('hex');
	return Buffer.from(`${requestId}\n${userId}\n${timestamp}\n${bodyHash}`, 'utf8');
}

export interface VerifiedFalDelivery {
	requestId: string;
	userId: string;
	timestamp: number;
}

/**
 * Checks size, headers, freshness and the signature of a fal delivery. Rejections are
 * `WebhookRejectedError` (413 oversized, 401 otherwise); a JWKS that cannot be fetched is an
 * ordinary error, because that is this side's trouble and the sender should retry.
 */
export async function verifyFalDelivery(
	delivery: WebhookDelivery,
	cache: JwksKeyCache,
	fetcher: JwksFetcher,
): Promise<VerifiedFalDelivery> {
	requireBodySize(delivery);
	const requestId = requireHeader(delivery, FAL_WEBHOOK_HEADERS.requestId);
	const userId = requireHeader(delivery, FAL_WEBHOOK_HEADERS.userId);
	const signatureHex = requireHeader(delivery, FAL_WEBHOOK_HEADERS.signature).trim();
	const timestamp = requireFreshTimestamp(delivery, FAL_WEBHOOK_HEADERS.timestamp);
	const timestampText = requireHeader(delivery, FAL_WEBHOOK_HEADERS.timestamp);

	// An Ed25519 signature is 64 bytes; anything else cannot verify, so it is refused before any key work.
	if (!/^[0-9a-fA-F]{128}$/.test(signatureHex)) {
		throw new WebhookRejectedError(401, `Header ${FAL_WEBHOOK_HEADERS.signature} is not a hex Ed25519 signature`);
	}
	const signature = Buffer.from(signatureHex, 'hex');
	const message = falSignedMessage(requestId, userId, timestampText, delivery.rawBody);
	const verifiedBy = (keys: KeyObject[]) => keys.some((key) => verify(null, message, key, signature));

	if (verifiedBy(await cache.get(fetcher))) return { requestId, userId, timestamp };
	if (cache.canRefresh() && verifiedBy(await cache.get(fetcher, true))) return { requestId, userId, timestamp };
	throw new WebhookRejectedError(401, 'No key of the fal JWKS verifies the webhook signature');
}
