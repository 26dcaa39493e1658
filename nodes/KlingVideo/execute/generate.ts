/**
 * Text to Video, Image to Video, Motion Control and Create Voice: plan every job, then run them
 * concurrently (bounded), each through upload → submit → wait → download, in the wait mode the
 * user chose. Every submitted job reaches the output or the error with its id.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { mapWithConcurrency } from '../../shared/concurrency';
import { neverSent, settle } from '../../shared/http';
import { submittedDetailsOf, withSubmittedDetails, type SubmittedDetails } from '../../shared/jobDetails';
import { ProviderApiError } from '../../shared/errors';
import { videoRequestSchema, type GenerationOperation, type Job, type Mode, type ProviderId, type VideoRequest } from '../../shared/job';
import { getProvider, tableOf } from '../../shared/providers';
import { requestProblems } from '../../shared/providers/validation';
import type { ProviderClient } from '../../shared/providers/types';
import { waitForCompletion } from '../../shared/waiting';
import { MEDIA_FIELDS } from '../description/media';
import { MAX_TIMEOUT_MINUTES, type WaitMode } from '../description/waiting';
import { connectProvider, httpClient } from '../../shared/connect';
import { InvalidParameterError } from './invalidParameter';
import { resolveMedia, urlScheme } from './mediaInput';
import { toNodeError } from './nodeErrors';
import { jobToItem, jobToJson, type OutputOptions } from './output';
import { planJobs, type PlanEntry, type PlannedJob } from './plan';
import { capRefusal, estimateItems, estimatePlannedRun, readSpendSettings } from './spend';
import { bindPausedJob, callbackUrlFor, pauseForWebhook } from './waitForWebhook';

export interface GenerationSettings {
	provider: ProviderId;
	operation: GenerationOperation;
	waitMode: WaitMode;
}

type JobOutcome =
	| { ok: true; item: INodeExecutionData; job: Job; extra: IDataObject }
	| { ok: false; itemIndex: number; error: unknown; job: Job | null };

function outputOptions(context: IExecuteFunctions, itemIndex: number): OutputOptions {
	return {
		downloadVideo: context.getNodeParameter('options.downloadVideo', itemIndex, true) as boolean,
		binaryPropertyName: context.getNodeParameter('options.binaryPropertyName', itemIndex, 'data') as string,
	};
}

/** The unified request of a planned job, with its media turned into what the provider receives. */
async function buildRequest(client: ProviderClient, planned: PlannedJob, signal?: AbortSignal): Promise<VideoRequest> {
	const { draft, variant } = planned;
	const body: Record<string, unknown> = { operation: draft.operation, model: draft.model, ...draft.fields };
	if (variant) body.aspectRatio = variant;
	for (const field of MEDIA_FIELDS) {
		const input = draft.media[field];
		if (input) body[field] = await resolveMedia(client, input, signal);
	}
	for (const [key, value] of Object.entries(body)) {
		if (value === '' || (Array.isArray(value) && value.length === 0)) delete body[key];
	}
	const parsed = videoRequestSchema.safeParse(body);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new InvalidParameterError(String(issue.path[0] ?? 'request'), `${issue.path.join('.') || 'Request'}: ${issue.message}`);
	}
	return parsed.data;
}

/**
 * The whole request as planned, checked by the provider's validation pass (fields, mode,
 * duration, prompt, rules across fields) before any upload; media count as present.
 */
function checkPlannedRequest(provider: ProviderId, planned: PlannedJob) {
	const preview: Record<string, unknown> = { operation: planned.draft.operation, model: planned.draft.model, ...planned.draft.fields };
	if (planned.variant) preview.aspectRatio = planned.variant;
	for (const field of MEDIA_FIELDS) {
		const input = planned.draft.media[field];
		// A URL is checked as given; a binary file stands in as a non-URL (Kling takes its motion video only by URL).
		if (input) preview[field] = input.source === 'url' ? input.url : `binary property "${input.property}"`;
	}
	for (const [key, value] of Object.entries(preview)) if (value === '') delete preview[key];
	const [problem] = requestProblems(tableOf(provider), preview as VideoRequest);
	if (problem) throw new InvalidParameterError(problem.field, problem.message);
}

export async function runGeneration(context: IExecuteFunctions, settings: GenerationSettings): Promise<INodeExecutionData[][]> {
	const { provider, operation, waitMode } = settings;
	const plan = await planJobs(context, provider, operation);
	const continueOnFail = context.continueOnFail();
	const signal = context.getExecutionCancelSignal();

	// The whole request is needed for rules across fields; they are local, so they still run before any submit.
	for (const entry of plan) {
		if (!entry.ok) continue;
		try {
			checkPlannedRequest(provider, entry.job);
		} catch (error) {
			Object.assign(entry, { ok: false, itemIndex: entry.job.itemIndex, error });
		}
	}
	const firstInvalid = plan.find((entry) => !entry.ok);
	if (firstInvalid && !firstInvalid.ok && !continueOnFail) {
		throw toNodeError(context, firstInvalid.error, firstInvalid.itemIndex);
	}

	const jobs = plan.flatMap((entry) => (entry.ok ? [entry.job] : []));
	const spent = spendGate(context, provider, plan, jobs);
	if (spent) return [spent];
	const client = await connectProvider(context, provider);
	let submitOnlyCallback: string | undefined;
	let timeoutMs = 0;
	let webhookTimeLimitMs = 0;
	try {
		if (waitMode === 'submitOnly') submitOnlyCallback = callbackUrl(context);
		if (waitMode === 'waitForWebhook' && jobs.length > 1) throw tooManyJobsToPause(jobs.length);
		// A zero, negative or non-numeric wait would give up on a job the moment it is paid for.
		if (waitMode === 'waitForCompletion') timeoutMs = minutesParameter(context, 'timeoutMinutes', 'Timeout (Minutes)', 10, MAX_TIMEOUT_MINUTES);
		if (waitMode === 'waitForWebhook') webhookTimeLimitMs = minutesParameter(context, 'webhookTimeLimitMinutes', 'Time Limit (Minutes)', 60);
	} catch (error) {
		throw toNodeError(context, error, 0);
	}
	const deadline = Date.now() + webhookTimeLimitMs;
	const webhookUrlFor = (planned: PlannedJob, extra: IDataObject) =>
		waitMode === 'waitForWebhook'
			? callbackUrlFor(resumeUrl(context), { itemIndex: planned.itemIndex, deadline, extra }, submittedDetails(planned))
			: submitOnlyCallback;
	const maxConcurrent = Math.max(1, Number(context.getNodeParameter('options.maxConcurrentJobs', 0, 5)) || 5);

	let pausedCallback: { job: Job; url: string; extra: IDataObject; itemIndex: number } | undefined;
	const outcomes = await mapWithConcurrency(jobs, maxConcurrent, async (planned): Promise<JobOutcome> => {
		let job: Job | null = null;
		const extra: IDataObject = planned.variant ? { aspectRatio: planned.variant } : {};
		try {
			const request = await buildRequest(client, planned, signal);
			const webhookUrl = webhookUrlFor(planned, extra);
			const submitted = await settle(client.submit(request, { webhookUrl, idempotencyKey: planned.idempotencyKey, signal }));
			if (!submitted.ok) throw submitFailure(provider, submitted.error, signal);
			job = submitted.value;
			if (waitMode === 'waitForWebhook') {
				pausedCallback = { job, url: webhookUrl as string, extra, itemIndex: planned.itemIndex };
				bindPausedJob(context, job);
			}
			if (waitMode !== 'waitForCompletion') {
				return { ok: true, job, extra, item: { json: jobToJson(job, extra), pairedItem: { item: planned.itemIndex } } };
			}
			job = withSubmittedDetails(await waitWithCancel(client, job, timeoutMs, signal), submittedDetailsOf(job));
			if (job.status !== 'succeeded') {
				throw new ProviderApiError({
					provider,
					message: `Job ${job.status}: ${job.error?.message ?? 'no reason given'}`,
					kind: job.error?.kind ?? 'provider',
					code: job.error?.code,
					jobRef: job.ref,
				});
			}
			const item = await jobToItem(context, httpClient(), job, planned.itemIndex, outputOptions(context, planned.itemIndex), extra, signal);
			return { ok: true, item, job, extra };
		} catch (error) {
			if (error instanceof ProviderApiError && !error.jobRef && job) error.jobRef = job.ref;
			return { ok: false, itemIndex: planned.itemIndex, error, job };
		}
	});

	if (signal?.aborted) throw toNodeError(context, new Error('The execution was cancelled; running jobs were cancelled at the provider'), 0);

	const failures = outcomes.filter((outcome): outcome is Extract<JobOutcome, { ok: false }> => !outcome.ok);
	if (failures.length && !continueOnFail) {
		const first = failures[0];
		const error = toNodeError(context, first.error, first.itemIndex, first.job?.ref);
		const others = outcomes.flatMap((outcome) => (outcome.job && outcome !== first ? [`${outcome.job.jobId} (${outcome.job.status})`] : []));
		if (others.length) error.description = `${error.description ?? ''}\nOther jobs of this run: ${others.join(', ')}`.trim();
		throw error;
	}

	const items: INodeExecutionData[] = [];
	const byItem = new Map<number, INodeExecutionData[]>();
	const push = (itemIndex: number, item: INodeExecutionData) => byItem.set(itemIndex, [...(byItem.get(itemIndex) ?? []), item]);
	for (const entry of plan) if (!entry.ok) push(entry.itemIndex, errorItem(context, entry.error, entry.itemIndex, null));
	for (const outcome of outcomes) {
		if (outcome.ok) push(Number((outcome.item.pairedItem as { item: number }).item), outcome.item);
		else push(outcome.itemIndex, errorItem(context, outcome.error, outcome.itemIndex, outcome.job));
	}
	for (const index of [...byItem.keys()].sort((a, b) => a - b)) items.push(...(byItem.get(index) ?? []));

	if (pausedCallback) {
		const { job, url, extra, itemIndex } = pausedCallback;
		return await pauseForWebhook(context, items, job, deadline, url, extra, itemIndex);
	}
	return [items];
}

/**
 * Estimate Only and the cost cap, before any credential, upload or submit: the items to return
 * instead of running (the estimate, or the cap's refusal under Continue On Fail), or null to run.
 */
function spendGate(context: IExecuteFunctions, provider: ProviderId, plan: PlanEntry[], jobs: PlannedJob[]): INodeExecutionData[] | null {
	let refusal: InvalidParameterError | null = null;
	let estimate: INodeExecutionData[] = [];
	try {
		const settings = readSpendSettings(context);
		if (!settings.estimateOnly && settings.capUsd === null) return null;
		const run = estimatePlannedRun(provider, jobs, settings);
		if (settings.estimateOnly) estimate = estimateItems(run);
		else refusal = capRefusal(run, settings);
	} catch (error) {
		throw toNodeError(context, error, 0);
	}
	if (refusal && !context.continueOnFail()) throw toNodeError(context, refusal, 0);
	if (!refusal && estimate.length === 0 && jobs.length > 0) return null;
	const failed = plan.flatMap((entry) => (entry.ok ? [] : [errorItem(context, entry.error, entry.itemIndex, null)]));
	// The cap refuses the whole run: every input item gets the refusal, nothing was submitted.
	const refused = refusal ? [...new Set(jobs.map((job) => job.itemIndex))].map((itemIndex) => errorItem(context, refusal, itemIndex, null)) : [];
	return [...estimate, ...failed, ...refused].sort((a, b) => pairedIndex(a) - pairedIndex(b));
}

const pairedIndex = (item: INodeExecutionData) => (item.pairedItem as { item: number }).item;

/** What the resume needs to know of the request, since providers do not all echo it back. */
function submittedDetails(planned: PlannedJob): SubmittedDetails {
	const { fields, operation, model } = planned.draft;
	return {
		operation,
		model,
		quality: (fields.mode as Mode | undefined) ?? null,
		durationSeconds: typeof fields.duration === 'number' ? fields.duration : null,
		hasAudio: typeof fields.generateAudio === 'boolean' ? fields.generateAudio : null,
	};
}

function tooManyJobsToPause(count: number): InvalidParameterError {
	return new InvalidParameterError(
		'waitMode',
		`Wait Mode is "Wait for Webhook" with ${count} jobs in this run: n8n resumes a paused execution once, so this mode takes one job (one item, no aspect ratio variants). For batches use Wait for Completion, or Submit Only with the Kling Video Trigger.`,
	);
}

/**
 * A failed job as an item (Continue On Fail): the job's fields when it exists, then why it failed.
 * The reason comes last so the job's own `error` (null for a job that timed out while running)
 * never hides it; `errorKind` is the unified reason a workflow can branch on.
 */
function errorItem(context: IExecuteFunctions, error: unknown, itemIndex: number, job: Job | null): INodeExecutionData {
	const nodeError = toNodeError(context, error, itemIndex, job?.ref);
	const errorKind =
		error instanceof ProviderApiError ? error.kind : error instanceof InvalidParameterError ? 'invalidInput' : (job?.error?.kind ?? 'provider');
	return {
		json: {
			...(job ? jobToJson(job) : {}),
			error: nodeError.message,
			errorKind,
			...(nodeError.description ? { errorDescription: nodeError.description } : {}),
		},
		pairedItem: { item: itemIndex },
	};
}

/** Waits in-process; if the execution is cancelled, the provider job is cancelled too (it is billed while it runs). */
async function waitWithCancel(client: ProviderClient, job: Job, timeoutMs: number, signal?: AbortSignal): Promise<Job> {
	const waited = await settle(waitForCompletion(client, job, { timeoutMs, signal }));
	if (waited.ok) return waited.value;
	if (!signal?.aborted) throw waited.error;
	await settle(client.cancel(job.ref));
	throw new ProviderApiError({ provider: job.provider, message: 'Cancelled with the execution', kind: 'canceled', jobRef: job.ref });
}

/**
 * A submit that failed on the way back (connection cut, answer truncated) may have been accepted
 * and billed; where the provider cannot deduplicate, it is not repeated, and the user is told to
 * look for the job rather than given a bare socket error.
 */
function submitFailure(provider: ProviderId, error: unknown, signal?: AbortSignal): unknown {
	if (error instanceof ProviderApiError || error instanceof InvalidParameterError || signal?.aborted || neverSent(error)) return error;
	const adapter = getProvider(provider);
	const reason = error instanceof Error ? error.message : String(error);
	return new ProviderApiError({
		provider,
		message: adapter.capabilities.idempotentSubmit
			? `The submit to ${adapter.displayName} failed after retries (${reason}); a repeat of this execution reuses the same task, so nothing is paid twice`
			: `The submit to ${adapter.displayName} was cut off after it was sent (${reason}): the job may have been created and billed. It was not sent again, so as not to pay twice; look for it with the Kling Video Jobs Trigger or on the ${adapter.displayName} dashboard`,
	});
}

/** A positive number of minutes, at most `max`, as milliseconds. */
function minutesParameter(context: IExecuteFunctions, name: string, label: string, fallback: number, max = Infinity): number {
	const raw = context.getNodeParameter(name, 0, fallback);
	const minutes = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
	if (!Number.isFinite(minutes) || minutes <= 0 || minutes > max) {
		const bound = Number.isFinite(max) ? ` and at most ${max}` : '';
		throw new InvalidParameterError(name, `${label} is ${JSON.stringify(raw)}: allowed is a number of minutes above 0${bound}`);
	}
	return minutes * 60_000;
}

function callbackUrl(context: IExecuteFunctions): string | undefined {
	const url = String(context.getNodeParameter('callbackUrl', 0, '') ?? '').trim();
	if (!url) return undefined;
	const scheme = urlScheme(url);
	if (scheme === 'https:' || scheme === 'http:') return url;
	throw new InvalidParameterError('callbackUrl', `Callback URL is "${url}": allowed is an http(s) URL the provider can reach`);
}

function resumeUrl(context: IExecuteFunctions): string {
	return String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0));
}
