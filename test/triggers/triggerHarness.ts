/**
 * Runs the two trigger nodes the way n8n does, through n8n-core's own function contexts:
 *
 * - a webhook delivery goes through `WebhookContext`, built per request on a `Workflow` whose
 *   static data is loaded from a stored copy and written back only when n8n would save it
 *   (`__dataChanged`), as n8n's live-webhook path does; the request is an express-like object
 *   carrying the exact bytes in `rawBody`, the response records what the node answered;
 * - a poll goes through `PollContext` on one `Workflow` kept across polls (an activation), with
 *   `restart()` reloading it from the stored static data as a process restart would;
 * - the webhook lifecycle (`checkExists` / `create` / `delete`) goes through `HookContext`.
 *
 * The n8n instance (user folder, binary data store on disk) lives in a temporary folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { BinaryDataService, HookContext, InstanceSettings, PollContext, WebhookContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { KlingVideoJobsTrigger } from '../../nodes/KlingVideoJobsTrigger/KlingVideoJobsTrigger.node';
import { KlingVideoTrigger } from '../../nodes/KlingVideoTrigger/KlingVideoTrigger.node';
import { CREDENTIAL_TYPES, emulatorBaseUrl } from '../../nodes/shared/credentials';
import type { ProviderId } from '../../nodes/shared/job';
import type { Emulator } from '../emulator';
import { credentialIdFor } from '../workflow/harness/credentials';

export const PACKAGE = 'n8n-nodes-kling-video';
export const WEBHOOK_TRIGGER_TYPE = `${PACKAGE}.klingVideoTrigger`;
export const POLL_TRIGGER_TYPE = `${PACKAGE}.klingVideoJobsTrigger`;

const NODE_TYPES: Record<string, INodeType> = {
	[WEBHOOK_TRIGGER_TYPE]: new KlingVideoTrigger(),
	[POLL_TRIGGER_TYPE]: new KlingVideoJobsTrigger(),
};

const nodeTypes: INodeTypes = {
	getByName: (type) => NODE_TYPES[type],
	getByNameAndVersion: (type) => NODE_TYPES[type],
	getKnownTypes: () => ({}),
};

let root: string | undefined;

/** The n8n instance: env, logger, instance settings, binary data on disk. Once per test file. */
export async function setupN8n(): Promise<{ logger: Logger; binaryData: BinaryDataService }> {
	if (!root) {
		root = mkdtempSync(path.join(tmpdir(), 'kling-triggers-'));
		process.env.N8N_USER_FOLDER = root;
		process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
		process.env.N8N_BINARY_DATA_STORAGE_PATH = path.join(root, 'binaryData');
		process.env.N8N_ENCRYPTION_KEY ??= 'kling-video-trigger-tests';
		process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'false';
		process.env.N8N_LOG_LEVEL = 'silent';
		process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
		Container.get(Logger);
		Container.get(InstanceSettings);
		await Container.get(BinaryDataService).init();
	}
	return { logger: Container.get(Logger), binaryData: Container.get(BinaryDataService) };
}

export function teardownN8n(): void {
	if (root) rmSync(root, { recursive: true, force: true });
	root = undefined;
}

/** What each credential type holds when pointed at the emulator. */
export function emulatorCredentials(provider: ProviderId, emulator: Emulator): ICredentialDataDecryptedObject {
	const base = { useCustomBaseUrl: true, baseUrl: emulatorBaseUrl(provider, emulator.url) };
	const c = emulator.credentials;
	switch (provider) {
		case 'replicate':
			return { apiToken: c.replicateToken, ...base };
		case 'fal':
			return { apiKey: c.falKey, ...base };
		case 'wavespeed':
			return { apiKey: c.wavespeedKey, ...base };
		case 'kling':
			return { accessKey: c.klingAccessKey, secretKey: c.klingSecretKey, region: 'singapore', ...base };
	}
}

function additionalData(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	extra: Partial<IWorkflowExecuteAdditionalData> = {},
	reads?: { count: number },
): IWorkflowExecuteAdditionalData {
	const credentialsHelper = {
		getDecrypted: async (_data: unknown, _nodeCredentials: unknown, type: string) => {
			if (reads) reads.count += 1;
			const found = credentials[type];
			if (!found) throw new Error(`No credential of type ${type} in this test`);
			return structuredClone(found);
		},
		isCredentialUsableByNode: () => true,
		getCredentialsProperties: () => [],
	};
	return {
		credentialsHelper,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		variables: {},
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		...extra,
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** Static data as n8n stores it: plain JSON, loaded into a new Workflow's observable object. */
function plain(data: IDataObject): IDataObject {
	return JSON.parse(JSON.stringify(data)) as IDataObject;
}

// ---------------------------------------------------------------------------------------------
// Webhook trigger
// ---------------------------------------------------------------------------------------------

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

/** An express-like response: records the status and body the node sends. */
class RecordingResponse {
	statusCode = 200;
	sent: unknown = undefined;
	headersSent = false;

	status(code: number): this {
		this.statusCode = code;
		return this;
	}

	json(body: unknown): this {
		this.sent = body;
		this.headersSent = true;
		return this;
	}

	send(body: unknown): this {
		return this.json(body);
	}

	end(body?: unknown): this {
		return this.json(body);
	}

	setHeader(): this {
		return this;
	}
}

/** The node's reference to its credential: the id follows the data, as two n8n credentials never share one. */
function credentialReference(provider: ProviderId, credentials: Record<string, ICredentialDataDecryptedObject>) {
	const type = CREDENTIAL_TYPES[provider];
	return { id: credentialIdFor(type, credentials[type]), name: `${provider} emulator` };
}

export class WebhookTriggerHarness {
	/** The workflow's static data as n8n's database holds it between requests. */
	storedStaticData: IDataObject = {};
	/** Every execution n8n would have started, in order. */
	readonly executions: INodeExecutionData[][] = [];
	private readonly credentials: Record<string, ICredentialDataDecryptedObject>;
	/** The node's credential reference: it keeps its id when the credential is edited. */
	private readonly credentialRef: { id: string; name: string };
	/** How many times the node had n8n read (decrypt) its credential. */
	get credentialReads(): number {
		return this.reads.count;
	}
	private readonly reads = { count: 0 };
	readonly nodeName = 'Kling Video Trigger';

	constructor(
		readonly provider: ProviderId,
		credentials: ICredentialDataDecryptedObject,
		private readonly parameters: IDataObject = {},
		readonly workflowId = 'wf-webhook',
	) {
		this.credentials = { [CREDENTIAL_TYPES[provider]]: credentials };
		this.credentialRef = credentialReference(provider, this.credentials);
	}

	/** The user saves new data into the node's credential: same id, new content. */
	editCredential(data: ICredentialDataDecryptedObject): void {
		this.credentials[CREDENTIAL_TYPES[this.provider]] = data;
	}

	private workflow(): { workflow: Workflow; node: INode } {
		const node: INode = {
			id: 'trigger-node-1',
			name: this.nodeName,
			type: WEBHOOK_TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			webhookId: 'c0ffee00-0000-4000-8000-000000000001',
			parameters: { provider: this.provider, ...this.parameters },
			credentials: { [CREDENTIAL_TYPES[this.provider]]: this.credentialRef },
		};
		const workflow = new Workflow({
			id: this.workflowId,
			name: 'Kling Video Trigger test',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes,
			staticData: plain(this.storedStaticData),
		});
		return { workflow, node: workflow.getNode(this.nodeName)! };
	}

	private webhookData(workflow: Workflow, node: INode, data: IWorkflowExecuteAdditionalData): IWebhookData {
		const description = NODE_TYPES[WEBHOOK_TRIGGER_TYPE].description.webhooks![0];
		return {
			httpMethod: 'POST',
			node: node.name,
			path: `${node.webhookId}/webhook`,
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: data,
			webhookId: node.webhookId,
		};
	}

	/** One HTTP delivery, as n8n's webhook server would hand it to the node. */
	async deliver(delivery: Delivery): Promise<DeliveryResult> {
		const { workflow, node } = this.workflow();
		const rawBody = Buffer.isBuffer(delivery.body) ? delivery.body : Buffer.from(delivery.body, 'utf8');
		const headers: Record<string, string> = { 'content-length': String(rawBody.length) };
		for (const [name, value] of Object.entries(delivery.headers)) headers[name.toLowerCase()] = value;
		let parsed: unknown = {};
		try {
			parsed = JSON.parse(rawBody.toString('utf8'));
		} catch {
			parsed = {};
		}
		// A real IncomingMessage, as n8n's server hands over: its `headers` live behind a prototype
		// getter, so code that copies the request with a spread loses them, as it would in n8n.
		const request = Object.assign(new IncomingMessage(new Socket()), {
			method: 'POST',
			rawBody,
			body: parsed,
			query: {},
			params: {},
			contentType: 'application/json',
			readRawBody: async () => undefined,
		});
		request.headers = headers;
		const response = new RecordingResponse();
		const data = additionalData(
			this.credentials,
			{ httpRequest: request as never, httpResponse: response as never },
			this.reads,
		);
		const context = new WebhookContext(workflow, node, data, 'webhook', this.webhookData(workflow, node, data), [], null);
		let result: IWebhookResponseData | undefined;
		let error: unknown;
		try {
			result = await NODE_TYPES[WEBHOOK_TRIGGER_TYPE].webhook!.call(context);
		} catch (caught) {
			error = caught;
		}
		// n8n saves the static data once the node has answered (live-webhooks `saveStaticData`).
		if ((workflow.staticData as { __dataChanged?: boolean }).__dataChanged) this.storedStaticData = plain(workflow.staticData);

		const items = result?.workflowData?.[0] ?? [];
		// n8n starts an execution for workflow data, and a failed one when the node throws.
		const started = error !== undefined || (result?.workflowData !== undefined && items.length > 0);
		if (started && items.length) this.executions.push(items);
		let status = response.statusCode;
		let body = response.sent;
		if (error !== undefined && !response.headersSent) {
			status = 500;
			body = { message: (error as Error).message };
		} else if (!response.headersSent) {
			status = 200;
			body = { message: result?.workflowData ? 'Workflow was started' : 'Webhook call received' };
		}
		return { status, body, started, items, error };
	}

	/** Runs one webhook lifecycle method (`checkExists`, `create`, `delete`) as n8n's activation does. */
	async lifecycle(method: 'checkExists' | 'create' | 'delete'): Promise<boolean> {
		const { workflow, node } = this.workflow();
		const data = additionalData(this.credentials);
		const context = new HookContext(workflow, node, data, 'trigger', 'activate', this.webhookData(workflow, node, data));
		const methods = (NODE_TYPES[WEBHOOK_TRIGGER_TYPE].webhookMethods as Record<string, Record<string, (this: unknown) => Promise<boolean>>>)
			.default;
		return await methods[method].call(context);
	}
}

/**
 * A local HTTP endpoint the emulator delivers its webhooks to; each request goes, bytes as
 * received, through the harness, and the node's answer goes back to the emulator.
 */
export class DeliveryReceiver {
	private server: Server | undefined;
	url = '';
	readonly results: DeliveryResult[] = [];

	constructor(private readonly harness: () => WebhookTriggerHarness) {}

	async start(): Promise<void> {
		this.server = createServer((req, res) => {
			void this.handle(req).then(
				(result) => {
					res.writeHead(result.status, { 'content-type': 'application/json' });
					res.end(JSON.stringify(result.body ?? {}));
				},
				(error: Error) => {
					res.writeHead(599);
					res.end(error.message);
				},
			);
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook/c0ffee00/webhook`;
	}

	private async handle(req: IncomingMessage): Promise<DeliveryResult> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(req.headers)) {
			if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
		}
		const result = await this.harness().deliver({ headers, body: Buffer.concat(chunks) });
		this.results.push(result);
		return result;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	}
}

// ---------------------------------------------------------------------------------------------
// Polling trigger
// ---------------------------------------------------------------------------------------------

export class PollTriggerHarness {
	private workflow!: Workflow;
	private node!: INode;
	private readonly credentials: Record<string, ICredentialDataDecryptedObject>;
	readonly nodeName = 'Kling Video Jobs Trigger';
	readonly emitted: INodeExecutionData[][] = [];
	readonly emittedErrors: Error[] = [];

	constructor(
		readonly provider: ProviderId,
		credentials: ICredentialDataDecryptedObject,
		private readonly parameters: IDataObject = {},
		readonly workflowId = 'wf-poll',
	) {
		this.credentials = { [CREDENTIAL_TYPES[provider]]: credentials };
		this.load({});
	}

	private load(staticData: IDataObject): void {
		const node: INode = {
			id: 'poll-node-1',
			name: this.nodeName,
			type: POLL_TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { provider: this.provider, ...this.parameters },
			credentials: { [CREDENTIAL_TYPES[this.provider]]: credentialReference(this.provider, this.credentials) },
		};
		this.workflow = new Workflow({
			id: this.workflowId,
			name: 'Kling Video Jobs Trigger test',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes,
			staticData: plain(staticData),
		});
		this.node = this.workflow.getNode(this.nodeName)!;
	}

	/** The node's static data as n8n would store it. */
	staticData(): IDataObject {
		return plain(this.workflow.getStaticData('node', this.node));
	}

	/** Whether n8n would save the static data now (as after an emission), then marks it saved. */
	takeDirty(): boolean {
		const staticData = this.workflow.staticData as { __dataChanged?: boolean };
		const dirty = staticData.__dataChanged === true;
		staticData.__dataChanged = false;
		return dirty;
	}

	/**
	 * A restart (or a change of leader): the workflow is rebuilt from the static data n8n last
	 * saved. n8n saves a poller's static data after its activation poll and when a poll emits; a
	 * poll that emits nothing changes it only in memory, and that is lost.
	 */
	restart(): void {
		this.load(plain(this.saved));
		this.polls = 0;
	}

	private saved: IDataObject = {};
	private polls = 0;

	/** One poll as n8n's poll executor runs it: emitted data goes to `emitted`. */
	async poll(mode: WorkflowExecuteMode = 'trigger', budgetMs?: number): Promise<INodeExecutionData[][] | null> {
		const data = additionalData(this.credentials);
		const context = new PollContext(
			this.workflow,
			this.node,
			data,
			mode,
			mode === 'manual' ? 'manual' : 'activate',
			(emitted) => this.emitted.push(...emitted),
			(error) => this.emittedErrors.push(error),
			undefined,
			undefined,
			undefined,
			budgetMs === undefined ? undefined : () => budgetMs,
		);
		const result = await NODE_TYPES[POLL_TRIGGER_TYPE].poll!.call(context);
		if (result !== null && mode !== 'manual') context.__emit(result);
		if (mode !== 'manual' && (result !== null || this.polls === 0)) this.saved = plain(this.workflow.staticData);
		this.polls += 1;
		return result;
	}
}
