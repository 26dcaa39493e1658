/**
 * The output item of a job, the same for the action node and both triggers: the unified job as
 * JSON (what a workflow reads most first, the provider's raw answer last), the video as binary,
 * paired to its input.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { HttpClient } from './http';
import type { Job } from './job';
import { DownloadError, downloadVideo } from './media/download';
import { videoFileName } from './videoFileName';
import type { OutputOptions } from './outputOptions';

export type { OutputOptions } from './outputOptions';

/**
 * What the request said that the provider's answer does not: the prompt and the frame shape.
 * Every item carries both keys (null where unknown, as for a job read back by Get Job or a
 * trigger), so a single job and an aspect-ratio variant have the same keys.
 */
export interface RequestEcho extends IDataObject {
	prompt?: string | null;
	aspectRatio?: string | null;
}

/** The job as users see it: everything but the internal reference, which only the package needs. */
export function jobToJson(job: Job, extra: RequestEcho = {}): IDataObject {
	const { ref: _ref, raw, jobId, status, videoUrl, voiceId, model, durationSeconds, hasAudio, estimatedCostUsd, ...rest } = job;
	const { prompt = null, aspectRatio = null, ...more } = extra;
	const useful = { jobId, status, videoUrl, voiceId, prompt, model, aspectRatio, durationSeconds, hasAudio, estimatedCostUsd };
	return { ...useful, ...rest, ...more, ...(raw !== undefined ? { raw } : {}) } as unknown as IDataObject;
}

/** What the output needs of an n8n context: the binary store (execute, webhook and poll contexts all have it). */
export interface BinaryStoreContext {
	helpers: Pick<IExecuteFunctions['helpers'], 'prepareBinaryData'>;
}

export async function jobToItem(
	context: BinaryStoreContext,
	http: HttpClient,
	job: Job,
	itemIndex: number,
	options: OutputOptions,
	extra: RequestEcho = {},
	signal?: AbortSignal,
): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json: jobToJson(job, extra), pairedItem: { item: itemIndex } };
	if (!options.downloadVideo || job.status !== 'succeeded' || job.operation === 'createVoice') return item;
	if (!job.videoUrl) {
		// Replicate reports an expired prediction as succeeded with its output removed: without this,
		// a "succeeded" item with neither video nor error would pass for a result.
		throw new DownloadError(
			`Job ${job.jobId} on ${job.provider} succeeded, but the provider no longer keeps its video (output removed or expired): there is nothing to download`,
			410,
		);
	}
	const fileName = videoFileName(job, extra);
	const binary = await downloadVideo(
		http,
		job.videoUrl,
		fileName,
		async (stream, name, mimeType) => await context.helpers.prepareBinaryData(stream, name, mimeType),
		signal,
	);
	item.binary = { [options.binaryPropertyName]: binary };
	return item;
}
