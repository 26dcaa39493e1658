/**
 * The provider registry: one line per provider. The nodes look providers up here by id and never
 * import an adapter directly; a new provider is one folder beside these plus one line here.
 */
import type { GenerationOperation, ProviderId } from '../job';
import { DEFAULT_MODEL, type ModelId } from './models';
import { offeredFields, rowOf, type ProviderTable } from './table';
import type { RequestField } from './types';
import { falProvider } from './fal';
import { klingProvider } from './kling';
import { replicateProvider } from './replicate';
import { wavespeedProvider } from './wavespeed';

export const PROVIDERS = {
	replicate: replicateProvider,
	fal: falProvider,
	wavespeed: wavespeedProvider,
	kling: klingProvider,
} as const satisfies Record<ProviderId, unknown>;

export type ProviderEntryOf<Id extends ProviderId> = (typeof PROVIDERS)[Id];

export function getProvider(id: string): (typeof PROVIDERS)[ProviderId] {
	const entry = (PROVIDERS as Record<string, (typeof PROVIDERS)[ProviderId] | undefined>)[id];
	if (!entry) throw new Error(`Unknown provider "${id}"; expected one of ${Object.keys(PROVIDERS).join(', ')}`);
	return entry;
}

/** A provider's model table, named for messages. */
export const tableOf = (id: ProviderId): ProviderTable => ({ provider: id, displayName: PROVIDERS[id].displayName, models: PROVIDERS[id].models });

/** The unified fields a provider takes for an operation with a model (Kling v2.6 unless said), or undefined where it offers none. */
export function fieldsOffered(id: ProviderId, operation: GenerationOperation, model: ModelId = DEFAULT_MODEL): RequestField[] | undefined {
	const row = rowOf(PROVIDERS[id].models, model, operation);
	return row ? offeredFields(row) : undefined;
}

export type { ProviderAdapter, ProviderClient } from './types';
