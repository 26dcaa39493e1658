import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { credentialDescriptions } from '../../shared/providerSelector';
import { operationOnProviderSubtitle } from '../../shared/subtitles';
import { ACTION_NODE_DESCRIPTION } from '../../shared/nodeTexts';
import { listVoices } from './methods/listVoices';
import { properties } from './properties';
import { route } from './router';
import { resumeFromWebhook } from './strategies/webhookResume';

/** The subtitle under the node on the canvas: what it does and where, in the panel's words. */
export const SUBTITLE = operationOnProviderSubtitle({ getJob: 'Get Job', cancelJob: 'Cancel Job' });

/** Version 2: the node as it is now, under the parameter names version 2 gave it. */
// webhook-lifecycle-complete asks for webhookMethods that register a webhook with a provider. This
// node's only webhook is n8n's own resume URL of a paused execution (restartWebhook), which n8n
// creates per execution; there is nothing to register, check or delete.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete
export class KlingVideoV2 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kling Video',
		name: 'klingVideo',
		// n8n resolves a version's icon next to the versioned node's file (KlingVideo.node.ts), where the icons are.
		// eslint-disable-next-line @n8n/community-nodes/icon-validation
		icon: { light: 'file:klingVideo.svg', dark: 'file:klingVideo.dark.svg' },
		group: ['transform'],
		version: 2,
		subtitle: SUBTITLE,
		description: ACTION_NODE_DESCRIPTION,
		defaults: { name: 'Kling Video' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialDescriptions(),
		// Wait for Webhook: the provider's callback resumes the paused execution through this webhook.
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '', restartWebhook: true }],
		properties,
	};

	methods = { loadOptions: { listVoices } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeFromWebhook(this);
	}
}
