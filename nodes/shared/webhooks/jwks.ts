/**
 * Ed25519 public keys published as a JWKS (fal publishes its webhook keys this way), and their
 * cache. Keys are kept at most 24 h. A signature no cached key verifies may follow a key
 * rotation, so the caller may ask for one refetch, but never more often than
 * `minRefetchIntervalMs`: a stream of forged deliveries cannot turn a node into a JWKS request
 * amplifier.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

export const JWKS_MAX_AGE_MS = 24 * 60 * 60 * 1000;
export const JWKS_MIN_REFETCH_INTERVAL_MS = 30 * 1000;

/** A JWKS as published; keys of other types are skipped, not rejected, so a publisher can add some. */
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
