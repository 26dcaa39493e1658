/**
 * The keys the emulator accepts and the secrets it signs with. Fixed values, so a running CLI
 * emulator and the credentials a user typed into n8n survive restarts, and so fal's JWKS stays
 * the same key (clients cache it for up to a day).
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

export const EMULATOR_CREDENTIALS = {
	replicateToken: 'r8_emulatorToken0000000000000000000000',
	/** fal keys are `<key id>:<key secret>`. */
	falKey: 'emulator-key-id:emulator-key-secret',
	wavespeedKey: 'wsk_emulator_key_0000000000000000',
	klingAccessKey: 'emulator-access-key',
	klingSecretKey: 'emulator-secret-key',
	/** Standard Webhooks secret: `whsec_` + base64 of the HMAC key bytes. */
	replicateWebhookSecret: `whsec_${Buffer.from('emulator-replicate-webhook-key!!').toString('base64')}`,
	/** WaveSpeed uses the text after `whsec_` as the HMAC key as is (not base64-decoded). */
	wavespeedWebhookSecret: 'whsec_emulatorWavespeedWebhookSecret0001',
	falUserId: 'emulator-user',
} as const;

export type EmulatorCredentials = { readonly [K in keyof typeof EMULATOR_CREDENTIALS]: string };

/** Secrets used by `signedDelivery({ wrongSecret: true })`: well-formed, never published. */
export const WRONG_SECRETS = {
	replicateWebhookSecret: `whsec_${Buffer.from('not-the-replicate-webhook-key!!!').toString('base64')}`,
	wavespeedWebhookSecret: 'whsec_notTheWavespeedWebhookSecret00000',
} as const;

/** An Ed25519 private key from a fixed 32-byte seed (PKCS#8 DER prefix for Ed25519 + seed). */
function ed25519FromSeed(seedText: string): KeyObject {
	const seed = Buffer.alloc(32);
	seed.write(seedText);
	const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
	return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

export const FAL_SIGNING_KEY = ed25519FromSeed('emulator-fal-webhook-signing-key');
export const FAL_WRONG_SIGNING_KEY = ed25519FromSeed('an-unpublished-fal-signing-key!!');
export const FAL_KEY_ID = 'emulator-fal-key-1';

/** fal publishes its webhook keys as a JWKS of Ed25519 `OKP` keys (`x` is base64url). */
export function falJwks(): { keys: Record<string, string>[] } {
	const jwk = createPublicKey(FAL_SIGNING_KEY).export({ format: 'jwk' });
	return { keys: [{ kty: 'OKP', crv: 'Ed25519', x: String(jwk.x), kid: FAL_KEY_ID, use: 'sig', alg: 'EdDSA' }] };
}
