/** WaveSpeed's registry entry: the adapter and what the package's credential for it looks like. */
import type { ProviderEntry } from '../registryEntry';
import { wavespeedAdapter } from './adapter';

export const wavespeedProvider = {
	...wavespeedAdapter,
	credentialType: 'klingVideoWavespeedApi',
	credentialLabel: 'WaveSpeed',
	secretFields: [{ name: 'apiKey', label: 'API Key' }],
} as const satisfies ProviderEntry;
