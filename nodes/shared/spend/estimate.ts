/**
 * Estimate Only: what a run would send and cost, without sending anything. Each planned job
 * (one per item and variant) goes through the same validation and mapping as a real submit
 * (mapper.ts), so bad input fails here as it would there; the result is the endpoint and body
 * the provider would receive, the estimate with its source, and a total for the run.
 *
 * Nothing here touches the network or a credential: the mapper reads only the request, and
 * media stay as the URL given or a placeholder text (binary inputs are uploaded only at submit).
 */
import { ProviderApiError } from '../errors';
import { OPERATION_LABELS, MODE_LABELS } from '../labels';
import { expectedOutput, mapRequest } from '../providers/mapper';
import { requestProblems } from '../providers/validation';
import { tableOf } from '../providers';
import { MODEL_LABELS, type ModelId } from '../providers/models';
import type { GenerationOperation, ProviderId, Mode, VideoRequest } from '../job';
import { priceOf } from './price';
import { KLING_LIST_PRICE_PER_UNIT_USD, KLING_LIST_PRICE_SOURCE, roundAmount } from './units';

/** One job the run would submit. */
export interface PlannedJob {
	/** The input item it comes from (0-based, as n8n counts). */
	itemIndex: number;
	/** The variant of the item (an aspect ratio of Aspect Ratio Variants), or null. */
	variant?: string | null;
	/** The unified request; binary media as a placeholder (`binaryPlaceholder`), never the bytes. */
	request: VideoRequest;
	/** Motion control: the reference video's length in seconds where known (the output is as long). */
	referenceVideoSeconds?: number | null;
}

export interface EstimateOptions {
	/** Kling's own API: USD per unit (Kling Price per Unit); Kling's list price when absent. */
	klingUsdPerUnit?: number;
}

/** The request as it would be sent: the provider's endpoint (model id, endpoint id or task path) and body. */
export interface RequestPreview {
	endpoint: string;
	body: Record<string, unknown>;
}

export interface JobEstimate {
	itemIndex: number;
	variant: string | null;
	provider: ProviderId;
	model: ModelId;
	operation: GenerationOperation;
	mode: Mode;
	/** The frame shape asked for (a variant's ratio, or the Aspect Ratio field); null where the input decides it. */
	aspectRatio: string | null;
	durationSeconds: number | null;
	hasAudio: boolean | null;
	hasVoices: boolean;
	request: RequestPreview;
	estimatedCostUsd: number | null;
	/** Kling's own API: the units the job would use, where Kling's table documents them. */
	estimatedUnits: number | null;
	priceSource: string | null;
	/** Why no price is known; null when one is. */
	priceUnknownReason: string | null;
}

export interface RunTotal {
	jobs: number;
	/** The sum of the known estimates (USD). */
	totalUsd: number;
	/** Kling's own API: the sum of the known units; null for other providers. */
	totalUnits: number | null;
	/** Kling's own API: the price per unit used, with its source; null for other providers. */
	usdPerUnit: { value: number; source: string } | null;
	/** Indexes (into `jobs`) of the jobs without a known price. */
	unknown: number[];
}

export interface RunEstimate {
	provider: ProviderId;
	jobs: JobEstimate[];
	total: RunTotal;
}

/** The media fields of a request, which the preview shortens (a data URL can be megabytes). */
const MEDIA_FIELDS = ['startImage', 'endImage', 'image', 'video', 'voiceUrl'] as const;

/** A placeholder for a binary input: what the preview shows where the real run would upload the file. */
export function binaryPlaceholder(file: { property: string; fileName?: string; mimeType?: string; bytes?: number }): string {
	const details = [file.fileName, file.mimeType, file.bytes === undefined ? undefined : `${file.bytes} bytes`].filter(Boolean).join(', ');
	return `[binary property "${file.property}"${details ? ` (${details})` : ''}: uploaded at submit]`;
}

/** Longer inline media than this is shown by its length only. */
const INLINE_LIMIT = 512;

/** A data URL (or long raw base64) as a short text: its type and size, not its content. */
function shortMedia(value: string): string {
	const dataUrl = /^data:([^;,]*)(;base64)?,/i.exec(value);
	if (!dataUrl) {
		// Raw base64 (Kling takes images so) is as long as a data URL and as unreadable.
		return value.length > INLINE_LIMIT && !/^https?:\/\//i.test(value) ? `[inline media, ${value.length} characters: sent inline at submit]` : value;
	}
	const payload = value.length - dataUrl[0].length;
	const bytes = dataUrl[2] ? Math.floor((payload * 3) / 4) : payload;
	return `[data URL (${dataUrl[1] || 'unknown type'}, about ${bytes} bytes): sent inline at submit]`;
}

/** The request with its data URLs shortened; the request itself where it has none. */
function previewRequest(request: VideoRequest): VideoRequest {
	const fields = request as Record<string, unknown>;
	const long = MEDIA_FIELDS.filter((field) => typeof fields[field] === 'string' && shortMedia(fields[field] as string) !== fields[field]);
	if (long.length === 0) return request;
	const copy: Record<string, unknown> = { ...request };
	for (const field of long) copy[field] = shortMedia(copy[field] as string);
	return copy as VideoRequest;
}

const usdPerUnitOf = (provider: ProviderId, options: EstimateOptions) =>
	provider === 'kling' ? (options.klingUsdPerUnit ?? KLING_LIST_PRICE_PER_UNIT_USD) : KLING_LIST_PRICE_PER_UNIT_USD;

/**
 * One planned job's preview and estimate. Throws the mapper's error (kind `invalidInput`) for a
 * request the provider would refuse, exactly as a real submit would before sending.
 */
export function estimateJob(provider: ProviderId, planned: PlannedJob, options: EstimateOptions = {}): JobEstimate {
	const table = tableOf(provider);
	// Validate the request as given (a real submit sees it so), then map the shortened copy for the preview.
	const mapped = mapRequest(table, planned.request);
	const preview = previewRequest(planned.request);
	const shown = preview === planned.request ? mapped : mapRequest(table, preview);
	const expected = expectedOutput(planned.request);
	const referenceSeconds = planned.referenceVideoSeconds;
	const durationSeconds =
		expected.durationSeconds ??
		(planned.request.operation === 'motionControl' && typeof referenceSeconds === 'number' && referenceSeconds > 0 ? referenceSeconds : null);
	const hasVoices = 'voiceIds' in planned.request && (planned.request.voiceIds?.length ?? 0) > 0;
	const price = priceOf(
		table,
		{ model: mapped.model, operation: planned.request.operation, mode: mapped.mode, durationSeconds, hasAudio: expected.hasAudio, hasVoices },
		usdPerUnitOf(provider, options),
	);
	return {
		itemIndex: planned.itemIndex,
		variant: planned.variant ?? null,
		provider,
		model: mapped.model,
		operation: planned.request.operation,
		mode: mapped.mode,
		aspectRatio: 'aspectRatio' in planned.request && typeof planned.request.aspectRatio === 'string' ? planned.request.aspectRatio : null,
		durationSeconds,
		hasAudio: expected.hasAudio,
		hasVoices,
		request: { endpoint: shown.endpoint.path, body: shown.input },
		estimatedCostUsd: price.usd,
		estimatedUnits: price.units,
		priceSource: price.source,
		priceUnknownReason: price.unknownReason,
	};
}

/** Where a planned job comes from, for messages: "item 3" or "item 3, variant 9:16" (1-based, as the user counts). */
export const jobPlace = (job: Pick<PlannedJob, 'itemIndex' | 'variant'>) =>
	`item ${job.itemIndex + 1}${job.variant ? `, variant ${job.variant}` : ''}`;

/** What a job is, for messages: "fal Kling v3 Image to Video, mode Standard, 10 s". */
export const jobWhat = (job: JobEstimate) =>
	`${tableOf(job.provider).displayName} ${MODEL_LABELS[job.model]} ${OPERATION_LABELS[job.operation]}, mode ${MODE_LABELS[job.mode]}${job.durationSeconds === null ? '' : `, ${job.durationSeconds} s`}`;

/**
 * Every planned job of a run, previewed and estimated, with the run's total. A job the provider
 * would refuse makes the whole run throw (naming its item and variant): nothing of a run is
 * estimated, or sent, in part.
 */
export function estimateRun(provider: ProviderId, planned: readonly PlannedJob[], options: EstimateOptions = {}): RunEstimate {
	// Every job is checked before any is estimated, as the mapper checks it before a submit.
	const table = tableOf(provider);
	for (const job of planned) {
		const problems = requestProblems(table, job.request);
		if (problems.length > 0) {
			throw new ProviderApiError({ provider, kind: 'invalidInput', message: `${capitalize(jobPlace(job))}: ${problems.map((problem) => problem.message).join('; ')}` });
		}
	}
	const jobs = planned.map((job) => estimateJob(provider, job, options));
	const known = jobs.filter((job) => job.estimatedCostUsd !== null);
	const unknown = jobs.flatMap((job, index) => (job.estimatedCostUsd === null ? [index] : []));
	const isKling = provider === 'kling';
	return {
		provider,
		jobs,
		total: {
			jobs: jobs.length,
			totalUsd: roundAmount(known.reduce((sum, job) => sum + job.estimatedCostUsd!, 0)),
			totalUnits: isKling ? roundAmount(known.reduce((sum, job) => sum + (job.estimatedUnits ?? 0), 0)) : null,
			usdPerUnit: isKling
				? options.klingUsdPerUnit === undefined
					? { value: KLING_LIST_PRICE_PER_UNIT_USD, source: KLING_LIST_PRICE_SOURCE }
					: { value: options.klingUsdPerUnit, source: 'Kling Price per Unit (USD), as the user stated it' }
				: null,
			unknown,
		},
	};
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
