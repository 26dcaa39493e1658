/**
 * The two HMAC webhook schemes, checked against signatures computed here from the providers'
 * documented recipes (and the published Standard Webhooks test vector), never against the
 * module's own signer alone.
 */
import { createHmac } from 'node:crypto';
import { WebhookRejectedError } from '../../nodes/shared/errors';
import { MAX_WEBHOOK_BODY_BYTES } from '../../nodes/shared/webhooks/common';
import { WAVESPEED_WEBHOOKS } from '../../nodes/shared/providers/wavespeed/adapter';
import { STANDARD_WEBHOOKS, verifyHmacDelivery, type HmacScheme } from '../../nodes/shared/webhooks/hmac';
import type { WebhookDelivery } from '../../nodes/shared/providers/types';

const NOW = new Date('2025-06-01T12:00:00Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

/** Replicate's recipe: key = base64-decoded text after whsec_, base64 digest. */
function replicateSignature(secret: string, id: string, timestamp: number, body: string): string {
	const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
	return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/** WaveSpeed's recipe: key = the text after whsec_ as UTF-8, hex digest. */
function wavespeedSignature(secret: string, id: string, timestamp: number, body: string): string {
	return createHmac('sha256', secret.replace(/^whsec_/, '')).update(`${id}.${timestamp}.${body}`).digest('hex');
}

function delivery(headers: Record<string, string | undefined>, body: string, secret: string | undefined, now = NOW): WebhookDelivery {
	return { headers, rawBody: Buffer.from(body), secret, now };
}

function rejection(run: () => void): WebhookRejectedError {
	try {
		run();
	} catch (error) {
		if (error instanceof WebhookRejectedError) return error;
		throw error;
	}
	throw new Error('expected the delivery to be rejected');
}

describe('Standard Webhooks (Replicate, v1 base64)', () => {
	it('accepts the published Standard Webhooks test vector', () => {
		const d = delivery(
			{
				'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
				'webhook-timestamp': '1614265330',
				'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
			},
			'{"test": 2432232314}',
			'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
			new Date(1614265330 * 1000),
		);
		expect(() => verifyHmacDelivery(d, STANDARD_WEBHOOKS)).not.toThrow();
	});

	const secret = `whsec_${Buffer.from('a replicate signing key, 32 byte').toString('base64')}`;
	const body = '{"id":"p1","status":"succeeded"}';
	const good = () => ({
		'webhook-id': 'msg_1',
		'webhook-timestamp': String(NOW_SECONDS),
		'webhook-signature': `v1,${replicateSignature(secret, 'msg_1', NOW_SECONDS, body)}`,
	});

	it('accepts a good delivery and any matching entry of several', () => {
		expect(() => verifyHmacDelivery(delivery(good(), body, secret), STANDARD_WEBHOOKS)).not.toThrow();
		const rotated = { ...good(), 'webhook-signature': `v1,bm90IGl0 v2,whatever ${good()['webhook-signature']}` };
		expect(() => verifyHmacDelivery(delivery(rotated, body, secret), STANDARD_WEBHOOKS)).not.toThrow();
	});

	it('rejects a tampered body, a wrong secret and a hex (WaveSpeed) signature with 401', () => {
		expect(rejection(() => verifyHmacDelivery(delivery(good(), body.replace('succeeded', 'failed'), secret), STANDARD_WEBHOOKS)).httpStatus).toBe(401);
		const otherSecret = `whsec_${Buffer.from('another key entirely, 32 bytes!').toString('base64')}`;
		expect(rejection(() => verifyHmacDelivery(delivery(good(), body, otherSecret), STANDARD_WEBHOOKS)).message).toMatch(/does not match/);
		const hex = { ...good(), 'webhook-signature': `v1,${wavespeedSignature(secret, 'msg_1', NOW_SECONDS, body)}` };
		expect(rejection(() => verifyHmacDelivery(delivery(hex, body, secret), STANDARD_WEBHOOKS)).httpStatus).toBe(401);
	});

	it('rejects stale and future timestamps beyond 300 s, but not within', () => {
		const at = (offset: number) => {
			const ts = NOW_SECONDS + offset;
			return { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': `v1,${replicateSignature(secret, 'msg_1', ts, body)}` };
		};
		expect(() => verifyHmacDelivery(delivery(at(-299), body, secret), STANDARD_WEBHOOKS)).not.toThrow();
		expect(rejection(() => verifyHmacDelivery(delivery(at(-301), body, secret), STANDARD_WEBHOOKS)).httpStatus).toBe(401);
		expect(rejection(() => verifyHmacDelivery(delivery(at(301), body, secret), STANDARD_WEBHOOKS)).httpStatus).toBe(401);
	});

	it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('rejects a delivery without %s', (header) => {
		const headers: Record<string, string | undefined> = good();
		delete headers[header];
		expect(rejection(() => verifyHmacDelivery(delivery(headers, body, secret), STANDARD_WEBHOOKS)).message).toContain(header);
	});

	it('rejects a missing secret with 401 and an oversized body with 413', () => {
		expect(rejection(() => verifyHmacDelivery(delivery(good(), body, undefined), STANDARD_WEBHOOKS)).httpStatus).toBe(401);
		const big = 'x'.repeat(MAX_WEBHOOK_BODY_BYTES + 1);
		expect(rejection(() => verifyHmacDelivery(delivery(good(), big, secret), STANDARD_WEBHOOKS)).httpStatus).toBe(413);
	});
});

describe('WaveSpeed (v3 hex, UTF-8 key)', () => {
	// A secret whose text is also valid base64: decoding it would give a different key.
	const secret = 'whsec_e9EE3BdyXSxcB4ZyZUKjQUEoQX4sF9P1+eMpb/KluCM=';
	const body = '{"id":"45b392b22c3b449fa935bd4dc","status":"completed","outputs":["https://x/y.mp4"]}';
	const headers = (signature: string) => ({ 'webhook-id': '45b392b22c3b449fa935bd4dc', 'webhook-timestamp': String(NOW_SECONDS), 'webhook-signature': signature });
	const goodSignature = () => `v3,${wavespeedSignature(secret, '45b392b22c3b449fa935bd4dc', NOW_SECONDS, body)}`;

	it('accepts a good delivery, in either hex case', () => {
		expect(() => verifyHmacDelivery(delivery(headers(goodSignature()), body, secret), WAVESPEED_WEBHOOKS)).not.toThrow();
		expect(() => verifyHmacDelivery(delivery(headers(goodSignature().toUpperCase().replace('V3,', 'v3,')), body, secret), WAVESPEED_WEBHOOKS)).not.toThrow();
	});

	it('does not base64-decode the key (a Standard Webhooks signer would not pass)', () => {
		const keyedAsBase64 = createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
			.update(`45b392b22c3b449fa935bd4dc.${NOW_SECONDS}.${body}`)
			.digest('hex');
		expect(rejection(() => verifyHmacDelivery(delivery(headers(`v3,${keyedAsBase64}`), body, secret), WAVESPEED_WEBHOOKS)).httpStatus).toBe(401);
	});

	it('rejects a tampered body, a wrong secret, a v1 tag and a stale timestamp', () => {
		expect(rejection(() => verifyHmacDelivery(delivery(headers(goodSignature()), body.replace('completed', 'failed'), secret), WAVESPEED_WEBHOOKS)).httpStatus).toBe(401);
		expect(rejection(() => verifyHmacDelivery(delivery(headers(goodSignature()), body, 'whsec_other'), WAVESPEED_WEBHOOKS)).httpStatus).toBe(401);
		expect(rejection(() => verifyHmacDelivery(delivery(headers(goodSignature().replace('v3,', 'v1,')), body, secret), WAVESPEED_WEBHOOKS)).message).toMatch(/no v3 signature/);
		const later = new Date(NOW.getTime() + 301_000);
		expect(rejection(() => verifyHmacDelivery(delivery(headers(goodSignature()), body, secret, later), WAVESPEED_WEBHOOKS)).httpStatus).toBe(401);
	});

	it('keys differ between the schemes for the same secret text', () => {
		const schemes: HmacScheme[] = [STANDARD_WEBHOOKS, WAVESPEED_WEBHOOKS];
		const [a, b] = schemes.map((scheme) => scheme.key(secret).toString('hex'));
		expect(a).not.toBe(b);
		expect(WAVESPEED_WEBHOOKS.key(secret).toString('utf8')).toBe(secret.slice('whsec_'.length));
	});
});
