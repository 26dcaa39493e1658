/**
 * WaveSpeed media uploads, as WaveSpeed's own SDKs and docs make them:
 *
 * - current, two steps (wavespeed-python c54e078 src/wavespeed/api/client.py `Client.upload`,
 *   wavespeed-java 2c05d8c src/main/java/ai/wavespeed/api/Client.java `upload()`, npm wavespeed
 *   0.3.2 dist/api/client.js `upload()`): `POST /api/v3/media/uploads` JSON `{filename, size, content_type?}` →
 *   data `{type, download_url, filename, size, upload: {method: "PUT", url, headers}}`, then a
 *   PUT of the raw bytes to `upload.url` with exactly `upload.headers` and no Authorization. No
 *   completion call. The PUT (files.ts) refuses a body whose length is not the ticket's `size`
 *   and a Content-Type other than the one the ticket signed.
 * - legacy (https://www.wavespeed.ai/docs/upload-files-api, wavespeed-javascript ffd322a (0.2.0)
 *   src/api/client.ts, wavespeed-go 268f200 api/client.go):
 *   `POST /api/v3/media/upload/binary`, multipart field `file` → data `{type, download_url,
 *   filename, size}`.
 */
import type { RequestContext, Route } from '../context';
import { uploadUrl } from '../files';
import { isObject, readJson, readMultipart } from '../respond';
import { check, type Schema } from '../validate';
import { envelope, ok } from './wavespeedEnvelope';

/**
 * The ticket body, as wavespeed-python builds it: `payload = {"filename": …, "size": size}` plus
 * `content_type` when the MIME type is known. Other fields are ignored (the SDKs send none).
 */
const TICKET_BODY: Schema = {
	filename: { type: 'string', required: true },
	size: { type: 'integer', required: true, min: 0 },
	content_type: { type: 'string' },
};

/** `data.type`: image, video or audio per the doc page's supported formats; else `file` (UNCONFIRMED). */
const mediaType = (contentType: string) => (/^(image|video|audio)\//.exec(contentType)?.[1] ?? 'file');

async function binary(ctx: RequestContext): Promise<void> {
	const form = await readMultipart(ctx);
	const part = form?.files.find((p) => p.name === 'file');
	if (!part) return envelope(ctx, 400, 'multipart field `file` is required', null);
	const file = ctx.core.uploads.add({
		provider: 'wavespeed',
		fileName: part.fileName,
		contentType: part.contentType,
		bytes: part.bytes,
		metadata: {},
	});
	ok(ctx, { type: mediaType(part.contentType), download_url: uploadUrl(ctx.core, file), filename: file.fileName, size: part.bytes.length });
}

async function ticket(ctx: RequestContext): Promise<void> {
	const body = await readJson(ctx);
	if (!body.ok || !isObject(body.value)) return envelope(ctx, 400, body.ok ? 'request body must be a JSON object' : body.message, null);
	const issues = check(body.value, TICKET_BODY, { additional: 'ignored' });
	if (issues.length > 0) return envelope(ctx, 400, issues.map((issue) => issue.message).join('; '), null);
	const { filename, size } = body.value as { filename: string; size: number };
	const contentType = typeof body.value.content_type === 'string' ? body.value.content_type : null;
	const file = ctx.core.uploads.add({
		provider: 'wavespeed',
		fileName: filename,
		contentType: contentType ?? 'application/octet-stream',
		bytes: null,
		metadata: {},
		withToken: true,
		expectedSize: size,
		expectedContentType: contentType,
	});
	const downloadUrl = uploadUrl(ctx.core, file);
	ok(ctx, {
		type: mediaType(contentType ?? ''),
		download_url: downloadUrl,
		filename: file.fileName,
		size,
		upload: {
			method: 'PUT',
			url: `${downloadUrl}?token=${file.uploadToken}`,
			// The SDKs forward these as they are (fixtures show Content-Type; treat them as opaque).
			headers: contentType === null ? {} : { 'Content-Type': contentType },
		},
	});
}

export const uploadRoutes: readonly Route[] = [
	{ method: 'POST', pattern: /^\/api\/v3\/media\/upload\/binary$/, name: 'upload', handle: binary },
	{ method: 'POST', pattern: /^\/api\/v3\/media\/uploads$/, name: 'upload', handle: ticket },
];
