/**
 * What every adapter declares, as one table per provider: its provider-level capabilities (the
 * models are the model table, not capabilities), the operations its table offers and the
 * models per operation. What each table says field by field stays in <provider>-mapping.test.ts.
 */
import type { GenerationOperation, ProviderId } from '../../nodes/shared/job';
import { falAdapter, falCapabilities } from '../../nodes/shared/providers/fal/adapter';
import { FAL_MODELS } from '../../nodes/shared/providers/fal/models';
import { klingAdapter, klingCapabilities } from '../../nodes/shared/providers/kling/adapter';
import { KLING_MODELS } from '../../nodes/shared/providers/kling/models';
import type { ModelId } from '../../nodes/shared/providers/models';
import { replicateAdapter, replicateCapabilities } from '../../nodes/shared/providers/replicate/adapter';
import { REPLICATE_MODELS } from '../../nodes/shared/providers/replicate/models';
import { modelsOf, operationsOf, type ModelTable } from '../../nodes/shared/providers/table';
import type { ProviderAdapter } from '../../nodes/shared/providers/types';
import { wavespeedAdapter, wavespeedCapabilities } from '../../nodes/shared/providers/wavespeed/adapter';
import { WAVESPEED_MODELS } from '../../nodes/shared/providers/wavespeed/models';
import { sorted } from './mappingHelpers';

interface DeclaredCase {
	provider: ProviderId;
	adapter: ProviderAdapter;
	actual: object;
	capabilities: Record<string, unknown>;
	table: ModelTable;
	/** The operations the table offers, sorted, and the models per operation (checked when given). */
	operations?: string[];
	models?: Partial<Record<GenerationOperation, ModelId[]>>;
}

const BOTH: ModelId[] = ['kling-v2.6', 'kling-v3'];

const CASES: DeclaredCase[] = [
	{
		provider: 'replicate',
		adapter: replicateAdapter,
		actual: replicateCapabilities,
		capabilities: { longPoll: null, webhookScheme: 'standardWebhooks', outputRetentionSeconds: 3600, idempotentSubmit: false, cancel: true, listsVoices: false },
		table: REPLICATE_MODELS,
		operations: ['imageToVideo', 'motionControl', 'textToVideo'],
		models: { textToVideo: BOTH, imageToVideo: BOTH, motionControl: ['kling-v2.6'], createVoice: [] },
	},
	{
		provider: 'fal',
		adapter: falAdapter,
		actual: falCapabilities,
		capabilities: {
			defaultNegativePrompt: 'blur, distort, and low quality',
			longPoll: 'statusStream',
			webhookScheme: 'ed25519Jwks',
			outputRetentionSeconds: 604800,
			idempotentSubmit: false,
			cancel: true,
			listsVoices: false,
		},
		table: FAL_MODELS,
		operations: ['createVoice', 'imageToVideo', 'motionControl', 'textToVideo'],
		models: { textToVideo: BOTH, motionControl: BOTH, createVoice: ['kling-v2.6'] },
	},
	{
		provider: 'wavespeed',
		adapter: wavespeedAdapter,
		actual: wavespeedCapabilities,
		capabilities: { longPoll: null, webhookScheme: 'wavespeedHmacHex', outputRetentionSeconds: 7 * 24 * 3600, idempotentSubmit: false, cancel: false, listsVoices: false },
		table: WAVESPEED_MODELS,
		operations: ['createVoice', 'imageToVideo', 'motionControl', 'textToVideo'],
		models: { textToVideo: BOTH, imageToVideo: BOTH, motionControl: BOTH, createVoice: ['kling-v2.6'] },
	},
	{
		provider: 'kling',
		adapter: klingAdapter,
		actual: klingCapabilities,
		capabilities: { longPoll: null, webhookScheme: 'unsignedRefetch', outputRetentionSeconds: 2592000, idempotentSubmit: true, cancel: false, listsVoices: true },
		table: KLING_MODELS,
	},
];

describe.each(CASES)('$provider declares', (c) => {
	it('only provider-level facts in the capabilities; the models are the table', () => {
		expect(c.actual).toEqual(c.capabilities);
		expect((c.actual as { defaultNegativePrompt?: string }).defaultNegativePrompt).toBe(c.capabilities.defaultNegativePrompt);
		expect(c.adapter.models).toBe(c.table);
	});
});

describe.each(CASES.filter((c) => c.operations))('$provider model table', (c) => {
	it('offers its operations, each with its models', () => {
		expect(sorted(operationsOf(c.table))).toEqual(c.operations);
		for (const [operation, models] of Object.entries(c.models ?? {}) as Array<[GenerationOperation, ModelId[]]>) {
			expect([operation, modelsOf(c.table, operation)]).toEqual([operation, models]);
		}
	});
});
