/**
 * Wait for Webhook: the jobs are submitted with the execution's resume URL as their callback and
 * the execution is paused, so no worker is held while the GPU works. Each callback is verified
 * (signature, or a re-fetch for Kling); the execution continues once every job of the run is
 * finished. A time limit ends the wait with a final status check of every job.
 *
 * n8n resumes a paused execution only once, so the jobs submitted before the pause are read
 * back from this node's own pre-pause output, which n8n keeps with the waiting execution.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { WebhookRejectedError } from '../../shared/errors';
import { isTerminal, type Job, type JobRef, type ProviderId } from '../../shared/job';
import type { ProviderClient } from '../../shared/providers/types';
import { settle } from '../../shared/http';
import { withSubmittedDetails } from '../../shared/jobDetails';
import { connectProvider, httpClient } from './connect';
import { toNodeError } from './nodeErrors';
import { webhookSecretFor } from './webhookSecrets';
import { jobToItem, jobToJson } from './output';

/** Header of the node's own time-limit call; the call only triggers a status check, it is never trusted as a result. */
export const TIME_LIMIT_HEADER = 'x-kling-video-time-limit';
/** n8n's own resume happens this long after the time limit, in case the in-process timer was lost with a restart. */
const N8N_FALLBACK_GRACE_MS = 5 * 60_000;

/** What the paused run keeps per job, under this key of the pre-pause item. */
const PAUSED_KEY = 'klingVideoPaused';

interface PausedJob {
	ref: JobRef;
	deadline: number;
	extra: IDataObject;
}

export async function pauseForWebhook(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	jobsByItem: Map<INodeExecutionData, { job: Job; extra: IDataObject }>,
): Promise<INodeExecutionData[][]> {
	const limitMs = Number(context.getNodeParameter('webhookTimeLimitMinutes', 0, 60)) * 60_000;
	const deadline = Date.now() + limitMs;
	for (const item of items) {
		const entry = jobsByItem.get(item);
		if (entry) item.json[PAUSED_KEY] = { ref: entry.job.ref, deadline, extra: entry.extra } as unknown as IDataObject;
	}
	const resumeUrl = String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0));
	scheduleTimeLimitCall(resumeUrl, limitMs);
	await context.putExecutionToWait(new Date(deadline + N8N_FALLBACK_GRACE_MS));
	return [items];
}

/** Calls our own resume URL when the time limit passes, so the final status check runs in this node. */
function scheduleTimeLimitCall(resumeUrl: string, delayMs: number) {
	const timer = setTimeout(() => {
		void httpClient()
			.send({ method: 'POST', url: resumeUrl, headers: { [TIME_LIMIT_HEADER]: '1' }, json: {}, kind: 'read' })
			.catch(() => undefined);
	}, delayMs);
	timer.unref();
}

function pausedItems(context: IWebhookFunctions): INodeExecutionData[] {
	const name = context.getNode().name;
	const items = context.evaluateExpression(`{{ $('${name.replace(/'/g, "\\'")}').all() }}`, 0);
	return Array.isArray(items) ? (items as INodeExecutionData[]) : [];
}

function reject(context: IWebhookFunctions, status: number, message: string): IWebhookResponseData {
	context.getResponseObject().status(status).json({ error: message });
	return { noWebhookResponse: true };
}

function acknowledge(context: IWebhookFunctions, body: IDataObject): IWebhookResponseData {
	context.getResponseObject().status(200).json(body);
	return { noWebhookResponse: true };
}

export async function resumeFromWebhook(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const provider = context.getNodeParameter('provider') as ProviderId;
	const items = pausedItems(context);
	const paused = items.map((item) => (item.json[PAUSED_KEY] as unknown as PausedJob | undefined) ?? null);
	const jobs = paused.filter((entry): entry is PausedJob => entry !== null);
	if (!jobs.length) return reject(context, 409, 'This execution is not waiting for any job');

	const client = await connectProvider(context, provider);
	const known = new Map<string, Job>();
	const request = context.getRequestObject();
	const isTimeLimitCall = request.headers[TIME_LIMIT_HEADER] !== undefined;

	if (isTimeLimitCall) {
		if (Date.now() < Math.min(...jobs.map((job) => job.deadline))) return reject(context, 401, 'The time limit has not passed');
	} else {
		const verified = await settle(
			client.verifyWebhook({
				headers: request.headers,
				rawBody: (request as unknown as { rawBody?: Buffer }).rawBody ?? Buffer.from(JSON.stringify(context.getBodyData())),
				secret: await webhookSecretFor(client, provider, context),
			}),
		);
		if (!verified.ok) {
			if (verified.error instanceof WebhookRejectedError) return reject(context, verified.error.httpStatus, verified.error.message);
			throw toNodeError(context, verified.error, 0);
		}
		const job = verified.value;
		if (!jobs.some((entry) => entry.ref.jobId === job.jobId)) {
			return reject(context, 400, `Job ${job.jobId} does not belong to this execution`);
		}
		if (!isTerminal(job.status)) return acknowledge(context, { received: true, status: job.status });
		known.set(job.jobId, job);
	}

	const callerJobId = isTimeLimitCall ? null : [...known.keys()][0];
	const pending = await firstUnfinished(client, jobs, known, isTimeLimitCall, callerJobId);
	if (pending && !isTimeLimitCall) return acknowledge(context, { received: true, waitingFor: pending.jobId });

	const output: INodeExecutionData[] = [];
	for (let index = 0; index < items.length; index++) {
		const entry = paused[index];
		const itemIndex = (items[index].pairedItem as { item: number } | undefined)?.item ?? index;
		if (!entry) {
			output.push({ json: items[index].json, pairedItem: { item: itemIndex } });
			continue;
		}
		const job = withSubmittedDetails(known.get(entry.ref.jobId) as Job, items[index].json as unknown as Job);
		const options = {
			downloadVideo: context.getNodeParameter('options.downloadVideo', true) as boolean,
			binaryPropertyName: context.getNodeParameter('options.binaryPropertyName', 'data') as string,
		};
		output.push(
			isTerminal(job.status)
				? await jobToItem(context, httpClient(), job, itemIndex, options, entry.extra)
				: { json: jobToJson(job, { ...entry.extra, error: { message: 'Time limit reached before the job finished', kind: 'timeout' } }), pairedItem: { item: itemIndex } },
		);
	}
	return { workflowData: [output] };
}

/**
 * Fills `known` with the status of jobs, asking the provider only about jobs not yet known.
 * Jobs tend to finish in the order they were submitted, so the check starts after the job that
 * called back and, outside a final check, stops at the first unfinished one: about one status
 * call per callback, and one pass over the finished jobs when the last one calls.
 */
async function firstUnfinished(
	client: ProviderClient,
	jobs: PausedJob[],
	known: Map<string, Job>,
	checkAll: boolean,
	callerJobId: string | null,
): Promise<JobRef | null> {
	const callerIndex = jobs.findIndex((entry) => entry.ref.jobId === callerJobId);
	const order = jobs.map((_, offset) => jobs[(callerIndex + 1 + offset) % jobs.length]);
	let firstPending: JobRef | null = null;
	for (const { ref } of order) {
		if (known.has(ref.jobId)) continue;
		const job = await client.get(ref);
		known.set(ref.jobId, job);
		if (!isTerminal(job.status)) {
			firstPending ??= ref;
			if (!checkAll) return firstPending;
		}
	}
	return firstPending;
}
