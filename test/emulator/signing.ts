/**
 * How each provider signs a webhook, written from the providers' documentation and nothing
 * else: the package's verifier is tested against this, so the two must not share code.
 */
import { createHash, createHmac, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { ProviderName } from './types';

export interface SignInput {
	/** Message id (`webhook-id`); fal uses the request id instead. */
	messageId: string;
	/** Unix seconds. */
	timestamp: number;
	body: string;
}

/** The HMAC-SHA256 scheme both Replicate and WaveSpeed use, over `${id}.${timestamp}.${body}`. */
function hmacHeaders(key: Buffer, input: SignInput, encoding: 'base64' | 'hex', version: string): Record<string, string> {
	const digest = createHmac('sha256', key).update(`${input.messageId}.${input.timestamp}.${input.body}`).digest(encoding);
	return {
		'webhook-id': input.messageId,
		'webhook-timestamp': String(input.timestamp),
		'webhook-signature': `${version},${digest}`,
	};
}

/** Replicate (Standard Webhooks): keyed with the base64-decoded part after `whsec_`, base64 digest, `v1,`. */
export function standardWebhooksHeaders(secret: string, input: SignInput): Record<string, string> {
	return hmacHeaders(Buffer.from(secret.slice(secret.indexOf('_') + 1), 'base64'), input, 'base64', 'v1');
}

/**
 * WaveSpeed: keyed with the secret minus `whsec_` taken as UTF-8 text (not base64-decoded), hex
 * digest, `v3,`.
 */
export function wavespeedHeaders(secret: string, input: SignInput): Record<string, string> {
	const key = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
	return hmacHeaders(Buffer.from(key, 'utf8'), input, 'hex', 'v3');
}

/**
 * fal: Ed25519 over `request_id \n user_id \n timestamp \n sha256hex(body)`, hex signature; the
 * public key is published in the JWKS.
 */
export function falHeaders(
	privateKey: KeyObject,
	userId: string,
	input: SignInput,
): Record<string, string> {
	const bodyHash = createHash('sha256').update(input.body).digest('hex');
	const message = [input.messageId, userId, String(input.timestamp), bodyHash].join('\n');
	const signature = sign(null, Buffer.from(message, 'utf8'), privateKey).toString('hex');
	return {
		'x-fal-webhook-request-id': input.messageId,
		'x-fal-webhook-user-id': userId,
		'x-fal-webhook-timestamp': String(input.timestamp),
		'x-fal-webhook-signature': signature,
	};
}

/** Standard Webhooks message ids look like `msg_<random>`. */
export const newMessageId = () => `msg_${randomBytes(12).toString('base64url')}`;

export const unixSeconds = (date: Date = new Date()) => Math.floor(date.getTime() / 1000);

/** The secrets an account signs its webhooks with (see `EmulatorCredentials`). */
export interface SigningAccount {
	replicateWebhookSecret: string;
	wavespeedWebhookSecret: string;
	falUserId: string;
}

/**
 * The headers that sign `input.body` the way `provider` does for `account` (fal with
 * `falKey`, and `input.messageId` as its request id); Kling signs nothing.
 */
export function signatureHeaders(provider: ProviderName, account: SigningAccount, falKey: KeyObject, input: SignInput): Record<string, string> {
	switch (provider) {
		case 'replicate':
			return standardWebhooksHeaders(account.replicateWebhookSecret, input);
		case 'wavespeed':
			return wavespeedHeaders(account.wavespeedWebhookSecret, input);
		case 'fal':
			return falHeaders(falKey, account.falUserId, input);
		case 'kling':
			return {};
	}
}
