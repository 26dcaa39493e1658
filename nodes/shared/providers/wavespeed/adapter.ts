/**
 * WaveSpeed adapter: Kling v2.6 as `kwaivgi/kling-v2.6-{pro|std}/…` on WaveSpeed's API v3. The
 * only file that knows WaveSpeed's URLs, input names, envelope, states and error shapes; the
 * tables right below hold all of them.
 */
import { ProviderApiError, WebhookRejectedError } from '../../errors';
import { describeIssues } from '../parse';
import { addSeconds, idOf, isOk, numberOrNull } from '../values';
import type { HttpClient, HttpResponse } from '../../http';
import type { FailureKind, GenerationOperation, Job, JobRef, JobStatus, VideoRequest } from '../../job';
import { estimateCostUsd } from '../../pricing';
import { parseJsonBody } from '../../webhooks/common';
import { verifyHmacDelivery, withoutSecretPrefix, type HmacScheme } from '../../webhooks/hmac';
import type {
	Capabilities,
	JobList,
	ListOptions,
	ProviderAdapter,
	ProviderClient,
	ProviderCredentials,
	UploadableFile,
	WebhookDelivery,
} from '../types';
import { classifyFailure, isContentPolicy } from '../failures';
import { expectedOutput, mapRequest } from '../mapper';
import { findEndpoint, rowOf, type EndpointMatch, type ProviderTable } from '../table';
import { WAVESPEED_MODELS } from './models';
import {
	parseWavespeed,
	wavespeedBalanceDataSchema,
	wavespeedEnvelopeHeadSchema,
	wavespeedErrorSchema,
	wavespeedListDataSchema,
	wavespeedListItemHeadSchema,
	wavespeedPredictionSchema,
	wavespeedSecretSchema,
	wavespeedUploadTicketSchema,
	type WavespeedPrediction,
	type WavespeedStatus,
} from './schemas';

// ---------------------------------------------------------------------------------------------
// What is WaveSpeed's and not a model's (the models and their inputs are in models.ts).
// ---------------------------------------------------------------------------------------------

export const WAVESPEED_DEFAULT_BASE_URL = 'https://api.wavespeed.ai/api/v3';

const PROVIDER = 'wavespeed' as const;
const TABLE: ProviderTable = { provider: PROVIDER, displayName: 'WaveSpeed', models: WAVESPEED_MODELS };

/**
 * WaveSpeed's webhook signature: the Standard Webhooks headers and signed content, but `v3,<hex>`,
 * and its docs say explicitly not to base64-decode the secret: the text after `whsec_` is the key.
 */
export const WAVESPEED_WEBHOOKS: HmacScheme = {
	version: 'v3',
	key: (secret) => Buffer.from(withoutSecretPrefix(secret), 'utf8'),
	encoding: 'hex',
};

/** WaveSpeed state → unified state. `timeout` is terminal in WaveSpeed's SDKs: the job did not finish. */
export const WAVESPEED_STATES: Record<WavespeedStatus, JobStatus> = {
	created: 'queued',
	processing: 'running',
	completed: 'succeeded',
	failed: 'failed',
	cancelled: 'canceled',
	canceled: 'canceled',
	timeout: 'failed',
};

/** Predictions and their outputs are deleted after 7 days. */
export const WAVESPEED_OUTPUT_RETENTION_SECONDS = 7 * 24 * 3600;

/** The list endpoint serves at most 100 per page. */
const WAVESPEED_LIST_PAGE_SIZE = 100;

/** The envelope's success code. */
const WAVESPEED_OK_CODE = 200;

export const wavespeedCapabilities: Capabilities = {
	// Only `enable_sync_mode` on submit exists; an existing prediction can only be polled.
	longPoll: null,
	webhookScheme: 'wavespeedHmacHex',
	outputRetentionSeconds: WAVESPEED_OUTPUT_RETENTION_SECONDS,
	idempotentSubmit: false,
	cancel: false,
	listsVoices: false,
};

/** The model path and body of a request; refuses, before anything is sent, what the model does not take. */
export function toWavespeedInput(request: VideoRequest): { path: string; input: Record<string, unknown> } {
	const mapped = mapRequest(TABLE, request);
	return { path: mapped.endpoint.path, input: mapped.input };
}

/** Which model, operation and mode a model path is, or null for anything that is not a Kling model of the table. */
export const wavespeedEndpointMatch = (model: string | undefined): EndpointMatch | null => findEndpoint(WAVESPEED_MODELS, model);

/** What the request asked for; WaveSpeed does not echo its input, so submit passes it on. */
export interface WavespeedRequested {
	durationSeconds: number | null;
	hasAudio: boolean | null;
}

/** Reads duration and audio from the `input` echo WaveSpeed sends in webhooks and lists. */
function requestedFromEcho(prediction: WavespeedPrediction, match: EndpointMatch | null): WavespeedRequested {
	const input = prediction.input ?? {};
	const row = match ? rowOf(WAVESPEED_MODELS, match.model, match.operation) : undefined;
	if (!row || !match) return { durationSeconds: null, hasAudio: null };
	const durationField = row.fields.duration?.name;
	const omitted: readonly string[] = (match.mode && row.endpoints[match.mode]?.omits) || [];
	const audioField = match.operation === 'motionControl' ? row.fields.keepOriginalSound : row.fields.generateAudio;
	const audio = audioField ? input[audioField.name] : undefined;
	return {
		durationSeconds: durationField ? numberOrNull(input[durationField]) : null,
		// A mode that takes no `sound` makes no audio.
		hasAudio: typeof audio === 'boolean' ? audio : omitted.includes('generateAudio') ? false : null,
	};
}

/** The unified job for a prediction; `raw` is the answer exactly as WaveSpeed sent it. */
export function wavespeedJob(
	prediction: WavespeedPrediction,
	raw: unknown,
	knownOperation: GenerationOperation | null = null,
	requested?: WavespeedRequested,
): Job {
	const match = wavespeedEndpointMatch(prediction.model);
	const operation = match?.operation ?? knownOperation;
	const { durationSeconds, hasAudio } = requested ?? requestedFromEcho(prediction, match);
	const nsfw = prediction.has_nsfw_contents?.some(Boolean) ?? false;
	let status = WAVESPEED_STATES[prediction.status];
	// A flagged output is a content-policy failure: the node must not hand it on as a success.
	if (status === 'succeeded' && nsfw) status = 'failed';
	const first = prediction.outputs?.[0];
	const firstUrl = typeof first === 'string' ? first : null;
	const isVoice = operation === 'createVoice';
	const completedAt = prediction.completed_at ?? null;
	// WaveSpeed reports no completion time; counting from creation errs on the early side.
	const retentionFrom = completedAt ?? prediction.created_at ?? null;
	const ref: JobRef = { provider: PROVIDER, jobId: prediction.id, operation, urls: { status: prediction.urls?.get } };
	const inferenceMs = prediction.timings?.inference ?? prediction.executionTime ?? null;
	return {
		jobId: prediction.id,
		provider: PROVIDER,
		operation,
		model: match?.model ?? null,
		status,
		videoUrl: status === 'succeeded' && !isVoice ? firstUrl : null,
		voiceId: status === 'succeeded' && isVoice ? (typeof first === 'object' && first ? first.voice_id : firstUrl) : null,
		expiresAt: status === 'succeeded' && retentionFrom ? addSeconds(retentionFrom, WAVESPEED_OUTPUT_RETENTION_SECONDS) : null,
		durationSeconds,
		hasAudio,
		estimatedCostUsd:
			status === 'failed' || status === 'canceled'
				? null
				: estimateCostUsd(TABLE, { model: match?.model ?? null, operation, mode: match?.mode ?? null }, durationSeconds, hasAudio),
		// Units are Kling's own billing; this provider bills dollars.
		estimatedUnits: null,
		unitsUsed: null,
		timings: {
			createdAt: prediction.created_at ?? null,
			startedAt: null,
			completedAt,
			predictSeconds: inferenceMs === null ? null : inferenceMs / 1000,
		},
		error: jobError(prediction, nsfw),
		ref,
		raw,
	};
}

function jobError(prediction: WavespeedPrediction, nsfw: boolean): Job['error'] {
	switch (prediction.status) {
		case 'failed': {
			const message = prediction.error || 'WaveSpeed reports the prediction failed without a reason';
			return { message, kind: classifyFailure(message) };
		}
		case 'timeout':
			return { message: prediction.error || 'WaveSpeed timed the prediction out', kind: 'timeout' };
		case 'cancelled':
		case 'canceled':
			return { message: 'The prediction was canceled', kind: 'canceled' };
		case 'completed':
			return nsfw ? { message: 'WaveSpeed flagged the output as NSFW (has_nsfw_contents)', kind: 'contentPolicy' } : null;
		default:
			return null;
	}
}



/** A ProviderApiError saying what WaveSpeed said (HTTP error or envelope `code != 200`); never the key. */
export function wavespeedApiError(response: HttpResponse, action: string, jobRef?: JobRef): ProviderApiError {
	const parsed = wavespeedErrorSchema.safeParse(response.json());
	const body = parsed.success ? parsed.data : undefined;
	const said = body?.message || body?.error || body?.detail || response.text().slice(0, 500) || 'no details';
	const status = body?.code && body.code !== WAVESPEED_OK_CODE ? body.code : response.status;
	const kind: FailureKind = isContentPolicy(said)
		? 'contentPolicy'
		: status === 400 || status === 422
			? 'invalidInput'
			: 'provider';
	return new ProviderApiError({
		provider: PROVIDER,
		httpStatus: response.status,
		code: body?.code,
		kind,
		message: `WaveSpeed refused to ${action} (HTTP ${response.status}${body?.code !== undefined ? `, code ${body.code}` : ''}): ${said}`,
		jobRef,
		responseBody: response.json() ?? response.text(),
	});
}

/** The envelope's `data`, or the error it stands for. */
function envelopeData(response: HttpResponse, action: string, what: string, jobRef?: JobRef): unknown {
	if (!isOk(response)) throw wavespeedApiError(response, action, jobRef);
	const head = parseWavespeed(wavespeedEnvelopeHeadSchema, response.json(), what);
	if (head.code !== WAVESPEED_OK_CODE) throw wavespeedApiError(response, action, jobRef);
	return head.data;
}

function connect(credentials: ProviderCredentials, http: HttpClient): ProviderClient {
	const key = credentials.apiKey;
	if (!key) throw new ProviderApiError({ provider: PROVIDER, message: 'The WaveSpeed credential has no API key' });
	const base = (credentials.baseUrl || WAVESPEED_DEFAULT_BASE_URL).replace(/\/+$/, '');
	const auth = { authorization: `Bearer ${key}` };

	/** Parses a prediction; a malformed one still reports the job id when it can be read. */
	const readPrediction = (data: unknown, raw: unknown, operation: GenerationOperation | null, requested?: WavespeedRequested): Job => {
		const id = idOf(data);
		const jobRef: JobRef | undefined = id ? { provider: PROVIDER, jobId: id, operation } : undefined;
		return wavespeedJob(parseWavespeed(wavespeedPredictionSchema, data, 'prediction', jobRef), raw, operation, requested);
	};

	return {
		provider: PROVIDER,

		async submit(request, options = {}) {
			const { path, input } = toWavespeedInput(request);
			const query = options.webhookUrl ? `?webhook=${encodeURIComponent(options.webhookUrl)}` : '';
			const response = await http.send({
				method: 'POST',
				url: `${base}/${path}${query}`,
				headers: auth,
				json: input,
				retryClass: 'submit',
				signal: options.signal,
			});
			const data = envelopeData(response, `create a ${request.operation} prediction`, 'submit answer');
			return readPrediction(data, response.json(), request.operation, expectedOutput(request));
		},

		async get(ref, signal) {
			const response = await http.send({ url: `${base}/predictions/${encodeURIComponent(ref.jobId)}/result`, headers: auth, retryClass: 'read', signal });
			const data = envelopeData(response, `read prediction ${ref.jobId}`, 'prediction result', ref);
			return readPrediction(data, response.json(), ref.operation);
		},

		async cancel(ref) {
			// WaveSpeed documents no cancel endpoint (its SDKs have none): say so rather than pretend.
			throw new ProviderApiError({
				provider: PROVIDER,
				kind: 'provider',
				message: `WaveSpeed offers no way to cancel a prediction; ${ref.jobId} runs to its end`,
				jobRef: ref,
			});
		},

		// No `listStatus`: WaveSpeed's own docs rule the history out for it ("Prediction history is
		// intended for browsing and synchronization. To track a newly submitted task or retrieve its
		// final outputs, use the data.urls.get URL … Do not poll the history endpoint for task
		// status", https://wavespeed.ai/docs/predictions-api). Its waiting jobs keep their own
		// `/predictions/{id}/result` reads; this list serves the Jobs Trigger's browsing only.
		// A stopped listing continues at `created_before` = the oldest creation read + 1 ms (the docs'
		// "created_before" filter, https://wavespeed.ai/docs/docs-common-api/predictions), page 1:
		// page numbers of a list that grows at its head would shift under the next poll.
		async list(options: ListOptions = {}): Promise<JobList> {
			const maxPages = options.maxPages ?? 5;
			const before = typeof options.resume?.createdBefore === 'number' ? options.resume.createdBefore : undefined;
			const jobs: Job[] = [];
			let oldest: number | undefined;
			for (let page = 1; page <= maxPages; page++) {
				const body: Record<string, unknown> = { page, page_size: WAVESPEED_LIST_PAGE_SIZE };
				if (options.since) body.created_after = options.since.toISOString();
				if (before !== undefined) body.created_before = new Date(before).toISOString();
				// A query sent as POST: reading it twice changes nothing.
				const response = await http.send({ method: 'POST', url: `${base}/predictions`, headers: auth, json: body, retryClass: 'read', signal: options.signal });
				const data = parseWavespeed(wavespeedListDataSchema, envelopeData(response, 'list predictions', 'prediction list'), 'prediction list');
				const items = data.items ?? [];
				let reachedOlder = false;
				items.forEach((item, index) => {
					const created = Date.parse(String((item as { created_at?: unknown } | null)?.created_at ?? ''));
					if (!Number.isNaN(created) && (oldest === undefined || created < oldest)) oldest = created;
					if (options.since && created < options.since.getTime()) reachedOlder = true;
					const head = wavespeedListItemHeadSchema.safeParse(item);
					if (!head.success || !wavespeedEndpointMatch(head.data.model)) return;
					const job = wavespeedJob(parseWavespeed(wavespeedPredictionSchema, item, `prediction list item ${index}`), item);
					if (options.since && job.timings.createdAt && Date.parse(job.timings.createdAt) < options.since.getTime()) return;
					if (!options.operations || (job.operation && options.operations.includes(job.operation))) jobs.push(job);
				});
				const seen = page * WAVESPEED_LIST_PAGE_SIZE;
				if (reachedOlder || items.length < WAVESPEED_LIST_PAGE_SIZE || (data.total !== undefined && seen >= data.total)) return { jobs, complete: true };
			}
			if (oldest === undefined) return { jobs, complete: true };
			const next = before !== undefined && oldest + 1 >= before ? oldest : oldest + 1;
			return { jobs, complete: false, resume: { createdBefore: next } };
		},

		async uploadMedia(file: UploadableFile, signal?: AbortSignal) {
			// WaveSpeed's SDKs moved from `media/upload/binary` to a ticket and a PUT (wavespeed-python c54e078).
			const ticketAnswer = await http.send({
				method: 'POST',
				url: `${base}/media/uploads`,
				headers: auth,
				json: { filename: file.fileName, size: file.data.length, content_type: file.mimeType },
				// Not billed; a repeat only opens a second upload slot.
				retryClass: 'idempotentSubmit',
				signal,
			});
			const data = envelopeData(ticketAnswer, `open an upload for ${file.fileName}`, 'upload ticket');
			const ticket = parseWavespeed(wavespeedUploadTicketSchema, data, 'upload ticket');
			if (ticket.upload.method.toUpperCase() !== 'PUT') {
				throw new ProviderApiError({ provider: PROVIDER, message: `WaveSpeed asked to upload ${file.fileName} by ${ticket.upload.method}; only PUT is known`, responseBody: data });
			}
			// The upload URL is pre-signed: it gets exactly the ticket's headers and never the API key.
			const put = await http.send({ method: 'PUT', url: ticket.upload.url, headers: ticket.upload.headers ?? {}, body: file.data, retryClass: 'idempotentSubmit', signal });
			if (!isOk(put)) throw wavespeedApiError(put, `store ${file.fileName}`);
			return ticket.download_url;
		},

		async fetchWebhookSecret(signal) {
			const response = await http.send({ url: `${base}/webhook/secret`, headers: auth, retryClass: 'read', signal });
			if (!isOk(response)) throw wavespeedApiError(response, 'return the webhook signing secret');
			const head = wavespeedEnvelopeHeadSchema.safeParse(response.json());
			if (head.success && head.data.code !== WAVESPEED_OK_CODE) throw wavespeedApiError(response, 'return the webhook signing secret');
			const parsed = parseWavespeed(wavespeedSecretSchema, response.json(), 'webhook secret');
			return 'data' in parsed ? parsed.data.secret : parsed.secret;
		},

		async verifyWebhook(delivery: WebhookDelivery) {
			verifyHmacDelivery(delivery, WAVESPEED_WEBHOOKS);
			const body = parseJsonBody(delivery);
			const parsed = wavespeedPredictionSchema.safeParse(body);
			if (!parsed.success) throw new WebhookRejectedError(400, `WaveSpeed webhook body is not a prediction: ${describeIssues(parsed.error)}`);
			return wavespeedJob(parsed.data, body);
		},

		async testCredentials(signal) {
			const response = await http.send({ url: `${base}/balance`, headers: auth, retryClass: 'read', signal });
			parseWavespeed(wavespeedBalanceDataSchema, envelopeData(response, 'accept the API key', 'balance'), 'balance');
		},
	};
}

export const wavespeedAdapter: ProviderAdapter = {
	id: PROVIDER,
	displayName: TABLE.displayName,
	capabilities: wavespeedCapabilities,
	models: WAVESPEED_MODELS,
	connect,
};

