/**
 * fal's multipart upload on the CDN stand-in, as fal-js 1.10.1 drives it (fal-ai/fal-js 381105e
 * libs/client/src/storage.ts `initiateMultipartUpload` … `multipartUpload`, lines 226–330):
 * after `initiate-multipart` hands out `upload_url`,
 *
 *   PUT  {upload_url path}/{partNumber}{upload_url query}  raw bytes → {partNumber, etag}
 *   POST {upload_url path}/complete{upload_url query}      {parts: [{partNumber, etag}]}
 *
 * and the file is then served at the `file_url` initiate gave, the parts' bytes in part order.
 * A complete whose etags differ from the uploaded parts, or that leaves a part out (or names one
 * never uploaded, or skips a number), is refused. The answers' exact bodies are UNCONFIRMED
 * (fal-js only reads `partNumber` and `etag`, and nothing of the complete answer).
 */
import { createHash } from 'node:crypto';
import type { EmulatorCore, RequestContext, Route } from './context';
import { FILES_PREFIX, type UploadedFile } from './files';
import { isObject, readJson, sendJson } from './respond';
import { check, type Schema } from './validate';

/** S3's limit, which fal's storage is assumed to share. UNCONFIRMED. */
const MAX_PART_NUMBER = 10000;

/** `{parts: [{partNumber, etag}]}` (storage.ts lines 313–327, the complete call). */
const COMPLETE_BODY: Schema = {
	parts: {
		type: 'objectArray',
		required: true,
		minItems: 1,
		items: { partNumber: { type: 'integer', required: true }, etag: { type: 'string', required: true } },
	},
};

export const multipartUploadUrl = (core: EmulatorCore, file: UploadedFile) =>
	`${core.url}${FILES_PREFIX}/fal/multipart/${file.id}/${encodeURIComponent(file.fileName)}?token=${file.uploadToken}`;

const refuse = (ctx: RequestContext, status: number, detail: string) =>
	sendJson(ctx, status, { error: status === 403 ? 'Forbidden' : 'Bad Request', detail });

/** The upload the URL names, if its token is right and it is still open; else answers. */
function openUpload(ctx: RequestContext, id: string): UploadedFile | null {
	const file = ctx.core.uploads.get('fal', id);
	if (!file || file.parts === null || ctx.url.searchParams.get('token') !== file.uploadToken) {
		refuse(ctx, 403, 'Invalid or expired upload URL');
		return null;
	}
	if (file.bytes !== null) {
		refuse(ctx, 400, 'This multipart upload is already complete');
		return null;
	}
	return file;
}

async function putPart(ctx: RequestContext, id: string, partText: string): Promise<void> {
	const file = openUpload(ctx, id);
	if (!file) return;
	const partNumber = Number(partText);
	if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
		return refuse(ctx, 400, `partNumber must be an integer from 1 to ${MAX_PART_NUMBER}`);
	}
	const bytes = await ctx.body();
	const etag = createHash('md5').update(bytes).digest('hex');
	// A part sent again replaces the earlier one (fal-js retries a part up to 3 times).
	file.parts!.set(partNumber, { bytes, etag });
	sendJson(ctx, 200, { partNumber, etag }, { etag: `"${etag}"` });
}

function completionProblem(file: UploadedFile, parts: { partNumber: number; etag: string }[]): string | null {
	const uploaded = file.parts!;
	const listed = parts.map((part) => part.partNumber);
	if (new Set(listed).size !== listed.length) return 'parts lists a partNumber twice';
	for (const part of parts) {
		const stored = uploaded.get(part.partNumber);
		if (!stored) return `part ${part.partNumber} was never uploaded`;
		if (stored.etag !== part.etag.replace(/^"|"$/g, '')) return `the etag of part ${part.partNumber} does not match the uploaded part`;
	}
	const missing = [...uploaded.keys()].filter((n) => !listed.includes(n));
	if (missing.length > 0) return `parts leaves out uploaded part(s) ${missing.sort((a, b) => a - b).join(', ')}`;
	const sorted = [...listed].sort((a, b) => a - b);
	const gap = sorted.findIndex((n, i) => n !== i + 1);
	if (gap >= 0) return `part ${gap + 1} is missing`;
	return null;
}

async function complete(ctx: RequestContext, id: string): Promise<void> {
	const file = openUpload(ctx, id);
	if (!file) return;
	const body = await readJson(ctx);
	if (!body.ok || !isObject(body.value)) return refuse(ctx, 400, body.ok ? 'The body must be a JSON object' : body.message);
	const issues = check(body.value, COMPLETE_BODY);
	if (issues.length > 0) return refuse(ctx, 400, issues.map((i) => i.message).join('; '));
	const parts = body.value.parts as { partNumber: number; etag: string }[];
	const problem = completionProblem(file, parts);
	if (problem) return refuse(ctx, 400, problem);
	const order = [...parts].sort((a, b) => a.partNumber - b.partNumber);
	file.bytes = Buffer.concat(order.map((part) => file.parts!.get(part.partNumber)!.bytes));
	file.parts!.clear();
	sendJson(ctx, 200, { ok: true });
}

/** Routes below `/files` (the path here starts at the provider segment). */
export const multipartRoutes: readonly Route[] = [
	{
		method: 'POST',
		pattern: /^\/fal\/multipart\/([^/]+)\/[^/]+\/complete$/,
		name: 'uploadComplete',
		auth: false,
		handle: (ctx, [, id]) => complete(ctx, id),
	},
	{
		method: 'PUT',
		pattern: /^\/fal\/multipart\/([^/]+)\/[^/]+\/([^/]+)$/,
		name: 'uploadPut',
		auth: false,
		handle: (ctx, [, id, part]) => putPart(ctx, id, part),
	},
];
