/**
 * Kling's API takes a short-lived HS256 JWT instead of a static key: the user stores the access
 * key and secret key, and a fresh token is signed for every request (the credential's
 * `authenticate` and the Kling adapter both call this).
 */
import { createHmac } from 'node:crypto';

/** Kling's own examples use 30 minutes; `nbf` is back-dated because its servers reject clock skew (codes 1003/1004). */
export const KLING_JWT_LIFETIME_SECONDS = 1800;
export const KLING_JWT_NOT_BEFORE_SKEW_SECONDS = 5;

const base64url = (input: Buffer | string) => Buffer.from(input).toString('base64url');

export function signKlingJwt(accessKey: string, secretKey: string, now: Date = new Date()): string {
	const issuedAt = Math.floor(now.getTime() / 1000);
	const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
	const payload = base64url(
		JSON.stringify({
			iss: accessKey,
			exp: issuedAt + KLING_JWT_LIFETIME_SECONDS,
			nbf: issuedAt - KLING_JWT_NOT_BEFORE_SKEW_SECONDS,
		}),
	);
	const signature = createHmac('sha256', secretKey).update(`${header}.${payload}`).digest('base64url');
	return `${header}.${payload}.${signature}`;
}
