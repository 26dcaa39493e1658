/** Kling's registry entry: the adapter and what the package's credential for it looks like. */
import type { ProviderEntry } from '../registryEntry';
import { klingAdapter } from './adapter';

export const klingProvider = {
	...klingAdapter,
	credentialType: 'klingVideoKlingApi',
	credentialLabel: 'Kling',
	secretFields: [
		{ name: 'accessKey', label: 'Access Key' },
		{ name: 'secretKey', label: 'Secret Key' },
	],
} as const satisfies ProviderEntry;
