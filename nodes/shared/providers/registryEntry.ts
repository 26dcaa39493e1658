/** What the registry knows of each provider besides its adapter: its n8n credential. */
import type { ProviderAdapter } from './types';

export interface ProviderEntry extends ProviderAdapter {
	/** The n8n credential type name. */
	credentialType: string;
	/** The provider as credential messages name it. */
	credentialLabel: string;
	/** The credential fields holding secrets, with the labels the user sees. */
	secretFields: ReadonlyArray<{ name: string; label: string }>;
}
