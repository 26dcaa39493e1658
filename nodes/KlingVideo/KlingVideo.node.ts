import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import type { GenerationOperation, ProviderId } from '../shared/job';
import { generationFieldProperties } from './description/fields';
import { credentialDescriptions, jobReferenceProperties, operationProperties, providerProperty, type NodeOperation } from './description/operations';
import { waitingProperties, type WaitMode } from './description/waiting';
import { runGeneration } from './execute/generate';
import { runJobOperation } from './execute/jobOperations';
import { resumeFromWebhook } from './execute/waitForWebhook';
import { listVoices } from './methods/listVoices';

// webhook-lifecycle-complete asks for webhookMethods that register a webhook with a provider. This
// node's only webhook is n8n's own resume URL of a paused execution (restartWebhook), which n8n
// creates per execution; there is nothing to register, check or delete.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete
export class KlingVideo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kling Video',
		name: 'klingVideo',
		icon: { light: 'file:klingVideo.svg', dark: 'file:klingVideo.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + " · " + $parameter["provider"] }}',
		description: 'Generate videos with Kling v2.6 on Replicate, fal.ai, WaveSpeed or the Kling API',
		defaults: { name: 'Kling Video' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialDescriptions(),
		// Wait for Webhook: the provider's callback resumes the paused execution through this webhook.
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: '',
				restartWebhook: true,
			},
		],
		properties: [
			providerProperty,
			...operationProperties(),
			...jobReferenceProperties,
			...generationFieldProperties(),
			...waitingProperties,
		],
	};

	methods = { loadOptions: { listVoices } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const provider = this.getNodeParameter('provider', 0) as ProviderId;
		const operation = this.getNodeParameter('operation', 0) as NodeOperation;
		if (operation === 'getJob' || operation === 'cancelJob') return await runJobOperation(this, provider, operation);
		const waitMode = this.getNodeParameter('waitMode', 0) as WaitMode;
		return await runGeneration(this, { provider, operation: operation as GenerationOperation, waitMode });
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeFromWebhook(this);
	}
}
