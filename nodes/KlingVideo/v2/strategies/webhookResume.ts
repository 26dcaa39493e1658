/**
 * Wait for Webhook, the resume side: the job is submitted with the execution's resume URL as its callback and the
 * execution is paused, so no worker is held while the GPU works. The callback is verified
 * (signature, or a re-fetch for Kling) and the execution continues with the finished job. A
 * time limit ends the wait with a final status check.
 *
 * n8n resumes a paused execution once, and before calling this node's webhook it drops the
 * node's own pre-pause output (n8n 2.x `WaitingWebhooks.getWebhookExecutionData`). So one pause
 * serves one job, and what the resume needs besides the provider's answer (the input item, the
 * requested duration and audio, the variant) travels in the callback URL's query. n8n checks
 * that URL's resume token before this code runs, so only the provider (who was given the URL)
 * can call it; which job the execution waits for is kept in its custom data, so not even a
 * genuine delivery of another job resumes it.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { z } from 'zod';
import { claimDelivery } from '../../../shared/dedupe';
import { WebhookRejectedError } from '../../../shared/errors';
import { settle } from '../../../shared/http';
import { GENERATION_OPERATIONS, isTerminal, MODES, PROVIDER_IDS, type Job, type JobRef, type ProviderId } from '../../../shared/job';
import { MODEL_IDS } from '../../../shared/providers/models';
import { withSubmittedDetails } from '../../../shared/jobDetails';
import { verifyDelivery, type RawRequest } from '../../../shared/webhookVerification';
import { connectProvider, httpClient } from '../../../shared/connect';
import { toNodeError } from '../errors/nodeErrors';
import { jobToItem, jobToJson } from '../../../shared/jobOutput';
import { readOutputOptions } from '../../../shared/outputOptions';
import { answer } from '../../../shared/webhookReply';

/** Query parameter of the callback URL that carries the paused job's context. */
const CONTEXT_PARAM = 'klingVideo';
/** Header of the node's own status-check call. It only ever triggers a status check at the provider. */
export const STATUS_CHECK_HEADER = 'x-kling-video-status-check';
/** n8n's own resume runs this long after the time limit, in case the in-process timer died with a restart. */
const N8N_FALLBACK_GRACE_MS = 5 * 60_000;

const pausedContextSchema = z.object({
	itemIndex: z.number().int().min(0),
	deadline: z.number(),
	extra: z.record(z.unknown()),
	submitted: z.object({
		operation: z.enum(GENERATION_OPERATIONS).nullable(),
		durationSeconds: z.number().nullable(),
		hasAudio: z.boolean().nullable(),
		// Absent in the callback URLs of executions paused before models existed.
		model: z.enum(MODEL_IDS).nullable().default(null),
		quality: z.enum(MODES).nullable().default(null),
	}),
});
type PausedContext = z.input<typeof pausedContextSchema>;

const statusCheckBodySchema = z.object({
	ref: z.object({
		provider: z.enum(PROVIDER_IDS),
		jobId: z.string().min(1),
		operation: z.enum(GENERATION_OPERATIONS).nullable(),
		urls: z.object({ status: z.string(), result: z.string(), cancel: z.string() }).partial().optional(),
	}),
});

/** The callback URL of a job about to be submitted: the resume URL plus the context the resume needs. */
export function callbackUrlFor(resumeUrl: string, context: Omit<PausedContext, 'submitted'>, submitted: PausedContext['submitted']): string {
	const url = new URL(resumeUrl);
	const payload: PausedContext = { ...context, submitted };
	url.searchParams.set(CONTEXT_PARAM, Buffer.from(JSON.stringify(payload)).toString('base64url'));
	return url.toString();
}

/**
 * Execution custom data key of the job a paused execution waits for (n8n allows letters, digits
 * and underscores). Custom data is saved with the paused execution and is readable on resume,
 * so a genuine delivery for another job, replayed to this resume URL, is refused.
 */
const WAITING_JOB_KEY = 'klingVideoWaitingJob';

const jobKey = (ref: Pick<JobRef, 'provider' | 'jobId'>) => `${ref.provider}:${ref.jobId}`;

/** Records which job this execution waits for. n8n keeps at most 10 custom data keys: when full, only this check is lost. */
export function bindPausedJob(context: IExecuteFunctions, job: Job): void {
	try {
		context.customData.set(WAITING_JOB_KEY, jobKey(job));
	} catch {
		// Nothing to do: without the record the resume accepts any verified job, as before.
	}
}

function boundJob(context: IWebhookFunctions): string | undefined {
	try {
		return context.customData.get(WAITING_JOB_KEY) || undefined;
	} catch {
		return undefined;
	}
}

/**
 * Pauses the execution after the job was submitted, and makes both ways out of the pause safe:
 *
 * - n8n ends a wait it resumes by time without calling this node: the node is skipped and its
 *   *input* goes on (the next node would post the uploaded image as "the video"). So the input
 *   this node's run hands n8n to keep is replaced by the job as an item that says it timed out.
 * - A provider's callback can be refused (n8n answers 409 while the node is still finishing) or
 *   lost. So this process asks its own resume URL for a status check on a schedule; each check
 *   reads the job at the provider and resumes the execution once the job has ended, and at the
 *   time limit whatever its state. A check never decides anything itself: the provider's answer does.
 */
export async function pauseForWebhook(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	job: Job,
	deadline: number,
	callbackUrl: string,
	extra: IDataObject,
	itemIndex: number,
): Promise<INodeExecutionData[][]> {
	replaceKeptInput(context, {
		json: jobToJson(job, {
			...extra,
			error: {
				message: `n8n ended the wait at the time limit without a status check of job ${job.jobId} (${job.provider}); get its result with Get Job`,
				kind: 'timeout',
			},
		}),
		pairedItem: { item: itemIndex },
	});
	scheduleStatusChecks(callbackUrl, job.ref, deadline);
	await context.putExecutionToWait(new Date(deadline + N8N_FALLBACK_GRACE_MS));
	return [items];
}

/** n8n keeps this run's input (its execute data) with the paused execution and hands it on if it resumes by time. */
function replaceKeptInput(context: IExecuteFunctions, item: INodeExecutionData) {
	const executeData = context.getExecuteData?.();
	if (executeData) executeData.data = { main: [[item]] };
}

/**
 * When this process checks the job, counted from the pause: at 30 s, then doubling up to every
 * 5 minutes, and at the time limit; shorter limits scale the schedule down (an eighth of the
 * limit first), so a refused callback costs a fraction of the wait, not all of it.
 */
export function statusCheckOffsets(limitMs: number): number[] {
	const first = Math.max(1, Math.min(30_000, limitMs / 8));
	const longest = Math.max(first, Math.min(5 * 60_000, limitMs / 4));
	const offsets: number[] = [];
	for (let offset = first; offset < limitMs; offset = Math.min(offset * 2, offset + longest)) offsets.push(Math.round(offset));
	return [...offsets, limitMs];
}

/** Calls the callback URL with a status-check header on the schedule, until the execution has resumed. */
function scheduleStatusChecks(callbackUrl: string, ref: JobRef, deadline: number) {
	const offsets = statusCheckOffsets(Math.max(0, deadline - Date.now()));
	const start = Date.now();
	const next = (index: number) => {
		if (index >= offsets.length) return;
		const timer = setTimeout(async () => {
			const call = await settle(
				httpClient().send({ method: 'POST', url: callbackUrl, headers: { [STATUS_CHECK_HEADER]: '1' }, json: { ref }, retryClass: 'read' }),
			);
			// 202: checked, still running. Anything else (resumed, gone, refused) ends the schedule.
			if (call.ok && call.value.status === 202) next(index + 1);
		}, Math.max(0, start + offsets[index] - Date.now()));
		timer.unref();
	};
	next(0);
}

type PausedState = z.output<typeof pausedContextSchema>;

function readPausedContext(context: IWebhookFunctions): PausedState | null {
	const raw = context.getQueryData() as IDataObject;
	const encoded = typeof raw[CONTEXT_PARAM] === 'string' ? (raw[CONTEXT_PARAM] as string) : '';
	let decoded: unknown = null;
	try {
		decoded = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
	} catch {
		return null;
	}
	const parsed = pausedContextSchema.safeParse(decoded);
	return parsed.success ? parsed.data : null;
}

/** The job a call to the resume URL reports, or the answer that ends the call without resuming. */
type CallReading = { job: Job } | { reply: IWebhookResponseData };

export async function resumeFromWebhook(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const paused = readPausedContext(context);
	if (!paused) return answer(context, 400, { error: 'The callback URL carries no Kling Video job context' });
	const isStatusCheck = context.getRequestObject().headers[STATUS_CHECK_HEADER] !== undefined;
	const reading = isStatusCheck ? await readStatusCheck(context, paused) : await readDelivery(context, paused);
	if ('reply' in reading) return reading.reply;
	// n8n refuses a second resume only once the first has started running; two deliveries of the
	// same end arriving together would both get past it, so the first claims the resume here. The
	// job id keys the claim: it tells paused executions apart even where no execution id is at hand.
	const scope = `${context.getWorkflow().id ?? ''}:${context.getExecutionId() ?? ''}:${context.getNode().name}`;
	if (!claimDelivery(scope, `resume:${jobKey(reading.job)}`)) return answer(context, 200, { received: true, duplicate: true });
	return await resumeWith(context, paused, withSubmittedDetails(reading.job, paused.submitted));
}

/** The node's own status check: the provider's answer, never the caller's word, decides the outcome. */
async function readStatusCheck(context: IWebhookFunctions, paused: PausedState): Promise<CallReading> {
	const provider = context.getNodeParameter('provider') as ProviderId;
	const body = statusCheckBodySchema.safeParse(context.getBodyData());
	if (!body.success || body.data.ref.provider !== provider) return { reply: answer(context, 400, { error: 'Malformed status-check call' }) };
	const bound = boundJob(context);
	if (bound && jobKey(body.data.ref) !== bound) return { reply: answer(context, 400, { error: 'The status-check call names another job' }) };
	const job = await (await connectProvider(context, provider)).get(body.data.ref);
	// Before the time limit only an ended job resumes the execution; the wait goes on otherwise.
	if (!isTerminal(job.status) && Date.now() < paused.deadline) return { reply: answer(context, 202, { checked: true, status: job.status }) };
	return { job };
}

/** The provider's callback, verified (signature, or a re-fetch for Kling) and for the job this execution waits for. */
async function readDelivery(context: IWebhookFunctions, paused: PausedState): Promise<CallReading> {
	const provider = context.getNodeParameter('provider') as ProviderId;
	const request = context.getRequestObject() as unknown as RawRequest;
	const verified = await settle(verifyDelivery(context, provider, request, { operation: paused.submitted.operation }));
	if (!verified.ok) {
		if (!(verified.error instanceof WebhookRejectedError)) throw toNodeError(context, verified.error, paused.itemIndex);
		return { reply: answer(context, verified.error.httpStatus, { error: verified.error.message }) };
	}
	const job = verified.value;
	const bound = boundJob(context);
	if (bound && jobKey(job) !== bound) {
		return { reply: answer(context, 401, { error: 'The delivery is for another job than the one this execution waits for' }) };
	}
	// Replicate start/output/logs events and Kling's "processing" callback: keep waiting.
	if (!isTerminal(job.status)) return { reply: answer(context, 200, { received: true, status: job.status }) };
	return { job };
}

/** The execution goes on with the ended job, or with the job marked timed out at the time limit. */
async function resumeWith(context: IWebhookFunctions, paused: PausedState, job: Job): Promise<IWebhookResponseData> {
	const extra = paused.extra as IDataObject;
	if (isTerminal(job.status)) {
		const stored = await settle(jobToItem(context, httpClient(), job, paused.itemIndex, outputOptions(context), extra));
		// A video that cannot be stored fails the run with the job's id in the message: the job was paid for.
		if (!stored.ok) throw toNodeError(context, stored.error, paused.itemIndex, job.ref);
		return { workflowData: [[stored.value]] };
	}
	const error = { message: `Time limit reached while the job was ${job.status}`, kind: 'timeout' };
	return { workflowData: [[{ json: jobToJson(job, { ...extra, error }), pairedItem: { item: paused.itemIndex } }]] };
}

const outputOptions = (context: IWebhookFunctions) => readOutputOptions(context.getNodeParameter('options', {}) as IDataObject);
