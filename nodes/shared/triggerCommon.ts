/**
 * What the Kling Video Trigger (webhook) and the Kling Video Jobs Trigger (polling) share: the
 * outcome filter, the output options, connecting to a provider from any n8n context, and the
 * output item (the action node's job shape, with the video streamed into binary data).
 */
import {
	NodeApiError,
	NodeOperationError,
	type INode,
	type INodeExecutionData,
	type INodeProperties,
	type IWebhookFunctions,
	type JsonObject,
	type Logger,
} from 'n8n-workflow';
import { httpClient } from './connect';
import { jobToItem, jobToJson } from './jobOutput';
import type { OutputOptions } from './outputOptions';
import { CredentialFieldError } from './credentials';
import { ProviderApiError } from './errors';
import type { Job, JobStatus } from './job';
import { DownloadError } from './media/download';

/** The terminal states a trigger can be told to emit. */
export type TriggerEvent = Extract<JobStatus, 'succeeded' | 'failed' | 'canceled'>;

export const DEFAULT_EVENTS: TriggerEvent[] = ['succeeded', 'failed'];

export const eventsProperty: INodeProperties = {
	displayName: 'Events',
	name: 'events',
	type: 'multiOptions',
	options: [
		{ name: 'Canceled', value: 'canceled', description: 'A job was canceled before it finished' },
		{ name: 'Failed', value: 'failed', description: 'A job ended with an error (content policy, invalid input, provider failure)' },
		{ name: 'Succeeded', value: 'succeeded', description: 'A job finished and its video (or voice) is ready' },
	],
	default: ['succeeded', 'failed'],
	required: true,
	description: 'Which finished jobs start the workflow',
};

/** The triggers' output options are the action node's: one reading for all three nodes. */
export { readOutputOptions, type OutputOptions as TriggerOutputOptions } from './outputOptions';

export function readEvents(value: unknown): Set<TriggerEvent> {
	const list = Array.isArray(value) ? value : DEFAULT_EVENTS;
	return new Set(list.filter((event): event is TriggerEvent => ['succeeded', 'failed', 'canceled'].includes(event as string)));
}

/** What `jobToItem` uses of its context: only the binary store. */
export interface BinaryContext {
	helpers: Pick<IWebhookFunctions['helpers'], 'prepareBinaryData'>;
	logger: Logger;
	getNode(): INode;
}

/**
 * The output item of a finished job, the same shape as the action node's. A video that cannot
 * be downloaded (expired, provider down) does not lose the job: the item goes out without the
 * binary, with `downloadError` saying why, and the video URL is still in the JSON.
 */
/**
 * The same for every emission of one finished job (provider, job id, terminal state). Where n8n
 * runs several webhook processes it offers a trigger no atomic claim, so two processes can each
 * emit a job delivered to both at once; a Remove Duplicates node on `dedupeKey` after the trigger
 * catches such a pair (README, "Running on queue mode").
 */
export const dedupeKeyOf = (job: Pick<Job, 'provider' | 'jobId' | 'status'>) => `${job.provider}:${job.jobId}:${job.status}`;

export async function triggerItem(
	context: BinaryContext,
	job: Job,
	options: OutputOptions,
	signal?: AbortSignal,
): Promise<INodeExecutionData> {
	const extra = { dedupeKey: dedupeKeyOf(job) };
	try {
		return await jobToItem(context, httpClient(), job, 0, options, extra, signal);
	} catch (error) {
		if (!(error instanceof DownloadError)) throw toTriggerError(context.getNode(), error);
		context.logger.warn(`Kling Video: the video of job ${job.jobId} on ${job.provider} could not be downloaded: ${error.message}`);
		return { json: jobToJson(job, { ...extra, downloadError: error.message }), pairedItem: { item: 0 } };
	}
}

/** The error a trigger throws where n8n should show it (activation, a first poll, a manual test). */
export function toTriggerError(node: INode, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof ProviderApiError) {
		const body: JsonObject = {
			provider: error.provider,
			kind: error.kind,
			...(error.code !== undefined ? { code: error.code } : {}),
			...(error.responseBody !== undefined ? { response: error.responseBody as JsonObject } : {}),
		};
		return new NodeApiError(node, body, {
			message: error.message,
			httpCode: error.httpStatus ? String(error.httpStatus) : undefined,
		});
	}
	if (error instanceof CredentialFieldError) return new NodeOperationError(node, error.message);
	const message = error instanceof Error ? error.message : String(error);
	// Anything else on the way to the provider (connection refused, DNS, timeout) is an API failure.
	return new NodeApiError(node, { message } as JsonObject, { message });
}

export function describeError(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
