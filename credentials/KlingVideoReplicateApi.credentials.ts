import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';
import { customBaseUrlProperties } from './customBaseUrl';

/**
 * Replicate account token for the Kling Video nodes. The custom base URL replaces
 * `https://api.replicate.com/v1` as a whole (a company proxy, or the emulator's
 * `http://127.0.0.1:4010/replicate/v1`).
 */
export class KlingVideoReplicateApi implements ICredentialType {
	name = 'klingVideoReplicateApi';

	displayName = 'Kling Video: Replicate API';

	icon: Icon = { light: 'file:klingVideo.svg', dark: 'file:klingVideo.dark.svg' };

	documentationUrl = 'https://replicate.com/account/api-tokens';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'A Replicate API token (starts with r8_), from replicate.com under Account → API tokens',
		},
		...customBaseUrlProperties({
			instead: 'https://api.replicate.com/v1',
			placeholder: 'e.g. http://127.0.0.1:4010/replicate/v1',
			description: 'Replaces https://api.replicate.com/v1, including the /v1 path',
		}),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiToken}}',
			},
		},
	};

	// GET /v1/account: free, and fails with 401 on a bad token.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.useCustomBaseUrl && $credentials.baseUrl ? $credentials.baseUrl.replace(/\\/+$/, "") : "https://api.replicate.com/v1" }}',
			url: '/account',
			method: 'GET',
		},
	};
}
