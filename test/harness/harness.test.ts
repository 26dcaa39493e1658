/**
 * Smoke test of the workflow harness: tiny node types defined here run through n8n-core's
 * WorkflowExecute, proving items, pairedItem, binary data, continueOnFail, cancellation,
 * waiting / resuming, credentials, trigger webhooks and polling behave as in n8n.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';

import {
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import {
	binaryToBuffer,
	callWaitingWebhook,
	callWebhook,
	chain,
	ensureEnvironment,
	HarnessNodeTypes,
	KLING_VIDEO_NODE_TYPE,
	makeBinary,
	node,
	pollTrigger,
	resumeAfterWaitTill,
	runWebhookMethod,
	runWorkflow,
	startNode,
	startWorkflow,
} from '.';

function describeNode(name: string, extra: Partial<INodeTypeDescription> = {}): INodeTypeDescription {
	return {
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: `Harness test node ${name}`,
		defaults: { name },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
		...extra,
	};
}

/** Upper-cases one field; items with `fail: true` fail, caught per item when continueOnFail() is on. */
class Upper implements INodeType {
	description = describeNode('upper', {
		properties: [{ displayName: 'Field', name: 'field', type: 'string', default: 'text' }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			try {
				if (items[i].json.fail) throw new NodeOperationError(this.getNode(), `item ${i} asked to fail`, { itemIndex: i });
				const field = this.getNodeParameter('field', i) as string;
				out.push({ json: { ...items[i].json, [field]: String(items[i].json[field]).toUpperCase() }, pairedItem: { item: i } });
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
			}
		}
		return [out];
	}
}

/** Always throws: for the engine's own continueOnFail handling. */
class Thrower implements INodeType {
	description = describeNode('thrower');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		throw new NodeOperationError(this.getNode(), 'thrower failed');
	}
}

/**
 * Writes each item's `size` random-ish bytes (or its input binary `input`, if any) as a stream
 * through prepareBinaryData, the way the Kling node stores a downloaded video.
 */
class StreamWriter implements INodeType {
	description = describeNode('streamWriter');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const source = items[i].binary?.input
				? await this.helpers.getBinaryDataBuffer(i, 'input')
				: Buffer.from(items[i].json.base64 as string, 'base64');
			const chunks = Array.from({ length: Math.ceil(source.length / 65536) }, (_, c) => source.subarray(c * 65536, (c + 1) * 65536));
			const binary = await this.helpers.prepareBinaryData(Readable.from(chunks), 'video.mp4', 'video/mp4');
			out.push({
				json: { sha256: createHash('sha256').update(source).digest('hex') },
				binary: { data: binary },
				pairedItem: { item: i },
			});
		}
		return [out];
	}
}

/** Resolves when its execution's cancel signal fires, and tells the test it is listening. */
const cancelEvents: string[] = [];
let listening: () => void = () => undefined;
class WaitForCancel implements INodeType {
	description = describeNode('waitForCancel');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const signal = this.getExecutionCancelSignal();
		if (!signal) throw new NodeOperationError(this.getNode(), 'no cancel signal');
		await new Promise<void>((resolve) => {
			const done = () => {
				cancelEvents.push(`aborted:${this.getNode().name}`);
				resolve();
			};
			if (signal.aborted) done();
			else signal.addEventListener('abort', done, { once: true });
			listening();
		});
		return [this.getInputData()];
	}
}

/**
 * Pauses the execution (putExecutionToWait); its restart webhook resumes it with the request
 * body, or acknowledges without resuming when the body says `{ ack: true }`.
 */
class Pause implements INodeType {
	description = describeNode('pause', {
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '', restartWebhook: true }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		await this.putExecutionToWait(new Date(Date.now() + 60_000));
		const resumeUrl = this.evaluateExpression('{{ $execution.resumeUrl }}', 0) as string;
		return [this.getInputData().map((item, i) => ({ json: { ...item.json, resumeUrl }, pairedItem: { item: i } }))];
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const body = this.getBodyData();
		if (body.ack) {
			this.getResponseObject().status(202).json({ acknowledged: true });
			return { noWebhookResponse: true };
		}
		const ownOutput = this.evaluateExpression("{{ $('Pause').all() }}", 0);
		const input = this.evaluateExpression('{{ $input.all() }}', 0) as INodeExecutionData[];
		return {
			workflowData: [
				[{ json: { note: body.note, ownOutputVisible: Array.isArray(ownOutput), inputCount: input.length }, pairedItem: { item: 0 } }],
			],
		};
	}
}

/** Reads the package's Replicate credential and calls a server with httpRequestWithAuthentication. */
class CredentialUser implements INodeType {
	description = describeNode('credentialUser', {
		credentials: [{ name: 'klingVideoReplicateApi', required: true }],
		properties: [{ displayName: 'URL', name: 'url', type: 'string', default: '' }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await this.getCredentials('klingVideoReplicateApi');
		const url = this.getNodeParameter('url', 0) as string;
		const response = url
			? await this.helpers.httpRequestWithAuthentication.call(this, 'klingVideoReplicateApi', { url, method: 'GET', json: true })
			: null;
		return [[{ json: { credentials, response } }]];
	}
}

/** A webhook trigger: each POST starts an execution with the body as its item. */
class HookTrigger implements INodeType {
	description = describeNode('hookTrigger', {
		group: ['trigger'],
		inputs: [],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'hook' }],
	});

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return this.getWorkflowStaticData('node').registeredUrl !== undefined;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				this.getWorkflowStaticData('node').registeredUrl = this.getNodeWebhookUrl('default');
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				delete this.getWorkflowStaticData('node').registeredUrl;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const body = this.getBodyData();
		if (body.ignore) return { webhookResponse: { ignored: true } };
		return { workflowData: [[{ json: body }]] };
	}
}

/** A poll trigger: counts polls in its static data, emits until the third poll. */
class CountingPoll implements INodeType {
	description = describeNode('countingPoll', { group: ['trigger'], inputs: [], polling: true });

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const data = this.getWorkflowStaticData('node');
		data.count = ((data.count as number | undefined) ?? 0) + 1;
		return (data.count as number) < 3 ? [[{ json: { poll: data.count } }]] : null;
	}
}

const nodeTypes = {
	'test.upper': new Upper(),
	'test.thrower': new Thrower(),
	'test.streamWriter': new StreamWriter(),
	'test.waitForCancel': new WaitForCancel(),
	'test.pause': new Pause(),
	'test.credentialUser': new CredentialUser(),
	'test.hookTrigger': new HookTrigger(),
	'test.countingPoll': new CountingPoll(),
};

describe('workflow harness', () => {
	it('runs items through the engine and keeps pairedItem', async () => {
		const result = await runWorkflow({
			nodes: [startNode(), node('Upper', { field: 'text' }, { type: 'test.upper' })],
			connections: chain('Start', 'Upper'),
			nodeTypes,
			inputItems: [{ json: { text: 'one' } }, { json: { text: 'two' } }],
		});
		expect(result.status).toBe('success');
		expect(result.nodeExecutionOrder).toEqual(['Start', 'Upper']);
		expect(result.outputOf('Upper')).toEqual([
			{ json: { text: 'ONE' }, pairedItem: { item: 0 } },
			{ json: { text: 'TWO' }, pairedItem: { item: 1 } },
		]);
		expect(() => result.outputOf('Nowhere')).toThrow(/did not run/);
	});

	it('streams binary data to the filesystem store and reads it back byte-identical', async () => {
		const { binaryDataPath } = await ensureEnvironment();
		const bytes = randomBytes(300_000);
		const input = await makeBinary(bytes, 'input.mp4', 'video/mp4');
		expect(input.id).toMatch(/^filesystem-v2:/);
		const result = await runWorkflow({
			nodes: [startNode(), node('Writer', {}, { type: 'test.streamWriter' })],
			connections: chain('Start', 'Writer'),
			nodeTypes,
			inputItems: [{ json: {}, binary: { input } }, { json: { base64: Buffer.from('small').toString('base64') } }],
		});
		expect(result.status).toBe('success');
		const [first, second] = result.outputOf('Writer');
		const stored = first.binary?.data;
		expect(stored).toMatchObject({ mimeType: 'video/mp4', fileName: 'video.mp4', fileExtension: 'mp4', bytes: bytes.length, data: 'filesystem-v2' });
		expect(stored?.id).toMatch(/^filesystem-v2:workflows\/harness-workflow\/executions\/\d+\/binary_data\//);
		expect(existsSync(path.join(binaryDataPath, (stored?.id as string).split(':')[1]))).toBe(true);
		expect((await binaryToBuffer(stored!)).equals(bytes)).toBe(true);
		expect(first.json.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
		expect((await binaryToBuffer(second.binary!.data)).toString()).toBe('small');
		expect(second.pairedItem).toEqual({ item: 1 });
	});

	it('gives an error item with continueOnFail, and fails the run without it', async () => {
		const inputItems = [{ json: { text: 'ok' } }, { json: { text: 'no', fail: true } }];
		const continued = await runWorkflow({
			nodes: [startNode(), node('Upper', {}, { type: 'test.upper', onError: 'continueRegularOutput' })],
			connections: chain('Start', 'Upper'),
			nodeTypes,
			inputItems,
		});
		expect(continued.status).toBe('success');
		expect(continued.outputOf('Upper')).toEqual([
			{ json: { text: 'OK' }, pairedItem: { item: 0 } },
			{ json: { error: 'item 1 asked to fail' }, pairedItem: { item: 1 } },
		]);

		const failed = await runWorkflow({
			nodes: [startNode(), node('Upper', {}, { type: 'test.upper' })],
			connections: chain('Start', 'Upper'),
			nodeTypes,
			inputItems,
		});
		expect(failed.status).toBe('error');
		expect(failed.error?.message).toBe('item 1 asked to fail');
		expect(failed.nodeError('Upper')?.message).toBe('item 1 asked to fail');

		// A node that throws as a whole: with continueRegularOutput the engine passes its input on.
		const engineContinued = await runWorkflow({
			nodes: [
				startNode(),
				node('Thrower', {}, { type: 'test.thrower', onError: 'continueRegularOutput' }),
				node('Upper', {}, { type: 'test.upper' }),
			],
			connections: chain('Start', 'Thrower', 'Upper'),
			nodeTypes,
			inputItems: [{ json: { text: 'passed on' } }],
		});
		expect(engineContinued.status).toBe('success');
		expect(engineContinued.nodeError('Thrower')?.message).toBe('thrower failed');
		expect(engineContinued.outputOf('Upper')).toEqual([{ json: { text: 'PASSED ON' }, pairedItem: { item: 0 } }]);
	});

	it('cancels a running execution through the node’s cancel signal', async () => {
		cancelEvents.length = 0;
		const isListening = new Promise<void>((resolve) => (listening = resolve));
		const running = startWorkflow({
			nodes: [startNode(), node('Wait', {}, { type: 'test.waitForCancel' }), node('After', {}, { type: 'test.upper' })],
			connections: chain('Start', 'Wait', 'After'),
			nodeTypes,
		});
		await running.nodeStarted('Wait');
		await isListening;
		running.cancel();
		const result = await running.result;
		expect(cancelEvents).toEqual(['aborted:Wait']);
		expect(result.canceled).toBe(true);
		expect(result.status).toBe('canceled');
		expect(result.error?.message).toMatch(/cancel/i);
		expect(result.runsOf('After')).toEqual([]);

		// The same through an AbortSignal given to runWorkflow.
		cancelEvents.length = 0;
		const controller = new AbortController();
		const listeningAgain = new Promise<void>((resolve) => (listening = resolve));
		const pending = runWorkflow({
			nodes: [startNode(), node('Wait', {}, { type: 'test.waitForCancel' })],
			connections: chain('Start', 'Wait'),
			nodeTypes,
			abortSignal: controller.signal,
		});
		await listeningAgain;
		controller.abort();
		expect((await pending).status).toBe('canceled');
		expect(cancelEvents).toEqual(['aborted:Wait']);
	});

	it('leaves a run that calls putExecutionToWait waiting, and resumes it through its webhook', async () => {
		const waiting = await runWorkflow({
			nodes: [startNode(), node('Pause', {}, { type: 'test.pause' }), node('After', { field: 'note' }, { type: 'test.upper' })],
			connections: chain('Start', 'Pause', 'After'),
			nodeTypes,
			inputItems: [{ json: { note: 'before' } }],
		});
		expect(waiting.status).toBe('waiting');
		expect(waiting.waitTill).toBeInstanceOf(Date);
		expect(waiting.runsOf('After')).toEqual([]);
		// $execution.resumeUrl, as the node saw it, carries the execution's resume token.
		expect(waiting.outputOf('Pause')[0].json.resumeUrl).toBe(waiting.resumeUrl);
		expect(waiting.resumeUrl).toMatch(new RegExp(`^http://localhost:5678/webhook-waiting/${waiting.executionId}\\?signature=\\w+$`));

		const badToken = await callWaitingWebhook(waiting, { url: `/webhook-waiting/${waiting.executionId}?signature=nope`, body: {} });
		expect(badToken.response.statusCode).toBe(401);

		const acknowledged = await callWaitingWebhook(waiting, { body: { ack: true } });
		expect(acknowledged.response).toMatchObject({ statusCode: 202, body: { acknowledged: true } });
		expect(acknowledged.result).toBeUndefined();

		const resumed = await callWaitingWebhook(waiting, { body: { note: 'resumed' } });
		// n8n 2.41 answers a webhook description without responseData with the literal body "firstEntryJson".
		expect(resumed.response).toMatchObject({ statusCode: 200, body: 'firstEntryJson' });
		const result = resumed.result!;
		expect(result.status).toBe('success');
		expect(result.executionId).toBe(waiting.executionId);
		expect(result.outputOf('Pause')).toEqual([
			// n8n removes the waiting node's pre-pause run before calling its webhook: $('Pause') sees nothing.
			{ json: { note: 'resumed', ownOutputVisible: false, inputCount: 1 }, pairedItem: { item: 0 } },
		]);
		expect(result.outputOf('After')).toEqual([
			{ json: { note: 'RESUMED', ownOutputVisible: false, inputCount: 1 }, pairedItem: { item: 0 } },
		]);

		const again = await callWaitingWebhook(waiting, { body: {} });
		expect(again.response.statusCode).toBe(409);
	});

	it('resumes a waiting run when its waitTill passes, as n8n’s WaitTracker does', async () => {
		const waiting = await runWorkflow({
			nodes: [startNode(), node('Pause', {}, { type: 'test.pause' }), node('After', { field: 'note' }, { type: 'test.upper' })],
			connections: chain('Start', 'Pause', 'After'),
			nodeTypes,
			inputItems: [{ json: { note: 'before' } }],
		});
		expect(waiting.status).toBe('waiting');
		const result = await resumeAfterWaitTill(waiting);
		expect(result.status).toBe('success');
		// The waiting node is disabled on resume: its input goes on, not its pre-pause output.
		expect(result.outputOf('Pause')).toEqual([{ json: { note: 'before' }, pairedItem: { item: 0 } }]);
		expect(result.outputOf('After')).toEqual([{ json: { note: 'BEFORE' }, pairedItem: { item: 0 } }]);
	});

	it('serves credentials with the credential type’s defaults and applies its authenticate', async () => {
		const headers: IncomingHttpHeaders[] = [];
		const server = createServer((req, res) => {
			headers.push(req.headers);
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ ok: true }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = server.address() as AddressInfo;
			const result = await runWorkflow({
				nodes: [startNode(), node('Creds', { url: `http://127.0.0.1:${port}/v1/account` }, { type: 'test.credentialUser' })],
				connections: chain('Start', 'Creds'),
				nodeTypes,
				credentials: { klingVideoReplicateApi: { apiToken: 'r8_test' } },
			});
			expect(result.status).toBe('success');
			expect(result.outputOf('Creds')[0].json).toEqual({
				credentials: { apiToken: 'r8_test', useCustomBaseUrl: false },
				response: { ok: true },
			});
			expect(headers[0].authorization).toBe('Bearer r8_test');
			expect(result.credentialRequests.map((r) => r.type)).toContain('klingVideoReplicateApi');
		} finally {
			server.close();
		}

		const missing = await runWorkflow({
			nodes: [startNode(), node('Creds', {}, { type: 'test.credentialUser', onError: 'continueRegularOutput' }), node('After', {}, { type: 'test.upper' })],
			connections: chain('Start', 'Creds', 'After'),
			nodeTypes,
		});
		expect(missing.nodeError('Creds')?.message).toMatch(/credentials/i);
	});

	it('starts executions from a trigger webhook and from a poll', async () => {
		const hooked = await callWebhook({
			nodes: [node('Hook', {}, { type: 'test.hookTrigger', webhookId: 'hook-id' }), node('Upper', {}, { type: 'test.upper' })],
			connections: chain('Hook', 'Upper'),
			nodeTypes,
			webhookNode: 'Hook',
			request: { body: { text: 'from webhook' } },
		});
		expect(hooked.response).toMatchObject({ statusCode: 200, body: 'firstEntryJson' });
		expect(hooked.result?.outputOf('Upper')).toEqual([{ json: { text: 'FROM WEBHOOK' }, pairedItem: { item: 0 } }]);

		const ignored = await callWebhook({
			nodes: [node('Hook', {}, { type: 'test.hookTrigger' })],
			connections: {},
			nodeTypes,
			webhookNode: 'Hook',
			request: { body: { ignore: true } },
		});
		expect(ignored.response.body).toEqual({ ignored: true });
		expect(ignored.result).toBeUndefined();

		const registration = { nodes: [node('Hook', {}, { type: 'test.hookTrigger', webhookId: 'hook-id' })], connections: {}, nodeTypes, webhookNode: 'Hook' };
		const exists = await runWebhookMethod({ ...registration, method: 'checkExists' });
		expect(exists.returned).toBe(false);
		const created = await runWebhookMethod({ ...registration, method: 'create' });
		expect(created.webhookUrl).toBe('http://localhost:5678/webhook/hook-id/hook');
		expect(created.staticData).toEqual({ 'node:Hook': { registeredUrl: 'http://localhost:5678/webhook/hook-id/hook' } });
		const existsNow = await runWebhookMethod({ ...registration, method: 'checkExists', staticData: created.staticData });
		expect(existsNow.returned).toBe(true);

		const workflow = {
			nodes: [node('Poll', {}, { type: 'test.countingPoll' }), node('Upper', { field: 'poll' }, { type: 'test.upper' })],
			connections: chain('Poll', 'Upper'),
			nodeTypes,
			pollNode: 'Poll',
		};
		const first = await pollTrigger(workflow);
		expect(first.result?.outputOf('Upper')).toEqual([{ json: { poll: '1' }, pairedItem: { item: 0 } }]);
		const second = await pollTrigger({ ...workflow, staticData: first.staticData });
		expect(second.polled).toEqual([[{ json: { poll: 2 } }]]);
		const third = await pollTrigger({ ...workflow, staticData: second.staticData });
		expect(third.polled).toBeNull();
		expect(third.result).toBeUndefined();
	});

	it('serves the package’s Kling Video node from its TypeScript source', () => {
		const types = new HarnessNodeTypes();
		expect(types.getByNameAndVersion(KLING_VIDEO_NODE_TYPE, 1).description.name).toBe('klingVideo');
		expect(() => types.getByNameAndVersion('n8n-nodes-kling-video.nope', 1)).toThrow(/Unrecognized node type/);
	});
});
