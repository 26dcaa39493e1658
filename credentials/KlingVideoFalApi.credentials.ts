import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';
import { customBaseUrlProperties } from './customBaseUrl';

/**
 * fal.ai key for the Kling Video nodes. fal spreads its API over three hosts, so the custom
 * base URL is a ROOT under which each host has a path prefix: `<root>/fal-queue` stands for
 * https://queue.fal.run, `<root>/fal-api` for https://api.fal.ai and `<root>/fal-rest` for
 * https://rest.fal.ai (the emulator's root is `http://127.0.0.1:4010`). The fal adapter
 * resolves them (`falUrls()` in nodes/shared/providers/fal.ts).
 */
export class KlingVideoFalApi implements ICredentialType {
	name = 'klingVideoFalApi';

	displayName = 'Kling Video: fal.ai API';

	icon: Icon = { light: 'file:klingVideo.svg', dark: 'file:klingVideo.dark.svg' };

	documentationUrl = 'https://fal.ai/dashboard/keys';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'A fal.ai API key (key ID and secret joined by a colon), from fal.ai under Dashboard → Keys',
		},
		...customBaseUrlProperties({
			instead: 'fal.ai’s own hosts',
			placeholder: 'e.g. http://127.0.0.1:4010',
			description: 'Root URL under which /fal-queue stands for queue.fal.run, /fal-api for api.fal.ai and /fal-rest for rest.fal.ai',
		}),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Key {{$credentials.apiKey}}',
			},
		},
	};

	// GET https://api.fal.ai/v1/models?limit=1: free; a key that is sent but not valid is refused.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.useCustomBaseUrl && $credentials.baseUrl ? $credentials.baseUrl.replace(/\\/+$/, "") + "/fal-api/v1" : "https://api.fal.ai/v1" }}',
			url: '/models',
			method: 'GET',
			qs: { limit: 1 },
		},
	};
}
