/**
 * fal storage on rest.fal.ai, as @fal-ai/client 1.10.1 uses it (src/storage.js; the same code as
 * fal-ai/fal-js 381105e libs/client/src/storage.ts, "storage.ts" below, whose line numbers these
 * are):
 *
 * - `POST /storage/upload/initiate?storage_type=fal-cdn-v3` `{content_type, file_name}` →
 *   `{upload_url, file_url}`, then one PUT of the bytes to `upload_url` (files.ts);
 * - above 90 MB, `POST /storage/upload/initiate-multipart?storage_type=fal-cdn-v3` with the same
 *   body and answer, then parts and a complete call below `upload_url` (multipart.ts).
 *
 * The file is then served at `file_url`. Both initiate calls carry `Authorization: Key …`
 * (dispatchRequest); the PUTs carry none.
 */
import type { RequestContext, Route } from '../context';
import { uploadUrl } from '../files';
import { multipartUploadUrl } from '../multipart';
import { isObject, readJson, sendJson } from '../respond';
import { check, type Schema } from '../validate';
import { pydanticIssues } from './falModel';

/**
 * `InitiateUploadData = { file_name: string; content_type: string | null }` (storage.ts lines
 * 168–176). Other fields are ignored: fal-js sends none, and no source lists the endpoint's.
 */
const INITIATE_BODY: Schema = {
	file_name: { type: 'string', required: true },
	content_type: { type: 'string' },
};

async function initiate(ctx: RequestContext, multipart: boolean): Promise<void> {
	const body = await readJson(ctx);
	if (!body.ok || !isObject(body.value)) {
		return sendJson(ctx, 422, { detail: body.ok ? 'Input should be a valid dictionary' : body.message });
	}
	const issues = check(body.value, INITIATE_BODY, { additional: 'ignored' });
	if (issues.length > 0) return sendJson(ctx, 422, { detail: pydanticIssues(issues, body.value) });
	const file = ctx.core.uploads.add({
		provider: 'fal',
		fileName: body.value.file_name as string,
		contentType: typeof body.value.content_type === 'string' ? body.value.content_type : 'application/octet-stream',
		bytes: null,
		metadata: {},
		withToken: !multipart,
		multipart,
	});
	const fileUrl = uploadUrl(ctx.core, file);
	const upload = multipart ? multipartUploadUrl(ctx.core, file) : `${fileUrl}?token=${file.uploadToken}`;
	sendJson(ctx, 200, { upload_url: upload, file_url: fileUrl });
}

export const storageRoutes: readonly Route[] = [
	{ method: 'POST', pattern: /^\/storage\/upload\/initiate$/, name: 'upload', handle: (ctx) => initiate(ctx, false) },
	{ method: 'POST', pattern: /^\/storage\/upload\/initiate-multipart$/, name: 'upload', handle: (ctx) => initiate(ctx, true) },
];
