/**
 * The one place that knows how the package's n8n credential types map onto providers and onto
 * the adapters' `ProviderCredentials`. The credential classes in credentials/ describe the
 * fields; the nodes call `toProviderCredentials()` with what `this.getCredentials()` returned.
 *
 * Base URL conventions (the "Use Custom Base URL" toggle of each credential):
 * - replicate: replaces `https://api.replicate.com/v1`
 * - wavespeed: replaces `https://api.wavespeed.ai/api/v3`
 * - kling: replaces the regional host, without `/v1`
 * - fal: a ROOT under which each fal host has a path prefix (`/fal-queue` = queue.fal.run,
 *   `/fal-api` = api.fal.ai, `/fal-rest` = rest.fal.ai).
 * The adapters own the URLs themselves (providers/<id>/); this module only passes `baseUrl` on.
 *
 * No n8n runtime import here: only types, so the adapters and their tests stay n8n-free.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { ProviderId } from './job';
import { PROVIDERS } from './providers';
import type { ProviderCredentials } from './providers/types';

/** n8n credential type name per provider. */
export const CREDENTIAL_TYPES = {
	replicate: PROVIDERS.replicate.credentialType,
	fal: PROVIDERS.fal.credentialType,
	wavespeed: PROVIDERS.wavespeed.credentialType,
	kling: PROVIDERS.kling.credentialType,
} as const satisfies Record<ProviderId, string>;

export type CredentialTypeName = (typeof CREDENTIAL_TYPES)[ProviderId];

/** The provider a credential type belongs to, or undefined for a type of another package. */
export function providerOfCredentialType(credentialType: string): ProviderId | undefined {
	const entry = (Object.entries(CREDENTIAL_TYPES) as Array<[ProviderId, string]>).find(
		([, name]) => name === credentialType,
	);
	return entry?.[0];
}

export type KlingRegion = NonNullable<ProviderCredentials['region']>;

/** The Region options of the Kling credential (the hosts themselves live in the Kling adapter). */
export const KLING_REGIONS = ['singapore', 'beijing'] as const satisfies readonly KlingRegion[];

export const DEFAULT_KLING_REGION: KlingRegion = 'singapore';

/** A credential field that must be filled is empty, or holds a value the package cannot use. */
export class CredentialFieldError extends Error {
	readonly credentialType: string;
	/** The field's internal name (`apiToken`, `secretKey`, …). */
	readonly field: string;

	constructor(credentialType: string, field: string, message: string) {
		super(message);
		this.name = 'CredentialFieldError';
		this.credentialType = credentialType;
		this.field = field;
	}
}

const SECRET_FIELDS = {
	replicate: PROVIDERS.replicate.secretFields,
	fal: PROVIDERS.fal.secretFields,
	wavespeed: PROVIDERS.wavespeed.secretFields,
	kling: PROVIDERS.kling.secretFields,
};

const PROVIDER_LABELS = (provider: ProviderId) => PROVIDERS[provider].credentialLabel;

/**
 * Turns the decrypted n8n credential data into what an adapter's `connect()` takes.
 * Throws `CredentialFieldError` naming the field when a required secret is empty, when the
 * custom base URL is on but empty or not an http(s) URL, or when the Kling region is unknown.
 */
export function toProviderCredentials(
	provider: ProviderId,
	data: ICredentialDataDecryptedObject | undefined,
): ProviderCredentials {
	const credentialType = CREDENTIAL_TYPES[provider];
	const values = data ?? {};

	const required = (field: { name: string; label: string }): string => {
		const value = asText(values[field.name]);
		if (!value) {
			throw new CredentialFieldError(
				credentialType,
				field.name,
				`The "${field.label}" field of the ${PROVIDER_LABELS(provider)} credential (${credentialType}) is empty: fill it in the credential.`,
			);
		}
		return value;
	};

	const result: ProviderCredentials = {};
	if (provider === 'kling') {
		const [access, secret] = SECRET_FIELDS.kling;
		result.accessKey = required(access);
		result.secretKey = required(secret);
		result.region = klingRegion(values.region, credentialType);
	} else {
		result.apiKey = required(SECRET_FIELDS[provider][0]);
	}

	const baseUrl = customBaseUrl(values, credentialType, provider);
	if (baseUrl !== undefined) result.baseUrl = baseUrl;
	return result;
}

function klingRegion(value: unknown, credentialType: string): KlingRegion {
	const region = asText(value);
	if (!region) return DEFAULT_KLING_REGION;
	if ((KLING_REGIONS as readonly string[]).includes(region)) return region as KlingRegion;
	throw new CredentialFieldError(
		credentialType,
		'region',
		`The "Region" field of the Kling credential (${credentialType}) is "${region}"; it must be one of: ${KLING_REGIONS.join(', ')}.`,
	);
}

function customBaseUrl(
	values: ICredentialDataDecryptedObject,
	credentialType: string,
	provider: ProviderId,
): string | undefined {
	if (!isOn(values.useCustomBaseUrl)) return undefined;
	const raw = asText(values.baseUrl);
	const label = `The "Base URL" field of the ${PROVIDER_LABELS(provider)} credential (${credentialType})`;
	if (!raw) {
		throw new CredentialFieldError(
			credentialType,
			'baseUrl',
			`${label} is empty while "Use Custom Base URL" is on: fill it or turn the option off.`,
		);
	}
	if (!URL.canParse(raw)) {
		throw new CredentialFieldError(credentialType, 'baseUrl', `${label} is not a URL: "${raw}".`);
	}
	const { protocol } = new URL(raw);
	if (protocol !== 'http:' && protocol !== 'https:') {
		throw new CredentialFieldError(
			credentialType,
			'baseUrl',
			`${label} must start with http:// or https://, got "${raw}".`,
		);
	}
	return trimTrailingSlashes(raw);
}

/** n8n stores booleans as booleans, but a credential filled by an expression may hold a string. */
function isOn(value: unknown): boolean {
	return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

function asText(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return '';
}

function trimTrailingSlashes(url: string): string {
	return url.trim().replace(/\/+$/, '');
}
