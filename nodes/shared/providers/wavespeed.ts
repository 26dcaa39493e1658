/**
 * WaveSpeed adapter: Kling v2.6 as `kwaivgi/kling-v2.6-{pro|std}/…` on WaveSpeed's API v3. The
 * only file that knows WaveSpeed's URLs, input names, envelope, states and error shapes; the
 * tables right below hold all of them.
 */
import { ProviderApiError, WebhookRejectedError } from '../errors';
import { describeIssues } from './parse';
import { addSeconds, idOf, isOk, isSet, numberOrNull } from './values';
import type { HttpClient, HttpResponse } from '../http';
import { FormData } from '../http';
import { DEFAULTS, type FailureKind, type GenerationOperation, type Job, type JobRef, type JobStatus, type Quality, type VideoRequest } from '../job';
import { estimateCostUsd } from '../pricing';
import { parseJsonBody } from '../webhooks/common';
import { verifyHmacDelivery, WAVESPEED_WEBHOOKS } from '../webhooks/hmac';
import type {
	Capabilities,
	CrossFieldRule,
	ListOptions,
	ProviderAdapter,
	ProviderClient,
	ProviderCredentials,
	RequestField,
	UploadableFile,
	WebhookDelivery,
} from './types';
import {
	parseWavespeed,
	wavespeedBalanceDataSchema,
	wavespeedEnvelopeHeadSchema,
	wavespeedErrorSchema,
	wavespeedListDataSchema,
	wavespeedListItemHeadSchema,
	wavespeedPredictionSchema,
	wavespeedSecretSchema,
	wavespeedUploadDataSchema,
	type WavespeedPrediction,
	type WavespeedStatus,
} from './wavespeedSchemas';

// ---------------------------------------------------------------------------------------------
// Mapping tables: everything WaveSpeed-specific that a wrong guess would need changed.
// ---------------------------------------------------------------------------------------------

export const WAVESPEED_DEFAULT_BASE_URL = 'https://api.wavespeed.ai/api/v3';

/** Operation (and tier) → model path; submit is `POST {base}/{path}`. */
export const WAVESPEED_ENDPOINTS: Record<GenerationOperation, string | Record<Quality, string>> = {
	textToVideo: { pro: 'kwaivgi/kling-v2.6-pro/text-to-video', std: 'kwaivgi/kling-v2.6-std/text-to-video' },
	imageToVideo: { pro: 'kwaivgi/kling-v2.6-pro/image-to-video', std: 'kwaivgi/kling-v2.6-std/image-to-video' },
	motionControl: { pro: 'kwaivgi/kling-v2.6-pro/motion-control', std: 'kwaivgi/kling-v2.6-std/motion-control' },
	createVoice: 'kwaivgi/kling-v2.6/create-voice',
};

/** Marks a unified field that picks the endpoint (the tier) instead of being sent in the body. */
const SELECTS_ENDPOINT = null;

/**
 * Unified field → WaveSpeed input name, per operation. A field missing here is not offered: the
 * node hides it and a request that still carries it is refused, never silently dropped.
 */
export const WAVESPEED_FIELDS: Record<GenerationOperation, Partial<Record<RequestField, string | null>>> = {
	textToVideo: {
		prompt: 'prompt',
		negativePrompt: 'negative_prompt',
		duration: 'duration',
		aspectRatio: 'aspect_ratio',
		generateAudio: 'sound',
		cfgScale: 'cfg_scale',
		quality: SELECTS_ENDPOINT,
	},
	imageToVideo: {
		prompt: 'prompt',
		negativePrompt: 'negative_prompt',
		duration: 'duration',
		generateAudio: 'sound',
		cfgScale: 'cfg_scale',
		startImage: 'image',
		// UNCONFIRMED: WaveSpeed's page does not list an end frame; Kling's API calls it image_tail.
		endImage: 'end_image',
		// UNCONFIRMED: the shape of each voice_list entry (see WAVESPEED_VALUE_MAPS).
		voiceIds: 'voice_list',
		quality: SELECTS_ENDPOINT,
	},
	motionControl: {
		image: 'image',
		video: 'video',
		// UNCONFIRMED: the three names below (Kling's own API and third-party clients use them).
		characterOrientation: 'character_orientation',
		keepOriginalSound: 'keep_original_sound',
		prompt: 'prompt',
		quality: SELECTS_ENDPOINT,
	},
	createVoice: {
		voiceUrl: 'voice_url',
	},
};

/** Value conversions where WaveSpeed's type differs from the unified one; everything else passes as is. */
const WAVESPEED_VALUE_MAPS: Partial<Record<RequestField, (value: unknown) => unknown>> = {
	// UNCONFIRMED: entries shaped like Kling's own API (`[{voice_id}]`).
	voiceIds: (value) => (Array.isArray(value) ? value.map((voiceId) => ({ voice_id: voiceId })) : value),
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

const CONTENT_POLICY_PATTERN = /nsfw|sensitive|content[ _-]?polic|safety|moderation|inappropriate|violat|risk/i;

// ---------------------------------------------------------------------------------------------

const PROVIDER = 'wavespeed' as const;

const hasVoices = (request: VideoRequest) => 'voiceIds' in request && (request.voiceIds?.length ?? 0) > 0;
const hasEndImage = (request: VideoRequest) => 'endImage' in request && Boolean(request.endImage);

/** Kling's own rules; WaveSpeed relays Kling, so they hold there too (not stated by WaveSpeed). */
export const WAVESPEED_CROSS_FIELD_RULES: readonly CrossFieldRule[] = [
	{
		check: (request) =>
			request.operation === 'imageToVideo' && hasVoices(request) && !request.generateAudio
				? `Voice IDs are ${request.voiceIds?.join(', ')} with Generate Audio off: voices are spoken in the audio; allowed are Generate Audio on, or no Voice IDs`
				: null,
	},
	{
		// UNCONFIRMED for WaveSpeed: Kling allows start+end frames only without audio.
		check: (request) =>
			request.operation === 'imageToVideo' && hasEndImage(request) && request.generateAudio
				? 'Generate Audio is on with an End Image: an end frame works only without audio; allowed are Generate Audio off, or no End Image'
				: null,
	},
	{
		// UNCONFIRMED for WaveSpeed: Kling allows start+end frames only in pro.
		check: (request) =>
			request.operation === 'imageToVideo' && hasEndImage(request) && request.quality === 'std'
				? 'Mode is "std" with an End Image: an end frame needs mode "pro"; allowed are Mode "pro", or no End Image'
				: null,
	},
];

const fieldsOf = (operation: GenerationOperation) => Object.keys(WAVESPEED_FIELDS[operation]) as RequestField[];

export const wavespeedCapabilities: Capabilities = {
	operations: {
		textToVideo: fieldsOf('textToVideo'),
		imageToVideo: fieldsOf('imageToVideo'),
		motionControl: fieldsOf('motionControl'),
		createVoice: fieldsOf('createVoice'),
	},
	// UNCONFIRMED: WaveSpeed states no limit; Kling's API caps prompts at 2500 characters.
	promptMaxLength: 2500,
	// Only `enable_sync_mode` on submit exists; an existing prediction can only be polled.
	longPoll: null,
	webhookScheme: 'wavespeedHmacHex',
	outputRetentionSeconds: WAVESPEED_OUTPUT_RETENTION_SECONDS,
	idempotentSubmit: false,
	cancel: false,
	// WaveSpeed's image-to-video page: jpg/jpeg/png.
	imageTypes: ['jpeg', 'png'],
	crossFieldRules: WAVESPEED_CROSS_FIELD_RULES,
};

/** The endpoint path and body for a request, refusing fields WaveSpeed does not offer. */
export function toWavespeedInput(request: VideoRequest): { path: string; input: Record<string, unknown> } {
	const fields = WAVESPEED_FIELDS[request.operation];
	const input: Record<string, unknown> = {};
	const refused: string[] = [];
	for (const [field, value] of Object.entries(request)) {
		if (field === 'operation' || !isSet(value)) continue;
		if (!(field in fields)) {
			refused.push(field);
			continue;
		}
		const target = fields[field as RequestField];
		if (target === SELECTS_ENDPOINT || target === undefined) continue;
		const convert = WAVESPEED_VALUE_MAPS[field as RequestField];
		input[target] = convert ? convert(value) : value;
	}
	if (refused.length) {
		throw new ProviderApiError({
			provider: PROVIDER,
			kind: 'invalidInput',
			message: `WaveSpeed does not accept ${refused.join(', ')} for ${request.operation}`,
		});
	}
	const broken = WAVESPEED_CROSS_FIELD_RULES.map((rule) => rule.check(request)).filter((message): message is string => message !== null);
	if (broken.length) throw new ProviderApiError({ provider: PROVIDER, kind: 'invalidInput', message: broken.join('; ') });
	const endpoint = WAVESPEED_ENDPOINTS[request.operation];
	const quality = 'quality' in request && request.quality ? request.quality : DEFAULTS.quality;
	return { path: typeof endpoint === 'string' ? endpoint : endpoint[quality], input };
}

/** Which operation a model path is, or null for anything that is not Kling v2.6. */
export function wavespeedOperationOf(model: string | undefined): GenerationOperation | null {
	if (!model) return null;
	for (const [operation, endpoint] of Object.entries(WAVESPEED_ENDPOINTS) as [GenerationOperation, string | Record<Quality, string>][]) {
		const paths = typeof endpoint === 'string' ? [endpoint] : Object.values(endpoint);
		if (paths.includes(model)) return operation;
	}
	return null;
}

/** What the request asked for; WaveSpeed does not echo its input, so submit passes it on. */
export interface WavespeedRequested {
	durationSeconds: number | null;
	hasAudio: boolean | null;
}

function requestedOf(request: VideoRequest): WavespeedRequested {
	switch (request.operation) {
		case 'textToVideo':
		case 'imageToVideo':
			return { durationSeconds: request.duration, hasAudio: request.generateAudio };
		case 'motionControl':
			return { durationSeconds: null, hasAudio: request.keepOriginalSound };
		default:
			return { durationSeconds: null, hasAudio: null };
	}
}

/** Reads duration and audio from an `input` echo when a WaveSpeed version sends one. */
function requestedFromEcho(prediction: WavespeedPrediction, operation: GenerationOperation | null): WavespeedRequested {
	const input = prediction.input ?? {};
	const duration = input[WAVESPEED_FIELDS.textToVideo.duration ?? 'duration'];
	const audioField = operation === 'motionControl' ? WAVESPEED_FIELDS.motionControl.keepOriginalSound : WAVESPEED_FIELDS.textToVideo.generateAudio;
	const audio = audioField ? input[audioField] : undefined;
	return {
		durationSeconds: operation === 'motionControl' || operation === 'createVoice' ? null : numberOrNull(duration),
		hasAudio: typeof audio === 'boolean' ? audio : null,
	};
}

/** The unified job for a prediction; `raw` is the answer exactly as WaveSpeed sent it. */
export function wavespeedJob(
	prediction: WavespeedPrediction,
	raw: unknown,
	knownOperation: GenerationOperation | null = null,
	requested?: WavespeedRequested,
): Job {
	const operation = wavespeedOperationOf(prediction.model) ?? knownOperation;
	const { durationSeconds, hasAudio } = requested ?? requestedFromEcho(prediction, operation);
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
		status,
		videoUrl: status === 'succeeded' && !isVoice ? firstUrl : null,
		voiceId: status === 'succeeded' && isVoice ? (typeof first === 'object' && first ? first.voice_id : firstUrl) : null,
		expiresAt: status === 'succeeded' && retentionFrom ? addSeconds(retentionFrom, WAVESPEED_OUTPUT_RETENTION_SECONDS) : null,
		durationSeconds,
		hasAudio,
		estimatedCostUsd:
			status === 'failed' || status === 'canceled' ? null : estimateCostUsd(PROVIDER, operation, durationSeconds, hasAudio),
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

export function classifyFailure(message: string): FailureKind {
	return CONTENT_POLICY_PATTERN.test(message) ? 'contentPolicy' : 'provider';
}

/** A ProviderApiError saying what WaveSpeed said (HTTP error or envelope `code != 200`); never the key. */
export function wavespeedApiError(response: HttpResponse, action: string, jobRef?: JobRef): ProviderApiError {
	const parsed = wavespeedErrorSchema.safeParse(response.json());
	const body = parsed.success ? parsed.data : undefined;
	const said = body?.message || body?.error || body?.detail || response.text().slice(0, 500) || 'no details';
	const status = body?.code && body.code !== WAVESPEED_OK_CODE ? body.code : response.status;
	const kind: FailureKind = CONTENT_POLICY_PATTERN.test(said)
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
				kind: 'submit',
				signal: options.signal,
			});
			const data = envelopeData(response, `create a ${request.operation} prediction`, 'submit answer');
			return readPrediction(data, response.json(), request.operation, requestedOf(request));
		},

		async get(ref, signal) {
			const response = await http.send({ url: `${base}/predictions/${encodeURIComponent(ref.jobId)}/result`, headers: auth, kind: 'read', signal });
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

		async list(options: ListOptions = {}) {
			const maxPages = options.maxPages ?? 5;
			const jobs: Job[] = [];
			for (let page = 1; page <= maxPages; page++) {
				const body: Record<string, unknown> = { page, page_size: WAVESPEED_LIST_PAGE_SIZE };
				if (options.since) body.created_after = options.since.toISOString();
				// A query sent as POST: reading it twice changes nothing.
				const response = await http.send({ method: 'POST', url: `${base}/predictions`, headers: auth, json: body, kind: 'read', signal: options.signal });
				const data = parseWavespeed(wavespeedListDataSchema, envelopeData(response, 'list predictions', 'prediction list'), 'prediction list');
				const items = data.items ?? [];
				items.forEach((item, index) => {
					const head = wavespeedListItemHeadSchema.safeParse(item);
					if (!head.success || !wavespeedOperationOf(head.data.model)) return;
					const job = wavespeedJob(parseWavespeed(wavespeedPredictionSchema, item, `prediction list item ${index}`), item);
					if (options.since && job.timings.createdAt && Date.parse(job.timings.createdAt) < options.since.getTime()) return;
					if (!options.operations || (job.operation && options.operations.includes(job.operation))) jobs.push(job);
				});
				const seen = page * WAVESPEED_LIST_PAGE_SIZE;
				if (items.length < WAVESPEED_LIST_PAGE_SIZE || (data.total !== undefined && seen >= data.total)) break;
			}
			return jobs;
		},

		async uploadMedia(file: UploadableFile, signal?: AbortSignal) {
			const form = new FormData();
			form.append('file', new Blob([file.data], { type: file.mimeType }), file.fileName);
			// Not billed; a repeat only stores a second copy of the file.
			const response = await http.send({ method: 'POST', url: `${base}/media/upload/binary`, headers: auth, body: form, kind: 'idempotentSubmit', signal });
			const data = envelopeData(response, `upload ${file.fileName}`, 'upload answer');
			return parseWavespeed(wavespeedUploadDataSchema, data, 'upload answer').download_url;
		},

		async fetchWebhookSecret(signal) {
			const response = await http.send({ url: `${base}/webhook/secret`, headers: auth, kind: 'read', signal });
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
			const response = await http.send({ url: `${base}/balance`, headers: auth, kind: 'read', signal });
			parseWavespeed(wavespeedBalanceDataSchema, envelopeData(response, 'accept the API key', 'balance'), 'balance');
		},
	};
}

export const wavespeedAdapter: ProviderAdapter = {
	id: PROVIDER,
	displayName: 'WaveSpeed',
	capabilities: wavespeedCapabilities,
	connect,
};

