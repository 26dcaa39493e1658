/**
 * fal.ai adapter for Kling v2.6: queue submit, status / result / cancel on the app id, the
 * status SSE stream as long-poll, ED25519-signed webhooks, fal CDN uploads and the platform
 * request list. Only this file knows fal's URLs, field names, states and error shapes.
 */
import { describeIssues } from '../parse';
import { bodyOf, isOk } from '../values';
import { sseEvents, type HttpClient, type HttpResponse } from '../../http';
import { ProviderApiError, WebhookRejectedError } from '../../errors';
import {
	DEFAULTS,
	type GenerationOperation,
	type Job,
	type JobError,
	type JobRef,
	type JobStatus,
	type VideoRequest,
} from '../../job';
import { estimateCostUsd } from '../../pricing';
import { parseJsonBody } from '../../webhooks/common';
import { jwksCacheFor } from '../../webhooks/jwks';
import {
	falErrorBodySchema,
	falListSchema,
	falResultSchema,
	falStatusSchema,
	falSubmitSchema,
	falUploadInitiateSchema,
	falUploadPartSchema,
	falWebhookSchema,
	parseFalAnswer,
	type FalErrorDetail,
	type FalListItem,
	type FalQueueState,
	type FalResult,
	type FalStatusAnswer,
} from './schemas';
import type {
	Capabilities,
	JobList,
	ListOptions,
	ProviderAdapter,
	ProviderClient,
	ProviderCredentials,
	StatusListOptions,
	SubmitOptions,
	UploadableFile,
	WebhookDelivery,
} from '../types';
import { isContentPolicy } from '../failures';
import { expectedOutput, mapRequest } from '../mapper';
import { requestProblems } from '../validation';
import { endpointPathsOf, findEndpoint, operationsOf, rowOf, type EndpointMatch, type ProviderTable } from '../table';
import { FAL_MODELS } from './models';
import { verifyFalDelivery } from './webhook';

// ---------------------------------------------------------------------------------------------
// Mapping tables: the one place to change when fal changes (or a guess below proves wrong).
// ---------------------------------------------------------------------------------------------

/** fal's real hosts, and the path prefix each has under a credential's `baseUrl` root. */
export const FAL_HOSTS = {
	queue: { real: 'https://queue.fal.run', underRoot: '/fal-queue' },
	api: { real: 'https://api.fal.ai', underRoot: '/fal-api' },
	rest: { real: 'https://rest.fal.ai', underRoot: '/fal-rest' },
	jwks: { real: 'https://rest.alpha.fal.ai/.well-known/jwks.json', underRoot: '/fal-rest/.well-known/jwks.json' },
} as const;

/** Status, result and cancel use only the first two path segments of an endpoint id. */
export const FAL_APP_ID = 'fal-ai/kling-video';

const TABLE: ProviderTable = { provider: 'fal', displayName: 'fal.ai', models: FAL_MODELS };

/** fal queue state → unified state. COMPLETED is only `succeeded` once the result GET answers 200. */
export const FAL_STATES: Record<FalQueueState, JobStatus> = {
	IN_QUEUE: 'queued',
	IN_PROGRESS: 'running',
	COMPLETED: 'succeeded',
};

/** Requests per page of the platform list (its maximum). */
export const FAL_LIST_PAGE_SIZE = 100;

/** Endpoint ids one request list call takes ("comma-separated or repeated query params, up to 50 IDs"). */
export const FAL_LIST_MAX_ENDPOINTS = 50;

/** fal error `type` values that mean a content-policy refusal (the words are shared: failures.ts). */
const CONTENT_POLICY_TYPES = new Set(['content_policy_violation']);
// UNCONFIRMED: how a result GET of a cancelled request answers; a body mentioning "cancel" is read as canceled.
const CANCELED_WORDS = /cancel/i;

/** fal-js's storage client: files above 90 MiB go up in 10 MiB parts. */
export const FAL_MULTIPART_THRESHOLD_BYTES = 90 * 1024 * 1024;
const FAL_PART_BYTES = 10 * 1024 * 1024;

/** CDN outputs are kept at least 7 days (`X-Fal-Object-Lifecycle-Preference` can change it). */
const OUTPUT_RETENTION_SECONDS = 7 * 24 * 60 * 60;

/** Endpoint id → model, operation and mode, for lists and webhooks that only name the endpoint. */
export const falEndpointMatch = (endpointId: string | null | undefined): EndpointMatch | null => findEndpoint(FAL_MODELS, endpointId);

export const falOperationOfEndpoint = (endpointId: string | null | undefined): GenerationOperation | null =>
	falEndpointMatch(endpointId)?.operation ?? null;

// ---------------------------------------------------------------------------------------------
// Capabilities
// ---------------------------------------------------------------------------------------------

export const falCapabilities: Capabilities = {
	defaultNegativePrompt: DEFAULTS.negativePrompt,
	longPoll: 'statusStream',
	webhookScheme: 'ed25519Jwks',
	outputRetentionSeconds: OUTPUT_RETENTION_SECONDS,
	idempotentSubmit: false,
	cancel: true,
	listsVoices: false,
};

// ---------------------------------------------------------------------------------------------
// Pure mappings (exported for unit tests)
// ---------------------------------------------------------------------------------------------

/** The input of a request; refuses, before anything is sent, what the endpoint does not take. */
export const toFalInput = (request: VideoRequest): Record<string, unknown> => mapRequest(TABLE, request).input;

/** The endpoint id a request is submitted to. */
export const falEndpointOf = (request: VideoRequest): string => mapRequest(TABLE, request).endpoint.path;

/** What must stop a request before it is billed, in the panel's words; empty when it may be sent. */
export const falRequestProblems = (request: VideoRequest): string[] => requestProblems(TABLE, request).map((problem) => problem.message);

/** `loc: msg` for each 422 detail, fal's own words. */
export function describeFalDetail(detail: string | readonly FalErrorDetail[] | undefined): string | undefined {
	if (detail === undefined) return undefined;
	if (typeof detail === 'string') return detail;
	const parts = detail.map((entry) => {
		// `body` is FastAPI's prefix for "in the request body"; the field name is what a user recognises.
		const loc = (entry.loc ?? []).filter((part, index) => !(index === 0 && part === 'body')).join('.');
		return loc ? `${loc}: ${entry.msg}` : entry.msg;
	});
	return parts.length > 0 ? parts.join('; ') : undefined;
}

interface FalFailure {
	message: string;
	kind: JobError['kind'];
	code: string | undefined;
}

/** Reads any fal error body (422 detail list or string, infra `error_type`, plain text). */
export function readFalError(body: unknown, text: string, httpStatus: number | null): FalFailure {
	const parsed = falErrorBodySchema.safeParse(body);
	const data = parsed.success ? parsed.data : undefined;
	const detailText = describeFalDetail(data?.detail);
	const message =
		detailText ?? data?.error ?? data?.message ?? (text.trim() ? text.trim().slice(0, 500) : `HTTP ${httpStatus ?? '?'}`);
	const types = Array.isArray(data?.detail) ? data.detail.map((entry) => entry.type ?? '') : [];
	const code = types.find((type) => type) ?? data?.error_type ?? undefined;
	const contentPolicy =
		types.some((type) => CONTENT_POLICY_TYPES.has(type)) ||
		CONTENT_POLICY_TYPES.has(data?.error_type ?? '') ||
		isContentPolicy(message);
	// Without a status (webhooks), a located detail list is still a validation answer.
	const validation = httpStatus === 422 || httpStatus === 400 || (httpStatus === null && types.length > 0);
	const kind: JobError['kind'] = contentPolicy ? 'contentPolicy' : validation ? 'invalidInput' : 'provider';
	return { message, kind, code };
}

/** The `ProviderApiError` of a non-2xx fal answer. The key is never part of it. */
export function falHttpError(response: HttpResponse, what: string, jobRef?: JobRef): ProviderApiError {
	const failure = readFalError(response.json(), response.text(), response.status);
	const auth = response.status === 401 || response.status === 403;
	const prefix = auth ? `fal rejected the API key for ${what}` : `fal ${what} failed`;
	return new ProviderApiError({
		provider: 'fal',
		message: `${prefix} (HTTP ${response.status}): ${failure.message}`,
		httpStatus: response.status,
		code: failure.code ?? response.headers['x-fal-error-type'],
		kind: failure.kind,
		jobRef,
		responseBody: response.json() ?? response.text(),
	});
}

/** fal's own word that an error is final even on a retryable-looking status. */
export function falIsFinal(response: HttpResponse): boolean {
	if ([401, 403, 422].includes(response.status)) return true;
	return response.headers['x-fal-retryable']?.toLowerCase() === 'false';
}

// ---------------------------------------------------------------------------------------------
// Job construction
// ---------------------------------------------------------------------------------------------

/** What a fal input (list `json_input`) tells about its output. */
function expectedFromInput(
	match: EndpointMatch | null,
	input: Record<string, unknown> | null | undefined,
): { durationSeconds: number | null; hasAudio: boolean | null } {
	const row = match ? rowOf(FAL_MODELS, match.model, match.operation) : undefined;
	if (!input || !row || match?.operation === 'createVoice') return { durationSeconds: null, hasAudio: null };
	if (match?.operation === 'motionControl') {
		const keep = row.fields.keepOriginalSound ? input[row.fields.keepOriginalSound.name] : undefined;
		return { durationSeconds: null, hasAudio: typeof keep === 'boolean' ? keep : DEFAULTS.keepOriginalSound };
	}
	// fal's defaults for an input left out: 5 s, audio on.
	const duration = Number((row.fields.duration && input[row.fields.duration.name]) ?? DEFAULTS.duration);
	const audio = row.fields.generateAudio ? input[row.fields.generateAudio.name] : undefined;
	return {
		durationSeconds: Number.isFinite(duration) ? duration : null,
		hasAudio: typeof audio === 'boolean' ? audio : DEFAULTS.generateAudio,
	};
}

interface JobParts {
	ref: JobRef;
	status: JobStatus;
	raw: unknown;
	result?: FalResult;
	error?: JobError | null;
	expected?: { durationSeconds: number | null; hasAudio: boolean | null };
	createdAt?: string | null;
	startedAt?: string | null;
	completedAt?: string | null;
	predictSeconds?: number | null;
}

export function falJob(parts: JobParts): Job {
	const { ref, status } = parts;
	const videoUrl = parts.result && 'video' in parts.result ? parts.result.video.url : null;
	const voiceId = parts.result && 'voice_id' in parts.result ? parts.result.voice_id : null;
	const expected = parts.expected ?? { durationSeconds: null, hasAudio: null };
	const completedAt = parts.completedAt ?? null;
	const expiresAt =
		status === 'succeeded' && videoUrl && completedAt
			? new Date(Date.parse(completedAt) + OUTPUT_RETENTION_SECONDS * 1000).toISOString()
			: null;
	return {
		jobId: ref.jobId,
		provider: 'fal',
		operation: ref.operation,
		model: ref.model ?? null,
		status,
		videoUrl,
		voiceId,
		expiresAt,
		durationSeconds: expected.durationSeconds,
		hasAudio: expected.hasAudio,
		estimatedCostUsd: estimateCostUsd(
			TABLE,
			{ model: ref.model ?? null, operation: ref.operation, mode: ref.quality ?? null },
			expected.durationSeconds,
			expected.hasAudio,
		),
		// Units are Kling's own billing; this provider bills dollars.
		estimatedUnits: null,
		unitsUsed: null,
		timings: {
			createdAt: parts.createdAt ?? null,
			startedAt: parts.startedAt ?? null,
			completedAt,
			predictSeconds: parts.predictSeconds ?? null,
		},
		error: parts.error ?? null,
		ref,
		raw: parts.raw,
	};
}

/** How a finished request ended without output, from its error body and the error fields fal put beside it. */
export function falEnding(
	body: unknown,
	text: string,
	httpStatus: number | null,
	reported: { error?: string | null; errorType?: string | null } = {},
): { status: 'failed' | 'canceled'; error: JobError } {
	const failure = readFalError(body, text, httpStatus);
	const code = failure.code ?? reported.errorType ?? undefined;
	const words = `${reported.error ?? ''} ${failure.message}`;
	if (CANCELED_WORDS.test(words) || CANCELED_WORDS.test(code ?? '')) {
		return { status: 'canceled', error: { message: failure.message, kind: 'canceled', code } };
	}
	const contentPolicy =
		failure.kind === 'contentPolicy' || CONTENT_POLICY_TYPES.has(reported.errorType ?? '') || isContentPolicy(words);
	return { status: 'failed', error: { message: failure.message, kind: contentPolicy ? 'contentPolicy' : failure.kind, code } };
}

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

interface FalUrls {
	queue: string;
	api: string;
	rest: string;
	jwks: string;
}

export function falUrls(baseUrl: string | undefined): FalUrls {
	const root = baseUrl?.trim().replace(/\/+$/, '');
	const pick = (host: keyof typeof FAL_HOSTS) => (root ? `${root}${FAL_HOSTS[host].underRoot}` : FAL_HOSTS[host].real);
	return { queue: pick('queue'), api: pick('api'), rest: pick('rest'), jwks: pick('jwks') };
}

/** One fal account. Its key goes only to the configured fal hosts; a pre-signed upload URL gets the bytes alone. */
class FalClient implements ProviderClient {
	readonly provider = 'fal' as const;
	private readonly urls: FalUrls;
	private readonly auth: Record<string, string>;

	constructor(
		credentials: ProviderCredentials,
		private readonly http: HttpClient,
	) {
		if (!credentials.apiKey) throw new ProviderApiError({ provider: 'fal', message: 'The fal credential has no API key' });
		this.urls = falUrls(credentials.baseUrl);
		this.auth = { authorization: `Key ${credentials.apiKey}` };
	}

	async submit(request: VideoRequest, options: SubmitOptions = {}): Promise<Job> {
		const { endpoint: { path: endpoint }, input } = mapRequest(TABLE, request);
		const match = falEndpointMatch(endpoint);
		const query = options.webhookUrl ? `?fal_webhook=${encodeURIComponent(options.webhookUrl)}` : '';
		const response = await this.http.send({
			method: 'POST',
			url: `${this.urls.queue}/${endpoint}${query}`,
			headers: this.auth,
			json: input,
			// Billed: never repeated once it may have arrived (fal has no idempotency key).
			retryClass: 'submit',
			signal: options.signal,
			isFinal: falIsFinal,
		});
		if (!isOk(response)) throw falHttpError(response, `submit to ${endpoint}`);
		const raw = bodyOf(response);
		const answer = parseFalAnswer(falSubmitSchema, raw, 'submit answer');
		const ref: JobRef = {
			provider: 'fal',
			jobId: answer.request_id,
			operation: request.operation,
			model: match?.model ?? null,
			quality: match?.mode ?? null,
			urls: { status: answer.status_url, result: answer.response_url, cancel: answer.cancel_url },
		};
		return falJob({ ref, status: 'queued', raw, expected: expectedOutput(request) });
	}

	async get(ref: JobRef, signal?: AbortSignal): Promise<Job> {
		const urls = this.jobUrls(ref);
		const response = await this.http.send({ url: urls.status, headers: this.auth, retryClass: 'read', signal, isFinal: falIsFinal });
		if (!isOk(response)) throw falHttpError(response, `status of ${ref.jobId}`, ref);
		const raw = bodyOf(response);
		return this.jobFromStatus(ref, parseFalAnswer(falStatusSchema, raw, 'status answer', ref), raw, signal);
	}

	async waitForChange(ref: JobRef, maxSeconds: number, signal?: AbortSignal): Promise<Job> {
		const timeUp = new AbortController();
		const onAbort = () => timeUp.abort(signal?.reason);
		signal?.addEventListener('abort', onAbort, { once: true });
		const timer = setTimeout(() => timeUp.abort(), Math.max(0, maxSeconds) * 1000);
		// The stream only speeds waiting up: when it ends badly (deadline, dropped connection, odd event,
		// caller's abort) the plain read below reports the job, the real problem, or the abort.
		const latest = await this.streamUntilChange(ref, timeUp.signal)
			.catch(() => undefined)
			.finally(() => {
				clearTimeout(timer);
				signal?.removeEventListener('abort', onAbort);
				timeUp.abort();
			});
		if (latest && latest.answer.status !== 'COMPLETED') return this.jobFromStatus(ref, latest.answer, latest.raw, signal);
		return this.get(ref, signal);
	}

	async cancel(ref: JobRef, signal?: AbortSignal): Promise<void> {
		const response = await this.http.send({
			method: 'PUT',
			url: this.jobUrls(ref).cancel,
			headers: this.auth,
			// Cancelling twice is harmless and costs nothing, so it may be repeated like a read.
			retryClass: 'read',
			signal,
			isFinal: falIsFinal,
		});
		if (!isOk(response)) throw falHttpError(response, `cancel of ${ref.jobId}`, ref);
	}

	/**
	 * One request list for all the watched endpoints together (fal takes up to 50 ids a call), so
	 * `maxPages` bounds the whole poll. fal sorts the list on end time, and which instant its
	 * `start` and `end` filters compare is UNCONFIRMED (docs/research/list-endpoints.md). A stopped
	 * listing therefore continues with `end` = the oldest end read + 1 ms (exclusive), held for the
	 * whole continuation, and fal's page cursor under it: every request not read yet ended before
	 * that instant, so it was also sent before it, and either reading of `end` keeps it in the
	 * list. Under that fixed `end` new requests only add rows (read again, never skipped).
	 */
	async list(options: ListOptions = {}): Promise<JobList> {
		const operations = options.operations ?? operationsOf(FAL_MODELS);
		const endpoints = [...new Set(operations.flatMap((operation) => endpointPathsOf(FAL_MODELS, operation)))].slice(0, FAL_LIST_MAX_ENDPOINTS);
		const resume = options.resume;
		const end = typeof resume?.end === 'string' ? resume.end : undefined;
		const cursor = typeof resume?.cursor === 'string' ? resume.cursor : undefined;
		const listed = await this.listedRequestPages(endpoints, options.since, options.maxPages ?? 5, options.signal, end, cursor);
		const jobs: Job[] = [];
		let oldestEnd: number | undefined;
		for (const item of listed.items) {
			const job = this.jobFromListItem(item.endpoint_id ?? '', item);
			const ended = Date.parse(item.ended_at ?? '');
			if (!Number.isNaN(ended) && (oldestEnd === undefined || ended < oldestEnd)) oldestEnd = ended;
			if (!options.since || !job.timings.createdAt || Date.parse(job.timings.createdAt) >= options.since.getTime()) jobs.push(job);
		}
		if (listed.next === undefined) return { jobs, complete: true };
		if (end !== undefined) return { jobs, complete: false, resume: { end, cursor: listed.next } };
		if (oldestEnd === undefined) return { jobs, complete: false, resume: { end: null, cursor: listed.next } };
		return { jobs, complete: false, resume: { end: new Date(oldestEnd + 1).toISOString(), cursor: null } };
	}

	/**
	 * One request-list call for every endpoint the jobs were sent to (up to 50 ids a call), with
	 * the payloads, so a finished request brings its output. fal lists finished requests (keyed on
	 * end time), so a running job is simply not there yet.
	 */
	async listStatus(refs: readonly JobRef[], options: StatusListOptions): Promise<Job[]> {
		const endpoints = [...new Set(refs.flatMap((ref) => falEndpointsOfRef(ref)))];
		const maxPages = Math.ceil(refs.length / FAL_LIST_PAGE_SIZE) + 1;
		const jobs: Job[] = [];
		for (let at = 0; at < endpoints.length; at += FAL_LIST_MAX_ENDPOINTS) {
			const chunk = endpoints.slice(at, at + FAL_LIST_MAX_ENDPOINTS);
			for (const item of await this.listedRequests(chunk, options.since, maxPages, options.signal)) {
				jobs.push(this.statusFromListItem(item));
			}
		}
		return jobs;
	}

	/** The platform's request list of some endpoints since an instant, page after page (at most `maxPages`). */
	private async listedRequests(endpoints: readonly string[], since: Date | undefined, maxPages: number, signal?: AbortSignal): Promise<FalListItem[]> {
		return (await this.listedRequestPages(endpoints, since, maxPages, signal)).items;
	}

	/** The same, before `end` and from `cursor` where given; `next` is the cursor of the page not read. */
	private async listedRequestPages(
		endpoints: readonly string[],
		since: Date | undefined,
		maxPages: number,
		signal?: AbortSignal,
		end?: string,
		from?: string,
	): Promise<{ items: FalListItem[]; next?: string }> {
		const items: FalListItem[] = [];
		let cursor = from;
		for (let page = 0; page < maxPages; page++) {
			const query = new URLSearchParams({ endpoint_id: endpoints.join(','), limit: String(FAL_LIST_PAGE_SIZE), expand: 'payloads' });
			if (since) query.set('start', since.toISOString());
			if (end) query.set('end', end);
			if (cursor) query.set('cursor', cursor);
			const response = await this.http.send({
				url: `${this.urls.api}/v1/models/requests/by-endpoint?${query}`,
				headers: this.auth,
				retryClass: 'read',
				signal,
				isFinal: falIsFinal,
			});
			if (!isOk(response)) throw falHttpError(response, `list of ${endpoints.join(', ')}`);
			const answer = parseFalAnswer(falListSchema, bodyOf(response), 'request list');
			items.push(...answer.items);
			if (!answer.has_more || !answer.next_cursor) return { items };
			cursor = answer.next_cursor;
		}
		return { items, next: cursor };
	}

	/**
	 * A listed request as a status. A 200 whose payload is missing or unreadable is reported as
	 * succeeded without output (the caller then reads the result itself), never as a failure.
	 */
	private statusFromListItem(item: FalListItem): Job {
		const job = this.jobFromListItem(item.endpoint_id ?? '', item);
		if (item.status_code !== 200 || job.status === 'succeeded') return job;
		return { ...job, status: 'succeeded', error: null, videoUrl: null, voiceId: null };
	}

	async uploadMedia(file: UploadableFile, signal?: AbortSignal): Promise<string> {
		// Above 90 MiB fal's client uploads in parts (fal-js storage.ts `multipartUpload`).
		const multipart = file.data.length > FAL_MULTIPART_THRESHOLD_BYTES;
		const initiate = await this.http.send({
			method: 'POST',
			url: `${this.urls.rest}/storage/upload/${multipart ? 'initiate-multipart' : 'initiate'}?storage_type=fal-cdn-v3`,
			headers: this.auth,
			json: { content_type: file.mimeType, file_name: file.fileName },
			// An unused upload slot costs nothing, so a lost answer may be asked again.
			retryClass: 'read',
			signal,
			isFinal: falIsFinal,
		});
		if (!isOk(initiate)) throw falHttpError(initiate, 'upload initiation');
		const target = parseFalAnswer(falUploadInitiateSchema, bodyOf(initiate), 'upload initiation answer');
		if (multipart) await this.uploadParts(target.upload_url, file, signal);
		else {
			// The upload URL is pre-signed: it gets the bytes and no API key.
			const put = await this.http.send({
				method: 'PUT',
				url: target.upload_url,
				headers: { 'content-type': file.mimeType },
				body: file.data,
				retryClass: 'read',
				signal,
			});
			if (!isOk(put)) throw falHttpError(put, 'upload');
		}
		return target.file_url;
	}

	/** fal-js's multipart upload: 10 MiB parts PUT to `{upload_url}/{n}`, then `{upload_url}/complete` with their etags. */
	private async uploadParts(uploadUrl: string, file: UploadableFile, signal?: AbortSignal): Promise<void> {
		const url = new URL(uploadUrl);
		const partUrl = (part: number | 'complete') => `${url.origin}${url.pathname}/${part}${url.search}`;
		const parts: { partNumber: number; etag: string }[] = [];
		for (let offset = 0, partNumber = 1; offset < file.data.length; offset += FAL_PART_BYTES, partNumber++) {
			const put = await this.http.send({
				method: 'PUT',
				url: partUrl(partNumber),
				body: file.data.subarray(offset, offset + FAL_PART_BYTES),
				// A part sent again replaces itself.
				retryClass: 'read',
				signal,
			});
			if (!isOk(put)) throw falHttpError(put, `upload of part ${partNumber}`);
			parts.push(parseFalAnswer(falUploadPartSchema, bodyOf(put), `upload part ${partNumber} answer`));
		}
		const complete = await this.http.send({ method: 'POST', url: partUrl('complete'), json: { parts }, retryClass: 'read', signal });
		if (!isOk(complete)) throw falHttpError(complete, 'upload completion');
	}

	async verifyWebhook(delivery: WebhookDelivery): Promise<Job> {
		const jwksUrl = this.urls.jwks;
		const verified = await verifyFalDelivery(delivery, jwksCacheFor(jwksUrl), async () => {
			const response = await this.http.send({ url: jwksUrl, retryClass: 'read' });
			if (!isOk(response)) throw falHttpError(response, 'JWKS fetch');
			return response.json();
		});
		const parsed = falWebhookSchema.safeParse(parseJsonBody(delivery));
		if (!parsed.success) throw new WebhookRejectedError(400, `fal webhook body: ${describeIssues(parsed.error)}`);
		const body = parsed.data;
		if (body.request_id !== verified.requestId) {
			throw new WebhookRejectedError(400, 'fal webhook body names another request than its signed header');
		}
		const result = body.status === 'OK' ? falResultSchema.safeParse(body.payload) : undefined;
		const operation = result?.success && 'voice_id' in result.data ? 'createVoice' : null;
		const ref: JobRef = { provider: 'fal', jobId: body.request_id, operation };
		const completedAt = new Date(verified.timestamp * 1000).toISOString();
		if (body.status === 'OK') {
			if (!result?.success) {
				throw new WebhookRejectedError(400, `fal webhook payload: ${result ? describeIssues(result.error) : 'missing'}`);
			}
			return falJob({ ref, status: 'succeeded', raw: body, result: result.data, completedAt });
		}
		const ending = falEnding(body.payload, body.payload_error ?? body.error ?? '', null, { error: body.error });
		return falJob({ ref, ...ending, raw: body, completedAt });
	}

	async testCredentials(signal?: AbortSignal): Promise<void> {
		const response = await this.http.send({ url: `${this.urls.api}/v1/models?limit=1`, headers: this.auth, retryClass: 'read', signal });
		if (!isOk(response)) throw falHttpError(response, 'credential test');
	}

	/** The URLs fal returned at submit when they point at the configured queue host; else built from the app id. */
	private jobUrls(ref: JobRef): { status: string; result: string; cancel: string } {
		const base = `${this.urls.queue}/${FAL_APP_ID}/requests/${encodeURIComponent(ref.jobId)}`;
		// The API key goes with these requests, so a URL from elsewhere (a forged ref) is never used.
		const trusted = (url: string | undefined) => (url && url.startsWith(`${this.urls.queue}/`) ? url : undefined);
		return {
			status: trusted(ref.urls?.status) ?? `${base}/status`,
			result: trusted(ref.urls?.result) ?? base,
			cancel: trusted(ref.urls?.cancel) ?? `${base}/cancel`,
		};
	}

	/** `raw` is the status answer as received; a completed job adds the result answer beside it. */
	private async jobFromStatus(ref: JobRef, status: FalStatusAnswer, raw: unknown, signal?: AbortSignal): Promise<Job> {
		const predictSeconds = status.metrics?.inference_time ?? null;
		if (status.status !== 'COMPLETED') {
			return falJob({ ref, status: FAL_STATES[status.status], raw, predictSeconds });
		}
		// fal reports no completion time; the moment it was seen completed is the closest bound.
		const completedAt = new Date().toISOString();
		const response = await this.http.send({
			url: this.jobUrls(ref).result,
			headers: this.auth,
			retryClass: 'read',
			signal,
			isFinal: falIsFinal,
		});
		if (isOk(response)) {
			const resultRaw = bodyOf(response);
			const result = parseFalAnswer(falResultSchema, resultRaw, 'result', ref);
			const operation = ref.operation ?? ('voice_id' in result ? 'createVoice' : null);
			return falJob({ ref: { ...ref, operation }, status: 'succeeded', raw: { status: raw, result: resultRaw }, result, completedAt, predictSeconds });
		}
		// A 422 is the request's own failure; any other error is only final when the status said the request errored.
		if (response.status !== 422 && !status.error && !status.error_type) throw falHttpError(response, `result of ${ref.jobId}`, ref);
		const ending = falEnding(response.json(), response.text(), response.status, { error: status.error, errorType: status.error_type });
		return falJob({ ref, ...ending, raw: { status: raw, result: bodyOf(response) }, completedAt, predictSeconds });
	}

	/** Reads the status stream until the status differs from its first event, fal closes it, or `signal` aborts. */
	private async streamUntilChange(
		ref: JobRef,
		signal: AbortSignal,
	): Promise<{ answer: FalStatusAnswer; raw: unknown } | undefined> {
		const statusUrl = this.jobUrls(ref).status.replace(/\?.*$/, '');
		const response = await this.http.stream(`${statusUrl}/stream`, {
			headers: { ...this.auth, accept: 'text/event-stream' },
			signal,
		});
		if (response.status !== 200) {
			// A proxy that cannot stream, or any error: the plain status read that follows reports it properly.
			response.body.destroy();
			return undefined;
		}
		let first: FalQueueState | undefined;
		let latest: { answer: FalStatusAnswer; raw: unknown } | undefined;
		try {
			for await (const event of sseEvents(response.body)) {
				let data: unknown;
				try {
					data = JSON.parse(event.data);
				} catch {
					data = event.data;
				}
				const answer = parseFalAnswer(falStatusSchema, data, 'status event', ref);
				latest = { answer, raw: data };
				first ??= answer.status;
				if (answer.status === 'COMPLETED' || answer.status !== first) break;
			}
		} finally {
			response.body.destroy();
		}
		return latest;
	}

	private jobFromListItem(endpoint: string, item: FalListItem): Job {
		const match = falEndpointMatch(item.endpoint_id ?? endpoint);
		const ref: JobRef = { provider: 'fal', jobId: item.request_id, operation: match?.operation ?? null, model: match?.model ?? null, quality: match?.mode ?? null };
		const output = item.status_code === 200 ? falResultSchema.safeParse(item.json_output) : undefined;
		let status: JobStatus;
		let error: JobError | null = null;
		if (!item.ended_at && item.status_code == null) status = item.started_at ? 'running' : 'queued';
		else if (output?.success) status = 'succeeded';
		else ({ status, error } = falEnding(item.json_output, '', item.status_code ?? null));
		return falJob({
			ref,
			status,
			raw: item,
			result: output?.success ? output.data : undefined,
			error,
			expected: expectedFromInput(match, item.json_input),
			createdAt: item.sent_at ?? null,
			startedAt: item.started_at ?? null,
			completedAt: item.ended_at ?? null,
			predictSeconds: item.duration ?? null,
		});
	}
}

/** The endpoint ids a job may be listed under: its own where the ref names model and mode, else every one of its operation's. */
function falEndpointsOfRef(ref: JobRef): string[] {
	const row = ref.model && ref.operation ? rowOf(FAL_MODELS, ref.model, ref.operation) : undefined;
	const own = ref.quality ? row?.endpoints[ref.quality]?.path : undefined;
	if (own) return [own];
	return ref.operation ? endpointPathsOf(FAL_MODELS, ref.operation) : operationsOf(FAL_MODELS).flatMap((operation) => endpointPathsOf(FAL_MODELS, operation));
}

export const falAdapter: ProviderAdapter = {
	id: 'fal',
	displayName: TABLE.displayName,
	capabilities: falCapabilities,
	models: FAL_MODELS,
	connect: (credentials, http) => new FalClient(credentials, http),
};
