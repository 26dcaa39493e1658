/**
 * The account webhook secret that Replicate and WaveSpeed sign with, fetched once with the
 * credential and kept in memory for an hour: a batch's callbacks must not each cost a request.
 */
import { createHash } from 'node:crypto';
import type { IWebhookFunctions } from 'n8n-workflow';
import type { ProviderId } from '../../shared/job';
import type { ProviderClient } from '../../shared/providers/types';
import { CREDENTIAL_TYPES } from '../../shared/credentials';

const TTL_MS = 60 * 60_000;
const cache = new Map<string, { secret: string; fetchedAt: number }>();

export async function webhookSecretFor(
	client: ProviderClient,
	provider: ProviderId,
	context: IWebhookFunctions,
	pasted?: string,
): Promise<string | undefined> {
	if (pasted) return pasted;
	if (!client.fetchWebhookSecret) return undefined;
	const credentials = await context.getCredentials(CREDENTIAL_TYPES[provider]);
	// Keyed by a hash of the credential, never the credential itself.
	const key = createHash('sha256').update(`${provider}\0${JSON.stringify(credentials)}`).digest('hex');
	const hit = cache.get(key);
	if (hit && Date.now() - hit.fetchedAt < TTL_MS) return hit.secret;
	const secret = await client.fetchWebhookSecret();
	cache.set(key, { secret, fetchedAt: Date.now() });
	return secret;
}
