import type {
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { credentialDescriptions, providerProperty } from '../shared/providerSelector';
import { GENERATION_OPERATIONS, PROVIDER_IDS, type GenerationOperation } from '../shared/job';
import { PROVIDERS } from '../shared/providers';
import { operationsOf } from '../shared/providers/table';
import { BINARY_PROPERTY_OPTION, DOWNLOAD_VIDEO_OPTION } from '../shared/outputOptions';
import { onProviderSubtitle } from '../shared/subtitles';
import { eventsProperty } from '../shared/triggerCommon';
import { DEFAULT_LOOKBACK_MINUTES, DEFAULT_MAX_PAGES, pollJobs } from './poll';

const OPERATION_LABELS: Record<GenerationOperation, string> = {
	textToVideo: 'Text to Video',
	imageToVideo: 'Image to Video',
	motionControl: 'Motion Control',
	createVoice: 'Create Voice',
};

/** One `operations` field per provider, offering only the operations that provider has. */
function operationsProperties(): INodeProperties[] {
	return PROVIDER_IDS.map((provider) => {
		const supported = GENERATION_OPERATIONS.filter((operation) => operationsOf(PROVIDERS[provider].models).includes(operation));
		return {
			displayName: 'Operations',
			name: 'operations',
			type: 'multiOptions',
			options: supported
				.map((operation) => ({ name: OPERATION_LABELS[operation], value: operation }))
				.sort((a, b) => a.name.localeCompare(b.name)),
			// Every provider has the three video operations; Create Voice makes no video, so it is opt-in.
			default: ['textToVideo', 'imageToVideo', 'motionControl'],
			description: 'Which kinds of jobs to watch. Leave empty to watch all of them.',
			displayOptions: { show: { provider: [provider] } },
		} satisfies INodeProperties;
	});
}

export class KlingVideoJobsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kling Video Jobs Trigger',
		name: 'klingVideoJobsTrigger',
		icon: { light: 'file:klingVideoJobsTrigger.svg', dark: 'file:klingVideoJobsTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: onProviderSubtitle,
		description:
			'Starts the workflow for each Kling video job that finished on Replicate, fal.ai, WaveSpeed or the Kling API since the last poll',
		defaults: { name: 'Kling Video Jobs Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialDescriptions(),
		properties: [
			providerProperty,
			...operationsProperties(),
			eventsProperty,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					BINARY_PROPERTY_OPTION,
					DOWNLOAD_VIDEO_OPTION,
					{
						displayName: 'Look Back (Minutes)',
						name: 'lookbackMinutes',
						type: 'number',
						typeOptions: { minValue: 5, maxValue: 7 * 24 * 60 },
						default: DEFAULT_LOOKBACK_MINUTES,
						description:
							'Each poll also checks jobs created this long before the previous poll, so a job that takes a while to finish is still caught. A job that takes longer than this is missed.',
					},
					{
						displayName: 'Max Pages per Poll',
						name: 'maxPages',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 50 },
						default: DEFAULT_MAX_PAGES,
						description: "How many pages of the provider's job list (about 100 jobs each) one poll reads at most",
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollJobs(this);
	}
}
