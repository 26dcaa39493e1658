/**
 * The generation parameters, one unified set for every provider. Which provider shows which
 * field is read from the adapters' capability tables, never written by hand: a field a provider
 * does not offer is hidden for it, so nothing is silently dropped.
 */
import type { INodeProperties } from 'n8n-workflow';
import { ASPECT_RATIOS, DEFAULTS, GENERATION_OPERATIONS, PROVIDER_IDS, type GenerationOperation, type ProviderId } from '../../shared/job';
import { PROVIDERS } from '../../shared/providers';
import type { RequestField } from '../../shared/providers/types';
import { MEDIA_FIELDS, mediaProperties } from './media';

type FieldProperty = Omit<INodeProperties, 'displayOptions'>;

// The lint rules want defaults as plain values, so the seed defaults are unpacked here once.
const {
	duration: DEFAULT_DURATION,
	aspectRatio: DEFAULT_ASPECT_RATIO,
	cfgScale: DEFAULT_CFG_SCALE,
	quality: DEFAULT_QUALITY,
	characterOrientation: DEFAULT_CHARACTER_ORIENTATION,
} = DEFAULTS;

const providerNegativePrompt = (provider: ProviderId) => PROVIDERS[provider].capabilities.defaultNegativePrompt ?? '';

const ASPECT_RATIO_OPTIONS = ASPECT_RATIOS.map((ratio) => ({
	name: { '16:9': '16:9 (Landscape)', '9:16': '9:16 (Portrait)', '1:1': '1:1 (Square)' }[ratio],
	value: ratio,
}));

/** Scalar fields; media fields are built in media.ts. */
const SCALAR_FIELDS: Partial<Record<RequestField, (operation: GenerationOperation, provider: ProviderId) => FieldProperty>> = {
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
		default: providerNegativePrompt(provider),
		description: 'What the video should avoid',
	}),
	duration: () => ({
		displayName: 'Duration',
		name: 'duration',
		type: 'options',
		options: [
			{ name: '5 Seconds', value: 5 },
			{ name: '10 Seconds', value: 10 },
		],
		default: DEFAULT_DURATION,
		description: 'Length of the generated video',
	}),
	aspectRatio: () => ({
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'options',
		options: ASPECT_RATIO_OPTIONS,
		default: DEFAULT_ASPECT_RATIO,
		description: 'Frame shape of the video. To make several shapes from one item, use the option Aspect Ratio Variants.',
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
	quality: (operation) => ({
		displayName: 'Mode',
		name: 'quality',
		type: 'options',
		options: [
			{ name: 'Pro', value: 'pro', description: 'Higher quality' },
			{ name: 'Standard', value: 'std', description: 'Faster and cheaper' },
		],
		default: DEFAULT_QUALITY,
		description: operation === 'motionControl' ? 'Model tier for motion control' : 'Model tier',
	}),
	voiceIds: () => ({
		displayName: 'Voice IDs',
		name: 'voiceIds',
		type: 'string',
		default: '',
		placeholder: 'e.g. 829834573021, 829834573022',
		description:
			'Up to two voice IDs (from Create Voice), separated by commas. Refer to them in the prompt as &lt;&lt;&lt;voice_1&gt;&gt;&gt; and &lt;&lt;&lt;voice_2&gt;&gt;&gt;. Needs Generate Audio on.',
	}),
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

/** Providers offering `field` for `operation`, grouped by identical property definition. */
function providerGroups(field: RequestField, operation: GenerationOperation) {
	const groups = new Map<string, { property: FieldProperty; providers: ProviderId[] }>();
	for (const provider of PROVIDER_IDS) {
		if (!PROVIDERS[provider].capabilities.operations[operation]?.includes(field)) continue;
		const property = SCALAR_FIELDS[field]?.(operation, provider);
		if (!property) continue;
		const key = JSON.stringify(property);
		const group = groups.get(key) ?? { property, providers: [] };
		group.providers.push(provider);
		groups.set(key, group);
	}
	return [...groups.values()];
}

/** Every field of every generation operation, each shown exactly for the providers that offer it. */
export function generationFieldProperties(): INodeProperties[] {
	const properties: INodeProperties[] = [];
	for (const operation of GENERATION_OPERATIONS) {
		const fieldOrder = new Set<RequestField>();
		for (const provider of PROVIDER_IDS) {
			for (const field of PROVIDERS[provider].capabilities.operations[operation] ?? []) fieldOrder.add(field);
		}
		for (const field of FIELD_ORDER.filter((candidate) => fieldOrder.has(candidate))) {
			if (MEDIA_FIELDS.includes(field)) {
				const providers = PROVIDER_IDS.filter((provider) =>
					PROVIDERS[provider].capabilities.operations[operation]?.includes(field),
				);
				properties.push(...mediaProperties(field, operation, providers));
				continue;
			}
			for (const { property, providers } of providerGroups(field, operation)) {
				properties.push({ ...property, displayOptions: { show: { provider: providers, operation: [operation] } } });
			}
		}
	}
	return properties;
}

/** The order fields appear in the panel: what to make first, then how. */
const FIELD_ORDER: RequestField[] = [
	'prompt',
	'startImage',
	'endImage',
	'image',
	'video',
	'voiceUrl',
	'characterOrientation',
	'keepOriginalSound',
	'duration',
	'aspectRatio',
	'generateAudio',
	'quality',
	'negativePrompt',
	'cfgScale',
	'voiceIds',
];
