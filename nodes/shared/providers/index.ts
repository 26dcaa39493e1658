/** The provider registry: the nodes look adapters up here by id and never import one directly. */
import type { ProviderId } from '../job';
import { falAdapter } from './fal';
import { klingAdapter } from './kling';
import { replicateAdapter } from './replicate';
import type { ProviderAdapter } from './types';
import { wavespeedAdapter } from './wavespeed';

export const PROVIDERS: Record<ProviderId, ProviderAdapter> = {
	replicate: replicateAdapter,
	fal: falAdapter,
	wavespeed: wavespeedAdapter,
	kling: klingAdapter,
};

export function getProvider(id: string): ProviderAdapter {
	const adapter = (PROVIDERS as Record<string, ProviderAdapter | undefined>)[id];
	if (!adapter) throw new Error(`Unknown provider "${id}"; expected one of ${Object.keys(PROVIDERS).join(', ')}`);
	return adapter;
}

export type { ProviderAdapter, ProviderClient } from './types';
