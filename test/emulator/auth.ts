/**
 * Credential checks the way each provider makes them. Static keys are compared in constant
 * time; Kling's JWT is verified independently of the package's signer (HS256, issuer = access
 * key, `exp` and `nbf` enforced) so a mistake in the signer shows up here.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type StaticKeyCheck = 'ok' | 'missing' | 'invalid';

const safeEqual = (a: string, b: string) => {
	const left = Buffer.from(a);
	const right = Buffer.from(b);
	return left.length === right.length && timingSafeEqual(left, right);
};

/** `Authorization: <scheme> <key>` (Replicate and WaveSpeed `Bearer`, fal `Key`). */
export function checkStaticKey(req: IncomingMessage, scheme: 'Bearer' | 'Key', expected: string): StaticKeyCheck {
	const header = req.headers.authorization;
	if (!header) return 'missing';
	const [given, ...rest] = header.trim().split(/\s+/);
	if (given.toLowerCase() !== scheme.toLowerCase() || rest.length !== 1) return 'invalid';
	return safeEqual(rest[0], expected) ? 'ok' : 'invalid';
}

/** Kling's documented authentication codes. */
export type KlingAuthCode = 1000 | 1001 | 1002 | 1003 | 1004;
export type KlingAuthResult = { ok: true } | { ok: false; code: KlingAuthCode; message: string };

const fail = (code: KlingAuthCode, message: string): KlingAuthResult => ({ ok: false, code, message });

/**
 * 1001 no header, 1002 not a well-formed HS256 bearer JWT, 1000 wrong signature or issuer,
 * 1003 `nbf` in the future, 1004 `exp` passed (or missing: Kling tokens always expire).
 */
export function verifyKlingJwt(
	header: string | undefined,
	accessKey: string,
	secretKey: string,
	now: Date = new Date(),
): KlingAuthResult {
	if (!header || header.trim() === '') return fail(1001, 'Authorization is empty');
	const match = /^Bearer\s+([\w-]+)\.([\w-]+)\.([\w-]+)$/i.exec(header.trim());
	if (!match) return fail(1002, 'Authorization is invalid');
	const [, encodedHeader, encodedPayload, signature] = match;
	let jwtHeader: { alg?: unknown };
	let payload: { iss?: unknown; exp?: unknown; nbf?: unknown };
	try {
		jwtHeader = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
		payload = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8'));
	} catch {
		return fail(1002, 'Authorization is invalid');
	}
	if (jwtHeader?.alg !== 'HS256') return fail(1002, 'Authorization is invalid');
	const expected = createHmac('sha256', secretKey).update(`${encodedHeader}.${encodedPayload}`).digest('base64url');
	if (!safeEqual(signature, expected) || payload?.iss !== accessKey) return fail(1000, 'Authentication failed');
	const nowSeconds = now.getTime() / 1000;
	if (typeof payload.nbf === 'number' && payload.nbf > nowSeconds) return fail(1003, 'Authorization is not yet valid');
	if (typeof payload.exp !== 'number' || payload.exp <= nowSeconds) return fail(1004, 'Authorization has expired');
	return { ok: true };
}
