/**
 * Kling's JWT: HS256 header, iss/exp/nbf claims, a signature the secret verifies, and a token
 * signed anew for every request the adapter sends (so none expires while a job runs for hours).
 */
import { createHmac } from 'node:crypto';
import { HttpClient, toResponse, type HttpRequestOptions, type HttpResponse } from '../../nodes/shared/http';
import { KLING_JWT_LIFETIME_SECONDS, KLING_JWT_NOT_BEFORE_SKEW_SECONDS, signKlingJwt } from '../../nodes/shared/providers/kling/jwt';
import { klingAdapter } from '../../nodes/shared/providers/kling/adapter';

function decode(token: string) {
	const [header, payload, signature] = token.split('.');
	return {
		header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
		payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
		signed: `${header}.${payload}`,
		signature,
	};
}

const hs256 = (secret: string, signed: string) => createHmac('sha256', secret).update(signed).digest('base64url');

describe('signKlingJwt', () => {
	const now = new Date('2025-03-01T10:00:00Z');
	const seconds = now.getTime() / 1000;

	it('has an HS256 JWT header and iss / exp / nbf claims', () => {
		const { header, payload } = decode(signKlingJwt('ak-123', 'sk-456', now));
		expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
		expect(payload).toEqual({
			iss: 'ak-123',
			exp: seconds + KLING_JWT_LIFETIME_SECONDS,
			nbf: seconds - KLING_JWT_NOT_BEFORE_SKEW_SECONDS,
		});
		expect(KLING_JWT_LIFETIME_SECONDS).toBe(1800);
		expect(KLING_JWT_NOT_BEFORE_SKEW_SECONDS).toBe(5);
	});

	it('is signed so that the secret key verifies it and another key does not', () => {
		const { signed, signature } = decode(signKlingJwt('ak-123', 'sk-456', now));
		expect(signature).toBe(hs256('sk-456', signed));
		expect(signature).not.toBe(hs256('sk-other', signed));
	});

	it('never contains the secret key', () => {
		const token = signKlingJwt('ak-123', 'super-secret-value', now);
		expect(token).not.toContain('super-secret-value');
		expect(Buffer.from(token.split('.')[1], 'base64url').toString()).not.toContain('super-secret-value');
	});
});

/** Records each request's headers and answers a Kling list envelope. */
class RecordingHttp extends HttpClient {
	readonly sent: HttpRequestOptions[] = [];

	override async send(options: HttpRequestOptions): Promise<HttpResponse> {
		this.sent.push(options);
		return toResponse(200, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ code: 0, message: 'SUCCEED', data: [] })));
	}
}

describe('the Kling adapter signs a fresh token per request', () => {
	afterEach(() => jest.useRealTimers());

	it('sends a newly signed, currently valid Bearer JWT with every call', async () => {
		// Only the clock is faked; timers stay real so the HTTP client can work and close.
		jest.useFakeTimers({
			now: new Date('2025-03-01T10:00:00Z'),
			doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'hrtime', 'performance'],
		});
		const http = new RecordingHttp();
		const client = klingAdapter.connect({ accessKey: 'ak', secretKey: 'sk', baseUrl: 'http://kling.test' }, http);
		await client.testCredentials();
		jest.setSystemTime(new Date('2025-03-01T11:00:00Z'));
		await client.testCredentials();

		const tokens = http.sent.map((options) => {
			const authorization = options.headers?.authorization ?? '';
			expect(authorization).toMatch(/^Bearer /);
			return authorization.slice('Bearer '.length);
		});
		expect(tokens).toHaveLength(2);
		expect(tokens[0]).not.toBe(tokens[1]);
		const second = decode(tokens[1]);
		// Signed at the second call, not reused from the first (which would have expired by then).
		expect(second.payload.exp).toBe(Date.parse('2025-03-01T11:00:00Z') / 1000 + KLING_JWT_LIFETIME_SECONDS);
		expect(second.signature).toBe(hs256('sk', second.signed));
		await http.close();
	});
});
