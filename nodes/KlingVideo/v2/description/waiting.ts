/** How a generation's completion reaches the next node, and the per-run options. */
import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';
import { ASPECT_RATIOS, GENERATION_OPERATIONS } from '../../../shared/job';
import { BINARY_PROPERTY_OPTION, DOWNLOAD_VIDEO_OPTION } from '../../../shared/outputOptions';
import { SPEND_OPTIONS } from '../generation/spend';

export type WaitMode = 'waitForCompletion' | 'submitOnly' | 'waitForWebhook';

const generating = { operation: [...GENERATION_OPERATIONS] };

export const MAX_TIMEOUT_MINUTES = 60;

/**
 * One name for how long a run waits, whatever the mode: one parameter, `timeLimitMinutes`, with
 * a default per mode (10 minutes in the node, 60 for a paused execution).
 */
export const TIME_LIMIT_LABEL: Record<Exclude<WaitMode, 'submitOnly'>, string> = {
	waitForCompletion: 'Time Limit (Minutes)',
	waitForWebhook: 'Time Limit (Minutes)',
};

const WAIT_FOR_WEBHOOK_NOTE =
	"The provider calls this n8n's webhook URL when the job ends, so n8n must be reachable from the provider at its public URL (WEBHOOK_URL). One job per execution: one input item, no Aspect Ratio Variants; for batches use Wait for Completion, or Submit Only with the Kling Video Trigger.";

const waitModeProperty: INodeProperties = {
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
				"Pause the execution until the provider calls n8n's webhook URL back (it must reach n8n); one job per execution, no worker held while the GPU works",
		},
	],
	default: 'waitForCompletion',
	displayOptions: { show: generating },
};

const limitProperties: INodeProperties[] = [
	{
		displayName: TIME_LIMIT_LABEL.waitForCompletion,
		name: 'timeLimitMinutes',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_TIMEOUT_MINUTES },
		default: 10,
		description: `How long to wait for each job (at most ${MAX_TIMEOUT_MINUTES}) before failing with its job ID; the job goes on at the provider and Get Job reads it later`,
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
		// n8n shows a notice's display name as its text. The panel says it where the mode is chosen; the option's description says it in the dropdown.
		displayName: WAIT_FOR_WEBHOOK_NOTE,
		name: 'waitForWebhookNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...generating, waitMode: ['waitForWebhook'] } },
	},
	{
		displayName: TIME_LIMIT_LABEL.waitForWebhook,
		name: 'timeLimitMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		description:
			'How long to wait for the callback. When it passes, the job status is checked once more and the execution continues with what it says.',
		displayOptions: { show: { ...generating, waitMode: ['waitForWebhook'] } },
	},
];

/** Where Aspect Ratio Variants make sense: Text to Video (the only operation with a ratio), and a mode that takes several jobs. */
const VARIANTS_VALID = { '/operation': ['textToVideo'], '/waitMode': ['waitForCompletion', 'submitOnly'] };

/** Only when it holds a value: how a kept copy stays out of the Add Option list. */
const HOLDS_A_VALUE = { aspectRatioVariants: [{ _cnd: { exists: true } }] } as unknown as NonNullable<IDisplayOptions['show']>;

const variantsProperty = (displayOptions: IDisplayOptions, kept: boolean): INodeProperties => ({
	displayName: kept ? 'Aspect Ratio Variants (Not Used Here)' : 'Aspect Ratio Variants',
	name: 'aspectRatioVariants',
	type: 'multiOptions',
	options: ASPECT_RATIOS.map((ratio) => ({ name: ratio, value: ratio })),
	default: [],
	description: kept
		? 'Kept from another operation or wait mode: variants are for Text to Video with Wait for Completion or Submit Only. Remove this option, or the run stops or makes one job only.'
		: 'Make one job per selected aspect ratio from each input item; each output item is paired to its input. When set, they win over the Aspect Ratio field.',
	displayOptions,
});

/**
 * A value set where variants are valid and left behind when the operation or mode changed (or
 * imported) would be dropped unseen by n8n; the "(Not Used Here)" copies show it in the panel,
 * and the node still reads it and refuses what it cannot do (a batch to pause, a ratio the
 * image decides), as for the generation fields' copies (leftovers.ts).
 *
 * The last one is the anchor: never rendered and never hidden, it keeps the value when n8n
 * resolves the parameters to run (there a copy cannot see its own value: n8n checks a
 * collection's options against the values resolved so far, in declaration order). It comes
 * last because the editor renders a set value with the first of its definitions that shows.
 */
const variantsProperties: INodeProperties[] = [
	variantsProperty({ show: VARIANTS_VALID }, false),
	variantsProperty({ show: { '/operation': ['imageToVideo', 'motionControl', 'createVoice'], ...HOLDS_A_VALUE } }, true),
	variantsProperty({ show: { '/operation': ['textToVideo'], '/waitMode': ['waitForWebhook'], ...HOLDS_A_VALUE } }, true),
	{ ...variantsProperty({}, false), type: 'hidden', options: undefined, displayOptions: undefined },
];

const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: generating },
	options: [
		variantsProperties[0],
		variantsProperties[1],
		variantsProperties[2],
		// Submit Only returns before there is a video; Wait for Webhook runs one job.
		{ ...BINARY_PROPERTY_OPTION, displayOptions: { show: { '/waitMode': ['waitForCompletion', 'waitForWebhook'] } } },
		{ ...DOWNLOAD_VIDEO_OPTION, displayOptions: { show: { '/waitMode': ['waitForCompletion', 'waitForWebhook'] } } },
		{
			displayName: 'Max Concurrent Jobs',
			name: 'maxConcurrentJobs',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 50 },
			default: 5,
			description: 'How many jobs of this run are submitted and awaited at the same time',
			displayOptions: { show: { '/waitMode': ['waitForCompletion', 'submitOnly'] } },
		},
		variantsProperties[3],
		...SPEND_OPTIONS,
	],
};

export const waitingProperties: INodeProperties[] = [waitModeProperty, ...limitProperties, optionsProperty];
