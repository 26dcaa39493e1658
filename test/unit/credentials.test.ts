import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INode,
	INodeTypes,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { KlingVideoFalApi } from '../../credentials/KlingVideoFalApi.credentials';
import { KlingVideoKlingApi } from '../../credentials/KlingVideoKlingApi.credentials';
import { KlingVideoReplicateApi } from '../../credentials/KlingVideoReplicateApi.credentials';
import { KlingVideoWavespeedApi } from '../../credentials/KlingVideoWavespeedApi.credentials';
import {
	CREDENTIAL_TYPES,
	CredentialFieldError,
	KLING_REGIONS,
	providerOfCredentialType,
	toProviderCredentials,
} from '../../nodes/shared/credentials';
import type { ProviderId } from '../../nodes/shared/job';
import { PROVIDER_IDS } from '../../nodes/shared/job';
import { falUrls } from '../../nodes/shared/providers/fal/adapter';
import { KLING_HOSTS } from '../../nodes/shared/providers/kling/adapter';
import { REPLICATE_DEFAULT_BASE_URL } from '../../nodes/shared/providers/replicate/adapter';
import { WAVESPEED_DEFAULT_BASE_URL } from '../../nodes/shared/providers/wavespeed/adapter';
import {
	KLING_JWT_LIFETIME_SECONDS,
	KLING_JWT_NOT_BEFORE_SKEW_SECONDS,
} from '../../nodes/shared/providers/kling/jwt';
import { emulatorBaseUrl } from '../support/emulatorCredentials';

const ROOT = resolve(__dirname, '../..');

const CLASSES: Record<ProviderId, ICredentialType> = {
	replicate: new KlingVideoReplicateApi(),
	fal: new KlingVideoFalApi(),
	wavespeed: new KlingVideoWavespeedApi(),
	kling: new KlingVideoKlingApi(),
};

/** The secret fields each credential must mask. */
const SECRET_FIELDS: Record<ProviderId, string[]> = {
	replicate: ['apiToken'],
	fal: ['apiKey'],
	wavespeed: ['apiKey'],
	kling: ['secretKey'],
};

/** Complete credential data as n8n hands it over after applying defaults. */
const FILLED: Record<ProviderId, ICredentialDataDecryptedObject> = {
	replicate: { apiToken: 'r8_token', useCustomBaseUrl: false, baseUrl: '' },
	fal: { apiKey: 'key-id:key-secret', useCustomBaseUrl: false, baseUrl: '' },
	wavespeed: { apiKey: 'ws-key', useCustomBaseUrl: false, baseUrl: '' },
	kling: {
		accessKey: 'ak-123',
		secretKey: 'sk-456',
		region: 'singapore',
		useCustomBaseUrl: false,
		baseUrl: '',
	},
};

// n8n's own expression engine (the one that resolves a credential test's `baseURL` and a
// generic `authenticate`), fed `$credentials` the way RoutingNode and CredentialsHelper do.
const expressionNode: INode = {
	id: 'credential-test',
	name: 'Credential Test',
	type: 'n8n-nodes-base.noOp',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const noNodeTypes = {
	getByName: () => ({ description: { properties: [] } }),
	getByNameAndVersion: () => ({ description: { properties: [] } }),
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;
const workflow = new Workflow({
	nodes: [expressionNode],
	connections: {},
	active: false,
	nodeTypes: noNodeTypes,
});
const evaluate = (value: string, credentials: ICredentialDataDecryptedObject): unknown =>
	workflow.expression.getSimpleParameterValue(expressionNode, value, 'internal', {
		$credentials: credentials,
	});

/** The URL a credential test would call, as n8n resolves and joins it. */
function testUrl(provider: ProviderId, credentials: ICredentialDataDecryptedObject): string {
	const { request } = CLASSES[provider].test!;
	const baseURL = String(evaluate(request.baseURL!, credentials));
	const url = new URL(baseURL.replace(/\/+$/, '') + request.url);
	for (const [key, value] of Object.entries(request.qs ?? {})) {
		url.searchParams.set(key, String(value));
	}
	return url.toString();
}

describe('credential type names', () => {
	it('maps every provider to its credential class', () => {
		expect(Object.keys(CREDENTIAL_TYPES).sort()).toEqual([...PROVIDER_IDS].sort());
		for (const provider of PROVIDER_IDS) {
			expect(CLASSES[provider].name).toBe(CREDENTIAL_TYPES[provider]);
			expect(providerOfCredentialType(CREDENTIAL_TYPES[provider])).toBe(provider);
		}
		expect(providerOfCredentialType('httpHeaderAuth')).toBeUndefined();
	});

	it('registers every credential file in package.json, as n8n loads it', () => {
		const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
			n8n: { credentials: string[] };
		};
		const expected = PROVIDER_IDS.map((provider) => {
			const className = CLASSES[provider].constructor.name;
			// n8n derives the class name from the file name (`<Class>.credentials.js`).
			expect(existsSync(join(ROOT, 'credentials', `${className}.credentials.ts`))).toBe(true);
			return `dist/credentials/${className}.credentials.js`;
		});
		expect([...pkg.n8n.credentials].sort()).toEqual(expected.sort());
	});
});

describe.each(PROVIDER_IDS)('the %s credential type', (provider) => {
	const credential = CLASSES[provider];
	const property = (name: string) => credential.properties.find((p) => p.name === name);

	it('masks its secrets', () => {
		for (const name of SECRET_FIELDS[provider]) {
			expect(property(name)).toMatchObject({ type: 'string', typeOptions: { password: true } });
		}
	});

	it('has an off-by-default custom base URL shown only when the toggle is on', () => {
		expect(property('useCustomBaseUrl')).toMatchObject({ type: 'boolean', default: false });
		expect(property('baseUrl')).toMatchObject({
			type: 'string',
			displayOptions: { show: { useCustomBaseUrl: [true] } },
		});
	});

	it('has documentation and light and dark icons that exist', () => {
		expect(credential.documentationUrl).toMatch(/^https:\/\//);
		const icon = credential.icon as { light: string; dark: string };
		expect(icon.light).not.toBe(icon.dark);
		for (const file of [icon.light, icon.dark]) {
			expect(file).toMatch(/^file:.+\.svg$/);
			expect(existsSync(join(ROOT, 'credentials', file.replace(/^file:/, '')))).toBe(true);
		}
	});

	it('has a free GET credential test', () => {
		expect(credential.test?.request.method).toBe('GET');
	});

	it('turns filled data into ProviderCredentials without a base URL while the toggle is off', () => {
		const result = toProviderCredentials(provider, {
			...FILLED[provider],
			baseUrl: 'http://ignored.example',
		});
		expect(result.baseUrl).toBeUndefined();
		if (provider === 'kling') {
			expect(result).toEqual({ accessKey: 'ak-123', secretKey: 'sk-456', region: 'singapore' });
		} else {
			expect(result).toEqual({ apiKey: FILLED[provider][SECRET_FIELDS[provider][0]] });
		}
	});

	it('passes the custom base URL, trailing slashes trimmed, when the toggle is on', () => {
		const result = toProviderCredentials(provider, {
			...FILLED[provider],
			useCustomBaseUrl: true,
			baseUrl: ' http://127.0.0.1:4010/some/path// ',
		});
		expect(result.baseUrl).toBe('http://127.0.0.1:4010/some/path');
	});

	it('names the Base URL field when the toggle is on but the URL is empty or not http(s)', () => {
		for (const baseUrl of ['', '   ', 'not a url', 'ftp://proxy.example']) {
			const call = () =>
				toProviderCredentials(provider, { ...FILLED[provider], useCustomBaseUrl: true, baseUrl });
			expect(call).toThrow(CredentialFieldError);
			expect(call).toThrow(/"Base URL"/);
		}
	});

	it.each(provider === 'kling' ? ['accessKey', 'secretKey'] : SECRET_FIELDS[provider])(
		'names the %s field when it is empty',
		(field) => {
			for (const empty of [undefined, '', '   ']) {
				const data = { ...FILLED[provider] };
				if (empty === undefined) delete data[field];
				else data[field] = empty;
				let caught: unknown;
				try {
					toProviderCredentials(provider, data);
				} catch (error) {
					caught = error;
				}
				expect(caught).toBeInstanceOf(CredentialFieldError);
				const error = caught as CredentialFieldError;
				expect(error.field).toBe(field);
				expect(error.credentialType).toBe(CREDENTIAL_TYPES[provider]);
				const label = property(field)!.displayName;
				expect(error.message).toContain(`"${label}"`);
				expect(error.message).toContain('empty');
			}
		},
	);

	it('fails clearly when there is no credential data at all', () => {
		expect(() => toProviderCredentials(provider, undefined)).toThrow(CredentialFieldError);
	});
});

describe('Kling region', () => {
	it('defaults to Singapore and accepts Beijing', () => {
		const { region: _region, ...withoutRegion } = FILLED.kling;
		expect(toProviderCredentials('kling', withoutRegion).region).toBe('singapore');
		expect(toProviderCredentials('kling', { ...FILLED.kling, region: 'beijing' }).region).toBe(
			'beijing',
		);
	});

	it('rejects an unknown region naming the field', () => {
		expect(() => toProviderCredentials('kling', { ...FILLED.kling, region: 'mars' })).toThrow(
			/"Region".*singapore, beijing/,
		);
	});

	it('offers exactly the regions the shared map knows', () => {
		const region = CLASSES.kling.properties.find((p) => p.name === 'region')!;
		expect(region.default).toBe('singapore');
		const offered = (region.options as Array<{ value: string }>).map((o) => o.value).sort();
		expect(offered).toEqual([...KLING_REGIONS].sort());
		expect(offered).toEqual(Object.keys(KLING_HOSTS).sort());
	});
});

describe('emulator base URLs', () => {
	it('gives each credential its emulator base URL', () => {
		const origin = 'http://127.0.0.1:4010/';
		expect(emulatorBaseUrl('replicate', origin)).toBe('http://127.0.0.1:4010/replicate/v1');
		expect(emulatorBaseUrl('wavespeed', origin)).toBe('http://127.0.0.1:4010/wavespeed/api/v3');
		expect(emulatorBaseUrl('kling', origin)).toBe('http://127.0.0.1:4010/kling');
		expect(emulatorBaseUrl('fal', origin)).toBe('http://127.0.0.1:4010');
	});
});

describe('credential test requests, resolved by n8n’s expression engine', () => {
	it('call the providers’ free endpoints by default', () => {
		expect(testUrl('replicate', FILLED.replicate)).toBe('https://api.replicate.com/v1/account');
		expect(testUrl('fal', FILLED.fal)).toBe('https://api.fal.ai/v1/models?limit=1');
		expect(testUrl('wavespeed', FILLED.wavespeed)).toBe('https://api.wavespeed.ai/api/v3/balance');
		expect(testUrl('kling', FILLED.kling)).toBe(
			'https://api-singapore.klingai.com/v1/videos/text2video?pageNum=1&pageSize=1',
		);
		expect(testUrl('kling', { ...FILLED.kling, region: 'beijing' })).toBe(
			'https://api-beijing.klingai.com/v1/videos/text2video?pageNum=1&pageSize=1',
		);
	});

	it('agree with the hosts the adapters use, by default and under a custom base URL', () => {
		expect(testUrl('replicate', FILLED.replicate)).toBe(`${REPLICATE_DEFAULT_BASE_URL}/account`);
		expect(testUrl('wavespeed', FILLED.wavespeed)).toBe(`${WAVESPEED_DEFAULT_BASE_URL}/balance`);
		expect(testUrl('fal', FILLED.fal)).toBe(`${falUrls(undefined).api}/v1/models?limit=1`);
		const root = 'http://proxy.example:8080/prefix';
		expect(testUrl('fal', { ...FILLED.fal, useCustomBaseUrl: true, baseUrl: root })).toBe(
			`${falUrls(root).api}/v1/models?limit=1`,
		);
		for (const [region, host] of Object.entries(KLING_HOSTS)) {
			expect(testUrl('kling', { ...FILLED.kling, region })).toBe(
				`${host}/v1/videos/text2video?pageNum=1&pageSize=1`,
			);
		}
	});

	it('follow the custom base URL conventions (the emulator’s, with a trailing slash)', () => {
		const custom = (provider: ProviderId) =>
			testUrl(provider, {
				...FILLED[provider],
				useCustomBaseUrl: true,
				baseUrl: `${emulatorBaseUrl(provider, 'http://127.0.0.1:4010')}/`,
			});
		expect(custom('replicate')).toBe('http://127.0.0.1:4010/replicate/v1/account');
		expect(custom('fal')).toBe('http://127.0.0.1:4010/fal-api/v1/models?limit=1');
		expect(custom('wavespeed')).toBe('http://127.0.0.1:4010/wavespeed/api/v3/balance');
		expect(custom('kling')).toBe(
			'http://127.0.0.1:4010/kling/v1/videos/text2video?pageNum=1&pageSize=1',
		);
	});
});

describe('generic authenticate (Replicate, fal, WaveSpeed)', () => {
	it.each([
		['replicate', 'Bearer r8_token'],
		['fal', 'Key key-id:key-secret'],
		['wavespeed', 'Bearer ws-key'],
	] as Array<[ProviderId, string]>)('%s sends Authorization: %s', (provider, expected) => {
		const authenticate = CLASSES[provider].authenticate as IAuthenticateGeneric;
		expect(authenticate.type).toBe('generic');
		const headers = authenticate.properties.headers as Record<string, string>;
		expect(Object.keys(headers)).toEqual(['Authorization']);
		expect(evaluate(headers.Authorization, FILLED[provider])).toBe(expected);
	});
});

describe('Kling authenticate (a function, as n8n’s CredentialsHelper calls it)', () => {
	const credential = new KlingVideoKlingApi();
	const decode = (part: string) =>
		JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

	afterEach(() => jest.useRealTimers());

	it('adds a verifiable HS256 JWT in the Authorization header', async () => {
		jest.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') });
		const request: IHttpRequestOptions = {
			url: '/v1/videos/text2video',
			method: 'GET',
			headers: { 'X-Trace': 'abc', authorization: 'Bearer stale' },
		};

		const result = await credential.authenticate(FILLED.kling, request);

		const authorization = result.headers?.Authorization as string;
		expect(authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
		const [header, payload, signature] = authorization.slice('Bearer '.length).split('.');
		const expectedSignature = createHmac('sha256', 'sk-456')
			.update(`${header}.${payload}`)
			.digest('base64url');
		expect(signature).toBe(expectedSignature);
		expect(decode(header)).toEqual({ alg: 'HS256', typ: 'JWT' });
		const now = Math.floor(Date.parse('2026-03-01T12:00:00Z') / 1000);
		expect(decode(payload)).toEqual({
			iss: 'ak-123',
			exp: now + KLING_JWT_LIFETIME_SECONDS,
			nbf: now - KLING_JWT_NOT_BEFORE_SKEW_SECONDS,
		});

		// Other headers survive; a stale authorization header of any casing is replaced.
		expect(result.headers).toEqual({ 'X-Trace': 'abc', Authorization: authorization });
		expect(result.url).toBe('/v1/videos/text2video');
		// The caller's options are not mutated.
		expect(request.headers).toEqual({ 'X-Trace': 'abc', authorization: 'Bearer stale' });
	});

	it('signs a fresh token for every request', async () => {
		jest.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') });
		const first = await credential.authenticate(FILLED.kling, { url: '/a' });
		jest.setSystemTime(new Date('2026-03-01T12:20:00Z'));
		const second = await credential.authenticate(FILLED.kling, { url: '/a' });
		expect(second.headers?.Authorization).not.toBe(first.headers?.Authorization);
	});

	it('refuses to sign without a secret key, naming the field', async () => {
		await expect(
			credential.authenticate({ ...FILLED.kling, secretKey: '' }, { url: '/a' }),
		).rejects.toThrow(/"Secret Key"/);
	});
});
