/** How a generation's completion reaches the next node, and the per-run options. */
import type { INodeProperties } from 'n8n-workflow';
import { ASPECT_RATIOS, GENERATION_OPERATIONS } from '../../shared/job';
import { BINARY_PROPERTY_OPTION, DOWNLOAD_VIDEO_OPTION } from '../../shared/outputOptions';
import { SPEND_OPTIONS } from '../execute/spend';

export type WaitMode = 'waitForCompletion' | 'submitOnly' | 'waitForWebhook';

const generating = { operation: [...GENERATION_OPERATIONS] };

export const MAX_TIMEOUT_MINUTES = 60;

export const waitingProperties: INodeProperties[] = [
	{
		displayName: 'Wait Mode',
		name: 'waitMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Wait for Completion',
				value: 'waitForCompletion',
				description: 'The node waits until the video is ready (long-polls where the provider can)',
			},
			{
				name: 'Submit Only',
				value: 'submitOnly',
				description: 'Return the job at once; optionally have the provider call a URL when it is done',
			},
			{
				name: 'Wait for Webhook',
				value: 'waitForWebhook',
				description:
					'Pause the execution until the provider calls back; no worker is held while the GPU works',
			},
		],
		default: 'waitForCompletion',
		displayOptions: { show: generating },
	},
	{
		displayName: 'Timeout (Minutes)',
		name: 'timeoutMinutes',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_TIMEOUT_MINUTES },
		default: 10,
		description: 'How long to wait for each job before failing with its job ID',
		displayOptions: { show: { ...generating, waitMode: ['waitForCompletion'] } },
	},
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. the Kling Video Trigger webhook URL',
		description: 'Optional URL the provider calls when the job finishes',
		displayOptions: { show: { ...generating, waitMode: ['submitOnly'] } },
	},
	{
		displayName: 'Time Limit (Minutes)',
		name: 'webhookTimeLimitMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		description:
			'How long to wait for the callback. When it passes, the job status is checked once more and the execution continues with what it says.',
		displayOptions: { show: { ...generating, waitMode: ['waitForWebhook'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: generating },
		options: [
			{
				displayName: 'Aspect Ratio Variants',
				name: 'aspectRatioVariants',
				type: 'multiOptions',
				options: ASPECT_RATIOS.map((ratio) => ({ name: ratio, value: ratio })),
				default: [],
				description:
					'Make one job per selected aspect ratio from each input item (text to video); each output item is paired to its input',
			},
			BINARY_PROPERTY_OPTION,
			DOWNLOAD_VIDEO_OPTION,
			{
				displayName: 'Max Concurrent Jobs',
				name: 'maxConcurrentJobs',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 50 },
				default: 5,
				description: 'How many jobs of this run are submitted and awaited at the same time',
			},
			...SPEND_OPTIONS,
		],
	},
	{
		displayName: 'Options',
		name: 'jobOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['getJob'] } },
		options: [
			BINARY_PROPERTY_OPTION,
			{
				displayName: 'Download Video',
				name: 'downloadVideo',
				type: 'boolean',
				default: false,
				description: 'Whether to put the MP4 of a finished job into a binary property',
			},
		],
	},
];
