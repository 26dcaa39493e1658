/**
 * fal.ai's webhook signature: ED25519 over
 * `request_id + "\n" + user_id + "\n" + timestamp + "\n" + sha256hex(rawBody)`, hex-encoded in
 * `X-Fal-Webhook-Signature`, verified against any key of fal's JWKS
 * (`https://rest.alpha.fal.ai/.well-known/jwks.json`, `kty:"OKP", crv:"Ed25519", x` base64url).
 *
 * Keys are cached at most 24 h. A signature no cached key verifies triggers one refetch (fal may
 * have rotated keys), but never more often than `minRefetchIntervalMs`, so a stream of forged
 * deliveries cannot turn this node into a JWKS request amplifier.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { WebhookRejectedError } from '../errors';
import type { WebhookDelivery } from '../providers/types';
import { requireBodySize, requireFreshTimestamp, requireHeader } from './common';

export const FAL_WEBHOOK_HEADERS = {
	requestId: 'x-fal-webhook-request-id',
	userId: 'x-fal-webhook-user-id',
	timestamp: 'x-fal-webhook-timestamp',
	signature: 'x-fal-webhook-signature',
} as const;

export const JWKS_MAX_AGE_MS = 24 * 60 * 60 * 1000;
export const JWKS_MIN_REFETCH_INTERVAL_MS = 30 * 1000;

/** A JWKS as published; keys of other types are skipped, not rejected, so fal can add some. */
export const jwksSchema = z.object({
	keys: z.array(
		z
			.object({ kty: z.string(), crv: z.string().optional(), x: z.string().optional(), kid: z.string().optional() })
			.passthrough(),
	),
});

/** Returns the JWKS document (unparsed JSON); the caller owns the HTTP client and host. */
export type JwksFetcher = () => Promise<unknown>;

/** The Ed25519 public keys of a JWKS; throws when the document is not a JWKS at all. */
export function ed25519KeysFromJwks(document: unknown): KeyObject[] {
	const parsed = jwksSchema.safeParse(document);
	if (!parsed.success) {
		const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
		throw new Error(`The webhook key set is not a JWKS: ${issues.join('; ')}`);
	}
	const keys: KeyObject[] = [];
	for (const jwk of parsed.data.keys) {
		if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x) continue;
		try {
			keys.push(createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' }));
		} catch {
			// A malformed key must not hide the good ones beside it.
		}
	}
	return keys;
}

export interface JwksCacheOptions {
	maxAgeMs?: number;
	minRefetchIntervalMs?: number;
	/** Clock in ms; tests move it. */
	now?: () => number;
}

/** The keys of one JWKS URL, fetched lazily, shared by concurrent callers. */
export class JwksKeyCache {
	private keys: KeyObject[] = [];
	private fetchedAt = Number.NEGATIVE_INFINITY;
	private inFlight: Promise<KeyObject[]> | undefined;
	private readonly maxAgeMs: number;
	private readonly minRefetchIntervalMs: number;
	private readonly now: () => number;

	constructor(options: JwksCacheOptions = {}) {
		this.maxAgeMs = options.maxAgeMs ?? JWKS_MAX_AGE_MS;
		this.minRefetchIntervalMs = options.minRefetchIntervalMs ?? JWKS_MIN_REFETCH_INTERVAL_MS;
		this.now = options.now ?? Date.now;
	}

	/** Cached keys while fresh; otherwise (or on `refresh` outside the refetch floor) fetched anew. */
	async get(fetcher: JwksFetcher, refresh = false): Promise<KeyObject[]> {
		const age = this.now() - this.fetchedAt;
		const stale = age >= this.maxAgeMs;
		const mayRefresh = refresh && age >= this.minRefetchIntervalMs;
		if (!stale && !mayRefresh) return this.keys;
		this.inFlight ??= fetcher()
			.then((document) => {
				this.keys = ed25519KeysFromJwks(document);
				this.fetchedAt = this.now();
				return this.keys;
			})
			.finally(() => {
				this.inFlight = undefined;
			});
		return this.inFlight;
	}

	/** Whether a refresh call now would actually refetch (for callers that want to know). */
	canRefresh(): boolean {
		return this.now() - this.fetchedAt >= this.minRefetchIntervalMs;
	}
}

const caches = new Map<string, JwksKeyCache>();

/** One cache per JWKS URL for the whole process: every node execution reuses the keys. */
export function jwksCacheFor(jwksUrl: string): JwksKeyCache {
	let cache = caches.get(jwksUrl);
	if (!cache) {
		cache = new JwksKeyCache();
		caches.set(jwksUrl, cache);
	}
	return cache;
}

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
