/**
 * The n8n webhook endpoint of the soak's trigger part: a loopback HTTP server the emulator
 * delivers its webhooks to. Each delivery, bytes as received, runs through the Kling Video
 * Trigger inside n8n's engine (the harness's callWebhook), with the workflow's static data loaded
 * before and saved after each request as n8n does; the node's answer goes back to the emulator,
 * and every execution it starts is recorded as an emission.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import type { ProviderId } from '../../nodes/shared/job';
import { callWebhook, KLING_VIDEO_TRIGGER_NODE_TYPE, node, type HarnessCredentials } from '../harness';
import { startEndpoint, type Answer, type Endpoint, type ReceivedRequest } from '../harness/endpoint';

export interface Emission {
	provider: ProviderId;
	jobId: string;
	status: string;
	hasVideo: boolean;
	downloadError: string | null;
}

const TRIGGER = 'Kling Video Trigger';

export class TriggerReceiver {
	url = '';
	readonly emissions: Emission[] = [];
	/** Status answered per delivery. */
	readonly answers: number[] = [];
	private endpoint: Endpoint | undefined;
	/** One workflow per provider, its node built once: the same node id across deliveries, as an active workflow has. */
	private readonly nodes = new Map<ProviderId, INode>();
	private readonly staticData = new Map<ProviderId, IDataObject>();

	constructor(private readonly credentials: HarnessCredentials) {}

	/** The callback URL for jobs of one provider. */
	callbackUrl(provider: ProviderId): string {
		return `${this.url}/webhook/${provider}`;
	}

	async start(): Promise<void> {
		this.endpoint = await startEndpoint(
			(request) => this.handle(request),
			(error) => ({ status: 500, body: { error: error.message } }),
		);
		this.url = this.endpoint.origin;
	}

	async stop(): Promise<void> {
		await this.endpoint?.stop();
	}

	private triggerNode(provider: ProviderId): INode {
		let trigger = this.nodes.get(provider);
		if (!trigger) {
			trigger = node(TRIGGER, { provider }, { type: KLING_VIDEO_TRIGGER_NODE_TYPE, webhookId: `soak-${provider}` });
			this.nodes.set(provider, trigger);
		}
		return trigger;
	}

	private async handle({ url, headers, body }: ReceivedRequest): Promise<Answer> {
		const provider = url.split('/')[2] as ProviderId;
		const call = await callWebhook({
			nodes: [this.triggerNode(provider)],
			connections: {},
			credentials: this.credentials,
			webhookNode: TRIGGER,
			workflowId: `soak-trigger-${provider}`,
			staticData: this.staticData.get(provider) ?? {},
			request: { headers, rawBody: body },
		});
		// n8n saves the static data after the node answered: the last request to finish wins, as there.
		if (call.staticData) this.staticData.set(provider, call.staticData);
		for (const item of call.result?.outputOf(TRIGGER) ?? []) {
			this.emissions.push({
				provider,
				jobId: String(item.json.jobId),
				status: String(item.json.status),
				hasVideo: Boolean(item.binary?.data),
				downloadError: typeof item.json.downloadError === 'string' ? item.json.downloadError : null,
			});
		}
		this.answers.push(call.response.statusCode);
		return { status: call.response.statusCode, body: call.response.body };
	}
}
