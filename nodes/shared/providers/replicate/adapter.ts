/**
 * Replicate adapter: Kling v2.6 as the official models `kwaivgi/kling-v2.6` (text and image to
 * video) and `kwaivgi/kling-v2.6-motion-control`. The only file that knows Replicate's URLs,
 * input names, states and error shapes; the tables right below hold all of them.
 */
import { ProviderApiError, WebhookRejectedError } from '../../errors';
import { describeIssues } from '../parse';
import { addSeconds, idOf, isOk, numberOrNull } from '../values';
import type { HttpClient, HttpResponse } from '../../http';
import { FormData } from '../../http';
import type { FailureKind, GenerationOperation, Job, JobRef, JobStatus, VideoRequest } from '../../job';
import { estimateCostUsd } from '../../pricing';
import { parseJsonBody } from '../../webhooks/common';
import { STANDARD_WEBHOOKS, verifyHmacDelivery } from '../../webhooks/hmac';
import {
	parseReplicate,
	replicateAccountSchema,
	replicateErrorSchema,
	replicateFileSchema,
	replicateListItemHeadSchema,
	replicateListPageSchema,
	replicatePredictionSchema,
	replicateWebhookSecretSchema,
	type ReplicatePrediction,
	type ReplicateStatus,
} from './schemas';
import type {
	Capabilities,
	JobList,
	ListOptions,
	ProviderAdapter,
	ProviderClient,
	ProviderCredentials,
	SubmitOptions,
	UploadableFile,
	WebhookDelivery,
} from '../types';
import { classifyFailure, isContentPolicy } from '../failures';
import { mapRequest } from '../mapper';
import type { ModelId } from '../models';
import { findEndpoint, type ModelTable, type ProviderTable } from '../table';
import { REPLICATE_MODELS } from './models';

// ---------------------------------------------------------------------------------------------
// What is Replicate's and not a model's (the models and their inputs are in models.ts).
// ---------------------------------------------------------------------------------------------

export const REPLICATE_DEFAULT_BASE_URL = 'https://api.replicate.com/v1';

/** The input that tells image to video from text to video on a model that does both. */
const START_IMAGE_INPUT = REPLICATE_MODELS['kling-v2.6'].imageToVideo.fields.startImage.name;

/** Replicate state → unified state. `aborted` = ended before it ran (e.g. its deadline passed). */
export const REPLICATE_STATES: Record<ReplicateStatus, JobStatus> = {
	starting: 'queued',
	processing: 'running',
	succeeded: 'succeeded',
	failed: 'failed',
	canceled: 'canceled',
	aborted: 'canceled',
};

/** Predictions created through the API keep their output for one hour (`data_removed` after). */
export const REPLICATE_OUTPUT_RETENTION_SECONDS = 3600;

/** Replicate's own sensitive-content failure code ("flagged as sensitive"); the words are shared (failures.ts). */
const CONTENT_POLICY_CODE = /\bE005\b/;

/** Predictions per list page: fixed by Replicate ("It will return 100 records per page"). */
export const REPLICATE_LIST_PAGE_SIZE = 100;

/** `Prefer: wait=N` bounds (Replicate accepts 1..60). */
const PREFER_WAIT_MAX_SECONDS = 60;

// ---------------------------------------------------------------------------------------------

const PROVIDER = 'replicate' as const;

export const replicateCapabilities: Capabilities = {
	// Replicate can hold only the create call (`Prefer: wait`); GET of an existing prediction does
	// not wait (replicate-javascript polls it every 500 ms), so there is nothing to long-poll.
	longPoll: null,
	webhookScheme: 'standardWebhooks',
	outputRetentionSeconds: REPLICATE_OUTPUT_RETENTION_SECONDS,
	idempotentSubmit: false,
	cancel: true,
	listsVoices: false,
};

export interface ReplicateSubmitOptions extends SubmitOptions {
	/**
	 * Sends `Prefer: wait=N` (1..60): Replicate holds the create call until the prediction ends or
	 * N seconds pass and answers with the prediction as it then is. Video takes minutes, so this
	 * only saves the first poll; off by default because a longer-held billed call is more exposed
	 * to a cut connection, after which the submit cannot be retried.
	 */
	preferWaitSeconds?: number;
}

export interface ReplicateClient extends ProviderClient {
	submit(request: VideoRequest, options?: ReplicateSubmitOptions): Promise<Job>;
}

const TABLE: ProviderTable = { provider: PROVIDER, displayName: 'Replicate', models: REPLICATE_MODELS };

/** The model and `input` of a request; refuses, before anything is sent, what the model does not take. */
export function toReplicateInput(request: VideoRequest): { model: string; input: Record<string, unknown> } {
	const mapped = mapRequest(TABLE, request);
	return { model: mapped.endpoint.path, input: mapped.input };
}

/** Which model and operation a prediction is, from its model (and `start_image` where a model does both). */
export function replicateOperationOf(
	prediction: ReplicatePrediction,
	fallback: GenerationOperation | null,
): { model: ModelId | null; operation: GenerationOperation | null } {
	const match = findEndpoint(REPLICATE_MODELS, prediction.model);
	if (!match) return { model: null, operation: fallback };
	if (match.operation === 'textToVideo' || match.operation === 'imageToVideo') {
		return { model: match.model, operation: prediction.input?.[START_IMAGE_INPUT] ? 'imageToVideo' : 'textToVideo' };
	}
	return { model: match.model, operation: match.operation };
}

/** The unified job for a prediction; `raw` is the answer exactly as Replicate sent it. */
export function replicateJob(prediction: ReplicatePrediction, raw: unknown, knownOperation: GenerationOperation | null = null): Job {
	const { model, operation } = replicateOperationOf(prediction, knownOperation);
	const status = REPLICATE_STATES[prediction.status];
	const input = prediction.input ?? {};
	const fields = model && operation ? (REPLICATE_MODELS[model] as ModelTable[ModelId])?.[operation]?.fields : undefined;
	const durationSeconds = fields?.duration ? numberOrNull(input[fields.duration.name]) : null;
	const audioField = operation === 'motionControl' ? fields?.keepOriginalSound : fields?.generateAudio;
	const audio = audioField ? input[audioField.name] : undefined;
	const hasAudio = typeof audio === 'boolean' ? audio : null;
	const output = Array.isArray(prediction.output) ? prediction.output[0] : prediction.output;
	const completedAt = prediction.completed_at ?? null;
	const ref: JobRef = {
		provider: PROVIDER,
		jobId: prediction.id,
		operation,
		urls: { status: prediction.urls?.get, cancel: prediction.urls?.cancel },
	};
	return {
		jobId: prediction.id,
		provider: PROVIDER,
		operation,
		model,
		status,
		// After `data_removed` the URL still appears in old answers but no longer serves the file.
		videoUrl: status === 'succeeded' && !prediction.data_removed ? (output ?? null) : null,
		voiceId: null,
		expiresAt: completedAt ? addSeconds(completedAt, REPLICATE_OUTPUT_RETENTION_SECONDS) : null,
		durationSeconds,
		hasAudio,
		estimatedCostUsd:
			status === 'failed' || status === 'canceled' ? null : estimateCostUsd(TABLE, { model, operation, mode: null }, durationSeconds, hasAudio),
		// Units are Kling's own billing; this provider bills dollars.
		estimatedUnits: null,
		unitsUsed: null,
		timings: {
			createdAt: prediction.created_at ?? null,
			startedAt: prediction.started_at ?? null,
			completedAt,
			predictSeconds: prediction.metrics?.predict_time ?? null,
		},
		error: jobError(prediction),
		ref,
		raw,
	};
}

function jobError(prediction: ReplicatePrediction): Job['error'] {
	if (prediction.status === 'failed') {
		const message = prediction.error || 'Replicate reports the prediction failed without a reason';
		return { message, kind: classifyReplicateFailure(message) };
	}
	if (prediction.status === 'canceled') return { message: 'The prediction was canceled', kind: 'canceled' };
	if (prediction.status === 'aborted') {
		return { message: 'Replicate aborted the prediction before it ran (deadline reached)', kind: 'canceled' };
	}
	return null;
}

export const classifyReplicateFailure = (message: string): FailureKind => classifyFailure(message, CONTENT_POLICY_CODE);

/** Milliseconds Replicate asks to wait in its 429 body ("Expected available in N second(s)"). */
export function replicateRetryDelayHint(response: HttpResponse): number | undefined {
	const body = replicateErrorSchema.safeParse(response.json());
	const detail = body.success && typeof body.data.detail === 'string' ? body.data.detail : response.text();
	const match = /expected available in (\d+(?:\.\d+)?) second/i.exec(detail);
	return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

/** A ProviderApiError saying what Replicate said; the request's token is never part of it. */
export function replicateApiError(response: HttpResponse, action: string, jobRef?: JobRef): ProviderApiError {
	const parsed = replicateErrorSchema.safeParse(response.json());
	const body = parsed.success ? parsed.data : undefined;
	// A validation error lists its fields; its `detail` repeats them as one string, so one of the two.
	const fields = (body?.invalid_fields ?? []).map((field) => `${field.field ?? '(input)'}: ${field.description ?? field.type ?? 'invalid'}`);
	const parts: string[] = [];
	if (fields.length) parts.push(...(body?.title ? [body.title] : []), ...fields);
	else if (typeof body?.detail === 'string') parts.push(body.detail);
	else if (body?.title) parts.push(body.title);
	if (!parts.length) parts.push(response.text().slice(0, 500) || 'no details');
	const said = parts.join('; ');
	const kind: FailureKind = isContentPolicy(said, CONTENT_POLICY_CODE)
		? 'contentPolicy'
		: response.status === 400 || response.status === 422
			? 'invalidInput'
			: 'provider';
	return new ProviderApiError({
		provider: PROVIDER,
		httpStatus: response.status,
		code: body?.title,
		kind,
		message: `Replicate refused to ${action} (HTTP ${response.status}): ${said}`,
		jobRef,
		responseBody: response.json() ?? response.text(),
	});
}

function connect(credentials: ProviderCredentials, http: HttpClient): ReplicateClient {
	const token = credentials.apiKey;
	if (!token) throw new ProviderApiError({ provider: PROVIDER, message: 'The Replicate credential has no API token' });
	const base = (credentials.baseUrl || REPLICATE_DEFAULT_BASE_URL).replace(/\/+$/, '');
	const auth = { authorization: `Bearer ${token}` };
	const refOf = (jobId: string, operation: GenerationOperation | null): JobRef => ({ provider: PROVIDER, jobId, operation });
	const predictionUrl = (id: string) => `${base}/predictions/${encodeURIComponent(id)}`;

	/** Parses a prediction answer; a malformed one still reports the job id when it can be read. */
	const readPrediction = (response: HttpResponse, what: string, operation: GenerationOperation | null): Job => {
		const raw = response.json();
		const id = idOf(raw);
		return replicateJob(parseReplicate(replicatePredictionSchema, raw, what, id ? refOf(id, operation) : undefined), raw, operation);
	};

	/**
	 * Kling predictions created at or after `since` (and before `before`), newest first, page after
	 * page (at most `maxPages`). `complete` when the pages reached `since` or the list's end;
	 * `oldest` is the creation instant of the oldest prediction read (of any model), where a
	 * continuation goes on.
	 */
	const listPredictions = async (
		since: Date | undefined,
		maxPages: number,
		readItem: (item: unknown, index: number) => Job | undefined,
		signal?: AbortSignal,
		before?: number,
	): Promise<{ jobs: Job[]; complete: boolean; oldest: number | undefined }> => {
		const params = new URLSearchParams();
		if (since) params.set('created_after', since.toISOString());
		// "Include only predictions created before this date-time" (replicate-python-beta prediction_list_params.py).
		if (before !== undefined) params.set('created_before', new Date(before).toISOString());
		const query = params.size > 0 ? `?${params}` : '';
		let url: string | null = `${base}/predictions${query}`;
		const jobs: Job[] = [];
		let oldest: number | undefined;
		for (let page = 0; url && page < maxPages; page++) {
			const response = await http.send({ url, headers: auth, retryClass: 'read', signal, retryDelayHint: replicateRetryDelayHint });
			if (!isOk(response)) throw replicateApiError(response, 'list predictions');
			const body = parseReplicate(replicateListPageSchema, response.json(), 'prediction list');
			let reachedOlder = false;
			body.results.forEach((item, index) => {
				const created = Date.parse(String((item as { created_at?: unknown } | null)?.created_at ?? ''));
				if (!Number.isNaN(created) && (oldest === undefined || created < oldest)) oldest = created;
				const head = replicateListItemHeadSchema.safeParse(item);
				if (!head.success || !isKlingModel(head.data.model)) return;
				const job = readItem(item, index);
				if (!job) return;
				if (since && job.timings.createdAt && Date.parse(job.timings.createdAt) < since.getTime()) {
					reachedOlder = true; // newest first: the rest of the pages are older still
					return;
				}
				jobs.push(job);
			});
			url = !reachedOlder && body.next ? rebase(body.next, base) : null;
			if (!url) return { jobs, complete: true, oldest };
		}
		return { jobs, complete: url === null, oldest };
	};

	const client: ReplicateClient = {
		provider: PROVIDER,

		async submit(request, options: ReplicateSubmitOptions = {}) {
			const { model, input } = toReplicateInput(request);
			const body: Record<string, unknown> = { input };
			if (options.webhookUrl) {
				body.webhook = options.webhookUrl;
				// Only the terminal event: start/output/logs events would wake the workflow for nothing.
				body.webhook_events_filter = ['completed'];
			}
			const headers: Record<string, string> = { ...auth };
			let headersTimeoutMs: number | undefined;
			if (options.preferWaitSeconds !== undefined) {
				const seconds = Math.min(PREFER_WAIT_MAX_SECONDS, Math.max(1, Math.ceil(options.preferWaitSeconds)));
				headers.prefer = `wait=${seconds}`;
				headersTimeoutMs = (seconds + 30) * 1000;
			}
			const response = await http.send({
				method: 'POST',
				url: `${base}/models/${model}/predictions`,
				headers,
				json: body,
				retryClass: 'submit',
				signal: options.signal,
				headersTimeoutMs,
				retryDelayHint: replicateRetryDelayHint,
			});
			if (!isOk(response)) throw replicateApiError(response, `create a ${request.operation} prediction`);
			return readPrediction(response, 'prediction', request.operation);
		},

		async get(ref, signal) {
			const response = await http.send({ url: predictionUrl(ref.jobId), headers: auth, retryClass: 'read', signal, retryDelayHint: replicateRetryDelayHint });
			if (!isOk(response)) throw replicateApiError(response, `read prediction ${ref.jobId}`, ref);
			return readPrediction(response, 'prediction', ref.operation);
		},

		async cancel(ref, signal) {
			// Canceling twice is harmless (a finished prediction is returned unchanged), so it may repeat.
			const response = await http.send({
				method: 'POST',
				url: `${predictionUrl(ref.jobId)}/cancel`,
				headers: auth,
				retryClass: 'idempotentSubmit',
				signal,
				retryDelayHint: replicateRetryDelayHint,
			});
			if (!isOk(response)) throw replicateApiError(response, `cancel prediction ${ref.jobId}`, ref);
			readPrediction(response, 'canceled prediction', ref.operation);
		},

		/**
		 * Continues at `created_before` = the oldest creation read + 1 ms: the predictions of that
		 * millisecond are read again (harmless) rather than risk skipping one that shares it.
		 */
		async list(options: ListOptions = {}): Promise<JobList> {
			const readItem = (item: unknown, index: number) =>
				replicateJob(parseReplicate(replicatePredictionSchema, item, `prediction list item ${index}`), item);
			const before = typeof options.resume?.createdBefore === 'number' ? options.resume.createdBefore : undefined;
			const listed = await listPredictions(options.since, options.maxPages ?? 5, readItem, options.signal, before);
			const jobs = listed.jobs.filter((job) => !options.operations || (job.operation && options.operations.includes(job.operation)));
			if (listed.complete || listed.oldest === undefined) return { jobs, complete: true };
			// A whole page inside one millisecond would not move the continuation: step past it then.
			const next = before !== undefined && listed.oldest + 1 >= before ? listed.oldest : listed.oldest + 1;
			return { jobs, complete: false, resume: { createdBefore: next } };
		},

		/**
		 * `GET /v1/predictions?created_after=` lists full predictions (output and error included),
		 * newest first: the pages back to the batch's first job hold every one of its jobs. One page
		 * more than the jobs need leaves room for the account's other predictions in that window.
		 */
		async listStatus(refs, options) {
			const maxPages = Math.ceil(refs.length / REPLICATE_LIST_PAGE_SIZE) + 1;
			// An item that does not read as a prediction is left out: the job's own read will report it.
			const readItem = (item: unknown) => {
				const parsed = replicatePredictionSchema.safeParse(item);
				return parsed.success ? replicateJob(parsed.data, item) : undefined;
			};
			return (await listPredictions(options.since, maxPages, readItem, options.signal)).jobs;
		},

		async uploadMedia(file: UploadableFile, signal?: AbortSignal) {
			const form = new FormData();
			form.append('content', new Blob([file.data], { type: file.mimeType }), file.fileName);
			form.append('metadata', new Blob([JSON.stringify({})], { type: 'application/json' }));
			// Not billed; a repeat only stores a second copy of the file.
			const response = await http.send({
				method: 'POST',
				url: `${base}/files`,
				headers: auth,
				body: form,
				retryClass: 'idempotentSubmit',
				signal,
				retryDelayHint: replicateRetryDelayHint,
			});
			if (!isOk(response)) throw replicateApiError(response, `upload ${file.fileName}`);
			return parseReplicate(replicateFileSchema, response.json(), 'file').urls.get;
		},

		async fetchWebhookSecret(signal) {
			const response = await http.send({ url: `${base}/webhooks/default/secret`, headers: auth, retryClass: 'read', signal, retryDelayHint: replicateRetryDelayHint });
			if (!isOk(response)) throw replicateApiError(response, 'return the webhook signing secret');
			return parseReplicate(replicateWebhookSecretSchema, response.json(), 'webhook secret').key;
		},

		async verifyWebhook(delivery: WebhookDelivery) {
			verifyHmacDelivery(delivery, STANDARD_WEBHOOKS);
			const body = parseJsonBody(delivery);
			const parsed = replicatePredictionSchema.safeParse(body);
			if (!parsed.success) throw new WebhookRejectedError(400, `Replicate webhook body is not a prediction: ${describeIssues(parsed.error)}`);
			return replicateJob(parsed.data, body);
		},

		async testCredentials(signal) {
			const response = await http.send({ url: `${base}/account`, headers: auth, retryClass: 'read', signal, retryDelayHint: replicateRetryDelayHint });
			if (!isOk(response)) throw replicateApiError(response, 'accept the API token');
			parseReplicate(replicateAccountSchema, response.json(), 'account');
		},
	};
	return client;
}

export const replicateAdapter: ProviderAdapter = {
	id: PROVIDER,
	displayName: TABLE.displayName,
	capabilities: replicateCapabilities,
	models: REPLICATE_MODELS,
	connect,
};

/** The same, typed with Replicate's extra submit option. */
export const connectReplicate = connect;

const isKlingModel = (model: string | undefined) => findEndpoint(REPLICATE_MODELS, model) !== null;

/** `next` carries the real host; keep its cursor but send it to the configured base (proxy, emulator). */
function rebase(next: string, base: string): string {
	try {
		const parsed = new URL(next, base);
		return `${base}/predictions${parsed.search}`;
	} catch {
		return next;
	}
}
