import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';
import { customBaseUrlProperties } from './customBaseUrl';

import { toProviderCredentials } from '../nodes/shared/credentials';
import { signKlingJwt } from '../nodes/shared/providers/kling/jwt';

/**
 * Kling's own API (Kuaishou). The user stores the access key and secret key; every request
 * carries a fresh HS256 JWT signed from them, so there is no token to paste or refresh.
 *
 * `authenticate` is a function, which n8n 2.x supports on every path that authenticates a
 * request with a credential, the credential test included:
 * - packages/cli/src/credentials-helper.ts, `CredentialsHelper.authenticate()`: when
 *   `typeof credentialType.authenticate === 'function'` it returns
 *   `await credentialType.authenticate(credentials, requestOptions)`; only the object
 *   (generic) form needs a workflow and node to resolve expressions.
 * - packages/cli/src/services/credentials-tester.service.ts: a `test` request runs through
 *   n8n-core's `RoutingNode`, whose requests go through `httpRequestWithAuthentication()`
 *   (n8n-core .../request-helpers/authentication.ts), which calls that same
 *   `credentialsHelper.authenticate()`.
 * - n8n-core's DirectoryLoader serialises a function-valued `authenticate` as `{}` for the
 *   editor (`toJSON`), so loading the package is unaffected.
 * (Read in n8n's source for 2.x and in the installed n8n-core 2.41.1.)
 *
 * The custom base URL replaces the regional host (without `/v1`): a company proxy, or the
 * emulator's `http://127.0.0.1:4010/kling`.
 */
export class KlingVideoKlingApi implements ICredentialType {
	name = 'klingVideoKlingApi';

	displayName = 'Kling Video: Kling API';

	icon: Icon = { light: 'file:klingVideo.svg', dark: 'file:klingVideo.dark.svg' };

	documentationUrl = 'https://app.klingai.com/global/dev';

	properties: INodeProperties[] = [
		{
			// An identifier (the JWT's `iss`), not a secret: shown in clear like an AWS access key ID.
			displayName: 'Access Key',
			name: 'accessKey',
			type: 'string',
			required: true,
			default: '',
			description: 'The access key of a Kling API key pair, from the Kling developer console',
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The secret key of the same pair; it signs a short-lived token for every request',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				{
					name: 'Singapore (International)',
					value: 'singapore',
					description: 'https://api-singapore.klingai.com',
				},
				{
					name: 'Beijing (China)',
					value: 'beijing',
					description: 'https://api-beijing.klingai.com',
				},
			],
			default: 'singapore',
			description: 'The Kling API host the key pair belongs to',
		},
		...customBaseUrlProperties({
			instead: 'the regional Kling host',
			placeholder: 'e.g. http://127.0.0.1:4010/kling',
			description: 'Replaces the regional host (such as https://api-singapore.klingai.com), without /v1',
		}),
	];

	/** Adds `Authorization: Bearer <JWT>`, signed now, valid 30 minutes, to each request. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const { accessKey, secretKey } = toProviderCredentials('kling', credentials);
		// Drop an Authorization header of any casing, so the request never carries two.
		const headers = Object.fromEntries(
			Object.entries(requestOptions.headers ?? {}).filter(
				([name]) => name.toLowerCase() !== 'authorization',
			),
		);
		headers.Authorization = `Bearer ${signKlingJwt(accessKey as string, secretKey as string)}`;
		return { ...requestOptions, headers };
	}

	// Listing one text-to-video task is free; a bad key pair fails with 401 (codes 1000-1004).
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.useCustomBaseUrl && $credentials.baseUrl ? $credentials.baseUrl.replace(/\\/+$/, "") : ($credentials.region === "beijing" ? "https://api-beijing.klingai.com" : "https://api-singapore.klingai.com") }}',
			url: '/v1/videos/text2video',
			method: 'GET',
			qs: { pageNum: 1, pageSize: 1 },
		},
	};
}
