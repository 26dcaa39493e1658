import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { ACTION_NODE_DESCRIPTION } from '../../shared/nodeTexts';
import { credentialDescriptions } from '../../shared/providerSelector';
import { SUBTITLE } from '../v2/KlingVideoV2.node';
import { listVoices } from '../v2/methods/listVoices';
import { properties } from '../v2/properties';
import { route } from '../v2/router';
import { resumeFromWebhook } from '../v2/strategies/webhookResume';
import { readingSavedNames, withSavedNames } from './savedNames';

/**
 * Version 1: version 2's node under the parameter names version 1 saved (savedNames.ts), so a
 * workflow made with it runs as it always did.
 */
// webhook-lifecycle-complete: as in version 2, the only webhook is n8n's own resume URL.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete
export class KlingVideoV1 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kling Video',
		name: 'klingVideo',
		// n8n resolves a version's icon next to the versioned node's file (KlingVideo.node.ts), where the icons are.
		// eslint-disable-next-line @n8n/community-nodes/icon-validation
		icon: { light: 'file:klingVideo.svg', dark: 'file:klingVideo.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: SUBTITLE,
		description: ACTION_NODE_DESCRIPTION,
		defaults: { name: 'Kling Video' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialDescriptions(),
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '', restartWebhook: true }],
		properties: withSavedNames(properties),
	};

	methods = { loadOptions: { listVoices } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route(readingSavedNames(this));
	}

	// The resume reads only `provider` and `options`, which both versions call the same.
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeFromWebhook(this);
	}
}
