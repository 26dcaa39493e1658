/** The output item of a job: the unified job as JSON, the video as binary, paired to its input. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { HttpClient } from '../../shared/http';
import type { Job } from '../../shared/job';
import { DownloadError, downloadVideo } from '../../shared/media/download';

export interface OutputOptions {
	downloadVideo: boolean;
	binaryPropertyName: string;
}

/** The job as users see it: everything but the internal reference, which only the package needs. */
export function jobToJson(job: Job, extra: IDataObject = {}): IDataObject {
	const { ref: _ref, ...visible } = job;
	return { ...visible, ...extra } as unknown as IDataObject;
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
	extra: IDataObject = {},
	signal?: AbortSignal,
): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json: jobToJson(job, extra), pairedItem: { item: itemIndex } };
	if (options.downloadVideo && job.status === 'succeeded' && !job.videoUrl && job.operation !== 'createVoice') {
		// Replicate reports an expired prediction as succeeded with its output removed: without this,
		// a "succeeded" item with neither video nor error would pass for a result.
		throw new DownloadError(
			`Job ${job.jobId} on ${job.provider} succeeded, but the provider no longer keeps its video (output removed or expired): there is nothing to download`,
			410,
		);
	}
	if (options.downloadVideo && job.status === 'succeeded' && job.videoUrl) {
		const fileName = `${job.provider}-${job.jobId}.mp4`;
		const binary = await downloadVideo(
			http,
			job.videoUrl,
			fileName,
			async (stream, name, mimeType) => await context.helpers.prepareBinaryData(stream, name, mimeType),
			signal,
		);
		item.binary = { [options.binaryPropertyName]: binary };
	}
	return item;
}
