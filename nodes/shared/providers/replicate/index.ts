/** Replicate's registry entry: the adapter and what the package's credential for it looks like. */
import type { ProviderEntry } from '../registryEntry';
import { replicateAdapter } from './adapter';

export const replicateProvider = {
	...replicateAdapter,
	credentialType: 'klingVideoReplicateApi',
	credentialLabel: 'Replicate',
	secretFields: [{ name: 'apiToken', label: 'API Token' }],
} as const satisfies ProviderEntry;
