/**
 * Kling's own API (Kuaishou) for Kling v2.6: a fresh HS256 JWT per request, idempotent submits
 * through `external_task_id`, query and list paths per operation, raw-base64 images, and unsigned
 * callbacks that are only believed after re-reading the task. Only this file knows Kling's URLs,
 * field names, states and error codes.
 */
import { createHash } from 'node:crypto';
import { describeIssues } from '../parse';
import { bodyOf, isOk } from '../values';
import type { HttpClient, HttpResponse } from '../../http';
import { ProviderApiError, WebhookRejectedError } from '../../errors';
import type { GenerationOperation, Job, JobError, JobRef, JobStatus, Mode, VideoRequest } from '../../job';
import { estimateCostUsd } from '../../pricing';
import { OPERATION_LABELS } from '../../labels';
import { klingUnitsOf } from '../../spend/price';
import { parseJsonBody, requireBodySize } from '../../webhooks/common';
import { signKlingJwt } from './jwt';
import {
	klingCallbackSchema,
	klingEnvelopeSchema,
	klingTaskListSchema,
	klingTaskSchema,
	parseKlingAnswer,
	type KlingTask,
	type KlingTaskState,
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
	Voice,
	WebhookDelivery,
} from '../types';
import { classifyFailure } from '../failures';
import { expectedOutput, mapRequest } from '../mapper';
import { requestProblems } from '../validation';
import type { ModelId } from '../models';
import type { ProviderTable } from '../table';
import { KLING_MODELS } from './models';

// ---------------------------------------------------------------------------------------------
// Mapping tables: the one place to change when Kling changes (or a guess below proves wrong).
// ---------------------------------------------------------------------------------------------

/** Regional hosts; a credential's `baseUrl` replaces the host (proxy, emulator). */
export const KLING_HOSTS = {
	singapore: 'https://api-singapore.klingai.com',
	beijing: 'https://api-beijing.klingai.com',
} as const;

const TABLE: ProviderTable = { provider: 'kling', displayName: 'Kling API', models: KLING_MODELS };

/** Operation → the path its tasks are submitted to, queried under and listed at (the same for every model). */
export const KLING_PATHS = {
	textToVideo: KLING_MODELS['kling-v2.6'].textToVideo.endpoints.pro.path,
	imageToVideo: KLING_MODELS['kling-v2.6'].imageToVideo.endpoints.pro.path,
	motionControl: KLING_MODELS['kling-v2.6'].motionControl.endpoints.pro.path,
	createVoice: KLING_MODELS['kling-v2.6'].createVoice.endpoints.pro.path,
} as const satisfies Record<GenerationOperation, string>;
export type KlingOperation = keyof typeof KLING_PATHS;
const VIDEO_OPERATIONS: readonly KlingOperation[] = ['textToVideo', 'imageToVideo', 'motionControl'];
/** The operations whose paths a task id may be found under, video first (a callback names no operation). */
const ALL_OPERATIONS: readonly KlingOperation[] = [...VIDEO_OPERATIONS, 'createVoice'];

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
	/** The platform's IP allow-list policy: final, although it comes as HTTP 429 like 1302 and 1303. */
	ipPolicy: [1304, 1304],
	server: [5000, 5002],
} as const;
const inRange = (code: number | undefined, [low, high]: readonly [number, number]) =>
	code !== undefined && code >= low && code <= high;

// UNCONFIRMED: the characters and length Kling accepts in external_task_id; letters, digits, `_` and `-` up to 64 are the safe guess.
export const KLING_EXTERNAL_ID = { allowed: /^[A-Za-z0-9_-]+$/, maxLength: 64 } as const;
// UNCONFIRMED: how Kling answers a second submit with a known external_task_id. Read as a duplicate: an error
// naming the id or a duplicate, after which the task is queried by its external id (the query path takes either id).
const DUPLICATE_EXTERNAL_ID = /external_task_id|duplicat|already exist/i;

/** Kling's preset voices (its API reference, Custom Voices). */
const KLING_PRESET_VOICES_PATH = '/v1/general/presets-voices';
/** The voice lists take up to 1000 per page; one page is plenty for a picker. */
const KLING_VOICE_PAGE_SIZE = 200;

/** Page size of the list endpoints (Kling allows up to 500). */
export const KLING_LIST_PAGE_SIZE = 100;
/** Page size of a batch's status read: Kling's largest ("pageSize … [1, 500]"), so one page usually holds the batch. */
export const KLING_STATUS_PAGE_SIZE = 500;
/** Kling documents 10 MB for image inputs. */
export const KLING_MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const KLING_IMAGE_TYPES = /^image\/(jpeg|jpg|png)$/i;
/** Outputs are kept 30 days. */
const OUTPUT_RETENTION_SECONDS = 30 * 24 * 60 * 60;

// ---------------------------------------------------------------------------------------------
// Capabilities
// ---------------------------------------------------------------------------------------------

export const klingCapabilities: Capabilities = {
	longPoll: null,
	webhookScheme: 'unsignedRefetch',
	outputRetentionSeconds: OUTPUT_RETENTION_SECONDS,
	idempotentSubmit: true,
	cancel: false,
	listsVoices: true,
};

// ---------------------------------------------------------------------------------------------
// Pure mappings (exported for unit tests)
// ---------------------------------------------------------------------------------------------

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

/** The body of a unified request (without callback and external id); refuses what the model does not take. */
export const toKlingBody = (request: VideoRequest): Record<string, unknown> => mapRequest(TABLE, request).input;

/** What must stop a request before it is billed, in the panel's words; empty when it may be sent. */
export const klingRequestProblems = (request: VideoRequest): string[] => requestProblems(TABLE, request).map((problem) => problem.message);

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
		inRange(code, KLING_CODES.contentPolicy) ||
		inRange(code, KLING_CODES.ipPolicy)
	);
}

/** What a user should do about an error code, where Kling's own message is not enough. */
function hintFor(code: number | undefined): string {
	if (code === 1003 || code === 1004) return ' (check the access key, the secret key and this machine\'s clock)';
	if (inRange(code, KLING_CODES.auth)) return ' (check the access key and the secret key)';
	if (inRange(code, KLING_CODES.account)) return ' (check the Kling account, its balance and its permissions)';
	if (inRange(code, KLING_CODES.rateLimited)) return ' (rate or concurrency limit)';
	if (inRange(code, KLING_CODES.ipPolicy)) return " (this machine's IP address is not on the Kling account's allow-list)";
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

const isoOf = (ms: number | null | undefined) => (typeof ms === 'number' ? new Date(ms).toISOString() : null);

/** The unified job of a Kling task. `expected` carries what only the submitted request knows. */
export function klingJob(
	task: KlingTask,
	operation: KlingOperation | null,
	raw: unknown,
	expected: { durationSeconds: number | null; hasAudio: boolean | null } = { durationSeconds: null, hasAudio: null },
	submitted: { model: ModelId | null; mode: Mode | null } = { model: null, mode: null },
): Job {
	const status = KLING_STATES[task.task_status];
	const ref: JobRef = { provider: 'kling', jobId: task.task_id, operation, model: submitted.model, quality: submitted.mode };
	const isVoice = operation === 'createVoice';
	const video = task.task_result?.videos?.[0];
	const voiceId = task.task_result?.voices?.[0]?.voice_id;
	if (status === 'succeeded' && (isVoice ? voiceId === undefined : !video)) {
		throw new ProviderApiError({
			provider: 'kling',
			message: `Kling reports task ${task.task_id} succeeded but lists no ${isVoice ? 'voice' : 'video'}`,
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
		model: submitted.model,
		status,
		videoUrl: status === 'succeeded' && !isVoice ? (video?.url ?? null) : null,
		voiceId: status === 'succeeded' && isVoice ? String(voiceId) : null,
		expiresAt:
			status === 'succeeded' && completedAt && !isVoice
				? new Date(Date.parse(completedAt) + OUTPUT_RETENTION_SECONDS * 1000).toISOString()
				: null,
		durationSeconds,
		hasAudio: expected.hasAudio,
		estimatedCostUsd: estimateCostUsd(TABLE, { model: submitted.model, operation, mode: submitted.mode }, durationSeconds, expected.hasAudio),
		...klingUnitsOf(TABLE, task.final_unit_deduction, { model: submitted.model, operation, mode: submitted.mode, durationSeconds, hasAudio: expected.hasAudio }),
		timings: { createdAt: isoOf(task.created_at), startedAt: null, completedAt, predictSeconds: null },
		error:
			status === 'failed'
				? { message, kind: classifyFailure(message) }
				: null,
		ref,
		raw,
	};
}

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

/** Kling's list takes `pageNum` up to 1000. */
const KLING_MAX_PAGE_NUM = 1000;

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
		const mapped = mapRequest(TABLE, request);
		const operation = request.operation;
		const submitted = { model: mapped.model, mode: operation === 'createVoice' ? null : mapped.mode };
		const externalTaskId = options.idempotencyKey ? klingExternalTaskId(options.idempotencyKey) : undefined;
		const body = {
			...mapped.input,
			...(options.webhookUrl ? { callback_url: options.webhookUrl } : {}),
			...(externalTaskId ? { external_task_id: externalTaskId } : {}),
		};
		const response = await this.send({
			method: 'POST',
			url: `${this.host}${mapped.endpoint.path}`,
			json: body,
			// With an external_task_id Kling refuses a second task of the same id, so a retry cannot bill twice.
			retryClass: externalTaskId ? 'idempotentSubmit' : 'submit',
			signal: options.signal,
		});
		const envelope = this.envelopeOf(response);
		if (!envelope) {
			// A retried submit whose first try was accepted: the task exists, find it rather than fail.
			if (externalTaskId && DUPLICATE_EXTERNAL_ID.test(response.text())) {
				const existing = await this.query(externalTaskId, operation, options.signal, expectedOutput(request), submitted);
				if (existing) return existing;
			}
			throw klingError(response, `submit to ${mapped.endpoint.path}`);
		}
		const raw = bodyOf(response);
		const task = parseKlingAnswer(klingTaskSchema, envelope.data, 'submit answer');
		return klingJob(task, operation, raw, expectedOutput(request), submitted);
	}

	async get(ref: JobRef, signal?: AbortSignal): Promise<Job> {
		const found = await this.query(ref.jobId, ref.operation, signal, undefined, { model: ref.model ?? null, mode: ref.quality ?? null });
		if (!found) {
			throw new ProviderApiError({
				provider: 'kling',
				message: `Kling knows no ${ref.operation ? `${OPERATION_LABELS[ref.operation]} ` : ''}task ${ref.jobId} for these credentials`,
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

	/**
	 * Each kind's list on its own path (Kling has no joined list), up to `maxPages` pages each. A
	 * kind that stopped early continues at its next page number: new tasks only push older ones to
	 * later pages, so going on at the next number can read a task twice but never skips one.
	 */
	async list(options: ListOptions = {}): Promise<JobList> {
		const operations = options.operations ?? VIDEO_OPERATIONS;
		const resumed = options.resume?.pages;
		const pages = resumed && typeof resumed === 'object' ? (resumed as Record<string, unknown>) : undefined;
		const jobs: Job[] = [];
		const next: Record<string, number> = {};
		for (const operation of operations) {
			// A resumed listing goes on only with the kinds that had not reached `since`.
			const from = pages ? pages[operation] : 1;
			if (typeof from !== 'number') continue;
			const listed = await this.listedTasksFrom(operation, options.since?.getTime(), KLING_LIST_PAGE_SIZE, from, options.maxPages ?? 5, options.signal);
			jobs.push(...listed.tasks.map((task) => klingJob(task, operation, task)));
			if (listed.nextPage !== undefined) next[operation] = listed.nextPage;
		}
		return Object.keys(next).length === 0 ? { jobs, complete: true } : { jobs, complete: false, resume: { pages: next } };
	}

	/**
	 * One list call per kind (path) the jobs are of: Kling lists each kind on its own path and has
	 * no id or time filter. A task that cannot be read as a job is left out (its own query will
	 * report it); the submitted model and mode ride along, since the list does not say them.
	 */
	async listStatus(refs: readonly JobRef[], options: StatusListOptions): Promise<Job[]> {
		const operations = [...new Set(refs.map((ref) => ref.operation).filter((operation) => operation !== null))];
		const submitted = new Map(refs.map((ref) => [ref.jobId, { model: ref.model ?? null, mode: ref.quality ?? null }]));
		const maxPages = Math.ceil(refs.length / KLING_STATUS_PAGE_SIZE) + 1;
		const jobs: Job[] = [];
		for (const operation of operations) {
			for (const task of await this.listedTasks(operation, options.since.getTime(), KLING_STATUS_PAGE_SIZE, maxPages, options.signal)) {
				const job = readableJob(task, operation, submitted.get(task.task_id));
				if (job) jobs.push(job);
			}
		}
		return jobs;
	}

	/** The tasks of one kind created at or after `since`, newest first, page after page (at most `maxPages`). */
	private async listedTasks(operation: KlingOperation, since: number | undefined, pageSize: number, maxPages: number, signal?: AbortSignal): Promise<KlingTask[]> {
		return (await this.listedTasksFrom(operation, since, pageSize, 1, maxPages, signal)).tasks;
	}

	/** The same from page `first` on; `nextPage` is where a walk that stopped at `maxPages` goes on. */
	private async listedTasksFrom(
		operation: KlingOperation,
		since: number | undefined,
		pageSize: number,
		first: number,
		maxPages: number,
		signal?: AbortSignal,
	): Promise<{ tasks: KlingTask[]; nextPage?: number }> {
		const listed: KlingTask[] = [];
		for (let page = first; page < first + maxPages; page++) {
			const response = await this.send({
				url: `${this.host}${KLING_PATHS[operation]}?pageNum=${page}&pageSize=${pageSize}`,
				retryClass: 'read',
				signal,
			});
			const envelope = this.envelopeOf(response);
			if (!envelope) throw klingError(response, `list of ${KLING_PATHS[operation]}`);
			const tasks = parseKlingAnswer(klingTaskListSchema, envelope.data, 'task list');
			listed.push(...tasks.filter((task) => since === undefined || (task.created_at ?? Number.POSITIVE_INFINITY) >= since));
			// UNCONFIRMED: lists are newest first, so a page reaching before `since` ends the walk.
			const reachedOlder = since !== undefined && tasks.some((task) => (task.created_at ?? Infinity) < since);
			// pageNum is at most 1000 (Kling's list reference).
			if (tasks.length < pageSize || reachedOlder || page >= KLING_MAX_PAGE_NUM) return { tasks: listed };
		}
		return { tasks: listed, nextPage: first + maxPages };
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

	/** The account's finished custom voices, then Kling's presets (one page of each: Kling lists up to 1000 per page). */
	async listVoices(signal?: AbortSignal): Promise<Voice[]> {
		const voices: Voice[] = [];
		for (const [path, preset] of [
			[KLING_PATHS.createVoice, false],
			[KLING_PRESET_VOICES_PATH, true],
		] as const) {
			const response = await this.send({ url: `${this.host}${path}?pageNum=1&pageSize=${KLING_VOICE_PAGE_SIZE}`, retryClass: 'read', signal });
			const envelope = this.envelopeOf(response);
			if (!envelope) throw klingError(response, `list of ${path}`);
			for (const task of parseKlingAnswer(klingTaskListSchema, envelope.data, 'voice list')) {
				if (task.task_status !== 'succeed') continue;
				for (const voice of task.task_result?.voices ?? []) {
					const voiceId = String(voice.voice_id);
					voices.push({ voiceId, name: voice.voice_name?.trim() || voiceId, preset, trialUrl: typeof voice.trial_url === 'string' ? voice.trial_url : null });
				}
			}
		}
		return voices;
	}

	async verifyWebhook(delivery: WebhookDelivery): Promise<Job> {
		requireBodySize(delivery);
		const parsed = klingCallbackSchema.safeParse(parseJsonBody(delivery));
		if (!parsed.success) throw new WebhookRejectedError(400, `Kling callback body: ${describeIssues(parsed.error)}`);
		const claimed = parsed.data.task_status;
		const operation = delivery.operation ?? null;
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
		const response = await this.send({ url: `${this.host}${KLING_PATHS.textToVideo}?pageNum=1&pageSize=1`, retryClass: 'read', signal });
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
	 * The task as the API reports it (the path takes a task id or an external task id). Kling files
	 * tasks under their operation's path, so with the operation unknown each path is tried in turn.
	 * Undefined when no path knows it.
	 */
	private async query(
		taskId: string,
		operation: GenerationOperation | null,
		signal?: AbortSignal,
		expected?: { durationSeconds: number | null; hasAudio: boolean | null },
		submitted?: { model: ModelId | null; mode: Mode | null },
	): Promise<Job | undefined> {
		const candidates = operation === null ? ALL_OPERATIONS : [operation];
		for (const candidate of candidates) {
			const ref: JobRef = { provider: 'kling', jobId: taskId, operation: candidate };
			const response = await this.send({
				url: `${this.host}${KLING_PATHS[candidate]}/${encodeURIComponent(taskId)}`,
				retryClass: 'read',
				signal,
			});
			const envelope = this.envelopeOf(response);
			if (!envelope) {
				if (isNotFound(response)) continue;
				throw klingError(response, `query of ${taskId}`, ref);
			}
			const raw = bodyOf(response);
			return klingJob(parseKlingAnswer(klingTaskSchema, envelope.data, 'task', ref), candidate, raw, expected, submitted);
		}
		return undefined;
	}
}

/** The job of a listed task, or undefined when the task is not a readable job (e.g. succeeded without a video). */
function readableJob(task: KlingTask, operation: KlingOperation, submitted: { model: ModelId | null; mode: Mode | null } | undefined): Job | undefined {
	try {
		return klingJob(task, operation, task, undefined, submitted);
	} catch {
		return undefined;
	}
}

export const klingAdapter: ProviderAdapter = {
	id: 'kling',
	displayName: TABLE.displayName,
	capabilities: klingCapabilities,
	models: KLING_MODELS,
	connect: (credentials, http) => new KlingClient(credentials, http),
};
