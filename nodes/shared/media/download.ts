/**
 * Streams a finished video from the provider into n8n's binary store. The body is piped, never
 * buffered whole (a 10 s 1080p clip is tens of MB, and a batch downloads many at once). A cut
 * connection or a short body restarts the download; the length is checked against
 * Content-Length so a truncated file never reaches a workflow as if it were whole.
 */
import type { IBinaryData } from 'n8n-workflow';
import { PassThrough, type Readable } from 'node:stream';
import { settle, type HttpClient } from '../http';

export type StoreBinary = (stream: Readable, fileName: string, mimeType: string) => Promise<IBinaryData>;

export class DownloadError extends Error {
	constructor(
		message: string,
		readonly httpStatus: number | null,
	) {
		super(message);
		this.name = 'DownloadError';
	}
}

const ATTEMPTS = 3;

export async function downloadVideo(
	http: HttpClient,
	url: string,
	fileName: string,
	store: StoreBinary,
	signal?: AbortSignal,
): Promise<IBinaryData> {
	let lastError: unknown;
	for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
		const response = await http.stream(url, { signal });
		if (response.status === 404 || response.status === 410) {
			response.body.resume();
			throw new DownloadError(`The video at ${redactQuery(url)} is gone (HTTP ${response.status}); the provider no longer keeps it`, response.status);
		}
		if (response.status !== 200) {
			response.body.resume();
			throw new DownloadError(`Downloading ${redactQuery(url)} failed with HTTP ${response.status}`, response.status);
		}
		const expected = Number(response.headers['content-length'] ?? NaN);
		const counted = countBytes(response.body, Number.isFinite(expected) ? expected : null);
		const mimeType = response.headers['content-type']?.split(';')[0] || 'video/mp4';
		const stored = await settle(store(counted, fileName, mimeType));
		if (stored.ok) return stored.value;
		if (signal?.aborted) throw stored.error;
		lastError = stored.error;
	}
	throw new DownloadError(
		`Downloading ${redactQuery(url)} failed ${ATTEMPTS} times: ${(lastError as Error)?.message ?? lastError}`,
		null,
	);
}

/** Passes the body through, failing the stream when it ends short of the announced length. */
function countBytes(body: Readable, expected: number | null): Readable {
	let received = 0;
	const counter = new PassThrough({
		transform(chunk: Buffer, _encoding, callback) {
			received += chunk.length;
			callback(null, chunk);
		},
		flush(callback) {
			if (expected !== null && received !== expected) {
				callback(new Error(`received ${received} of ${expected} bytes`));
			} else callback();
		},
	});
	body.on('error', (error) => counter.destroy(error));
	return body.pipe(counter);
}

/** Signed CDN URLs carry tokens in the query; error messages show the path only. */
function redactQuery(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.origin}${parsed.pathname}`;
	} catch {
		return 'the video URL';
	}
}
