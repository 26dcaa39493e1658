/**
 * Small answer and body helpers shared by the provider modules. Every answer goes through
 * `sendJson`, so the truncate fault and the counters' status work the same everywhere.
 */
import type { RequestContext } from './context';

export function sendJson(
	ctx: RequestContext,
	status: number,
	body: unknown,
	headers: Record<string, string | number> = {},
): void {
	// The client left (a `Prefer: wait` hold it gave up on): nobody to answer.
	if (ctx.res.destroyed) return;
	const bytes = Buffer.from(JSON.stringify(body));
	ctx.record.status = status;
	ctx.res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': bytes.length,
		...headers,
	});
	if (!ctx.truncate) {
		ctx.res.end(bytes);
		return;
	}
	ctx.res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
	setImmediate(() => ctx.res.socket?.end());
}

const MAX_BODY_BYTES = 256 * 1024 * 1024;

export async function readBody(ctx: RequestContext): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of ctx.req) {
		size += (chunk as Buffer).length;
		if (size > MAX_BODY_BYTES) throw new Error('request body too large');
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; message: string };

/** The body as JSON; an empty body is `{}` (fal and WaveSpeed accept bodiless POSTs). */
export async function readJson(ctx: RequestContext): Promise<JsonBody> {
	const bytes = await ctx.body();
	if (bytes.length === 0) return { ok: true, value: {} };
	try {
		return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
	} catch (error) {
		return { ok: false, message: `Invalid JSON body: ${(error as Error).message}` };
	}
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

export interface UploadedPart {
	name: string;
	fileName: string;
	contentType: string;
	bytes: Buffer;
}

/**
 * A multipart/form-data body, parsed by the platform's own parser (undici's `Request`), so the
 * emulator needs no dependency. Returns the file parts and the text fields.
 */
export async function readMultipart(
	ctx: RequestContext,
): Promise<{ files: UploadedPart[]; fields: Record<string, string> } | null> {
	const contentType = ctx.req.headers['content-type'] ?? '';
	if (!contentType.toLowerCase().startsWith('multipart/form-data')) return null;
	const bytes = await ctx.body();
	let form: FormData;
	try {
		form = await new Request('http://emulator.invalid/', {
			method: 'POST',
			headers: { 'content-type': contentType },
			body: bytes,
		}).formData();
	} catch {
		return null;
	}
	const files: UploadedPart[] = [];
	const fields: Record<string, string> = {};
	for (const [name, value] of form.entries()) {
		if (typeof value === 'string') {
			fields[name] = value;
		} else {
			files.push({
				name,
				fileName: (value as { name?: string }).name || 'blob',
				contentType: value.type || 'application/octet-stream',
				bytes: Buffer.from(await value.arrayBuffer()),
			});
		}
	}
	return { files, fields };
}

/** Reads a positive integer query parameter, or the default when absent or malformed. */
export function intParam(url: URL, name: string, fallback: number): number {
	const raw = url.searchParams.get(name);
	if (raw === null || !/^\d+$/.test(raw)) return fallback;
	return Number(raw);
}

export const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);
