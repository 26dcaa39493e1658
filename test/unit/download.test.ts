/**
 * The video download against a real loopback server that cuts connections: it resumes with a
 * Range request where the server allows it (so nothing is fetched twice), restarts where it does
 * not or where the file changed, checks the length, and streams (the store sees bytes before the
 * server has sent them all).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import type { IBinaryData } from 'n8n-workflow';
import { HttpClient } from '../../nodes/shared/http';
import { DownloadError, downloadVideo, resumeInfo } from '../../nodes/shared/media/download';

interface Served {
	range: string | undefined;
	ifRange: string | undefined;
	status: number;
	bytesSent: number;
}

type Behaviour = (request: IncomingMessage, response: ServerResponse, index: number, log: Served) => void;

/** Servers of the running test, closed after it whether it passed or not (an open one would keep jest alive). */
const open: Array<() => Promise<void>> = [];

async function serve(behaviour: Behaviour) {
	const log: Served[] = [];
	const server: Server = createServer((request, response) => {
		const entry: Served = { range: request.headers.range, ifRange: request.headers['if-range'] as string | undefined, status: 0, bytesSent: 0 };
		log.push(entry);
		behaviour(request, response, log.length, entry);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	open.push(
		() =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	);
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/video.mp4?token=secret`, log };
}

/** Sends bytes [start, stop) of `file` with the given headers; `cutAt` drops the connection after that many bytes of the body. */
function send(response: ServerResponse, log: Served, file: Buffer, status: number, headers: Record<string, string | number>, start: number, cutAt?: number) {
	const end = file.length;
	response.writeHead(status, { 'content-length': end - start, ...headers });
	log.status = status;
	const stop = cutAt === undefined ? end : start + cutAt;
	const part = file.subarray(start, stop);
	log.bytesSent = part.length;
	if (cutAt === undefined) {
		response.end(part);
		return;
	}
	response.write(part, () => setImmediate(() => response.socket?.destroy()));
}

const FILE = Buffer.from(Array.from({ length: 3 * 1024 * 1024 }, (_, index) => (index * 31) % 251));
const ETAG = '"v1"';
const RANGED = { 'content-type': 'video/mp4', 'accept-ranges': 'bytes', etag: ETAG };

/** Answers a Range request with 206 from the asked byte, like a CDN. */
function ranged(request: IncomingMessage, response: ServerResponse, log: Served, file = FILE, etag = ETAG) {
	const match = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
	if (match && request.headers['if-range'] === etag) {
		const start = Number(match[1]);
		send(response, log, file, 206, { ...RANGED, etag, 'content-range': `bytes ${start}-${file.length - 1}/${file.length}` }, start);
		return;
	}
	send(response, log, file, 200, { ...RANGED, etag }, 0);
}

/** A store that reads the stream as n8n's filesystem store does (piped, chunk by chunk). */
function hashingStore(onFirstChunk?: () => void) {
	const stored: { bytes: number; sha: string } = { bytes: 0, sha: '' };
	const store = async (stream: Readable): Promise<IBinaryData> => {
		const hash = createHash('sha256');
		let first = true;
		for await (const chunk of stream) {
			if (first) onFirstChunk?.();
			first = false;
			hash.update(chunk as Buffer);
			stored.bytes += (chunk as Buffer).length;
		}
		stored.sha = hash.digest('hex');
		return { data: '', mimeType: 'video/mp4', fileSize: String(stored.bytes) } as IBinaryData;
	};
	return { store, stored };
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let http: HttpClient;
beforeEach(() => {
	http = new HttpClient({ retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } });
});
afterEach(async () => {
	await Promise.all(open.splice(0).map((close) => close()));
	await http.close();
});

describe('downloadVideo', () => {
	it('resumes a cut download with Range and If-Range: every byte is fetched once', async () => {
		const server = await serve((request, response, index, log) => {
			if (index === 1) send(response, log, FILE, 200, RANGED, 0, 1_000_000);
			else ranged(request, response, log);
		});
		const { store, stored } = hashingStore();
		await downloadVideo(http, server.url, 'v.mp4', store);
		expect(stored.sha).toBe(sha(FILE));
		expect(server.log.map((entry) => [entry.status, entry.range, entry.ifRange])).toEqual([
			[200, undefined, undefined],
			[206, 'bytes=1000000-', ETAG],
		]);
		expect(server.log.reduce((sum, entry) => sum + entry.bytesSent, 0)).toBe(FILE.length);
	});

	it('resumes again after a second cut', async () => {
		const server = await serve((request, response, index, log) => {
			if (index === 1) send(response, log, FILE, 200, RANGED, 0, 700_000);
			else if (index === 2) {
				const start = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1]);
				send(response, log, FILE, 206, { ...RANGED, 'content-range': `bytes ${start}-${FILE.length - 1}/${FILE.length}` }, start, 900_000);
			} else ranged(request, response, log);
		});
		const { store, stored } = hashingStore();
		await downloadVideo(http, server.url, 'v.mp4', store);
		expect(stored.sha).toBe(sha(FILE));
		expect(server.log.map((entry) => entry.range)).toEqual([undefined, 'bytes=700000-', 'bytes=1600000-']);
	});

	it('restarts from the first byte when the server does not offer ranges', async () => {
		const server = await serve((_request, response, index, log) => {
			send(response, log, FILE, 200, { 'content-type': 'video/mp4' }, 0, index === 1 ? 1_000_000 : undefined);
		});
		const { store, stored } = hashingStore();
		await downloadVideo(http, server.url, 'v.mp4', store);
		expect(stored.sha).toBe(sha(FILE));
		expect(server.log.map((entry) => [entry.status, entry.range])).toEqual([
			[200, undefined],
			[200, undefined],
		]);
	});

	it('restarts when the file changed between the cut and the resume (If-Range answered 200)', async () => {
		const changed = Buffer.from(FILE).fill(7, 0, 10);
		const server = await serve((request, response, index, log) => {
			if (index === 1) send(response, log, FILE, 200, RANGED, 0, 1_000_000);
			else ranged(request, response, log, changed, '"v2"');
		});
		const { store } = hashingStore();
		const seen: string[] = [];
		await downloadVideo(http, server.url, 'v.mp4', async (stream) => {
			const result = await store(stream);
			seen.push('stored');
			return result;
		});
		// Cut, resume refused with the new file (200), then the new file downloaded whole.
		expect(server.log.map((entry) => [entry.status, entry.range])).toEqual([
			[200, undefined],
			[200, 'bytes=1000000-'],
			[200, undefined],
		]);
		expect(seen).toEqual(['stored']);
	});

	it('never hands over a short file: fails with the byte counts after its attempts', async () => {
		const server = await serve((_request, response, _index, log) => {
			send(response, log, FILE, 200, { 'content-type': 'video/mp4' }, 0, 500_000);
		});
		const { store } = hashingStore();
		const error = await downloadVideo(http, server.url, 'v.mp4', store).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(DownloadError);
		expect((error as Error).message).toMatch(/failed 3 times/);
		expect((error as Error).message).not.toContain('token=secret');
		expect(server.log).toHaveLength(3);
	});

	it('reports an expired output as gone without retrying', async () => {
		const server = await serve((_request, response, _index, log) => {
			log.status = 410;
			response.writeHead(410);
			response.end();
		});
		const error = await downloadVideo(http, server.url, 'v.mp4', hashingStore().store).catch((caught: unknown) => caught);
		expect((error as DownloadError).httpStatus).toBe(410);
		expect((error as Error).message).toMatch(/is gone \(HTTP 410\)/);
		expect(server.log).toHaveLength(1);
	});

	it('streams: the store receives bytes while the server is still holding the rest back', async () => {
		let release: () => void = () => undefined;
		const firstChunkSeen = new Promise<void>((resolve) => (release = resolve));
		const server = await serve((_request, response, _index, log) => {
			response.writeHead(200, { ...RANGED, 'content-length': FILE.length });
			log.status = 200;
			response.write(FILE.subarray(0, 64 * 1024));
			// The rest is sent only once the store has seen a chunk: a download that buffered the
			// whole body first would never get there and the test would time out.
			void firstChunkSeen.then(() => response.end(FILE.subarray(64 * 1024)));
		});
		const { store, stored } = hashingStore(() => release());
		await downloadVideo(http, server.url, 'v.mp4', store);
		expect(stored.sha).toBe(sha(FILE));
	}, 10_000);
});

describe('resumeInfo', () => {
	it('needs byte ranges, a length and a strong validator', () => {
		expect(resumeInfo({ 'accept-ranges': 'bytes', 'content-length': '10', etag: '"a"' })).toEqual({ total: 10, validator: '"a"' });
		expect(resumeInfo({ 'accept-ranges': 'bytes', 'content-length': '10', 'last-modified': 'Tue, 01 Jan 2030 00:00:00 GMT' })?.validator).toMatch(/2030/);
		expect(resumeInfo({ 'accept-ranges': 'none', 'content-length': '10', etag: '"a"' })).toBeNull();
		expect(resumeInfo({ 'accept-ranges': 'bytes', etag: '"a"' })).toBeNull();
		expect(resumeInfo({ 'accept-ranges': 'bytes', 'content-length': '10', etag: 'W/"a"' })).toBeNull();
	});
});
