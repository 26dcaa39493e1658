/**
 * One webhook delivery to the Kling Video Trigger, from the raw bytes to at most one emitted
 * item:
 *
 * 1. size: the declared Content-Length, then the raw body, against `MAX_WEBHOOK_BODY_BYTES`
 *    (413) before anything parses it;
 * 2. proof: the adapter checks the delivery the provider's way over the exact raw bytes
 *    (Replicate and WaveSpeed HMAC with the account secret, fal Ed25519 against the JWKS, Kling
 *    by re-reading the task with the credential) and answers the job (401 / 400 otherwise);
 * 3. relevance: a job that is not finished, or whose outcome is not selected, is answered 200
 *    and dropped;
 * 4. once: a job already emitted with the same terminal state (static data, and an in-process
 *    claim for deliveries that arrive together) is answered 200 and dropped; every request
 *    writes this process's claims back into the static data, since a concurrent save by
 *    another webhook process may have dropped them;
 * 5. the provider gets its 200 at once; the video is then streamed into binary data and the
 *    workflow starts with the job.
 *
 * Every rejection is answered here through the response object, and no execution starts.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { readRawBody, verifyDelivery, type RawRequest } from '../shared/webhookVerification';
import { CredentialFieldError } from '../shared/credentials';
import { jobToJson } from '../shared/jobOutput';
import { claimDelivery, claimedKeys, SeenSet } from '../shared/dedupe';
import { ProviderApiError, WebhookRejectedError } from '../shared/errors';
import { isTerminal, type Job, type ProviderId } from '../shared/job';
import { MAX_WEBHOOK_BODY_BYTES } from '../shared/webhooks/common';
import { answer } from '../shared/webhookReply';
import {
	describeError,
	readEvents,
	readOutputOptions,
	triggerItem,
	type TriggerEvent,
} from '../shared/triggerCommon';

/** How many emitted (job, state) pairs the node remembers; the oldest fall off first. */
export const MAX_REMEMBERED_DELIVERIES = 1000;

/** Where the remembered pairs live in the node's static data. */
export const EMITTED_KEY = 'emittedJobs';

/** The key a delivery is deduplicated on: the job and the terminal state it reports. */
export const deliveryKey = (job: Pick<Job, 'jobId' | 'status'>) => `${job.jobId}:${job.status}`;

export async function handleDelivery(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const checked = await checkedJob(context);
	if (!('jobId' in checked)) return checked;
	const job = checked;
	const refusal = claimOnce(context, job);
	if (refusal) return refusal;
	// The provider has what it needs; the download must not make it time out and deliver again.
	context.getResponseObject().status(200).json({ received: true, jobId: job.jobId, status: job.status });
	return await emit(context, job);
}

/** Steps 1 and 2: the job the delivery proves, or the answer that refuses it. */
async function checkedJob(context: IWebhookFunctions): Promise<Job | IWebhookResponseData> {
	const provider = context.getNodeParameter('provider') as ProviderId;
	const request = context.getRequestObject() as unknown as RawRequest;
	const declared = Number(firstHeader(request.headers['content-length']));
	if (Number.isFinite(declared) && declared > MAX_WEBHOOK_BODY_BYTES) {
		return answer(context, 413, { error: `Body of ${declared} bytes exceeds ${MAX_WEBHOOK_BODY_BYTES}` });
	}
	const rawBody = await readRawBody(request);
	if (rawBody.length > MAX_WEBHOOK_BODY_BYTES) {
		return answer(context, 413, { error: `Body of ${rawBody.length} bytes exceeds ${MAX_WEBHOOK_BODY_BYTES}` });
	}
	try {
		const pasted = String(context.getNodeParameter('webhookSecret', '') ?? '').trim();
		// Not `{ ...request }`: Node's IncomingMessage keeps `headers` behind a prototype getter, which a spread drops.
		return await verifyDelivery(context, provider, { headers: request.headers, body: request.body, rawBody }, { pastedSecret: pasted || undefined });
	} catch (error) {
		if (error instanceof WebhookRejectedError) return answer(context, error.httpStatus, { error: error.message });
		// Our side's trouble (credential, provider unreachable): no execution; the provider retries.
		const status = isTransient(error) ? 503 : 500;
		context.logger.error(`Kling Video Trigger could not check a ${provider} delivery: ${describeError(error)}`, {
			node: context.getNode().name,
			workflowId: context.getWorkflow().id,
		});
		return answer(context, status, { error: 'The delivery could not be checked; try again later' });
	}
}

/**
 * Steps 3 and 4: the answer that drops a job not worth emitting (unfinished, not selected, a
 * duplicate), or null once this delivery holds the job's claim. Every path writes this
 * process's claims back, since another webhook process saving at the same time may have
 * dropped them from the static data.
 */
function claimOnce(context: IWebhookFunctions, job: Job): IWebhookResponseData | null {
	const scope = `${context.getWorkflow().id ?? ''}:${context.getNode().id ?? context.getNode().name}`;
	const staticData = context.getWorkflowStaticData('node');
	const emitted = new SeenSet(staticData[EMITTED_KEY], MAX_REMEMBERED_DELIVERIES);
	emitted.restore(claimedKeys(scope));
	const refusal = refusalOf(context, job, emitted, scope);
	if (!refusal) emitted.add(deliveryKey(job), Date.now());
	if (emitted.changed) staticData[EMITTED_KEY] = emitted.toJSON();
	return refusal;
}

function refusalOf(context: IWebhookFunctions, job: Job, emitted: SeenSet, scope: string): IWebhookResponseData | null {
	if (!isTerminal(job.status)) return answer(context, 200, { received: true, ignored: `job ${job.jobId} is ${job.status}` });
	const events = readEvents(context.getNodeParameter('events', []));
	if (!events.has(job.status as TriggerEvent)) return answer(context, 200, { received: true, ignored: `${job.status} jobs are not selected` });
	const key = deliveryKey(job);
	if (emitted.has(key) || !claimDelivery(scope, key)) return answer(context, 200, { received: true, duplicate: true });
	return null;
}

/** Step 5: the workflow starts with the job, its video streamed into binary data. */
async function emit(context: IWebhookFunctions, job: Job): Promise<IWebhookResponseData> {
	const options = readOutputOptions(context.getNodeParameter('options', {}) as IDataObject);
	try {
		return { noWebhookResponse: true, workflowData: [[await triggerItem(context, job, options)]] };
	} catch (error) {
		// The provider was answered and will not deliver again: the job goes out without its video.
		const message = describeError(error);
		context.logger.error(`Kling Video Trigger could not store the video of job ${job.jobId}: ${message}`, {
			node: context.getNode().name,
			workflowId: context.getWorkflow().id,
		});
		return { noWebhookResponse: true, workflowData: [[{ json: jobToJson(job, { downloadError: message }), pairedItem: { item: 0 } }]] };
	}
}

function firstHeader(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

/** A provider that could not be reached or answered 429 / 5xx: worth the provider's retry. */
function isTransient(error: unknown): boolean {
	if (error instanceof CredentialFieldError) return false;
	if (!(error instanceof ProviderApiError)) return true;
	return error.httpStatus === null || error.httpStatus === 429 || error.httpStatus >= 500;
}
