/**
 * The emulator's stand-in for the providers' CDNs (replicate.delivery, fal.media, WaveSpeed's
 * CloudFront): `/files/{provider}/outputs/{job}/{name}` serves a finished job's video (rendered
 * for that job, see outputVideo.ts) and `/files/{provider}/uploads/{id}/{name}` serves an
 * uploaded file. Public like the real CDNs (no auth); the provider segment lets counters and
 * faults be scoped per provider. fal's multipart part and complete URLs are in multipart.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EmulatorCore, RequestContext, Route } from './context';
import { bufferFile, serveFile, VirtualMp4 } from './media';
import { outputVideo } from './outputVideo';
import { sendJson } from './respond';
import { PROVIDERS, type EmulatedJob, type ProviderName } from './types';

export interface UploadedFile {
	id: string;
	provider: ProviderName;
	fileName: string;
	contentType: string;
	/** null until the bytes arrive (fal: initiate, then PUT or parts + complete; WaveSpeed: ticket, then PUT). */
	bytes: Buffer | null;
	/** The token the signed upload URL carries (fal storage, WaveSpeed tickets). */
	uploadToken: string | null;
	metadata: unknown;
	createdAt: Date;
	/** fal multipart: the parts received so far, by part number; null for other uploads. */
	parts: Map<number, { bytes: Buffer; etag: string }> | null;
	/** WaveSpeed ticket: the byte count the PUT must carry (the ticket's `size`). */
	expectedSize: number | null;
	/** WaveSpeed ticket: the Content-Type the PUT must carry (a signed header of the upload URL). */
	expectedContentType: string | null;
}

type NewUpload = Omit<UploadedFile, 'id' | 'createdAt' | 'uploadToken' | 'parts' | 'expectedSize' | 'expectedContentType'> &
	Partial<Pick<UploadedFile, 'expectedSize' | 'expectedContentType'>> & { withToken?: boolean; multipart?: boolean };

export class UploadStore {
	private readonly files = new Map<string, UploadedFile>();

	add(init: NewUpload): UploadedFile {
		const { withToken, multipart, ...fields } = init;
		const file: UploadedFile = {
			expectedSize: null,
			expectedContentType: null,
			...fields,
			id: randomUUID().replace(/-/g, ''),
			uploadToken: withToken || multipart ? randomBytes(16).toString('hex') : null,
			createdAt: new Date(),
			parts: multipart ? new Map() : null,
		};
		this.files.set(`${file.provider}:${file.id}`, file);
		return file;
	}

	get(provider: ProviderName, id: string): UploadedFile | undefined {
		return this.files.get(`${provider}:${id}`);
	}

	reset(): void {
		this.files.clear();
	}
}

export const FILES_PREFIX = '/files';

export const uploadUrl = (core: EmulatorCore, file: UploadedFile) =>
	`${core.url}${FILES_PREFIX}/${file.provider}/uploads/${file.id}/${encodeURIComponent(file.fileName)}`;

export const outputFileName = (job: Pick<EmulatedJob, 'id'>) => `${job.id}.mp4`;

export const outputUrl = (core: Pick<EmulatorCore, 'url'>, job: Pick<EmulatedJob, 'provider' | 'id'>) =>
	`${core.url}${FILES_PREFIX}/${job.provider}/outputs/${job.id}/${outputFileName(job)}`;

/** The output as served now (size depends on the configured `outputBytes`). */
export const outputFile = (core: EmulatorCore, job: EmulatedJob) => new VirtualMp4(outputVideo(job), core.config().outputBytes);

/** Which provider a `/files/...` path belongs to, for counters and fault scoping. */
export function filesProvider(path: string): ProviderName | null {
	const segment = path.split('/')[1] as ProviderName;
	return PROVIDERS.includes(segment) ? segment : null;
}

const notFound = (ctx: RequestContext, status = 404) => {
	sendJson(ctx, status, { error: status === 410 ? 'Gone' : 'Not Found' });
};

/** Routes below `/files` (the path here starts at the provider segment). */
export const filesRoutes: readonly Route[] = [
	{
		method: 'GET|HEAD',
		pattern: /^\/([a-z]+)\/outputs\/([^/]+)\/[^/]+$/,
		name: 'download',
		auth: false,
		handle(ctx, [, provider, jobId]) {
			ctx.record.jobId = jobId;
			const job = ctx.core.store.get(provider as ProviderName, jobId);
			if (!job || job.state !== 'succeeded' || !job.outputUrl) return notFound(ctx);
			if (job.faults.expiredOutput !== null) return notFound(ctx, job.faults.expiredOutput);
			const file = outputFile(ctx.core, job);
			ctx.record.status = serveFile(ctx.req, ctx.res, file, {
				contentType: 'video/mp4',
				etag: `"${job.provider}-${job.id}-${job.withAudio ? 'a' : 's'}-${file.size}"`,
				truncate: ctx.truncate,
				fileName: outputFileName(job),
			});
		},
	},
	{
		method: 'GET|HEAD',
		pattern: /^\/([a-z]+)\/uploads\/([^/]+)\/[^/]+$/,
		name: 'file',
		auth: false,
		handle(ctx, [, provider, id]) {
			const file = ctx.core.uploads.get(provider as ProviderName, id);
			if (!file || !file.bytes) return notFound(ctx);
			ctx.record.status = serveFile(ctx.req, ctx.res, bufferFile(file.bytes), {
				contentType: file.contentType,
				etag: `"${file.id}"`,
				truncate: ctx.truncate,
			});
		},
	},
	{
		// A signed upload URL (fal storage, WaveSpeed upload tickets): the bytes of an initiated
		// upload, authorised by the token it carries; no Authorization header is needed (the
		// SDKs send none). A WaveSpeed ticket signs its size and Content-Type: a PUT that differs
		// is refused, as a presigned URL refuses it.
		method: 'PUT',
		pattern: /^\/(fal|wavespeed)\/uploads\/([^/]+)\/[^/]+$/,
		name: 'uploadPut',
		auth: false,
		async handle(ctx, [, provider, id]) {
			const file = ctx.core.uploads.get(provider as ProviderName, id);
			if (!file || file.uploadToken === null || file.parts !== null || ctx.url.searchParams.get('token') !== file.uploadToken) {
				return sendJson(ctx, 403, { error: 'Forbidden', detail: 'Invalid or expired upload URL' });
			}
			const contentType = ctx.req.headers['content-type'];
			if (file.expectedContentType !== null && contentType !== file.expectedContentType) {
				return sendJson(ctx, 403, {
					error: 'SignatureDoesNotMatch',
					detail: `the upload URL was signed for Content-Type ${file.expectedContentType}, the request sent ${contentType ?? 'none'}`,
				});
			}
			const bytes = await ctx.body();
			if (file.expectedSize !== null && bytes.length !== file.expectedSize) {
				return sendJson(ctx, 400, {
					error: 'Bad Request',
					detail: `the body is ${bytes.length} bytes, the upload ticket says ${file.expectedSize}`,
				});
			}
			file.bytes = bytes;
			if (contentType) file.contentType = contentType;
			sendJson(ctx, 200, {});
		},
	},
];
