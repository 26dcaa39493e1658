/**
 * The Operation selector. Each provider gets its own operation list (same parameter name,
 * disjoint display options) so a provider never offers an operation it lacks. Each option's
 * `action` is what n8n's node creator lists under the node.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { GENERATION_OPERATIONS, PROVIDER_IDS, type GenerationOperation } from '../../../shared/job';
import { PROVIDERS } from '../../../shared/providers';
import { operationsOf } from '../../../shared/providers/table';

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

/**
 * One Operation list per provider. The fullest list comes first: n8n's node creator lists the
 * actions of the first `operation` parameter only, so that is where every operation must be.
 */
export function operationProperties(): INodeProperties[] {
	const lists = PROVIDER_IDS.map((provider) => {
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
		} satisfies INodeProperties;
	});
	return lists.sort((a, b) => b.options.length - a.options.length);
}
