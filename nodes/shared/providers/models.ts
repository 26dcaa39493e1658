/**
 * The Kling models a user can pick. Each provider's model table says which of them it hosts for
 * which operation; the node offers only those. Kling v2.6 is the default, so every saved
 * workflow (which has no Model parameter) keeps running on the model it was made for.
 */
export const MODEL_IDS = ['kling-v2.6', 'kling-v3'] as const;
export type ModelId = (typeof MODEL_IDS)[number];

export const DEFAULT_MODEL: ModelId = 'kling-v2.6';

export const MODEL_LABELS: Record<ModelId, string> = {
	'kling-v2.6': 'Kling v2.6',
	'kling-v3': 'Kling v3',
};

export const isModelId = (value: unknown): value is ModelId => (MODEL_IDS as readonly unknown[]).includes(value);
