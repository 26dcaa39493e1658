/**
 * From an n8n node's credential to a provider client. One HTTP client serves the whole n8n
 * process: its keep-alive pools are shared by every execution and trigger, so a schedule that
 * polls many jobs reuses connections instead of opening one per request.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { CREDENTIAL_TYPES, toProviderCredentials } from './credentials';
import { HttpClient } from './http';
import type { ProviderId } from './job';
import { getProvider } from './providers';
import type { ProviderClient } from './providers/types';

let sharedHttp: HttpClient | undefined;

export function httpClient(): HttpClient {
	sharedHttp ??= new HttpClient();
	return sharedHttp;
}

/** Any n8n context that can read the node's credentials (execute, webhook, hook, poll). */
export interface CredentialSource {
	getCredentials<T extends object = ICredentialDataDecryptedObject>(type: string): Promise<T>;
}

export async function connectProvider(context: CredentialSource, provider: ProviderId): Promise<ProviderClient> {
	const data = await context.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPES[provider]);
	return getProvider(provider).connect(toProviderCredentials(provider, data), httpClient());
}
