/**
 * Turns the shared layer's errors into n8n's: input problems become NodeOperationError for
 * their item, provider problems NodeApiError. Whenever a job exists its id and provider are in
 * the message, so a failed run never hides a job that was paid for.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IWebhookFunctions,
	type JsonObject,
} from 'n8n-workflow';
import { ProviderApiError } from '../../../shared/errors';
import type { Job, JobRef, ProviderId } from '../../../shared/job';
import { jobToJson } from '../../../shared/jobOutput';
import { DownloadError } from '../../../shared/media/download';
import { InvalidParameterError } from './invalidParameter';

export function jobLabel(ref: JobRef | undefined): string {
	return ref ? ` (job ${ref.jobId} on ${ref.provider})` : '';
}

export function toNodeError(
	context: IExecuteFunctions | IWebhookFunctions,
	error: unknown,
	itemIndex: number,
	ref?: JobRef,
): NodeApiError | NodeOperationError {
	const node = context.getNode();
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof InvalidParameterError) {
		return new NodeOperationError(node, error.message, { itemIndex });
	}
	if (error instanceof ProviderApiError) {
		const jobRef = error.jobRef ?? ref;
		const body: JsonObject = {
			provider: error.provider,
			kind: error.kind,
			...(error.code !== undefined ? { code: error.code } : {}),
			...(jobRef ? { jobId: jobRef.jobId } : {}),
			...(error.responseBody !== undefined ? { response: error.responseBody as JsonObject } : {}),
		};
		return new NodeApiError(node, body, {
			message: `${error.message}${jobLabel(jobRef)}`,
			description: describeKind(error.kind),
			httpCode: error.httpStatus ? String(error.httpStatus) : undefined,
			itemIndex,
		});
	}
	if (error instanceof DownloadError) {
		return new NodeApiError(node, { jobId: ref?.jobId ?? null } as JsonObject, {
			message: `${error.message}${jobLabel(ref)}`,
			httpCode: error.httpStatus ? String(error.httpStatus) : undefined,
			itemIndex,
		});
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, `${message}${jobLabel(ref)}`, { itemIndex });
}

function describeKind(kind: ProviderApiError['kind']): string | undefined {
	switch (kind) {
		case 'contentPolicy':
			return 'The provider refused the prompt or media under its content policy. Change the input; retrying the same input will fail again.';
		case 'invalidInput':
			return 'The provider rejected a parameter. The message says which.';
		case 'timeout':
			return 'The job may still finish: use Get Job with this job ID, or raise the Time Limit (Minutes).';
		default:
			return undefined;
	}
}

/**
 * A failed unit as an item (Continue On Fail): the job's fields when it exists, then why it
 * failed. The reason comes last so the job's own `error` (null for a job that timed out while
 * running) never hides it; `errorKind` is the unified reason a workflow can branch on.
 */
export function errorItem(
	context: IExecuteFunctions,
	provider: ProviderId,
	failure: { itemIndex: number; error: unknown; job: Job | null; ref?: JobRef },
): INodeExecutionData {
	const { error, itemIndex, job, ref } = failure;
	const nodeError = toNodeError(context, error, itemIndex, job?.ref ?? ref);
	const errorKind =
		error instanceof ProviderApiError ? error.kind : error instanceof InvalidParameterError ? 'invalidInput' : (job?.error?.kind ?? 'provider');
	return {
		json: {
			...(job ? jobToJson(job) : { jobId: ref?.jobId ?? null, provider }),
			error: nodeError.message,
			errorKind,
			...(nodeError.description ? { errorDescription: nodeError.description } : {}),
		},
		pairedItem: { item: itemIndex },
	};
}
