import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { connectProvider } from '../shared/connect';
import { NodeConnectionTypes } from 'n8n-workflow';
import { credentialDescriptions, providerProperty } from '../shared/providerSelector';
import type { ProviderId } from '../shared/job';
import { handleDelivery } from './delivery';
import { WEBHOOK_TRIGGER_DESCRIPTION } from '../shared/nodeTexts';
import { BINARY_PROPERTY_OPTION, DOWNLOAD_VIDEO_OPTION } from '../shared/outputOptions';
import { onProviderSubtitle } from '../shared/subtitles';
import { eventsProperty, toTriggerError } from '../shared/triggerCommon';

export class KlingVideoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kling Video Trigger',
		name: 'klingVideoTrigger',
		icon: { light: 'file:klingVideoTrigger.svg', dark: 'file:klingVideoTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: onProviderSubtitle,
		description: WEBHOOK_TRIGGER_DESCRIPTION,
		defaults: { name: 'Kling Video Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialDescriptions(),
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					"Paste this node's Production URL (under Webhook URLs above) into the Callback URL of a Kling Video node set to Submit Only. Every job submitted with it reports here when it finishes; each delivery is verified and each job starts the workflow once.",
				name: 'callbackNotice',
				type: 'notice',
				default: '',
			},
			providerProperty,
			{
				displayName: 'Webhook Signing Secret',
				name: 'webhookSecret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				placeholder: 'whsec_…',
				description:
					"The account's webhook signing secret. Leave empty to fetch it with the credential (cached for an hour).",
				displayOptions: { show: { provider: ['replicate', 'wavespeed'] } },
			},
			eventsProperty,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [BINARY_PROPERTY_OPTION, DOWNLOAD_VIDEO_OPTION],
			},
		],
	};

	/**
	 * The providers take the callback URL with each job, so there is nothing to register with
	 * them. Activation checks the credential instead (and, for Replicate and WaveSpeed, that the
	 * signing secret can be fetched), so a wrong key fails the activation with the provider's
	 * words rather than turning every later delivery into a rejection.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const provider = this.getNodeParameter('provider') as ProviderId;
				const pasted = String(this.getNodeParameter('webhookSecret', '') ?? '').trim();
				try {
					const client = await connectProvider(this, provider);
					if (client.fetchWebhookSecret && !pasted) await client.fetchWebhookSecret();
					else await client.testCredentials();
				} catch (error) {
					throw toTriggerError(this.getNode(), error);
				}
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				// Nothing was registered; the remembered deliveries stay, so a reactivation still drops redeliveries.
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleDelivery(this);
	}
}
