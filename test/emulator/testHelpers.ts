/**
 * Helpers for the emulator's own tests: auth headers per provider, a Kling JWT signed here
 * (not with the package's signer, which the emulator is meant to check), polling, and a local
 * webhook receiver.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EMULATOR_CREDENTIALS as C, startEmulator, type Emulator, type EmulatorOptions } from './index';
import { mp4Info } from './probe';

/**
 * The emulator of a test file: started before its tests (handed to `started`), reset before each
 * test (then `afterReset`, for settings every test wants), closed after them.
 */
export function useEmulator(options: EmulatorOptions, started: (emulator: Emulator) => void, afterReset?: (emulator: Emulator) => void): void {
	let emulator: Emulator | undefined;
	beforeAll(async () => {
		emulator = await startEmulator(options);
		started(emulator);
	});
	afterAll(() => emulator?.close());
	beforeEach(() => {
		emulator?.reset();
		if (emulator) afterReset?.(emulator);
	});
}

export const replicateAuth = { authorization: `Bearer ${C.replicateToken}`, 'content-type': 'application/json' };
export const falAuth = { authorization: `Key ${C.falKey}`, 'content-type': 'application/json' };
export const wavespeedAuth = { authorization: `Bearer ${C.wavespeedKey}`, 'content-type': 'application/json' };

export function klingJwt(
	options: { secret?: string; issuer?: string; expOffset?: number; nbfOffset?: number } = {},
): string {
	const now = Math.floor(Date.now() / 1000);
	const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const header = encode({ alg: 'HS256', typ: 'JWT' });
	const payload = encode({
		iss: options.issuer ?? C.klingAccessKey,
		exp: now + (options.expOffset ?? 1800),
		nbf: now + (options.nbfOffset ?? -5),
	});
	const signature = createHmac('sha256', options.secret ?? C.klingSecretKey).update(`${header}.${payload}`).digest('base64url');
	return `${header}.${payload}.${signature}`;
}

export const klingAuth = (token = klingJwt()) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

export async function postJson(url: string, headers: Record<string, string>, body: unknown, extra: RequestInit = {}) {
	const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), ...extra });
	return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

export async function getJson(url: string, headers: Record<string, string> = {}) {
	const response = await fetch(url, { headers });
	return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function until<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000, everyMs = 25): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}

export async function download(url: string, headers: Record<string, string> = {}) {
	const response = await fetch(url, { headers });
	return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** The committed ffmpeg-made MP4s (1 s, 64x36; test/fixtures/media/README.md). */
export const fixtureBytes = (withAudio: boolean) =>
	readFileSync(join(__dirname, '..', 'fixtures', 'media', withAudio ? 'video-with-audio.mp4' : 'video-silent.mp4'));

/** Length, frame size and audio of an MP4 (throws when it is not one). */
export function videoFacts(bytes: Buffer) {
	const info = mp4Info(bytes);
	if (!info || !info.hasVideo) throw new Error('not an MP4 with a video track');
	return { seconds: info.seconds, width: info.width, height: info.height, hasAudio: info.hasAudio };
}

/** The smallest PNG the emulator's probe reads: signature and IHDR (the size is all it looks at). */
export function pngHeader(width: number, height: number): Buffer {
	const ihdr = Buffer.alloc(25);
	ihdr.writeUInt32BE(13, 0);
	ihdr.write('IHDR', 4, 'latin1');
	ihdr.writeUInt32BE(width, 8);
	ihdr.writeUInt32BE(height, 12);
	ihdr.set([8, 2, 0, 0, 0], 16);
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);
}

export const dataUrl = (bytes: Buffer, type: string) => `data:${type};base64,${bytes.toString('base64')}`;

export const isMp4 = (bytes: Buffer) => bytes.subarray(4, 8).toString('latin1') === 'ftyp';

export interface ReceivedWebhook {
	url: string;
	headers: IncomingHttpHeaders;
	body: string;
}

/** A local webhook endpoint; answers each delivery with the next status of `statuses` (then 200). */
export async function startReceiver(statuses: number[] = []) {
	const received: ReceivedWebhook[] = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(statuses.shift() ?? 200);
			res.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		received,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
