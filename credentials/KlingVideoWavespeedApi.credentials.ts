import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';
import { customBaseUrlProperties } from './customBaseUrl';

/**
 * WaveSpeed key for the Kling Video nodes. The custom base URL replaces
 * `https://api.wavespeed.ai/api/v3` as a whole (a company proxy, or the emulator's
 * `http://127.0.0.1:4010/wavespeed/api/v3`).
 */
export class KlingVideoWavespeedApi implements ICredentialType {
	name = 'klingVideoWavespeedApi';

	displayName = 'Kling Video: WaveSpeed API';

	icon: Icon = { light: 'file:klingVideo.svg', dark: 'file:klingVideo.dark.svg' };

	documentationUrl = 'https://wavespeed.ai/docs/api-authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'A WaveSpeed API key, from wavespeed.ai under API Keys (keys work after the first top-up)',
		},
		...customBaseUrlProperties({
			instead: 'https://api.wavespeed.ai/api/v3',
			placeholder: 'e.g. http://127.0.0.1:4010/wavespeed/api/v3',
			description: 'Replaces https://api.wavespeed.ai/api/v3, including the /api/v3 path',
		}),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// GET /api/v3/balance: free, and fails with 401 on a bad key.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.useCustomBaseUrl && $credentials.baseUrl ? $credentials.baseUrl.replace(/\\/+$/, "") : "https://api.wavespeed.ai/api/v3" }}',
			url: '/balance',
			method: 'GET',
		},
	};
}
