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
	/** The credential's Base URL replaces the regional host, without `/v1`. */
	emulatorBaseUrl: (origin) => `${origin}/kling`,
} as const satisfies ProviderEntry;
