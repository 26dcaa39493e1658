/**
 * Streams a finished video from the provider into n8n's binary store. The body is piped, never
 * buffered whole (a 10 s 1080p clip is tens of MB, and a batch downloads many at once).
 *
 * A cut connection resumes where it stopped, with an HTTP Range request, when the server offers
 * byte ranges (`Accept-Ranges: bytes`), a length and a validator for `If-Range` (a strong ETag or
 * Last-Modified): a cut 500 MB download does not start over. Without those, or when the file
 * changed meanwhile, the download restarts from the first byte. The length is checked against
 * Content-Length either way, so a truncated file never reaches a workflow as if it were whole.
 */
import type { IBinaryData } from 'n8n-workflow';
import { Readable } from 'node:stream';
import { settle, type HttpClient, type StreamResponse } from '../http';

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

/** Downloads from the first byte (when the server cannot resume, or the file changed). */
const ATTEMPTS = 3;
/** Range requests within one download, each after a cut. */
const RESUMES = 5;

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
		const mimeType = response.headers['content-type']?.split(';')[0] || 'video/mp4';
		const body = Readable.from(resumableBody(http, url, response, signal), { objectMode: false });
		const stored = await settle(store(body, fileName, mimeType));
		if (stored.ok) return stored.value;
		body.destroy();
		if (signal?.aborted) throw stored.error;
		lastError = stored.error;
	}
	throw new DownloadError(
		`Downloading ${redactQuery(url)} failed ${ATTEMPTS} times: ${(lastError as Error)?.message ?? lastError}`,
		null,
	);
}

/** What a resume needs of the first answer; null when the server cannot resume. */
export function resumeInfo(headers: Record<string, string>): { total: number; validator: string } | null {
	const total = lengthOf(headers['content-length']);
	const etag = headers.etag && !headers.etag.startsWith('W/') ? headers.etag : undefined;
	const validator = etag ?? headers['last-modified'];
	const ranges = (headers['accept-ranges'] ?? '').toLowerCase().split(',').map((unit) => unit.trim());
	return total !== null && validator && ranges.includes('bytes') ? { total, validator } : null;
}

/**
 * The bytes of the file, from the first answer and, after each cut, from a Range request that
 * continues at the first missing byte. Pulled by the store, so backpressure reaches the socket.
 * Throws (ending the stream with an error) when the length does not add up and it cannot resume.
 */
async function* resumableBody(http: HttpClient, url: string, first: StreamResponse, signal?: AbortSignal): AsyncGenerator<Buffer> {
	const total = lengthOf(first.headers['content-length']);
	const resume = resumeInfo(first.headers);
	let body = first.body;
	let received = 0;
	for (let resumes = 0; ; resumes++) {
		let cut: unknown;
		try {
			for await (const chunk of body) {
				received += (chunk as Buffer).length;
				yield chunk as Buffer;
			}
		} catch (error) {
			cut = error;
		}
		// Every byte is here: a connection that fails after the last one loses nothing.
		if (total !== null && received === total) return;
		if (cut === undefined) {
			if (total === null) return;
			cut = new Error(`received ${received} of ${total} bytes`);
		}
		if (!resume || signal?.aborted || resumes >= RESUMES || received > resume.total) throw cut;
		body.destroy();
		const next = await http.stream(url, {
			signal,
			headers: { range: `bytes=${received}-`, 'if-range': resume.validator },
		});
		const range = contentRange(next.headers['content-range']);
		if (next.status !== 206 || !range || range.start !== received || range.total !== resume.total) {
			next.body.destroy();
			// A 200 here means the file changed since the first byte (If-Range): the parts cannot be joined.
			throw new Error(`the server did not continue at byte ${received} of ${resume.total} (HTTP ${next.status})`);
		}
		body = next.body;
	}
}

function lengthOf(value: string | undefined): number | null {
	return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) : null;
}

/** `bytes <start>-<end>/<total>` */
function contentRange(value: string | undefined): { start: number; total: number } | null {
	const match = /^bytes (\d+)-(\d+)\/(\d+)$/i.exec(value?.trim() ?? '');
	return match ? { start: Number(match[1]), total: Number(match[3]) } : null;
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
