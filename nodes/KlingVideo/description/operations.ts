/**
 * Provider, credential and operation selectors. Each provider gets its own operation list (same
 * parameter name, disjoint display options) so a provider never offers an operation it lacks.
 */
import type { INodeCredentialDescription, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { GENERATION_OPERATIONS, PROVIDER_IDS, type GenerationOperation } from '../../shared/job';
import { CREDENTIAL_TYPES } from '../../shared/credentials';
import { PROVIDERS } from '../../shared/providers';
import { operationsOf } from '../../shared/providers/table';

export type NodeOperation = GenerationOperation | 'getJob' | 'cancelJob';

const OPERATION_OPTIONS: Record<NodeOperation, INodePropertyOptions & { action: string }> = {
	textToVideo: {
		name: 'Text to Video',
		value: 'textToVideo',
		description: 'Generate a video from a prompt',
		action: 'Generate a video from text',
	},
	imageToVideo: {
		name: 'Image to Video',
		value: 'imageToVideo',
		description: 'Animate a start image (and optionally an end image) into a video',
		action: 'Generate a video from an image',
	},
	motionControl: {
		name: 'Motion Control',
		value: 'motionControl',
		description: 'Make the character of an image perform the motion of a reference video',
		action: 'Transfer motion from a video to an image',
	},
	createVoice: {
		name: 'Create Voice',
		value: 'createVoice',
		description: 'Create a reusable voice ID from a voice sample',
		action: 'Create a voice from a sample',
	},
	getJob: { name: 'Get Job', value: 'getJob', description: 'Get the status and result of a job', action: 'Get a job' },
	cancelJob: { name: 'Cancel Job', value: 'cancelJob', description: 'Cancel a queued or running job', action: 'Cancel a job' },
};

export const providerProperty: INodeProperties = {
	displayName: 'Provider',
	name: 'provider',
	type: 'options',
	noDataExpression: true,
	options: PROVIDER_IDS.map((id) => ({ name: PROVIDERS[id].displayName, value: id })),
	default: 'replicate',
	description: 'Which host runs Kling. Each needs its own credential.',
};

export function operationProperties(): INodeProperties[] {
	return PROVIDER_IDS.map((provider) => {
		const supported = GENERATION_OPERATIONS.filter((operation) => operationsOf(PROVIDERS[provider].models).includes(operation));
		const operations: NodeOperation[] = [...supported, 'getJob'];
		if (PROVIDERS[provider].capabilities.cancel) operations.push('cancelJob');
		return {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { provider: [provider] } },
			options: operations.map((operation) => OPERATION_OPTIONS[operation]),
			default: 'textToVideo',
		};
	});
}

export function credentialDescriptions(): INodeCredentialDescription[] {
	return PROVIDER_IDS.map((provider) => ({
		name: CREDENTIAL_TYPES[provider],
		required: true,
		displayOptions: { show: { provider: [provider] } },
	}));
}

/** Get Job / Cancel Job: which job. Kling's query path depends on the job's kind, so it asks for it. */
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
