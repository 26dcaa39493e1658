/**
 * Kling's own API (Kuaishou) for Kling v2.6: a fresh HS256 JWT per request, idempotent submits
 * through `external_task_id`, per-kind query and list paths, raw-base64 images, and unsigned
 * callbacks that are only believed after re-reading the task. Only this file knows Kling's URLs,
 * field names, states and error codes.
 */
import { createHash } from 'node:crypto';
import { describeIssues } from './parse';
import { bodyOf, isOk } from './values';
import type { HttpClient, HttpResponse } from '../http';
import { ProviderApiError, WebhookRejectedError } from '../errors';
import { DEFAULTS, type GenerationOperation, type Job, type JobError, type JobRef, type JobStatus, type VideoRequest } from '../job';
import { estimateCostUsd } from '../pricing';
import { parseJsonBody, requireBodySize } from '../webhooks/common';
import { signKlingJwt } from './klingJwt';
import {
	klingCallbackSchema,
	klingEnvelopeSchema,
	klingTaskListSchema,
	klingTaskSchema,
	parseKlingAnswer,
	type KlingTask,
	type KlingTaskState,
} from './klingSchemas';
import type {
	Capabilities,
	ListOptions,
	ProviderAdapter,
	ProviderClient,
	ProviderCredentials,
	RequestField,
	SubmitOptions,
	UploadableFile,
	WebhookDelivery,
} from './types';

// ---------------------------------------------------------------------------------------------
// Mapping tables: the one place to change when Kling changes (or a guess below proves wrong).
// ---------------------------------------------------------------------------------------------

/** Regional hosts; a credential's `baseUrl` replaces the host (proxy, emulator). */
export const KLING_HOSTS = {
	singapore: 'https://api-singapore.klingai.com',
	beijing: 'https://api-beijing.klingai.com',
} as const;

export const KLING_MODEL_NAME = 'kling-v2-6';

/** Operation → task kind (the path segment of submit, query and list). Create Voice is not offered. */
export const KLING_KINDS = {
	textToVideo: 'text2video',
	imageToVideo: 'image2video',
	motionControl: 'motion-control',
} as const satisfies Partial<Record<GenerationOperation, string>>;
export type KlingOperation = keyof typeof KLING_KINDS;
const KLING_OPERATIONS: readonly KlingOperation[] = ['textToVideo', 'imageToVideo', 'motionControl'];

/** Unified field → Kling body field. */
export const KLING_FIELDS = {
	prompt: 'prompt',
	negativePrompt: 'negative_prompt',
	duration: 'duration',
	aspectRatio: 'aspect_ratio',
	generateAudio: 'sound',
	quality: 'mode',
	voiceIds: 'voice_list',
	startImage: 'image',
	endImage: 'image_tail',
	image: 'image_url',
	video: 'video_url',
	characterOrientation: 'character_orientation',
	keepOriginalSound: 'keep_original_sound',
} as const satisfies Partial<Record<RequestField, string>>;

/** Kling task state → unified state. */
export const KLING_STATES: Record<KlingTaskState, JobStatus> = {
	submitted: 'queued',
	processing: 'running',
	succeed: 'succeeded',
	failed: 'failed',
};

/** Error codes (PROVIDERS.md): which are final, which mean bad input or content policy. */
export const KLING_CODES = {
	auth: [1000, 1004],
	/** Account, arrears, balance, permission: retrying cannot help, even on a 429. */
	account: [1100, 1103],
	invalidInput: [1200, 1203],
	notFound: [1202, 1203],
	contentPolicy: [1300, 1301],
	/** Rate (1302) and concurrency (1303): retry with backoff. */
	rateLimited: [1302, 1303],
	server: [5000, 5002],
} as const;
const inRange = (code: number | undefined, [low, high]: readonly [number, number]) =>
	code !== undefined && code >= low && code <= high;

// UNCONFIRMED: the characters and length Kling accepts in external_task_id; letters, digits, `_` and `-` up to 64 are the safe guess.
export const KLING_EXTERNAL_ID = { allowed: /^[A-Za-z0-9_-]+$/, maxLength: 64 } as const;
// UNCONFIRMED: how Kling answers a second submit with a known external_task_id. Read as a duplicate: an error
// naming the id or a duplicate, after which the task is queried by its external id (the query path takes either id).
const DUPLICATE_EXTERNAL_ID = /external_task_id|duplicat|already exist/i;
// UNCONFIRMED: the wording of a content-policy failure in task_status_msg.
const CONTENT_POLICY_WORDS = /risk|safety|sensitive|polic|nsfw|inappropriate|违规|敏感|审核/i;

/** Page size of the list endpoints (Kling allows up to 500). */
export const KLING_LIST_PAGE_SIZE = 100;
/** Kling documents 10 MB for image inputs. */
export const KLING_MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const KLING_IMAGE_TYPES = /^image\/(jpeg|jpg|png)$/i;
/** Outputs are kept 30 days. */
const OUTPUT_RETENTION_SECONDS = 30 * 24 * 60 * 60;

// ---------------------------------------------------------------------------------------------
// Capabilities
// ---------------------------------------------------------------------------------------------

const hasAudio = (request: VideoRequest) =>
	(request.operation === 'textToVideo' || request.operation === 'imageToVideo') && request.generateAudio;
const qualityOf = (request: VideoRequest) => ('quality' in request && request.quality) || DEFAULTS.quality;

export const klingCapabilities: Capabilities = {
	operations: {
		// cfg_scale is not supported by v2.x models; there is no Create Voice on Kling's own API.
		textToVideo: ['prompt', 'negativePrompt', 'duration', 'aspectRatio', 'generateAudio', 'quality', 'voiceIds'],
		imageToVideo: ['prompt', 'negativePrompt', 'duration', 'generateAudio', 'quality', 'startImage', 'endImage', 'voiceIds'],
		motionControl: ['prompt', 'image', 'video', 'characterOrientation', 'keepOriginalSound', 'quality'],
	},
	promptMaxLength: 2500,
	longPoll: null,
	webhookScheme: 'unsignedRefetch',
	outputRetentionSeconds: OUTPUT_RETENTION_SECONDS,
	idempotentSubmit: true,
	cancel: false,
	// PROVIDERS.md: image2video takes jpg/png only.
	imageTypes: ['jpeg', 'png'],
	crossFieldRules: [
		{
			check: (request) =>
				hasAudio(request) && qualityOf(request) === 'std'
					? 'Mode is "std" with Generate Audio on: Kling v2.6 has audio only in mode "pro"; allowed are Mode "pro", or Generate Audio off'
					: null,
		},
		{
			check: (request) =>
				request.operation === 'imageToVideo' && request.endImage && qualityOf(request) !== 'pro'
					? 'Mode is "std" with an End Image: Kling v2.6 takes an end frame only in mode "pro"; allowed are Mode "pro", or no End Image'
					: null,
		},
		{
			check: (request) =>
				request.operation === 'imageToVideo' && request.endImage && request.generateAudio
					? 'Generate Audio is on with an End Image: Kling v2.6 takes an end frame only without audio; allowed are Generate Audio off, or no End Image'
					: null,
		},
		{
			check: (request) =>
				'voiceIds' in request && (request.voiceIds?.length ?? 0) > 0 && !hasAudio(request)
					? `Voice IDs are ${request.voiceIds?.join(', ')} with Generate Audio off: voices are spoken in the audio; allowed are Generate Audio on, or no Voice IDs`
					: null,
		},
		{
			check: (request) =>
				request.operation === 'motionControl' && !/^https?:\/\//i.test(request.video)
					? `Motion Reference Video is ${request.video.slice(0, 60)}: Kling takes it only by URL; allowed is an http(s) URL`
					: null,
		},
	],
};

// ---------------------------------------------------------------------------------------------
// Pure mappings (exported for unit tests)
// ---------------------------------------------------------------------------------------------

/** Kling wants images as a URL or raw base64: a data URL loses its `data:…;base64,` prefix. */
export function klingImage(value: string): string {
	const match = /^data:[^,]*;base64,/i.exec(value);
	return match ? value.slice(match[0].length) : value;
}

/**
 * `external_task_id` from an idempotency key. Clean keys pass unchanged; any other key becomes a
 * readable prefix plus a hash of the whole key, so two different keys never share an id.
 */
export function klingExternalTaskId(idempotencyKey: string): string {
	if (KLING_EXTERNAL_ID.allowed.test(idempotencyKey) && idempotencyKey.length <= KLING_EXTERNAL_ID.maxLength) {
		return idempotencyKey;
	}
	const hash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
	const prefix = idempotencyKey.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, KLING_EXTERNAL_ID.maxLength - hash.length - 1);
	return `${prefix}-${hash}`;
}

/** The Kling body of a unified request (without callback and external id). */
export function toKlingBody(request: VideoRequest): Record<string, unknown> {
	const body: Record<string, unknown> = { model_name: KLING_MODEL_NAME };
	const put = (field: keyof typeof KLING_FIELDS, value: unknown) => {
		if (value !== undefined) body[KLING_FIELDS[field]] = value;
	};
	const voices = (ids: readonly string[] | undefined) => (ids?.length ? ids.map((voice_id) => ({ voice_id })) : undefined);
	switch (request.operation) {
		case 'textToVideo':
			put('prompt', request.prompt);
			put('negativePrompt', request.negativePrompt);
			put('duration', String(request.duration));
			put('aspectRatio', request.aspectRatio);
			put('generateAudio', request.generateAudio ? 'on' : 'off');
			put('quality', qualityOf(request));
			put('voiceIds', voices(request.voiceIds));
			break;
		case 'imageToVideo':
			put('prompt', request.prompt);
			put('negativePrompt', request.negativePrompt);
			put('duration', String(request.duration));
			put('generateAudio', request.generateAudio ? 'on' : 'off');
			put('quality', qualityOf(request));
			put('startImage', klingImage(request.startImage));
			put('endImage', request.endImage === undefined ? undefined : klingImage(request.endImage));
			put('voiceIds', voices(request.voiceIds));
			break;
		case 'motionControl':
			// UNCONFIRMED: that motion-control takes model_name "kling-v2-6" like the other kinds, and that its
			// image_url takes raw base64 like image2video's image (a URL always works).
			put('prompt', request.prompt);
			put('image', klingImage(request.image));
			put('video', request.video);
			put('characterOrientation', request.characterOrientation);
			put('keepOriginalSound', request.keepOriginalSound ? 'yes' : 'no');
			put('quality', request.quality);
			break;
		case 'createVoice':
			throw new ProviderApiError({ provider: 'kling', message: "Kling's API offers no Create Voice", kind: 'invalidInput' });
	}
	return body;
}

/** Problems that must stop a request before it is billed: fields Kling lacks, prompt length, cross-field rules. */
export function klingRequestProblems(request: VideoRequest, capabilities: Capabilities = klingCapabilities): string[] {
	const allowed: readonly string[] | undefined = capabilities.operations[request.operation];
	if (!allowed) return [`Kling's API does not offer ${request.operation}`];
	const problems = Object.entries(request)
		.filter(([field, value]) => field !== 'operation' && value !== undefined && !allowed.includes(field))
		.map(([field]) => `${field} is not supported by Kling for ${request.operation}`);
	if ('prompt' in request && request.prompt && request.prompt.length > capabilities.promptMaxLength) {
		problems.push(`prompt has ${request.prompt.length} characters; Kling accepts at most ${capabilities.promptMaxLength}`);
	}
	for (const rule of capabilities.crossFieldRules ?? []) {
		const problem = rule.check(request);
		if (problem) problems.push(problem);
	}
	return problems;
}

/** The envelope's error code, when the body has one. */
function codeOf(response: HttpResponse): number | undefined {
	const parsed = klingEnvelopeSchema.safeParse(response.json());
	return parsed.success ? parsed.data.code : undefined;
}

/** Kling's word that an error is final although its HTTP status looks retryable (1102 balance on a 429). */
export function klingIsFinal(response: HttpResponse): boolean {
	if (response.status === 401 || response.status === 403) return true;
	const code = codeOf(response);
	return (
		inRange(code, KLING_CODES.auth) ||
		inRange(code, KLING_CODES.account) ||
		inRange(code, KLING_CODES.invalidInput) ||
		inRange(code, KLING_CODES.contentPolicy)
	);
}

/** What a user should do about an error code, where Kling's own message is not enough. */
function hintFor(code: number | undefined): string {
	if (code === 1003 || code === 1004) return ' (check the access key, the secret key and this machine\'s clock)';
	if (inRange(code, KLING_CODES.auth)) return ' (check the access key and the secret key)';
	if (inRange(code, KLING_CODES.account)) return ' (check the Kling account, its balance and its permissions)';
	if (inRange(code, KLING_CODES.rateLimited)) return ' (rate or concurrency limit)';
	return '';
}

/** The `ProviderApiError` of a Kling answer that is not HTTP 2xx with `code: 0`. The JWT is never part of it. */
export function klingError(response: HttpResponse, what: string, jobRef?: JobRef): ProviderApiError {
	const body = response.json();
	const envelope = klingEnvelopeSchema.safeParse(body);
	const code = envelope.success ? envelope.data.code : undefined;
	const said = (envelope.success ? envelope.data.message : undefined) ?? response.text().trim().slice(0, 500);
	const kind: JobError['kind'] = inRange(code, KLING_CODES.contentPolicy)
		? 'contentPolicy'
		: inRange(code, KLING_CODES.invalidInput)
			? 'invalidInput'
			: 'provider';
	return new ProviderApiError({
		provider: 'kling',
		message: `Kling ${what} failed (HTTP ${response.status}${code === undefined ? '' : `, code ${code}`}): ${said || 'no message'}${hintFor(code)}`,
		httpStatus: response.status,
		code,
		kind,
		jobRef,
		responseBody: body ?? response.text(),
	});
}

const isNotFound = (response: HttpResponse) =>
	response.status === 404 || inRange(codeOf(response), KLING_CODES.notFound);

/** What the request tells about the output before Kling says anything. */
function expectedOutput(request: VideoRequest): { durationSeconds: number | null; hasAudio: boolean | null } {
	switch (request.operation) {
		case 'textToVideo':
		case 'imageToVideo':
			return { durationSeconds: request.duration, hasAudio: hasAudio(request) };
		case 'motionControl':
			return { durationSeconds: null, hasAudio: request.keepOriginalSound };
		default:
			return { durationSeconds: null, hasAudio: null };
	}
}

const isoOf = (ms: number | null | undefined) => (typeof ms === 'number' ? new Date(ms).toISOString() : null);

/** The unified job of a Kling task. `expected` carries what only the submitted request knows. */
export function klingJob(
	task: KlingTask,
	operation: KlingOperation | null,
	raw: unknown,
	expected: { durationSeconds: number | null; hasAudio: boolean | null } = { durationSeconds: null, hasAudio: null },
): Job {
	const status = KLING_STATES[task.task_status];
	const ref: JobRef = { provider: 'kling', jobId: task.task_id, operation };
	const video = task.task_result?.videos?.[0];
	if (status === 'succeeded' && !video) {
		throw new ProviderApiError({
			provider: 'kling',
			message: `Kling reports task ${task.task_id} succeeded but lists no video`,
			jobRef: ref,
			responseBody: raw,
		});
	}
	const reported = video?.duration === undefined || video.duration === null ? NaN : Number(video.duration);
	const durationSeconds = Number.isFinite(reported) ? reported : expected.durationSeconds;
	const terminal = status === 'succeeded' || status === 'failed';
	const completedAt = terminal ? isoOf(task.updated_at) : null;
	const message = task.task_status_msg?.trim() || 'Kling reports the task failed without a reason';
	return {
		jobId: task.task_id,
		provider: 'kling',
		operation,
		status,
		videoUrl: status === 'succeeded' ? (video?.url ?? null) : null,
		voiceId: null,
		expiresAt:
			status === 'succeeded' && completedAt
				? new Date(Date.parse(completedAt) + OUTPUT_RETENTION_SECONDS * 1000).toISOString()
				: null,
		durationSeconds,
		hasAudio: expected.hasAudio,
		estimatedCostUsd: estimateCostUsd('kling', operation, durationSeconds, expected.hasAudio),
		timings: { createdAt: isoOf(task.created_at), startedAt: null, completedAt, predictSeconds: null },
		error:
			status === 'failed'
				? { message, kind: CONTENT_POLICY_WORDS.test(message) ? 'contentPolicy' : 'provider' }
				: null,
		ref,
		raw,
	};
}

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

class KlingClient implements ProviderClient {
	readonly provider = 'kling' as const;
	private readonly host: string;
	private readonly accessKey: string;
	private readonly secretKey: string;

	constructor(
		credentials: ProviderCredentials,
		private readonly http: HttpClient,
	) {
		if (!credentials.accessKey || !credentials.secretKey) {
			throw new ProviderApiError({ provider: 'kling', message: 'The Kling credential needs an access key and a secret key' });
		}
		this.accessKey = credentials.accessKey;
		this.secretKey = credentials.secretKey;
		this.host = credentials.baseUrl?.trim().replace(/\/+$/, '') || KLING_HOSTS[credentials.region ?? 'singapore'];
	}

	async submit(request: VideoRequest, options: SubmitOptions = {}): Promise<Job> {
		const problems = klingRequestProblems(request);
		if (problems.length > 0 || request.operation === 'createVoice') {
			throw new ProviderApiError({ provider: 'kling', message: problems.join('; '), kind: 'invalidInput' });
		}
		const kind = KLING_KINDS[request.operation];
		const externalTaskId = options.idempotencyKey ? klingExternalTaskId(options.idempotencyKey) : undefined;
		const body = {
			...toKlingBody(request),
			...(options.webhookUrl ? { callback_url: options.webhookUrl } : {}),
			...(externalTaskId ? { external_task_id: externalTaskId } : {}),
		};
		const response = await this.send({
			method: 'POST',
			url: `${this.host}/v1/videos/${kind}`,
			json: body,
			// With an external_task_id Kling refuses a second task of the same id, so a retry cannot bill twice.
			kind: externalTaskId ? 'idempotentSubmit' : 'submit',
			signal: options.signal,
		});
		const envelope = this.envelopeOf(response);
		if (!envelope) {
			// A retried submit whose first try was accepted: the task exists, find it rather than fail.
			if (externalTaskId && DUPLICATE_EXTERNAL_ID.test(response.text())) {
				const existing = await this.query(externalTaskId, request.operation, options.signal, expectedOutput(request));
				if (existing) return existing;
			}
			throw klingError(response, `submit to ${kind}`);
		}
		const raw = bodyOf(response);
		const task = parseKlingAnswer(klingTaskSchema, envelope.data, 'submit answer');
		return klingJob(task, request.operation, raw, expectedOutput(request));
	}

	async get(ref: JobRef, signal?: AbortSignal): Promise<Job> {
		const found = await this.query(ref.jobId, ref.operation, signal);
		if (!found) {
			throw new ProviderApiError({
				provider: 'kling',
				message: `Kling knows no task ${ref.jobId}${ref.operation ? ` of kind ${ref.operation}` : ''} for these credentials`,
				httpStatus: 404,
				jobRef: ref,
			});
		}
		return found;
	}

	async cancel(ref: JobRef): Promise<void> {
		// Nothing is sent: Kling's API has no way to stop a task, and saying so beats pretending.
		throw new ProviderApiError({
			provider: 'kling',
			message: "Kling's API cannot cancel a task; it runs to its end",
			jobRef: ref,
		});
	}

	async list(options: ListOptions = {}): Promise<Job[]> {
		const operations = (options.operations ?? KLING_OPERATIONS).filter((op): op is KlingOperation => op in KLING_KINDS);
		const maxPages = options.maxPages ?? 5;
		const since = options.since?.getTime();
		const jobs: Job[] = [];
		for (const operation of operations) {
			for (let page = 1; page <= maxPages; page++) {
				const response = await this.send({
					url: `${this.host}/v1/videos/${KLING_KINDS[operation]}?pageNum=${page}&pageSize=${KLING_LIST_PAGE_SIZE}`,
					kind: 'read',
					signal: options.signal,
				});
				const envelope = this.envelopeOf(response);
				if (!envelope) throw klingError(response, `list of ${KLING_KINDS[operation]}`);
				const tasks = parseKlingAnswer(klingTaskListSchema, envelope.data, 'task list');
				for (const task of tasks) {
					if (since === undefined || (task.created_at ?? Number.POSITIVE_INFINITY) >= since) {
						jobs.push(klingJob(task, operation, task));
					}
				}
				// UNCONFIRMED: lists are newest first, so a page reaching before `since` ends the walk.
				const reachedOlder = since !== undefined && tasks.some((task) => (task.created_at ?? Infinity) < since);
				if (tasks.length < KLING_LIST_PAGE_SIZE || reachedOlder) break;
			}
		}
		return jobs;
	}

	async uploadMedia(file: UploadableFile): Promise<string> {
		// Kling has no upload endpoint: images travel inline as raw base64 (no `data:` prefix).
		if (!KLING_IMAGE_TYPES.test(file.mimeType)) {
			throw new ProviderApiError({
				provider: 'kling',
				message: file.mimeType.startsWith('video/')
					? `Kling takes videos only by URL; ${file.fileName} (${file.mimeType}) must be given as an http(s) URL`
					: `Kling accepts JPG or PNG images; ${file.fileName} is ${file.mimeType}`,
				kind: 'invalidInput',
			});
		}
		if (file.data.length > KLING_MAX_IMAGE_BYTES) {
			throw new ProviderApiError({
				provider: 'kling',
				message: `${file.fileName} has ${file.data.length} bytes; Kling accepts images up to ${KLING_MAX_IMAGE_BYTES} bytes (10 MB)`,
				kind: 'invalidInput',
			});
		}
		return file.data.toString('base64');
	}

	async verifyWebhook(delivery: WebhookDelivery): Promise<Job> {
		requireBodySize(delivery);
		const parsed = klingCallbackSchema.safeParse(parseJsonBody(delivery));
		if (!parsed.success) throw new WebhookRejectedError(400, `Kling callback body: ${describeIssues(parsed.error)}`);
		const claimed = parsed.data.task_status;
		const operation = delivery.operation && delivery.operation in KLING_KINDS ? (delivery.operation as KlingOperation) : null;
		if (claimed === 'submitted' || claimed === 'processing') {
			// Nothing is done on an unfinished task, whoever sent this, so it is not worth a request.
			const task = { task_id: parsed.data.task_id, task_status: claimed } as KlingTask;
			return klingJob(task, operation, parsed.data);
		}
		// Kling signs nothing: the body only says which task to ask about; the answer is the API's.
		const job = await this.query(parsed.data.task_id, operation);
		if (!job) throw new WebhookRejectedError(401, `Kling knows no task ${parsed.data.task_id} for these credentials`);
		return job;
	}

	async testCredentials(signal?: AbortSignal): Promise<void> {
		const response = await this.send({ url: `${this.host}/v1/videos/text2video?pageNum=1&pageSize=1`, kind: 'read', signal });
		if (!this.envelopeOf(response)) throw klingError(response, 'credential test');
	}

	/** Every request carries a JWT signed just now, so none expires while a job runs for hours. */
	private send(options: Parameters<HttpClient['send']>[0]): Promise<HttpResponse> {
		return this.http.send({
			...options,
			headers: { ...options.headers, authorization: `Bearer ${signKlingJwt(this.accessKey, this.secretKey)}` },
			isFinal: klingIsFinal,
		});
	}

	/** The accepted envelope (HTTP 2xx and `code: 0`), or undefined for an error answer. */
	private envelopeOf(response: HttpResponse) {
		if (!isOk(response)) return undefined;
		const envelope = parseKlingAnswer(klingEnvelopeSchema, bodyOf(response), 'answer');
		return envelope.code === 0 ? envelope : undefined;
	}

	/**
	 * The task as the API reports it (the path takes a task id or an external task id); the kind
	 * is probed when unknown. Undefined when no kind knows it.
	 */
	private async query(
		taskId: string,
		operation: GenerationOperation | null,
		signal?: AbortSignal,
		expected?: { durationSeconds: number | null; hasAudio: boolean | null },
	): Promise<Job | undefined> {
		const kinds = KLING_OPERATIONS.filter((kind) => operation === null || !(operation in KLING_KINDS) || kind === operation);
		for (const kind of kinds) {
			const ref: JobRef = { provider: 'kling', jobId: taskId, operation: kind };
			const response = await this.send({
				url: `${this.host}/v1/videos/${KLING_KINDS[kind]}/${encodeURIComponent(taskId)}`,
				kind: 'read',
				signal,
			});
			const envelope = this.envelopeOf(response);
			if (!envelope) {
				if (isNotFound(response)) continue;
				throw klingError(response, `query of ${taskId}`, ref);
			}
			const raw = bodyOf(response);
			return klingJob(parseKlingAnswer(klingTaskSchema, envelope.data, 'task', ref), kind, raw, expected);
		}
		return undefined;
	}
}

export const klingAdapter: ProviderAdapter = {
	id: 'kling',
	displayName: 'Kling API',
	capabilities: klingCapabilities,
	connect: (credentials, http) => new KlingClient(credentials, http),
};
