import type { INodeProperties } from 'n8n-workflow';

/**
 * The switch and field every Kling Video credential has for sending its requests elsewhere than
 * the provider's own host: a company proxy, or the local provider emulator. The node code reads
 * them in one place (nodes/shared/credentials.ts).
 */
export function customBaseUrlProperties(target: { instead: string; placeholder: string; description: string }): INodeProperties[] {
	return [
		{
			displayName: 'Use Custom Base URL',
			name: 'useCustomBaseUrl',
			type: 'boolean',
			default: false,
			description: `Whether to send requests to a proxy or a local emulator instead of ${target.instead}`,
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: '',
			placeholder: target.placeholder,
			description: target.description,
			displayOptions: { show: { useCustomBaseUrl: [true] } },
		},
	];
}
