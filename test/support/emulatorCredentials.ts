/**
 * The one place that makes n8n credential data pointing a provider's credential at the
 * provider emulator (test/emulator): its keys and the Base URL override. Tests, scripts and the
 * bench import it; the build (tsconfig.build.json) does not, and nothing in nodes/ knows the
 * emulator.
 *
 * Works for an emulator in this process (`startEmulator()` gives `url` and `credentials`) and for
 * one in another process (`GET /_emulator/credentials` gives the keys; `url` is its origin).
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { CREDENTIAL_TYPES } from '../../nodes/shared/credentials';
import { PROVIDER_IDS, type ProviderId } from '../../nodes/shared/job';
import { emulatorBaseUrls, type EmulatorBaseUrls } from '../emulator/baseUrls';
import type { EmulatorCredentials } from '../emulator/credentials';

/** The keys an emulator accepts, as `Emulator.credentials` and its control API hand them out. */
export type EmulatorKeys = Pick<EmulatorCredentials, 'replicateToken' | 'falKey' | 'wavespeedKey' | 'klingAccessKey' | 'klingSecretKey'>;

/** What the helper needs of an emulator: its origin and the keys it accepts. */
export interface EmulatorAccess {
	/** `http://127.0.0.1:PORT` */
	url: string;
	credentials: EmulatorKeys;
}

/** Which of the emulator's base URLs a provider's credential takes as its Base URL. */
const BASE_URL_OF: Record<ProviderId, keyof EmulatorBaseUrls> = {
	replicate: 'replicate',
	fal: 'falRoot',
	wavespeed: 'wavespeed',
	kling: 'kling',
};

/** The Base URL that points `provider`'s credential at the emulator listening on `origin`. */
export function emulatorBaseUrl(provider: ProviderId, origin: string): string {
	return emulatorBaseUrls(origin)[BASE_URL_OF[provider]];
}

function secretsOf(provider: ProviderId, keys: EmulatorKeys): ICredentialDataDecryptedObject {
	switch (provider) {
		case 'replicate':
			return { apiToken: keys.replicateToken };
		case 'fal':
			return { apiKey: keys.falKey };
		case 'wavespeed':
			return { apiKey: keys.wavespeedKey };
		case 'kling':
			return { accessKey: keys.klingAccessKey, secretKey: keys.klingSecretKey, region: 'singapore' };
	}
}

/** What `provider`'s n8n credential holds when pointed at the emulator. */
export function emulatorCredentialData(provider: ProviderId, emulator: EmulatorAccess): ICredentialDataDecryptedObject {
	return { ...secretsOf(provider, emulator.credentials), useCustomBaseUrl: true, baseUrl: emulatorBaseUrl(provider, emulator.url) };
}

/** The credential data of every provider, by n8n credential type name (what the harness's `credentials` takes). */
export function emulatorCredentialsByType(
	emulator: EmulatorAccess,
	providers: readonly ProviderId[] = PROVIDER_IDS,
): Record<string, ICredentialDataDecryptedObject> {
	return Object.fromEntries(providers.map((provider) => [CREDENTIAL_TYPES[provider], emulatorCredentialData(provider, emulator)]));
}
