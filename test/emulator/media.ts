/**
 * Serving files: an output is its rendered MP4 (outputVideo.ts), optionally followed by a
 * padding `free` box up to any size. The padding is produced as it is sent, so a 500 MB output
 * costs no memory here and measures only the client. Range requests are honoured (206) so a
 * client can resume, and a truncate fault cuts the body halfway after a full Content-Length.
 * The two committed fixture MP4s are no longer served; `fixture()` stays for tests that read them.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';

const FIXTURE_DIR = join(__dirname, '..', 'fixtures', 'media');
const FIXTURE_FILES = { audio: 'video-with-audio.mp4', silent: 'video-silent.mp4' } as const;

const cache = new Map<string, Buffer>();
/** Read once, on first use: the emulator only reads the committed files (CI has no ffmpeg). */
export function fixture(withAudio: boolean): Buffer {
	const file = FIXTURE_FILES[withAudio ? 'audio' : 'silent'];
	let bytes = cache.get(file);
	if (!bytes) {
		bytes = readFileSync(join(FIXTURE_DIR, file));
		cache.set(file, bytes);
	}
	return bytes;
}

const BOX_HEADER = 8;
const LARGE_BOX_HEADER = 16;
const ZEROS = Buffer.alloc(64 * 1024);

/**
 * An output as a virtual file: the MP4 (`head`), then (when asked for more bytes) one `free` box
 * whose payload is zeros. A box over 4 GiB uses the 64-bit `largesize` form.
 */
export class VirtualMp4 {
	readonly size: number;
	private readonly padHeader: Buffer;

	constructor(
		private readonly head: Buffer,
		requestedBytes: number | null,
	) {
		let padding = requestedBytes === null ? 0 : Math.max(0, requestedBytes - head.length);
		// A box is at least its header: round tiny paddings up rather than emit a broken box.
		if (padding > 0 && padding < BOX_HEADER) padding = BOX_HEADER;
		this.padHeader = boxHeader(padding);
		this.size = head.length + padding;
	}

	/** Bytes [start, end] inclusive, streamed in 64 KiB pieces. */
	stream(start: number, end: number): Readable {
		return Readable.from(this.chunks(start, end + 1), { objectMode: false });
	}

	private *chunks(from: number, to: number): Generator<Buffer> {
		const segments: [number, Buffer | null, number][] = [
			// [offset, bytes or null for zeros, length]
			[0, this.head, this.head.length],
			[this.head.length, this.padHeader, this.padHeader.length],
			[this.head.length + this.padHeader.length, null, this.size - this.head.length - this.padHeader.length],
		];
		for (const [offset, bytes, length] of segments) {
			const start = Math.max(from, offset);
			const end = Math.min(to, offset + length);
			for (let at = start; at < end; at += ZEROS.length) {
				const stop = Math.min(end, at + ZEROS.length);
				yield bytes ? bytes.subarray(at - offset, stop - offset) : ZEROS.subarray(0, stop - at);
			}
		}
	}
}

function boxHeader(padding: number): Buffer {
	if (padding === 0) return Buffer.alloc(0);
	if (padding <= 0xffffffff) {
		const header = Buffer.alloc(BOX_HEADER);
		header.writeUInt32BE(padding, 0);
		header.write('free', 4, 'latin1');
		return header;
	}
	const header = Buffer.alloc(LARGE_BOX_HEADER);
	header.writeUInt32BE(1, 0);
	header.write('free', 4, 'latin1');
	header.writeBigUInt64BE(BigInt(padding), 8);
	return header;
}

export interface ServeOptions {
	contentType: string;
	/** Stable per output, for `If-Range`. */
	etag: string;
	/** Send the headers of the whole answer, then cut the body halfway and drop the connection. */
	truncate: boolean;
	/** Content-Disposition file name. */
	fileName?: string;
}

/** Answers GET/HEAD for a virtual file with 200 or 206 (one range), or 416. Returns the status. */
export function serveFile(
	req: IncomingMessage,
	res: ServerResponse,
	file: { size: number; stream(start: number, end: number): Readable },
	options: ServeOptions,
): number {
	const headers: Record<string, string | number> = {
		'content-type': options.contentType,
		'accept-ranges': 'bytes',
		etag: options.etag,
		'cache-control': 'public, max-age=3600',
	};
	if (options.fileName) headers['content-disposition'] = `inline; filename="${options.fileName}"`;

	let start = 0;
	let end = file.size - 1;
	let status = 200;
	const range = req.headers.range;
	const ifRange = req.headers['if-range'];
	if (range && (ifRange === undefined || ifRange === options.etag)) {
		const parsed = parseRange(range, file.size);
		if (parsed === 'unsatisfiable') {
			res.writeHead(416, { ...headers, 'content-range': `bytes */${file.size}`, 'content-length': 0 });
			res.end();
			return 416;
		}
		if (parsed) {
			[start, end] = parsed;
			status = 206;
			headers['content-range'] = `bytes ${start}-${end}/${file.size}`;
		}
	}
	const length = end - start + 1;
	res.writeHead(status, { ...headers, 'content-length': length });
	if (req.method === 'HEAD' || length === 0) {
		res.end();
		return status;
	}
	const stop = options.truncate ? start + Math.floor(length / 2) - 1 : end;
	const body = file.stream(start, stop);
	body.pipe(res, { end: !options.truncate });
	if (options.truncate) {
		// The promised Content-Length never arrives: the half that was written is flushed, then
		// the connection closes and the client sees a premature end of body.
		body.on('end', () => setImmediate(() => res.socket?.end()));
	}
	return status;
}

/**
 * One `bytes=` range: `a-b`, `a-` or `-n`. Multiple ranges are answered as a full body (allowed
 * by RFC 9110), a malformed header is ignored, a range past the end is unsatisfiable.
 */
export function parseRange(header: string, size: number): [number, number] | 'unsatisfiable' | null {
	const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!match || (match[1] === '' && match[2] === '')) return null;
	if (match[1] === '') {
		const suffix = Number(match[2]);
		if (suffix === 0) return 'unsatisfiable';
		return [Math.max(0, size - suffix), size - 1];
	}
	const start = Number(match[1]);
	const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
	if (start >= size || end < start) return 'unsatisfiable';
	return [start, end];
}

/** An uploaded file as the same virtual-file shape. */
export const bufferFile = (bytes: Buffer) => ({
	size: bytes.length,
	stream: (start: number, end: number) => Readable.from([bytes.subarray(start, end + 1)]),
});
