/**
 * The Provider selector and the credential it asks for, the same in all three nodes: each
 * provider needs its own credential, shown only when that provider is chosen.
 */
import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';
import { CREDENTIAL_TYPES } from './credentials';
import { PROVIDER_IDS } from './job';
import { PROVIDERS } from './providers';

export const providerProperty: INodeProperties = {
	displayName: 'Provider',
	name: 'provider',
	type: 'options',
	noDataExpression: true,
	options: PROVIDER_IDS.map((id) => ({ name: PROVIDERS[id].displayName, value: id })),
	default: 'replicate',
	description: 'Which host runs Kling. Each needs its own credential.',
};

export function credentialDescriptions(): INodeCredentialDescription[] {
	return PROVIDER_IDS.map((provider) => ({
		name: CREDENTIAL_TYPES[provider],
		required: true,
		displayOptions: { show: { provider: [provider] } },
	}));
}
