/**
 * The Kling Video Trigger's webhook deliveries as n8n's live-webhook path handles them: per
 * request a `Workflow` loaded from the stored static data, the node's webhook() through
 * `WebhookContext` with a real `IncomingMessage` carrying the exact bytes in `rawBody`, and the
 * static data written back only when n8n would save it (`__dataChanged`). Its lifecycle
 * (`checkExists` / `create` / `delete`) goes through `HookContext`.
 */
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';

import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ProviderId } from '../../nodes/shared/job';
import { buildAdditionalData, hooksFor } from './additionalData';
import { ensureEnvironment } from './environment';
import { FakeResponse, makeRequest } from './http';
import { callWebhookMethod, type WebhookMethod } from './lifecycle';
import { plain, TriggerWorkflow, type TriggerNodeSpec } from './triggerWorkflow';
import { withHttp } from './webhookCall';
import { invokeWebhook, nodeWebhooks, triggerWebhook, type WebhookOutcome } from './webhooks';
import { KLING_VIDEO_TRIGGER_NODE_TYPE } from './workflow';

export interface Delivery {
	headers: Record<string, string>;
	body: string | Buffer;
}

export interface DeliveryResult {
	/** The HTTP status the sender got. */
	status: number;
	/** What the sender got as body (JSON). */
	body: unknown;
	/** Whether n8n would start an execution (the node returned workflow data, or threw). */
	started: boolean;
	items: INodeExecutionData[];
	error?: unknown;
}

/**
 * The request as n8n's server hands it over: a real IncomingMessage, whose `headers` live behind
 * a prototype getter, so code that copies the request with a spread loses them, as in n8n.
 */
function incomingRequest(delivery: Delivery) {
	const fake = makeRequest({ method: 'POST', headers: delivery.headers, rawBody: delivery.body });
	const request = Object.assign(new IncomingMessage(new Socket()), {
		method: 'POST',
		rawBody: fake.rawBody,
		body: fake.body,
		query: {},
		params: {},
		contentType: 'application/json',
		readRawBody: async () => undefined,
	});
	request.headers = fake.headers as IncomingMessage['headers'];
	return request;
}

/** What the sender gets: the node's answer, else n8n's (500 when webhook() threw). */
function answerOf(res: FakeResponse, webhook: WebhookOutcome): { status: number; body: unknown } {
	if (webhook.error !== undefined && !res.headersSent) return { status: 500, body: { message: webhook.error.message } };
	if (!res.headersSent) return { status: 200, body: { message: webhook.result?.workflowData ? 'Workflow was started' : 'Webhook call received' } };
	return { status: res.statusCode, body: res.toResponse().body };
}

/** The webhook trigger node of the harness's workflow. */
const WEBHOOK_NODE: TriggerNodeSpec = {
	type: KLING_VIDEO_TRIGGER_NODE_TYPE,
	nodeName: 'Kling Video Trigger',
	nodeId: 'trigger-node-1',
	webhookId: 'c0ffee00-0000-4000-8000-000000000001',
	workflowName: 'Kling Video Trigger test',
};

export class WebhookTriggerHarness {
	/** The workflow's static data as n8n's database holds it between requests. */
	storedStaticData: IDataObject = {};
	/** Every execution n8n would have started, in order. */
	readonly executions: INodeExecutionData[][] = [];
	readonly nodeName = WEBHOOK_NODE.nodeName;
	private readonly trigger: TriggerWorkflow;
	/** Deliveries read credentials through their own helper, so lifecycle calls do not count. */
	private readonly deliverySetup;

	constructor(
		readonly provider: ProviderId,
		credentials: ICredentialDataDecryptedObject,
		parameters: IDataObject = {},
		readonly workflowId = 'wf-webhook',
	) {
		this.trigger = new TriggerWorkflow(provider, credentials, parameters, workflowId, WEBHOOK_NODE);
		this.deliverySetup = this.trigger.setup();
	}

	/** How many times the node had n8n read (decrypt) its credential during deliveries. */
	get credentialReads(): number {
		return this.deliverySetup.credentialsHelper.requests.length;
	}

	/** The user saves new data into the node's credential: same id, new content. */
	editCredential(data: ICredentialDataDecryptedObject): void {
		this.trigger.editCredential(data);
	}

	/** One HTTP delivery, as n8n's webhook server would hand it to the node. */
	async deliver(delivery: Delivery): Promise<DeliveryResult> {
		await ensureEnvironment();
		const { workflowData, workflow, node } = this.trigger.load(this.storedStaticData);
		const res = new FakeResponse();
		const hooks = hooksFor('webhook', '', workflowData);
		const additionalData = withHttp(buildAdditionalData(this.deliverySetup, '', workflowData.id, hooks), incomingRequest(delivery) as never, res);
		const webhookData = triggerWebhook(nodeWebhooks(workflow, node, additionalData), 'default', 'POST');
		if (!webhookData) throw new Error(`${this.nodeName} has no POST webhook`);
		const webhook = await invokeWebhook(workflow, node, webhookData, additionalData, 'webhook', null);
		// n8n saves the static data once the node has answered (live-webhooks `saveStaticData`).
		if ((workflow.staticData as { __dataChanged?: boolean }).__dataChanged) this.storedStaticData = plain(workflow.staticData);

		const items = webhook.result?.workflowData?.[0] ?? [];
		// n8n starts an execution for workflow data, and a failed one when the node throws.
		const started = webhook.error !== undefined || (webhook.result?.workflowData !== undefined && items.length > 0);
		if (started && items.length) this.executions.push(items);
		return { ...answerOf(res, webhook), started, items, error: webhook.error };
	}

	/** Runs one webhook lifecycle method (`checkExists`, `create`, `delete`) as n8n's activation does. */
	async lifecycle(method: WebhookMethod): Promise<boolean> {
		await ensureEnvironment();
		const { workflowData, workflow, node } = this.trigger.load(this.storedStaticData);
		const additionalData = buildAdditionalData(this.trigger.setup(), '', workflowData.id, hooksFor('trigger', '', workflowData));
		const { returned } = await callWebhookMethod({ workflow, node, additionalData, mode: 'trigger', activation: 'activate', method });
		return returned as boolean;
	}
}
