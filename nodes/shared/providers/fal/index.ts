/** fal.ai's registry entry: the adapter and what the package's credential for it looks like. */
import type { ProviderEntry } from '../registryEntry';
import { falAdapter } from './adapter';

export const falProvider = {
	...falAdapter,
	credentialType: 'klingVideoFalApi',
	credentialLabel: 'fal.ai',
	secretFields: [{ name: 'apiKey', label: 'API Key' }],
} as const satisfies ProviderEntry;
