/**
 * Wait for Webhook: the job is submitted with the execution's resume URL as its callback and the
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
import { claimDelivery } from '../../shared/dedupe';
import { WebhookRejectedError } from '../../shared/errors';
import { settle } from '../../shared/http';
import { GENERATION_OPERATIONS, isTerminal, PROVIDER_IDS, QUALITIES, type Job, type JobRef, type ProviderId } from '../../shared/job';
import { MODEL_IDS } from '../../shared/providers/models';
import { withSubmittedDetails } from '../../shared/jobDetails';
import { verifyDelivery, type RawRequest } from '../../shared/webhookVerification';
import { connectProvider, httpClient } from '../../shared/connect';
import { toNodeError } from './nodeErrors';
import { jobToItem, jobToJson } from './output';

/** Query parameter of the callback URL that carries the paused job's context. */
const CONTEXT_PARAM = 'klingVideo';
/** Header of the node's own time-limit call. It only ever triggers a status check at the provider. */
export const TIME_LIMIT_HEADER = 'x-kling-video-time-limit';
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
		quality: z.enum(QUALITIES).nullable().default(null),
	}),
});
type PausedContext = z.input<typeof pausedContextSchema>;

const timeLimitBodySchema = z.object({
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

/** Pauses the execution after the job was submitted; arms the time-limit check. */
export async function pauseForWebhook(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	job: Job,
	deadline: number,
	callbackUrl: string,
): Promise<INodeExecutionData[][]> {
	scheduleTimeLimitCall(callbackUrl, job.ref, deadline - Date.now());
	await context.putExecutionToWait(new Date(deadline + N8N_FALLBACK_GRACE_MS));
	return [items];
}

/** Calls the callback URL when the time limit passes, so the final status check runs in this node. */
function scheduleTimeLimitCall(callbackUrl: string, ref: JobRef, delayMs: number) {
	const timer = setTimeout(
		() => {
			void settle(
				httpClient().send({ method: 'POST', url: callbackUrl, headers: { [TIME_LIMIT_HEADER]: '1' }, json: { ref }, kind: 'read' }),
			);
		},
		Math.max(0, delayMs),
	);
	timer.unref();
}

function answer(context: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	context.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

function readPausedContext(context: IWebhookFunctions): z.output<typeof pausedContextSchema> | null {
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

export async function resumeFromWebhook(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const provider = context.getNodeParameter('provider') as ProviderId;
	const paused = readPausedContext(context);
	if (!paused) return answer(context, 400, { error: 'The callback URL carries no Kling Video job context' });
	const request = context.getRequestObject();

	const bound = boundJob(context);
	let job: Job;
	if (request.headers[TIME_LIMIT_HEADER] !== undefined) {
		if (Date.now() < paused.deadline) return answer(context, 401, { error: 'The time limit has not passed' });
		const body = timeLimitBodySchema.safeParse(context.getBodyData());
		if (!body.success || body.data.ref.provider !== provider) return answer(context, 400, { error: 'Malformed time-limit call' });
		if (bound && jobKey(body.data.ref) !== bound) return answer(context, 400, { error: 'The time-limit call names another job' });
		// The provider's answer, never the caller's word, decides the outcome.
		job = await (await connectProvider(context, provider)).get(body.data.ref);
	} else {
		const verified = await settle(
			verifyDelivery(context, provider, request as unknown as RawRequest, { operation: paused.submitted.operation }),
		);
		if (!verified.ok) {
			if (verified.error instanceof WebhookRejectedError) {
				return answer(context, verified.error.httpStatus, { error: verified.error.message });
			}
			throw toNodeError(context, verified.error, paused.itemIndex);
		}
		job = verified.value;
		if (bound && jobKey(job) !== bound) {
			return answer(context, 401, { error: 'The delivery is for another job than the one this execution waits for' });
		}
		// Replicate start/output/logs events and Kling's "processing" callback: keep waiting.
		if (!isTerminal(job.status)) return answer(context, 200, { received: true, status: job.status });
	}
	// n8n refuses a second resume only once the first has started running; two deliveries of the
	// same end arriving together would both get past it, so the first claims the resume here. The
	// job id keys the claim: it tells paused executions apart even where no execution id is at hand.
	const scope = `${context.getWorkflow().id ?? ''}:${context.getExecutionId() ?? ''}:${context.getNode().name}`;
	if (!claimDelivery(scope, `resume:${jobKey(job)}`)) return answer(context, 200, { received: true, duplicate: true });

	job = withSubmittedDetails(job, paused.submitted);
	if (isTerminal(job.status)) {
		const stored = await settle(jobToItem(context, httpClient(), job, paused.itemIndex, outputOptions(context), paused.extra as IDataObject));
		// A video that cannot be stored fails the run with the job's id in the message: the job was paid for.
		if (!stored.ok) throw toNodeError(context, stored.error, paused.itemIndex, job.ref);
		return { workflowData: [[stored.value]] };
	}
	const item: INodeExecutionData = {
		json: jobToJson(job, {
			...(paused.extra as IDataObject),
			error: { message: `Time limit reached while the job was ${job.status}`, kind: 'timeout' },
		}),
		pairedItem: { item: paused.itemIndex },
	};
	return { workflowData: [[item]] };
}

function outputOptions(context: IWebhookFunctions) {
	return {
		downloadVideo: context.getNodeParameter('options.downloadVideo', true) as boolean,
		binaryPropertyName: context.getNodeParameter('options.binaryPropertyName', 'data') as string,
	};
}
