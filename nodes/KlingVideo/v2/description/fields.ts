/**
 * The generation parameters, one unified set for every provider. Which provider and model shows
 * which field is read from the providers' model tables, never written by hand: a field a model
 * does not take is hidden for it, so nothing is silently dropped.
 */
import type { INodeProperties } from 'n8n-workflow';
import { ASPECT_RATIOS, DEFAULTS, GENERATION_OPERATIONS, PROVIDER_IDS, type GenerationOperation, type ProviderId } from '../../../shared/job';
import { MODE_LABELS } from '../../../shared/labels';
import { PROVIDERS } from '../../../shared/providers';
import { DEFAULT_MODEL, MODEL_LABELS } from '../../../shared/providers/models';
import { modesOf, type OperationRow } from '../../../shared/providers/table';
import type { RequestField } from '../../../shared/providers/types';
import { MEDIA_FIELDS, mediaProperties } from './media';
import { anchorProperties, leftoverProperties } from './leftovers';
import { asksModel, modelsOffered, offersOf, showConditions, type Offer } from './offers';

type FieldProperty = Omit<INodeProperties, 'displayOptions'>;

// The lint rules want defaults as plain values, so the seed defaults are unpacked here once.
const {
	duration: DEFAULT_DURATION,
	aspectRatio: DEFAULT_ASPECT_RATIO,
	cfgScale: DEFAULT_CFG_SCALE,
	mode: DEFAULT_MODE,
	characterOrientation: DEFAULT_CHARACTER_ORIENTATION,
} = DEFAULTS;

const providerNegativePrompt = (provider: ProviderId) => PROVIDERS[provider].capabilities.defaultNegativePrompt ?? '';

const ASPECT_RATIO_OPTIONS = ASPECT_RATIOS.map((ratio) => ({
	name: { '16:9': '16:9 (Landscape)', '9:16': '9:16 (Portrait)', '1:1': '1:1 (Square)' }[ratio],
	value: ratio,
}));

/** Scalar fields; media fields are built in media.ts. */
const SCALAR_FIELDS: Partial<Record<RequestField, (operation: GenerationOperation, provider: ProviderId, row: OperationRow) => FieldProperty>> = {
	prompt: (operation) => ({
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: operation !== 'motionControl',
		placeholder: 'e.g. A slow dolly shot of a ceramic mug on a sunlit kitchen table, steam rising',
		description:
			operation === 'motionControl'
				? 'Optional description of the scene; the motion comes from the reference video'
				: 'What the video should show. Put quoted speech in the prompt to have it spoken when audio is on.',
	}),
	negativePrompt: (_operation, provider) => ({
		displayName: 'Negative Prompt',
		name: 'negativePrompt',
		type: 'string',
		// The one default that differs by provider: where a provider has its own, the field starts with it and says so.
		default: providerNegativePrompt(provider),
		description: providerNegativePrompt(provider)
			? `What the video should avoid. Starts with ${PROVIDERS[provider].displayName}'s own default, which it also applies when this is empty.`
			: 'What the video should avoid',
	}),
	duration: (_operation, _provider, row) => ({
		displayName: 'Duration',
		name: 'duration',
		type: 'options',
		options: (row.durations?.values ?? [5, 10]).map((seconds) => ({ name: `${seconds} Seconds`, value: seconds })),
		default: DEFAULT_DURATION,
		description: 'Length of the generated video',
	}),
	aspectRatio: () => ({
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'options',
		options: ASPECT_RATIO_OPTIONS,
		default: DEFAULT_ASPECT_RATIO,
		description: 'Frame shape of the video. Aspect Ratio Variants (under Options), when set, win over this field: one video per chosen shape.',
	}),
	generateAudio: () => ({
		displayName: 'Generate Audio',
		name: 'generateAudio',
		type: 'boolean',
		default: true, // DEFAULTS.generateAudio: the lint rule wants a boolean literal
		description: 'Whether to generate native audio (speech, effects, ambience) with the video; audio doubles the price',
	}),
	cfgScale: () => ({
		displayName: 'CFG Scale',
		name: 'cfgScale',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		default: DEFAULT_CFG_SCALE,
		description: 'How closely the video follows the prompt (0 to 1)',
	}),
	mode: (operation, _provider, row) => ({
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		options: modesOf(row).map((mode) => ({
			name: MODE_LABELS[mode],
			value: mode,
			description: mode === 'pro' ? 'Higher quality' : 'Faster and cheaper',
		})),
		default: DEFAULT_MODE,
		description: operation === 'motionControl' ? 'Model tier for motion control' : 'Model tier',
	}),
	voiceName: () => ({
		displayName: 'Voice Name',
		name: 'voiceName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Narrator',
		description: 'A name for the new voice, up to 20 characters',
	}),
	voiceIds: (_operation, provider) =>
		PROVIDERS[provider].capabilities.listsVoices
			? {
					// The account's voices and the provider's presets, picked from a list.
					displayName: 'Voice Names or IDs',
					name: 'voiceIds',
					type: 'multiOptions',
					typeOptions: { loadOptionsMethod: 'listVoices' },
					default: [],
					description:
						'Up to two voices; refer to them in the prompt as &lt;&lt;&lt;voice_1&gt;&gt;&gt; and &lt;&lt;&lt;voice_2&gt;&gt;&gt;. Needs Generate Audio on. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
				}
			: {
					displayName: 'Voice IDs',
					name: 'voiceIds',
					type: 'string',
					default: '',
					placeholder: 'e.g. 829834573021, 829834573022',
					description:
						'Up to two voice IDs (from Create Voice), separated by commas. Refer to them in the prompt as &lt;&lt;&lt;voice_1&gt;&gt;&gt; and &lt;&lt;&lt;voice_2&gt;&gt;&gt;. Needs Generate Audio on.',
				},
	characterOrientation: () => ({
		displayName: 'Character Orientation',
		name: 'characterOrientation',
		type: 'options',
		options: [
			{ name: 'Follow the Image', value: 'image', description: 'Reference video up to 10 s' },
			{ name: 'Follow the Video', value: 'video', description: 'Reference video up to 30 s' },
		],
		default: DEFAULT_CHARACTER_ORIENTATION,
		description: 'Whether the character keeps the orientation of the image or of the reference video',
	}),
	keepOriginalSound: () => ({
		displayName: 'Keep Original Sound',
		name: 'keepOriginalSound',
		type: 'boolean',
		default: true, // DEFAULTS.keepOriginalSound: the lint rule wants a boolean literal
		description: "Whether to keep the reference video's sound in the result",
	}),
};

/** The offers of a field, grouped by identical property definition. */
function propertyGroups(field: RequestField, operation: GenerationOperation) {
	const groups = new Map<string, { property: FieldProperty; offers: Offer[] }>();
	for (const offer of offersOf(operation, field)) {
		const property = SCALAR_FIELDS[field]?.(operation, offer.provider, offer.row);
		if (!property) continue;
		const key = JSON.stringify(property);
		const group = groups.get(key) ?? { property, offers: [] };
		group.offers.push(offer);
		groups.set(key, group);
	}
	return [...groups.values()];
}

/** The Model selector of each operation, for the providers that host more than one model for it. */
function modelProperties(operation: GenerationOperation): INodeProperties[] {
	const byOptions = new Map<string, ProviderId[]>();
	for (const provider of PROVIDER_IDS.filter((id) => asksModel(id, operation))) {
		const key = modelsOffered(provider, operation).join(',');
		byOptions.set(key, [...(byOptions.get(key) ?? []), provider]);
	}
	return [...byOptions.entries()].map(([models, providers]) => ({
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: models.split(',').map((model) => ({ name: MODEL_LABELS[model as keyof typeof MODEL_LABELS], value: model })),
		default: DEFAULT_MODEL,
		description: 'Which Kling model generates the video',
		displayOptions: { show: { provider: providers, operation: [operation] } },
	}));
}

/** The fields of one generation operation, each shown exactly for the providers and models that take it. */
export function operationFieldProperties(operation: GenerationOperation): INodeProperties[] {
	const properties: INodeProperties[] = [...modelProperties(operation)];
	for (const field of FIELD_ORDER) {
		if (MEDIA_FIELDS.includes(field)) {
			for (const show of showConditions(operation, offersOf(operation, field))) properties.push(...mediaProperties(field, show));
			continue;
		}
		for (const { property, offers } of propertyGroups(field, operation)) {
			for (const show of showConditions(operation, offers)) properties.push({ ...property, displayOptions: { show } });
		}
	}
	return properties;
}

/**
 * The operations' fields as the panel declares them: the anchors first, then every operation's
 * fields in operation order, then the "(Not Used Here)" copies that keep left-behind values visible.
 */
export function assembleGenerationFields(operationFields: INodeProperties[]): INodeProperties[] {
	const leftovers = GENERATION_OPERATIONS.flatMap((operation) => leftoverProperties(operation, FIELD_ORDER, operationFields));
	return [...anchorProperties(FIELD_ORDER, operationFields), ...operationFields, ...leftovers];
}

/** Every field of every generation operation. */
export const generationFieldProperties = (): INodeProperties[] =>
	assembleGenerationFields(GENERATION_OPERATIONS.flatMap((operation) => operationFieldProperties(operation)));

/**
 * The order fields appear in the panel: the mode first (some fields exist only in one mode, and
 * n8n resolves display rules in the order parameters are declared), then what to make, then how.
 */
const FIELD_ORDER: RequestField[] = [
	'mode',
	'prompt',
	'startImage',
	'endImage',
	'image',
	'video',
	'voiceUrl',
	'voiceName',
	'characterOrientation',
	'keepOriginalSound',
	'duration',
	'aspectRatio',
	'generateAudio',
	'negativePrompt',
	'cfgScale',
	'voiceIds',
];
