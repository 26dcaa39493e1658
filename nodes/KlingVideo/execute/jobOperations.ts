/** Get Job and Cancel Job: one provider call per item, for jobs made by any run or client. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { GenerationOperation, JobRef, ProviderId } from '../../shared/job';
import { connectProvider, httpClient } from '../../shared/connect';
import { InvalidParameterError } from './invalidParameter';
import { toNodeError } from './nodeErrors';
import { jobToItem } from './output';

function readRef(context: IExecuteFunctions, itemIndex: number, provider: ProviderId): JobRef {
	const raw = context.getNodeParameter('jobId', itemIndex, '') as unknown;
	// An expression that yields an object would otherwise ask the provider about job "[object Object]".
	if (raw != null && typeof raw !== 'string' && typeof raw !== 'number') {
		throw new InvalidParameterError('jobId', `Job ID is ${JSON.stringify(raw)}: allowed is the job's ID as text`);
	}
	const jobId = String(raw ?? '').trim();
	if (!jobId) throw new InvalidParameterError('jobId', `Job ID is ${JSON.stringify(raw ?? '')}: the ID of a job is required`);
	const operation = (provider === 'kling'
		? context.getNodeParameter('jobOperation', itemIndex, 'textToVideo')
		: null) as GenerationOperation | null;
	return { provider, jobId, operation };
}

export async function runJobOperation(
	context: IExecuteFunctions,
	provider: ProviderId,
	operation: 'getJob' | 'cancelJob',
): Promise<INodeExecutionData[][]> {
	const client = await connectProvider(context, provider);
	const signal = context.getExecutionCancelSignal();
	const output: INodeExecutionData[] = [];
	const items = context.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		let ref: JobRef | undefined;
		try {
			ref = readRef(context, itemIndex, provider);
			if (operation === 'cancelJob') await client.cancel(ref, signal);
			const job = await client.get(ref, signal);
			const options = {
				downloadVideo: operation === 'getJob' && (context.getNodeParameter('jobOptions.downloadVideo', itemIndex, false) as boolean),
				binaryPropertyName: context.getNodeParameter('jobOptions.binaryPropertyName', itemIndex, 'data') as string,
			};
			output.push(await jobToItem(context, httpClient(), job, itemIndex, options, {}, signal));
		} catch (error) {
			const nodeError = toNodeError(context, error, itemIndex, ref);
			if (!context.continueOnFail()) throw nodeError;
			output.push({ json: { error: nodeError.message, jobId: ref?.jobId ?? null, provider }, pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}
