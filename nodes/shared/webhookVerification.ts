/**
 * Verifying a provider's delivery from inside n8n, for the action node's resume and the trigger
 * alike: the exact bytes received, and the account secret Replicate and WaveSpeed sign with —
 * pasted by the user, or fetched once with the credential and kept for an hour. A signature
 * that fails with a cached secret may follow a secret rotation, so the secret is fetched again
 * once (at most once a minute) before the delivery is rejected.
 */
import { checkWithConnection, type DeliveryConnection, type DeliveryContext } from './deliveryConnections';
import { WebhookRejectedError } from './errors';
import { settle } from './http';
import type { GenerationOperation, Job, ProviderId } from './job';
import type { ProviderClient, WebhookDelivery } from './providers/types';
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

async function accountSecret(client: ProviderClient, key: string, refresh: boolean): Promise<string> {
	const hit = secrets.get(key);
	const fresh = hit && Date.now() - hit.fetchedAt < (refresh ? MIN_REFETCH_INTERVAL_MS : SECRET_TTL_MS);
	if (hit && fresh) return hit.secret;
	const secret = await (client.fetchWebhookSecret as NonNullable<ProviderClient['fetchWebhookSecret']>)();
	secrets.set(key, { secret, fetchedAt: Date.now() });
	return secret;
}

/**
 * Verifies a delivery the provider's way and returns the job it reports; throws
 * WebhookRejectedError otherwise. The connection comes from `checkWithConnection`, so a stream of
 * deliveries reads the node's credential about once a minute.
 */
export async function verifyDelivery(
	context: DeliveryContext,
	provider: ProviderId,
	request: RawRequest,
	options: { pastedSecret?: string; operation?: GenerationOperation | null } = {},
): Promise<Job> {
	const rawBody = await readRawBody(request);
	const delivery = { headers: request.headers, rawBody, operation: options.operation };
	// Before any secret is fetched or any byte is parsed: no provider sends a video job's webhook this large.
	requireBodySize(delivery);
	return await checkWithConnection(context, provider, (connection) => verifyWith(connection, delivery, options.pastedSecret));
}

async function verifyWith(connection: DeliveryConnection, delivery: WebhookDelivery, pastedSecret: string | undefined): Promise<Job> {
	const { client, fingerprint } = connection;
	if (!client.fetchWebhookSecret || pastedSecret) return await client.verifyWebhook({ ...delivery, secret: pastedSecret || undefined });
	// The secret is kept under the credential's fingerprint, so an edited credential fetches its own.
	const first = await settle(client.verifyWebhook({ ...delivery, secret: await accountSecret(client, fingerprint, false) }));
	if (first.ok) return first.value;
	if (!(first.error instanceof WebhookRejectedError) || first.error.httpStatus !== 401) throw first.error;
	const before = secrets.get(fingerprint)?.secret;
	const rotated = await accountSecret(client, fingerprint, true);
	if (rotated === before) throw first.error;
	return await client.verifyWebhook({ ...delivery, secret: rotated });
}
