/**
 * The provider connection a webhook delivery is checked with, kept per node credential for a
 * minute, so a stream of deliveries does not have n8n read and decrypt the credential for each
 * one (40–70 ms per read in n8n 2.41 under load, against 1–6 ms for the check itself).
 *
 * A kept connection can only ever make a delivery pass by proving it genuine: a signature made
 * with the account's secret, or the provider's own answer about the task. Whatever it refuses,
 * and any error it meets, is decided again with the credential as n8n gives it now. So an edited
 * credential takes effect at once for a delivery the old one refuses, and within `KEEP_MS` for
 * the rest (genuine deliveries of jobs the old credential's account ran).
 */
import { createHash } from 'node:crypto';
import type { ICredentialDataDecryptedObject, INode } from 'n8n-workflow';
import { httpClient, type CredentialSource } from './connect';
import { CREDENTIAL_TYPES, toProviderCredentials } from './credentials';
import { settle } from './http';
import type { ProviderId } from './job';
import { getProvider } from './providers';
import type { ProviderClient } from './providers/types';

/** How long a connection is used without reading the credential again. */
export const KEEP_MS = 60_000;

export interface DeliveryConnection {
	readonly client: ProviderClient;
	/** A hash of the decrypted credential: tells an edited credential apart without keeping it readable. */
	readonly fingerprint: string;
}

/** A webhook context: it can read the node's credential and name the credential's id. */
export interface DeliveryContext extends CredentialSource {
	getNode(): INode;
}

const kept = new Map<string, DeliveryConnection & { readAt: number }>();

function keyOf(context: DeliveryContext, provider: ProviderId): string | undefined {
	const id = context.getNode().credentials?.[CREDENTIAL_TYPES[provider]]?.id;
	return id ? `${provider}:${id}` : undefined;
}

function keptConnection(key: string | undefined): DeliveryConnection | undefined {
	const entry = key === undefined ? undefined : kept.get(key);
	return entry && Date.now() - entry.readAt < KEEP_MS ? entry : undefined;
}

async function freshConnection(context: DeliveryContext, provider: ProviderId, key: string | undefined): Promise<DeliveryConnection> {
	const data = await context.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPES[provider]);
	const fingerprint = createHash('sha256').update(`${provider}\0${JSON.stringify(data)}`).digest('hex');
	const previous = key === undefined ? undefined : kept.get(key);
	// The same credential as before keeps its client, and with it the client's caches (fal's JWKS).
	const client =
		previous?.fingerprint === fingerprint ? previous.client : getProvider(provider).connect(toProviderCredentials(provider, data), httpClient());
	if (key !== undefined) kept.set(key, { client, fingerprint, readAt: Date.now() });
	return { client, fingerprint };
}

/**
 * Runs `check` with the connection kept for the node's credential; when there is none, or the
 * check fails and the credential has changed since, with one made from the credential now.
 */
export async function checkWithConnection<T>(
	context: DeliveryContext,
	provider: ProviderId,
	check: (connection: DeliveryConnection) => Promise<T>,
): Promise<T> {
	const key = keyOf(context, provider);
	const current = keptConnection(key);
	if (!current) return await check(await freshConnection(context, provider, key));
	const first = await settle(check(current));
	if (first.ok) return first.value;
	const fresh = await freshConnection(context, provider, key);
	// The same credential already decided: its answer stands.
	if (fresh.fingerprint === current.fingerprint) throw first.error;
	return await check(fresh);
}

/** Forgets every kept connection (tests that count credential reads start from none). */
export function forgetDeliveryConnections(): void {
	kept.clear();
}
