/**
 * One HTTP client for the whole n8n process: its keep-alive pools are shared by every execution,
 * so a schedule that polls many jobs reuses connections instead of opening one per request.
 */
import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { CREDENTIAL_TYPES, toProviderCredentials } from '../../shared/credentials';
import { HttpClient } from '../../shared/http';
import type { ProviderId } from '../../shared/job';
import { getProvider } from '../../shared/providers';
import type { ProviderClient } from '../../shared/providers/types';

let sharedHttp: HttpClient | undefined;

export function httpClient(): HttpClient {
	sharedHttp ??= new HttpClient();
	return sharedHttp;
}

export async function connectProvider(
	context: IExecuteFunctions | IWebhookFunctions,
	provider: ProviderId,
): Promise<ProviderClient> {
	const data = await context.getCredentials(CREDENTIAL_TYPES[provider]);
	return getProvider(provider).connect(toProviderCredentials(provider, data), httpClient());
}
