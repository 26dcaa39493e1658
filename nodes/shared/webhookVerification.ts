/**
 * Verifying a provider's delivery from inside n8n, for the action node's resume and the trigger
 * alike: the exact bytes received, and the account secret Replicate and WaveSpeed sign with —
 * pasted by the user, or fetched once with the credential and kept for an hour. A signature
 * that fails with a cached secret may follow a secret rotation, so the secret is fetched again
 * once (at most once a minute) before the delivery is rejected.
 */
import { createHash } from 'node:crypto';
import { CREDENTIAL_TYPES } from './credentials';
import type { CredentialSource } from './connect';
import { WebhookRejectedError } from './errors';
import { settle } from './http';
import type { GenerationOperation, Job, ProviderId } from './job';
import type { ProviderClient } from './providers/types';
import { requireBodySize } from './webhooks/common';

const SECRET_TTL_MS = 60 * 60_000;
const MIN_REFETCH_INTERVAL_MS = 60_000;
const secrets = new Map<string, { secret: string; fetchedAt: number }>();

export interface RawRequest {
	headers: Record<string, string | string[] | undefined>;
	body?: unknown;
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
}

/** The bytes as received: signatures are over them, never over re-serialised JSON. */
export async function readRawBody(request: RawRequest): Promise<Buffer> {
	if (!Buffer.isBuffer(request.rawBody) && typeof request.readRawBody === 'function') await request.readRawBody();
	if (Buffer.isBuffer(request.rawBody)) return request.rawBody;
	// No raw bytes kept (not n8n's HTTP server): a signature over re-serialised JSON rarely
	// matches, so signed providers reject it; Kling re-reads the task anyway.
	return Buffer.from(request.body === undefined ? '' : JSON.stringify(request.body));
}

async function cacheKey(context: CredentialSource, provider: ProviderId): Promise<string> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPES[provider]);
	// Keyed by a hash of the credential, never the credential itself.
	return createHash('sha256').update(`${provider}\0${JSON.stringify(credentials)}`).digest('hex');
}

async function accountSecret(client: ProviderClient, key: string, refresh: boolean): Promise<string> {
	const hit = secrets.get(key);
	const fresh = hit && Date.now() - hit.fetchedAt < (refresh ? MIN_REFETCH_INTERVAL_MS : SECRET_TTL_MS);
	if (hit && fresh) return hit.secret;
	const secret = await (client.fetchWebhookSecret as NonNullable<ProviderClient['fetchWebhookSecret']>)();
	secrets.set(key, { secret, fetchedAt: Date.now() });
	return secret;
}

/** Verifies a delivery the provider's way and returns the job it reports; throws WebhookRejectedError otherwise. */
export async function verifyDelivery(
	context: CredentialSource,
	client: ProviderClient,
	provider: ProviderId,
	request: RawRequest,
	options: { pastedSecret?: string; operation?: GenerationOperation | null } = {},
): Promise<Job> {
	const { pastedSecret, operation } = options;
	const rawBody = await readRawBody(request);
	const headers = request.headers;
	// Before any secret is fetched or any byte is parsed: no provider sends a video job's webhook this large.
	requireBodySize({ headers, rawBody });
	if (!client.fetchWebhookSecret || pastedSecret) {
		return await client.verifyWebhook({ headers, rawBody, secret: pastedSecret || undefined, operation });
	}
	const key = await cacheKey(context, provider);
	const first = await settle(client.verifyWebhook({ headers, rawBody, secret: await accountSecret(client, key, false), operation }));
	if (first.ok) return first.value;
	if (!(first.error instanceof WebhookRejectedError) || first.error.httpStatus !== 401) throw first.error;
	const before = secrets.get(key)?.secret;
	const rotated = await accountSecret(client, key, true);
	if (rotated === before) throw first.error;
	return await client.verifyWebhook({ headers, rawBody, secret: rotated, operation });
}
