/**
 * fal's ED25519 webhook scheme on its own: message layout, hex signature, JWKS key import,
 * freshness, size limit, and the key cache (24 h, one refetch on an unknown signature, floor).
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { WebhookRejectedError } from '../../nodes/shared/errors';
import type { WebhookDelivery } from '../../nodes/shared/providers/types';
import { MAX_WEBHOOK_BODY_BYTES } from '../../nodes/shared/webhooks/common';
import { FAL_WEBHOOK_HEADERS, falSignedMessage, verifyFalDelivery } from '../../nodes/shared/providers/fal/webhook';
import { JWKS_MAX_AGE_MS, JwksKeyCache, ed25519KeysFromJwks } from '../../nodes/shared/webhooks/jwks';

interface KeyPair {
	privateKey: KeyObject;
	jwk: Record<string, string>;
}

function keyPair(kid: string): KeyPair {
	const { privateKey, publicKey } = generateKeyPairSync('ed25519');
	const exported = publicKey.export({ format: 'jwk' });
	return { privateKey, jwk: { kty: String(exported.kty), crv: String(exported.crv), x: String(exported.x), kid } };
}

const NOW = new Date('2025-06-01T12:00:00Z');
const nowSeconds = Math.floor(NOW.getTime() / 1000);

function delivery(
	key: KeyObject,
	options: { body?: string; timestamp?: number; omit?: string; tamper?: boolean; signature?: string } = {},
): WebhookDelivery {
	const body = options.body ?? JSON.stringify({ request_id: 'req-1', status: 'OK', payload: { video: { url: 'https://x/v.mp4' } } });
	const timestamp = String(options.timestamp ?? nowSeconds);
	const signature = sign(null, falSignedMessage('req-1', 'user-1', timestamp, Buffer.from(body)), key).toString('hex');
	const headers: Record<string, string> = {
		[FAL_WEBHOOK_HEADERS.requestId]: 'req-1',
		[FAL_WEBHOOK_HEADERS.userId]: 'user-1',
		[FAL_WEBHOOK_HEADERS.timestamp]: timestamp,
		[FAL_WEBHOOK_HEADERS.signature]: options.signature ?? signature,
	};
	if (options.omit) delete headers[options.omit];
	const rawBody = Buffer.from(options.tamper ? body.replace('req-1', 'req-2') : body);
	return { headers, rawBody, now: NOW };
}

/** A JWKS endpoint stand-in that counts fetches and can rotate. */
function jwksSource(initial: KeyPair[]) {
	let keys = initial;
	let fetches = 0;
	return {
		fetcher: async () => {
			fetches++;
			return { keys: keys.map((pair) => pair.jwk) };
		},
		rotate: (next: KeyPair[]) => {
			keys = next;
		},
		fetches: () => fetches,
	};
}

async function rejection(promise: Promise<unknown>): Promise<WebhookRejectedError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof WebhookRejectedError) return error;
		throw error;
	}
	throw new Error('expected a WebhookRejectedError');
}

describe('falSignedMessage', () => {
	it('is request id, user id, timestamp and the body hash, newline separated', () => {
		const body = Buffer.from('{"a":1}');
		const hash = createHash('sha256').update(body).digest('hex');
		expect(falSignedMessage('r', 'u', '123', body).toString()).toBe(`r\nu\n123\n${hash}`);
	});
});

describe('ed25519KeysFromJwks', () => {
	it('imports Ed25519 OKP keys and skips other key types and broken keys', () => {
		const good = keyPair('a');
		const keys = ed25519KeysFromJwks({
			keys: [good.jwk, { kty: 'RSA', n: 'x', e: 'AQAB' }, { kty: 'OKP', crv: 'X25519', x: good.jwk.x }, { kty: 'OKP', crv: 'Ed25519', x: '!!' }],
		});
		expect(keys).toHaveLength(1);
		expect(keys[0].asymmetricKeyType).toBe('ed25519');
	});

	it('throws with the zod issues when the document is not a JWKS', () => {
		expect(() => ed25519KeysFromJwks({ keyz: [] })).toThrow(/keys: Required/);
	});
});

describe('verifyFalDelivery', () => {
	const signer = keyPair('k1');

	it('accepts a delivery signed by a published key', async () => {
		const source = jwksSource([signer]);
		const verified = await verifyFalDelivery(delivery(signer.privateKey), new JwksKeyCache(), source.fetcher);
		expect(verified).toEqual({ requestId: 'req-1', userId: 'user-1', timestamp: nowSeconds });
	});

	it('accepts when any key of the set verifies', async () => {
		const other = keyPair('k0');
		const source = jwksSource([other, signer]);
		await expect(verifyFalDelivery(delivery(signer.privateKey), new JwksKeyCache(), source.fetcher)).resolves.toBeDefined();
	});

	it('rejects a tampered body with 401', async () => {
		const source = jwksSource([signer]);
		const error = await rejection(verifyFalDelivery(delivery(signer.privateKey, { tamper: true }), new JwksKeyCache(), source.fetcher));
		expect(error.httpStatus).toBe(401);
	});

	it('rejects a signature by an unpublished key with 401', async () => {
		const source = jwksSource([signer]);
		const stranger = keyPair('nope');
		const error = await rejection(verifyFalDelivery(delivery(stranger.privateKey), new JwksKeyCache(), source.fetcher));
		expect(error.httpStatus).toBe(401);
		expect(error.message).toMatch(/No key/);
	});

	it('rejects a stale timestamp and one from the future', async () => {
		const source = jwksSource([signer]);
		for (const offset of [-301, 301]) {
			const error = await rejection(
				verifyFalDelivery(delivery(signer.privateKey, { timestamp: nowSeconds + offset }), new JwksKeyCache(), source.fetcher),
			);
			expect(error.httpStatus).toBe(401);
			expect(error.message).toMatch(/timestamp|s from now/);
		}
		await expect(
			verifyFalDelivery(delivery(signer.privateKey, { timestamp: nowSeconds - 299 }), new JwksKeyCache(), source.fetcher),
		).resolves.toBeDefined();
	});

	it.each(Object.values(FAL_WEBHOOK_HEADERS))('rejects a delivery without %s', async (header) => {
		const source = jwksSource([signer]);
		const error = await rejection(verifyFalDelivery(delivery(signer.privateKey, { omit: header }), new JwksKeyCache(), source.fetcher));
		expect(error.httpStatus).toBe(401);
		expect(error.message).toContain(header);
	});

	it('rejects a signature that is not 64 hex bytes without fetching keys', async () => {
		const source = jwksSource([signer]);
		const error = await rejection(
			verifyFalDelivery(delivery(signer.privateKey, { signature: 'zz'.repeat(64) }), new JwksKeyCache(), source.fetcher),
		);
		expect(error.httpStatus).toBe(401);
		expect(source.fetches()).toBe(0);
	});

	it('rejects an oversized body with 413 before anything else', async () => {
		const source = jwksSource([signer]);
		const big = delivery(signer.privateKey);
		big.rawBody = Buffer.alloc(MAX_WEBHOOK_BODY_BYTES + 1, 32);
		const error = await rejection(verifyFalDelivery(big, new JwksKeyCache(), source.fetcher));
		expect(error.httpStatus).toBe(413);
		expect(source.fetches()).toBe(0);
	});
});

describe('JwksKeyCache', () => {
	it('reuses keys for 24 h and refetches after', async () => {
		const signer = keyPair('k1');
		const source = jwksSource([signer]);
		let clock = 0;
		const cache = new JwksKeyCache({ now: () => clock });
		await verifyFalDelivery(delivery(signer.privateKey), cache, source.fetcher);
		clock = JWKS_MAX_AGE_MS - 1;
		await verifyFalDelivery(delivery(signer.privateKey), cache, source.fetcher);
		expect(source.fetches()).toBe(1);
		clock = JWKS_MAX_AGE_MS;
		await verifyFalDelivery(delivery(signer.privateKey), cache, source.fetcher);
		expect(source.fetches()).toBe(2);
	});

	it('refetches once when no cached key verifies (rotation)', async () => {
		const oldKey = keyPair('old');
		const newKey = keyPair('new');
		const source = jwksSource([oldKey]);
		let clock = 0;
		const cache = new JwksKeyCache({ now: () => clock, minRefetchIntervalMs: 1000 });
		await verifyFalDelivery(delivery(oldKey.privateKey), cache, source.fetcher);
		source.rotate([newKey]);
		clock = 5000;
		await expect(verifyFalDelivery(delivery(newKey.privateKey), cache, source.fetcher)).resolves.toBeDefined();
		expect(source.fetches()).toBe(2);
	});

	it('does not refetch more often than the floor on forged deliveries', async () => {
		const signer = keyPair('k1');
		const forger = keyPair('forger');
		const source = jwksSource([signer]);
		let clock = 0;
		const cache = new JwksKeyCache({ now: () => clock, minRefetchIntervalMs: 30_000 });
		await verifyFalDelivery(delivery(signer.privateKey), cache, source.fetcher);
		for (let i = 0; i < 5; i++) {
			clock += 1000;
			await expect(verifyFalDelivery(delivery(forger.privateKey), cache, source.fetcher)).rejects.toThrow(WebhookRejectedError);
		}
		expect(source.fetches()).toBe(1);
		clock += 30_000;
		await expect(verifyFalDelivery(delivery(forger.privateKey), cache, source.fetcher)).rejects.toThrow(WebhookRejectedError);
		expect(source.fetches()).toBe(2);
	});

	it('shares one fetch between concurrent callers', async () => {
		const signer = keyPair('k1');
		const source = jwksSource([signer]);
		const cache = new JwksKeyCache();
		await Promise.all([1, 2, 3].map(() => verifyFalDelivery(delivery(signer.privateKey), cache, source.fetcher)));
		expect(source.fetches()).toBe(1);
	});

	it('lets a failing JWKS fetch surface as an ordinary error, not a rejection of the sender', async () => {
		const signer = keyPair('k1');
		const cache = new JwksKeyCache();
		const failing = async () => {
			throw new Error('network down');
		};
		await expect(verifyFalDelivery(delivery(signer.privateKey), cache, failing)).rejects.toThrow('network down');
		// The failure is not cached: the next delivery fetches again.
		const source = jwksSource([signer]);
		await expect(verifyFalDelivery(delivery(signer.privateKey), cache, source.fetcher)).resolves.toBeDefined();
	});
});
