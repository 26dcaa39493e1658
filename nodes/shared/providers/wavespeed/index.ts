/** WaveSpeed's registry entry: the adapter and what the package's credential for it looks like. */
import type { ProviderEntry } from '../registryEntry';
import { wavespeedAdapter } from './adapter';

export const wavespeedProvider = {
	...wavespeedAdapter,
	credentialType: 'klingVideoWavespeedApi',
	credentialLabel: 'WaveSpeed',
	secretFields: [{ name: 'apiKey', label: 'API Key' }],
	/** The credential's Base URL replaces `https://api.wavespeed.ai/api/v3`. */
	emulatorBaseUrl: (origin) => `${origin}/wavespeed/api/v3`,
} as const satisfies ProviderEntry;
