/** Get Job / Cancel Job: which job. Kling's query path depends on the job's kind, so it asks for it. */
import type { INodeProperties } from 'n8n-workflow';
import type { GenerationOperation, JobRef, ProviderId } from '../../../shared/job';
import { InvalidParameterError } from '../errors/invalidParameter';
import type { RunScope } from './action';

export const jobReferenceProperties: INodeProperties[] = [
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. the jobId output by a Submit Only run',
		description: 'The provider job ID (Replicate prediction ID, fal request ID, WaveSpeed prediction ID, Kling task ID)',
		displayOptions: { show: { operation: ['getJob', 'cancelJob'] } },
	},
	{
		displayName: 'Job Operation',
		name: 'jobOperation',
		type: 'options',
		options: [
			{ name: 'Text to Video', value: 'textToVideo' },
			{ name: 'Image to Video', value: 'imageToVideo' },
			{ name: 'Motion Control', value: 'motionControl' },
		],
		default: 'textToVideo',
		description: "The operation that created the job (Kling's API files tasks by kind)",
		displayOptions: { show: { operation: ['getJob', 'cancelJob'], provider: ['kling'] } },
	},
];

/** The job an item names; an expression that yields an object would otherwise ask about job "[object Object]". */
export async function readJobRef(scope: RunScope, itemIndex: number): Promise<JobRef[]> {
	const { context, provider } = scope;
	const raw = context.getNodeParameter('jobId', itemIndex, '') as unknown;
	if (raw != null && typeof raw !== 'string' && typeof raw !== 'number') {
		throw new InvalidParameterError('jobId', `Job ID is ${JSON.stringify(raw)}: allowed is the job's ID as text`);
	}
	const jobId = String(raw ?? '').trim();
	if (!jobId) throw new InvalidParameterError('jobId', `Job ID is ${JSON.stringify(raw ?? '')}: the ID of a job is required`);
	return [{ provider: provider as ProviderId, jobId, operation: jobOperationOf(scope, itemIndex) }];
}

function jobOperationOf(scope: RunScope, itemIndex: number): GenerationOperation | null {
	if (scope.provider !== 'kling') return null;
	return scope.context.getNodeParameter('jobOperation', itemIndex, 'textToVideo') as GenerationOperation;
}
