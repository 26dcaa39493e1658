/**
 * Workflow-test harness: runs this package's nodes inside n8n's own engine (`n8n-core`'s
 * `WorkflowExecute`), with what n8n's CLI gives an execution, reduced to a test's needs:
 *
 * - node types: a start node (`HARNESS_START_NODE_TYPE`, emits `inputItems`), the package's
 *   nodes from their TypeScript sources (loaded on first use), and any extra node types;
 * - credentials: an `ICredentialsHelper` serving the test's plain credential data (with the
 *   credential type's defaults applied, as n8n does);
 * - binary data: n8n-core's `BinaryDataService` in filesystem mode on a temp folder, so
 *   `prepareBinaryData(stream)` streams to disk like in production;
 * - additionalData modelled on the CLI's `WorkflowExecuteAdditionalData.getBase()`, with
 *   `ExecutionLifecycleHooks`; `$execution.resumeUrl` resolves to
 *   `http://localhost:5678/webhook-waiting/<executionId>?signature=<resumeToken>`;
 * - cancellation through the engine's own `PCancelable` (aborts `getExecutionCancelSignal()`);
 * - waiting executions (`putExecutionToWait`) end with status `waiting` and are kept, so
 *   `callWaitingWebhook` can resume them the way n8n's WaitingWebhooks does;
 * - `resumeAfterWaitTill` resumes a waiting execution as n8n's WaitTracker does when waitTill passes;
 * - `callWebhook` (a trigger node's webhook starts a run), `runWebhookMethod` (checkExists /
 *   create / delete of a trigger's webhook registration) and `pollTrigger` (a poll node's poll
 *   starts a run).
 *
 * Everything n8n writes goes to one temp folder per test file, removed after the file's tests.
 */
import { Container } from '@n8n/di';
import {
	BinaryDataService,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	HookContext,
	PollContext,
	WAITING_TOKEN_QUERY_PARAM,
	WebhookContext,
	WorkflowExecute,
	prepareBinaryData,
} from 'n8n-core';
import {
	createRunExecutionData,
	NodeHelpers,
	resolveWebhookDescriptionField,
	UnexpectedError,
	Workflow,
	type ExecutionError,
	type ExecutionStatus,
	type IBinaryData,
	type IConnections,
	type ICredentialType,
	type IDataObject,
	type IExecuteData,
	type IHttpRequestMethods,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type IPinData,
	type IRun,
	type IRunExecutionData,
	type ITaskData,
	type IVersionedNodeType,
	type IWebhookData,
	type IWebhookDescription,
	type IWebhookResponseData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowSettings,
	type WorkflowActivateMode,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import type PCancelable from 'p-cancelable';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';

import { credentialIdFor, HarnessCredentialsHelper, type CredentialRequest, type HarnessCredentials } from './harness/credentials';
import { disposeHarness, ensureEnvironment } from './harness/environment';
import { HARNESS_START_NODE_TYPE, HarnessNodeTypes, PACKAGE_NAME } from './harness/nodeTypes';
import { FakeResponse, makeRequest, type HarnessResponse, type WebhookRequest } from './harness/http';

export type { CredentialRequest, HarnessCredentials } from './harness/credentials';
export type { HarnessResponse, WebhookRequest } from './harness/http';
export { HARNESS_START_NODE_TYPE, HarnessNodeTypes, HarnessStart, loadPackageNode, PACKAGE_NAME } from './harness/nodeTypes';
export { credentialIdFor, HarnessCredentialsHelper } from './harness/credentials';
export { disposeHarness, ensureEnvironment } from './harness/environment';

// One temp folder per test file; removed after its tests (jest's afterAll, when there is one).
if (typeof afterAll === 'function') afterAll(() => disposeHarness());

/** `n8n-nodes-kling-video.klingVideo` & co. */
export const KLING_VIDEO_NODE_TYPE = `${PACKAGE_NAME}.klingVideo`;
export const KLING_VIDEO_TRIGGER_NODE_TYPE = `${PACKAGE_NAME}.klingVideoTrigger`;
export const KLING_VIDEO_JOBS_TRIGGER_NODE_TYPE = `${PACKAGE_NAME}.klingVideoJobsTrigger`;

/** Base of every URL n8n hands out in harness runs (resume URLs, webhook URLs, instance URL). */
export const HARNESS_BASE_URL = 'http://localhost:5678';

export type AnyNodeType = INodeType | IVersionedNodeType;

export interface RunOptions {
	/** The workflow's nodes. Not mutated: the harness works on a copy. */
	nodes: INode[];
	connections: IConnections;
	/** What getCredentials() returns, per credential type (plain data; the type's defaults are applied). */
	credentials?: HarnessCredentials;
	/**
	 * Gives every node without a `credentials` property a reference to each credential type its
	 * description declares and `credentials` holds (default true). Set a node's `credentials: {}`
	 * to test a node without credentials.
	 */
	assignCredentials?: boolean;
	/** Extra credential types (the package's own are loaded from credentials/). */
	credentialTypes?: ICredentialType[];
	/** Extra node types, by full type name (e.g. `{ 'test.sink': new Sink() }`). */
	nodeTypes?: Record<string, AnyNodeType>;
	/** What the start node emits (default one empty item). */
	inputItems?: INodeExecutionData[];
	/**
	 * Name of the node the execution starts at, given `inputItems` as its input (a trigger node
	 * then passes them through, as after its webhook fired). Default: the node of type
	 * `HARNESS_START_NODE_TYPE`, else the first node no main connection leads to.
	 */
	startNode?: string;
	/** Execution mode (default 'trigger', a production execution; 'manual' is a test run in the editor). */
	mode?: WorkflowExecuteMode;
	/** Default: a fresh numeric id. Binary data of the run is stored under it. */
	executionId?: string;
	workflowId?: string;
	workflowName?: string;
	/** Default `{ executionOrder: 'v1' }`, n8n's default for new workflows. */
	settings?: IWorkflowSettings;
	staticData?: IDataObject;
	pinData?: IPinData;
	/** `$vars`. */
	variables?: IDataObject;
	userId?: string;
	/** Aborting it cancels the execution (like the editor's "stop" button). */
	abortSignal?: AbortSignal;
	/** n8n's workflow timeout: the engine stops between nodes once it has passed (status 'canceled'). */
	timeoutMs?: number;
	/** Register extra lifecycle hook handlers (e.g. `hooks.addHandler('nodeExecuteBefore', …)`). */
	configureHooks?: (hooks: ExecutionLifecycleHooks) => void;
	/** Called for additionalData.executeWorkflow (sub-workflows). Default: throws. */
	executeWorkflow?: IWorkflowExecuteAdditionalData['executeWorkflow'];
}

export interface RunResult {
	run: IRun;
	executionId: string;
	status: ExecutionStatus;
	/** When the execution waits (putExecutionToWait): until when. */
	waitTill?: Date;
	/** The execution's error (a node failed without continueOnFail, or the run was canceled). */
	error?: ExecutionError;
	/**
	 * Whether the execution was canceled (cancel() / abortSignal). `status` is the engine's own
	 * verdict: 'canceled' if the running node returned after the abort, 'error' if it threw.
	 */
	canceled: boolean;
	/** `$execution.resumeUrl` of this execution, with its resume token. */
	resumeUrl: string;
	/** Node names in the order they finished. */
	nodeExecutionOrder: string[];
	/** Every credential lookup of the run. */
	credentialRequests: CredentialRequest[];
	/** The items of one node's output (default: main output 0 of its last run). Throws if the node did not run. */
	outputOf(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** Every output of one run of the node (default: last run). */
	outputsOf(nodeName: string, runIndex?: number): INodeExecutionData[][];
	/** The task data of every run of the node ([] if it did not run). */
	runsOf(nodeName: string): ITaskData[];
	/** The error a node ended with, if any (last run). */
	nodeError(nodeName: string): ExecutionError | undefined;
	/** The workflow's static data after the run. */
	staticData: IDataObject;
}

export interface RunningWorkflow {
	executionId: string;
	/** Settles once the engine has finished (after a cancel: once the running node has returned). */
	result: Promise<RunResult>;
	/** Cancels the execution: aborts the running node's getExecutionCancelSignal(), runs no further node. */
	cancel(): void;
	/**
	 * Resolves when the engine is about to run the named node (its nodeExecuteBefore hook): the
	 * node's execute() may not have been entered yet. A node must check `signal.aborted` as well
	 * as listen for 'abort' — the engine runs a node even if the cancel came just before it.
	 */
	nodeStarted(nodeName: string): Promise<void>;
}

interface StoredExecution {
	workflowData: IWorkflowBase;
	/** As n8n's database would hold it: a JSON copy taken when the run ended. */
	data: IRunExecutionData;
	status: ExecutionStatus;
	mode: WorkflowExecuteMode;
	finished: boolean;
	setup: RunSetup;
}

interface RunSetup {
	nodeTypes: HarnessNodeTypes;
	credentialsHelper: HarnessCredentialsHelper;
	options: RunOptions;
}

const executions = new Map<string, StoredExecution>();
let nextExecutionId = 1;

function newExecutionId(): string {
	return String(nextExecutionId++);
}

/** What the database round trip does to run data (class instances become plain objects). */
function persisted<T>(value: T): T {
	// Shared references are kept as copies (as flatted round trips them); only true cycles are cut.
	const ancestors: unknown[] = [];
	return JSON.parse(
		JSON.stringify(value, function (this: unknown, _key, v: unknown) {
			if (typeof v !== 'object' || v === null) return v;
			while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
			if (ancestors.includes(v)) return undefined;
			ancestors.push(v);
			return v;
		}),
	) as T;
}

function setupFor(options: RunOptions): RunSetup {
	return {
		nodeTypes: new HarnessNodeTypes(options.nodeTypes),
		credentialsHelper: new HarnessCredentialsHelper({ ...(options.credentials ?? {}) }, options.credentialTypes),
		options,
	};
}

function prepareNodes(options: RunOptions, nodeTypes: HarnessNodeTypes): INode[] {
	const nodes = structuredClone(options.nodes);
	for (const node of nodes) {
		node.id ??= randomUUID();
		node.parameters ??= {};
		if (options.assignCredentials === false || node.credentials !== undefined || !options.credentials) continue;
		let declared: string[] = [];
		try {
			declared = (nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description.credentials ?? []).map((c) => c.name);
		} catch {
			continue; // unknown type: the engine reports it
		}
		const assigned = declared.filter((type) => options.credentials?.[type] !== undefined);
		if (assigned.length) {
			node.credentials = Object.fromEntries(
				assigned.map((type) => [type, { id: credentialIdFor(type, options.credentials?.[type]), name: type }]),
			);
		}
	}
	return nodes;
}

function makeWorkflow(data: IWorkflowBase, nodeTypes: HarnessNodeTypes): Workflow {
	return new Workflow({
		id: data.id,
		name: data.name,
		nodes: data.nodes,
		connections: data.connections,
		active: false,
		nodeTypes,
		staticData: data.staticData as IDataObject | undefined,
		settings: data.settings,
		pinData: data.pinData,
	});
}

function findStartNode(workflow: Workflow, requested?: string): INode {
	if (requested) {
		const node = workflow.getNode(requested);
		if (!node) throw new UnexpectedError(`Start node "${requested}" is not in the workflow`);
		return node;
	}
	const nodes = Object.values(workflow.nodes);
	const start =
		nodes.find((node) => node.type === HARNESS_START_NODE_TYPE) ??
		nodes.find((node) => !workflow.connectionsByDestinationNode[node.name]?.main?.some((c) => c?.length));
	if (!start) throw new UnexpectedError('No start node: give options.startNode');
	return start;
}

function resumeUrlOf(executionId: string, data: IRunExecutionData): string {
	const url = new URL(`${HARNESS_BASE_URL}/webhook-waiting/${executionId}`);
	if (data.resumeToken) url.searchParams.set(WAITING_TOKEN_QUERY_PARAM, data.resumeToken);
	return url.toString();
}

/** additionalData as the CLI's WorkflowExecuteAdditionalData.getBase() builds it, minus the database. */
function buildAdditionalData(
	setup: RunSetup,
	executionId: string,
	workflowId: string,
	hooks: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	const { options } = setup;
	const base = `${HARNESS_BASE_URL}/`;
	const additionalData: IWorkflowExecuteAdditionalData = {
		currentNodeExecutionIndex: 0,
		credentialsHelper: setup.credentialsHelper,
		hooks,
		executionId,
		workflowId,
		userId: options.userId ?? 'harness-user',
		restApiUrl: `${base}rest`,
		instanceBaseUrl: base,
		formWaitingBaseUrl: `${base}form-waiting`,
		formBaseUrl: `${base}form`,
		formTestBaseUrl: `${base}form-test`,
		webhookBaseUrl: `${base}webhook`,
		webhookWaitingBaseUrl: `${base}webhook-waiting`,
		webhookTestBaseUrl: `${base}webhook-test`,
		mcpBaseUrl: `${base}mcp`,
		mcpTestBaseUrl: `${base}mcp-test`,
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: options.timeoutMs !== undefined ? Date.now() + options.timeoutMs : undefined,
		variables: options.variables ?? {},
		executeWorkflow:
			options.executeWorkflow ??
			(async () => {
				throw new UnexpectedError('The workflow harness does not run sub-workflows (give options.executeWorkflow)');
			}),
		async getRunExecutionData(id: string) {
			return executions.get(id)?.data;
		},
		async getRuntimeCredential() {
			return undefined;
		},
		async startRunnerTask() {
			throw new UnexpectedError('The workflow harness has no task runners (Code node)');
		},
		externalSecretsProxy: Container.get(ExternalSecretsProxy),
		logAiEvent: () => undefined,
		setExecutionStatus: () => undefined,
	};
	return additionalData;
}

interface EngineStart {
	setup: RunSetup;
	workflowData: IWorkflowBase;
	executionId: string;
	mode: WorkflowExecuteMode;
	runExecutionData: IRunExecutionData;
	/** Set when a waiting execution resumes. */
	restartExecutionId?: string;
	/** Extra additionalData fields (webhook request/response). */
	extraAdditionalData?: Partial<IWorkflowExecuteAdditionalData>;
}

/** Runs the engine on prepared run data; the core of runWorkflow and of every resume. */
function startEngine(start: EngineStart): RunningWorkflow {
	const { setup, workflowData, executionId, mode, runExecutionData } = start;
	const { options, nodeTypes, credentialsHelper } = setup;
	let cancelRequested = false;
	let engine: PCancelable<IRun> | undefined;
	const startedWaiters = new Map<string, Array<() => void>>();
	const started = new Set<string>();

	const result = (async (): Promise<RunResult> => {
		await ensureEnvironment();
		const workflow = makeWorkflow(workflowData, nodeTypes);
		const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
		const nodeExecutionOrder: string[] = [];
		hooks.addHandler('nodeExecuteBefore', (nodeName) => {
			started.add(nodeName);
			for (const resolve of startedWaiters.get(nodeName) ?? []) resolve();
			startedWaiters.delete(nodeName);
		});
		hooks.addHandler('nodeExecuteAfter', (nodeName) => {
			nodeExecutionOrder.push(nodeName);
		});
		hooks.addHandler('workflowExecuteAfter', (fullRunData) => {
			// What the CLI's save hook does: the execution as the database keeps it.
			executions.set(executionId, {
				workflowData,
				data: persisted(fullRunData.data),
				status: fullRunData.status,
				mode,
				finished: fullRunData.finished === true,
				setup,
			});
		});
		options.configureHooks?.(hooks);

		const additionalData = buildAdditionalData(setup, executionId, workflowData.id, hooks);
		if (start.restartExecutionId) additionalData.restartExecutionId = start.restartExecutionId;
		Object.assign(additionalData, start.extraAdditionalData ?? {});

		const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
		engine = workflowExecute.processRunExecutionData(workflow);
		const onAbort = () => engine?.cancel();
		if (cancelRequested) engine.cancel();
		options.abortSignal?.addEventListener('abort', onAbort, { once: true });
		if (options.abortSignal?.aborted) engine.cancel();
		let run: IRun;
		try {
			run = await engine;
		} finally {
			options.abortSignal?.removeEventListener('abort', onAbort);
		}
		return toResult(run, executionId, workflow, nodeExecutionOrder, credentialsHelper.requests, cancelRequested || options.abortSignal?.aborted === true);
	})();

	return {
		executionId,
		result,
		cancel() {
			cancelRequested = true;
			engine?.cancel();
		},
		nodeStarted(nodeName: string) {
			if (started.has(nodeName)) return Promise.resolve();
			return new Promise<void>((resolve) => {
				startedWaiters.set(nodeName, [...(startedWaiters.get(nodeName) ?? []), resolve]);
			});
		},
	};
}

function toResult(
	run: IRun,
	executionId: string,
	workflow: Workflow,
	nodeExecutionOrder: string[],
	credentialRequests: CredentialRequest[],
	canceled: boolean,
): RunResult {
	const runData = run.data.resultData.runData;
	const runsOf = (nodeName: string) => runData[nodeName] ?? [];
	const taskOf = (nodeName: string, runIndex?: number): ITaskData => {
		const runs = runsOf(nodeName);
		if (!runs.length) {
			const errors = Object.entries(runData)
				.filter(([, tasks]) => tasks.some((t) => t.error))
				.map(([name, tasks]) => `${name}: ${tasks.find((t) => t.error)?.error?.message}`);
			throw new UnexpectedError(
				`Node "${nodeName}" did not run (ran: ${Object.keys(runData).join(', ') || 'none'}; status ${run.status}` +
					`${errors.length ? `; errors: ${errors.join(' | ')}` : ''}${run.data.resultData.error ? `; execution error: ${run.data.resultData.error.message}` : ''})`,
			);
		}
		const task = runs[runIndex ?? runs.length - 1];
		if (!task) throw new UnexpectedError(`Node "${nodeName}" has no run ${runIndex}`);
		return task;
	};
	return {
		run,
		executionId,
		status: run.status,
		waitTill: run.waitTill ?? undefined,
		error: run.data.resultData.error,
		canceled,
		resumeUrl: resumeUrlOf(executionId, run.data),
		nodeExecutionOrder,
		credentialRequests: [...credentialRequests],
		outputsOf: (nodeName, runIndex) => (taskOf(nodeName, runIndex).data?.main ?? []).map((items) => items ?? []),
		outputOf: (nodeName, outputIndex = 0, runIndex) => taskOf(nodeName, runIndex).data?.main?.[outputIndex] ?? [],
		runsOf,
		nodeError: (nodeName) => runsOf(nodeName).at(-1)?.error,
		staticData: workflow.staticData,
	};
}

function workflowDataFor(options: RunOptions, nodes: INode[]): IWorkflowBase {
	const now = new Date();
	return {
		id: options.workflowId ?? 'harness-workflow',
		name: options.workflowName ?? 'Harness workflow',
		active: false,
		isArchived: false,
		createdAt: now,
		updatedAt: now,
		nodes,
		connections: options.connections,
		settings: options.settings ?? { executionOrder: 'v1' },
		staticData: options.staticData,
		pinData: options.pinData,
	} as IWorkflowBase;
}

function startWithStack(
	options: RunOptions,
	stackFor: (workflow: Workflow, nodes: INode[]) => IExecuteData,
	extraAdditionalData?: Partial<IWorkflowExecuteAdditionalData>,
	setup: RunSetup = setupFor(options),
): RunningWorkflow {
	const nodes = prepareNodes(options, setup.nodeTypes);
	const workflowData = workflowDataFor(options, nodes);
	const workflow = makeWorkflow(workflowData, setup.nodeTypes);
	const mode = options.mode ?? 'trigger';
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [stackFor(workflow, nodes)] },
		resultData: { pinData: options.pinData },
	});
	return startEngine({
		setup,
		workflowData,
		executionId: options.executionId ?? newExecutionId(),
		mode,
		runExecutionData,
		extraAdditionalData,
	});
}

/**
 * Starts an execution and returns at once, with a handle to cancel it. `inputItems` are the
 * start node's input (default one empty item).
 */
export function startWorkflow(options: RunOptions): RunningWorkflow {
	return startWithStack(options, (workflow) => ({
		node: findStartNode(workflow, options.startNode),
		data: { main: [options.inputItems ?? [{ json: {} }]] },
		source: null,
	}));
}

/**
 * Runs a workflow to its end (or until it waits, or is canceled through options.abortSignal).
 * Rejects, as n8n refuses to start it, when a node has issues (unknown type, a required
 * parameter missing): a WorkflowHasIssuesError naming the node and parameter.
 */
export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	return await startWorkflow(options).result;
}

// ---------------------------------------------------------------------------------------------
// Webhooks: resuming waiting executions, trigger webhooks, webhook lifecycle methods

/** The node's webhooks, as the CLI's WebhookService.getNodeWebhooks lists them. */
function nodeWebhooks(workflow: Workflow, node: INode, additionalData: IWorkflowExecuteAdditionalData): IWebhookData[] {
	if (node.disabled === true) return [];
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const evaluate = <T>(description: IWebhookDescription, property: keyof IWebhookDescription, fallback?: T): T => {
		const native = resolveWebhookDescriptionField(node, description, property as string);
		if (native.resolved) return native.value as T;
		return workflow.expression.getSimpleParameterValue(
			node,
			description[property] as string,
			'internal',
			{},
			undefined,
			fallback as never,
		) as T;
	};
	const result: IWebhookData[] = [];
	for (const description of nodeType.description.webhooks ?? []) {
		let webhookPath = String(evaluate<string>(description, 'path') ?? '').trim();
		webhookPath = webhookPath.replace(/^\//, '').replace(/\/$/, '');
		const isFullPath = evaluate<boolean>(description, 'isFullPath', false);
		const restartWebhook = evaluate<boolean>(description, 'restartWebhook', false);
		const path = NodeHelpers.getNodeWebhookPath(workflow.id, node, webhookPath, isFullPath, restartWebhook);
		const methods = String(evaluate<string>(description, 'httpMethod', 'GET') ?? 'GET');
		for (const method of methods.split(',').map((m) => m.trim()).filter(Boolean)) {
			result.push({
				httpMethod: method as IHttpRequestMethods,
				node: node.name,
				path,
				webhookDescription: description,
				workflowId: workflow.id,
				workflowExecuteAdditionalData: additionalData,
				webhookId: node.webhookId,
			});
		}
	}
	return result;
}

/** Options of a resumed execution (a new process in n8n: the first run's abortSignal does not carry over). */
export interface ResumeOptions {
	abortSignal?: AbortSignal;
	/** Default: the first run's. */
	configureHooks?: RunOptions['configureHooks'];
	/** Default: the first run's. */
	timeoutMs?: number;
}

function resumeSetup(setup: RunSetup, resume: ResumeOptions): RunSetup {
	return {
		...setup,
		options: {
			...setup.options,
			abortSignal: resume.abortSignal,
			configureHooks: resume.configureHooks ?? setup.options.configureHooks,
			timeoutMs: resume.timeoutMs ?? setup.options.timeoutMs,
		},
	};
}

export interface WebhookCallResult {
	/** What the caller of the webhook got back. */
	response: HarnessResponse;
	/** What the node's webhook() returned (undefined if it threw). */
	webhookResult?: IWebhookResponseData;
	/** The error webhook() threw, if any (n8n answers 500 and records it as the execution's error). */
	webhookError?: Error;
	/** Set when the call (re)started the execution: its result. */
	result?: RunResult;
	/**
	 * callWebhook only: the workflow's static data once the node's webhook() returned, as n8n saves
	 * it after a production webhook. Pass it back in `options.staticData` for the next delivery.
	 */
	staticData?: IDataObject;
}

function hooksFor(mode: WorkflowExecuteMode, executionId: string, workflowData: IWorkflowBase) {
	return new ExecutionLifecycleHooks(mode, executionId, workflowData);
}

async function invokeWebhook(
	workflow: Workflow,
	node: INode,
	webhookData: IWebhookData,
	additionalData: IWorkflowExecuteAdditionalData,
	mode: WorkflowExecuteMode,
	runExecutionData: IRunExecutionData | null,
): Promise<{ result?: IWebhookResponseData; error?: Error }> {
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.webhook) throw new UnexpectedError(`Node "${node.name}" has no webhook method`);
	const closeFunctions: Array<() => Promise<void>> = [];
	const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, closeFunctions, runExecutionData);
	try {
		return { result: await nodeType.webhook.call(context) };
	} catch (error) {
		return { error: error as Error };
	} finally {
		await Promise.allSettled(closeFunctions.map(async (fn) => await fn()));
	}
}

interface ResponseOptions {
	responseMode: string;
	responseCode: number;
	responseData: unknown;
}

/** The webhook description's response options, evaluated as n8n's evaluateResponseOptions does. */
function responseOptions(workflow: Workflow, node: INode, webhookData: IWebhookData, mode: WorkflowExecuteMode, executionId: string): ResponseOptions {
	const description = webhookData.webhookDescription;
	const additionalKeys = { $executionId: executionId };
	const evaluate = (property: keyof IWebhookDescription, fallback: unknown, complex: boolean): unknown => {
		const native = resolveWebhookDescriptionField(node, description, property as string);
		if (native.resolved) return native.value;
		const value = description[property] as never;
		return complex
			? workflow.expression.getComplexParameterValue(node, value, mode, additionalKeys, undefined, fallback as never)
			: workflow.expression.getSimpleParameterValue(node, value, mode, additionalKeys, undefined, fallback as never);
	};
	return {
		responseMode: String(evaluate('responseMode', 'onReceived', false)),
		responseCode: Number(evaluate('responseCode', 200, false)),
		responseData: evaluate('responseData', 'firstEntryJson', true),
	};
}

/**
 * The response n8n sends when webhook() did not answer itself (noWebhookResponse), before the
 * execution runs (responseMode lastNode answers after it, see settleLastNodeResponse).
 */
function settleResponse(
	res: FakeResponse,
	webhook: { result?: IWebhookResponseData; error?: Error },
	starting: boolean,
	options: ResponseOptions,
): void {
	if (res.finished) return;
	if (webhook.error) {
		res.status(500).json({ code: 500, message: 'Workflow Webhook Error: Workflow could not be started!' });
		return;
	}
	const data = webhook.result ?? {};
	if (data.noWebhookResponse === true) return; // the node answered (or will answer) itself
	if (!starting) {
		// No execution starts: the node's webhookResponse, or n8n's acknowledgement.
		res.status(options.responseCode).send(data.webhookResponse ?? { message: 'Webhook call received' });
		return;
	}
	if (options.responseMode === 'onReceived') {
		// n8n's extractWebhookOnReceivedResponse. NB: a description without `responseData` evaluates
		// to the default 'firstEntryJson', which n8n 2.41 sends as the literal body "firstEntryJson".
		const { responseData } = options;
		const body =
			responseData === 'noData' ? undefined : responseData ? responseData : (data.webhookResponse ?? { message: 'Workflow was started' });
		res.status(options.responseCode);
		if (typeof body === 'string' || body === undefined) res.send(body);
		else res.json(body);
	}
}

/** The lastNode response, once the execution has ended (simplified n8n extractWebhookLastNodeResponse). */
function settleLastNodeResponse(res: FakeResponse, result: RunResult, options: ResponseOptions): void {
	if (res.finished || options.responseMode !== 'lastNode') return;
	const lastNode = result.run.data.resultData.lastNodeExecuted;
	const task = lastNode ? result.runsOf(lastNode).at(-1) : undefined;
	if (result.run.data.resultData.error || task?.error) {
		res.status(500).json({ message: 'Error in workflow' });
		return;
	}
	const items = task?.data?.main?.[0] ?? [];
	if (!task) {
		res.status(options.responseCode).json({ message: 'Workflow executed successfully but the last node did not return any data' });
	} else if (options.responseData === 'noData') {
		res.status(options.responseCode).send(undefined);
	} else if (options.responseData === 'allEntries') {
		res.status(options.responseCode).json(items.map((item) => item.json));
	} else {
		res.status(options.responseCode).json(items[0]?.json ?? {});
	}
}

function assertResponseMode({ responseMode }: ResponseOptions): void {
	if (responseMode !== 'onReceived' && responseMode !== 'lastNode') {
		throw new UnexpectedError(`The harness does not support webhook responseMode "${responseMode}" (onReceived, lastNode)`);
	}
}

/**
 * Calls the resume webhook of a waiting execution, as n8n's WaitingWebhooks does for
 * `POST /webhook-waiting/<executionId>?signature=<token>`: checks the token, runs the waiting
 * node's webhook() (with the waiting node disabled and its pre-pause run popped from the run
 * data, exactly as n8n does), and if webhook() returns `workflowData` continues the execution
 * with it as the waiting node's output. If webhook() returns no workflowData, the execution
 * stays as it was (waiting) and can be called again.
 *
 * `request.url` defaults to the execution's resume URL (valid token); give another to test a
 * bad token. `request.method` defaults to POST.
 */
export async function callWaitingWebhook(
	execution: string | RunResult,
	request: WebhookRequest = {},
	resume: ResumeOptions = {},
): Promise<WebhookCallResult> {
	await ensureEnvironment();
	const executionId = typeof execution === 'string' ? execution : execution.executionId;
	const res = new FakeResponse();
	const stored = executions.get(executionId);
	if (!stored) {
		res.status(404).json({ code: 404, message: `The execution "${executionId}" does not exist.` });
		return { response: res.toResponse() };
	}
	// Each call works on a fresh copy of the stored execution, as each request loads it from the database.
	const data = persisted(stored.data);
	const req = makeRequest({ url: resumeUrlOf(executionId, data), ...request });
	if (data.resumeToken) {
		const token = new URL(req.url, HARNESS_BASE_URL).searchParams.get(WAITING_TOKEN_QUERY_PARAM);
		if (token !== data.resumeToken) {
			res.status(401).json({ error: 'Invalid token' });
			return { response: res.toResponse() };
		}
	}
	if (stored.status === 'running') {
		res.status(409).json({ code: 409, message: `The execution "${executionId}" is running already.` });
		return { response: res.toResponse() };
	}
	if (data.resultData.error) {
		res.status(409).json({ code: 409, message: `The execution "${executionId}" has finished with error.` });
		return { response: res.toResponse() };
	}
	if (stored.finished) {
		res.status(409).json({ code: 409, message: `The execution "${executionId} has finished already.` });
		return { response: res.toResponse() };
	}
	const lastNodeExecuted = data.resultData.lastNodeExecuted as string;
	const stackEntry = data.executionData?.nodeExecutionStack[0];
	if (!stackEntry) throw new UnexpectedError(`Execution ${executionId} has nothing waiting on its stack`);
	stackEntry.node.disabled = true;
	data.waitTill = undefined;
	// n8n's preserveInputOverride: the waiting node's pre-pause run is removed from the run data.
	const runs = data.resultData.runData[lastNodeExecuted];
	const popped = runs?.pop();
	if (popped?.inputOverride) {
		runs.push({ startTime: 0, executionTime: 0, executionIndex: 0, source: popped.source, inputOverride: popped.inputOverride });
	}

	const { setup, workflowData, mode } = stored;
	const workflow = makeWorkflow(workflowData, setup.nodeTypes);
	const node = workflow.getNode(lastNodeExecuted);
	if (!node) throw new UnexpectedError(`Could not find node "${lastNodeExecuted}" to process the webhook`);
	const webhookHooks = hooksFor(mode, executionId, workflowData);
	const additionalData = buildAdditionalData(setup, executionId, workflowData.id, webhookHooks);
	additionalData.httpRequest = req as never;
	additionalData.httpResponse = res as never;
	const suffix = request.suffix ?? '';
	const webhookData = nodeWebhooks(workflow, node, additionalData).find(
		(webhook) =>
			webhook.httpMethod === req.method &&
			webhook.webhookDescription.restartWebhook === true &&
			webhook.webhookDescription.nodeType !== 'form' &&
			webhook.path === suffix,
	);
	if (!webhookData) {
		res.status(404).json({
			code: 404,
			message: `The workflow for execution "${executionId}" does not contain a waiting webhook with a matching path/method.`,
		});
		return { response: res.toResponse() };
	}

	const respond = responseOptions(workflow, node, webhookData, mode, executionId);
	assertResponseMode(respond);
	const webhook = await invokeWebhook(workflow, node, webhookData, additionalData, mode, data);
	const workflowOutput = webhook.error ? [[{ json: {} }]] : webhook.result?.workflowData;
	settleResponse(res, webhook, workflowOutput !== undefined, respond);
	if (workflowOutput === undefined) {
		return { response: res.toResponse(), webhookResult: webhook.result };
	}

	stackEntry.data.main = workflowOutput;
	stackEntry.metadata = { ...stackEntry.metadata, forwardAllOutputs: true };
	if (webhook.error) {
		Object.assign(data, {
			resultData: {
				runData: {},
				lastNodeExecuted: node.name,
				error: { ...webhook.error, message: webhook.error.message, stack: webhook.error.stack },
			},
		});
	}
	stored.status = 'running';
	const running = startEngine({
		setup: resumeSetup(setup, resume),
		workflowData,
		executionId,
		mode,
		runExecutionData: data,
		restartExecutionId: executionId,
		extraAdditionalData: { httpRequest: req as never, httpResponse: res as never },
	});
	const result = await running.result;
	settleLastNodeResponse(res, result, respond);
	return { response: res.toResponse(), webhookResult: webhook.result, webhookError: webhook.error, result };
}

/**
 * Resumes a waiting execution the way n8n's WaitTracker does once `waitTill` has passed (no
 * webhook call): the engine disables the waiting node, drops its pre-pause run, and the node
 * passes its *input* items on unchanged; the rest of the workflow then runs.
 */
export async function resumeAfterWaitTill(execution: string | RunResult, resume: ResumeOptions = {}): Promise<RunResult> {
	await ensureEnvironment();
	const executionId = typeof execution === 'string' ? execution : execution.executionId;
	const stored = executions.get(executionId);
	if (!stored) throw new UnexpectedError(`Execution ${executionId} does not exist`);
	if (stored.finished) throw new UnexpectedError('The execution did succeed and can so not be started again.');
	if (stored.status !== 'waiting') throw new UnexpectedError(`Execution ${executionId} is ${stored.status}, not waiting`);
	stored.status = 'running';
	return await startEngine({
		setup: resumeSetup(stored.setup, resume),
		workflowData: stored.workflowData,
		executionId,
		mode: stored.mode,
		runExecutionData: persisted(stored.data),
		restartExecutionId: executionId,
	}).result;
}

export interface WebhookTriggerOptions extends RunOptions {
	/** The node whose webhook is called (a trigger node of the workflow). */
	webhookNode: string;
	request?: WebhookRequest;
	/** Which of the node's webhooks (its description's `name`, default 'default'). */
	webhookName?: string;
}

/**
 * Calls a trigger node's webhook as n8n does for a production webhook request: webhook() runs
 * with the request; if it returns `workflowData`, an execution starts (mode 'webhook') with
 * that data as the trigger node's output, and the call resolves once it has ended.
 */
export async function callWebhook(options: WebhookTriggerOptions): Promise<WebhookCallResult> {
	await ensureEnvironment();
	const setup = setupFor(options);
	const nodes = prepareNodes(options, setup.nodeTypes);
	const workflowData = workflowDataFor(options, nodes);
	const workflow = makeWorkflow(workflowData, setup.nodeTypes);
	const node = workflow.getNode(options.webhookNode);
	if (!node) throw new UnexpectedError(`Webhook node "${options.webhookNode}" is not in the workflow`);
	const mode = options.mode ?? 'webhook';
	const executionId = options.executionId ?? newExecutionId();
	const req = makeRequest(options.request ?? {});
	const res = new FakeResponse();
	const additionalData = buildAdditionalData(setup, executionId, workflowData.id, hooksFor(mode, executionId, workflowData));
	additionalData.httpRequest = req as never;
	additionalData.httpResponse = res as never;
	const webhookName = options.webhookName ?? 'default';
	const webhookData = nodeWebhooks(workflow, node, additionalData).find(
		(webhook) =>
			webhook.webhookDescription.name === webhookName &&
			webhook.webhookDescription.restartWebhook !== true &&
			webhook.httpMethod === req.method,
	);
	if (!webhookData) {
		res.status(404).json({ code: 404, message: `Node "${node.name}" has no ${req.method} webhook "${webhookName}"` });
		return { response: res.toResponse() };
	}
	const respond = responseOptions(workflow, node, webhookData, mode, executionId);
	assertResponseMode(respond);
	const webhook = await invokeWebhook(workflow, node, webhookData, additionalData, mode, null);
	const staticData = persisted(workflow.staticData);
	const workflowOutput = webhook.error ? [[{ json: {} }]] : webhook.result?.workflowData;
	settleResponse(res, webhook, workflowOutput !== undefined, respond);
	if (workflowOutput === undefined) return { response: res.toResponse(), webhookResult: webhook.result, staticData };

	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node, data: { main: workflowOutput }, source: null }] },
		resultData: webhook.error
			? { runData: {}, lastNodeExecuted: node.name, error: { ...webhook.error, message: webhook.error.message } as never }
			: { pinData: options.pinData },
	});
	const running = startEngine({
		setup,
		workflowData,
		executionId,
		mode,
		runExecutionData,
		extraAdditionalData: { httpRequest: req as never, httpResponse: res as never },
	});
	const result = await running.result;
	settleLastNodeResponse(res, result, respond);
	return { response: res.toResponse(), webhookResult: webhook.result, webhookError: webhook.error, result, staticData };
}

/**
 * Runs one of a trigger node's webhook lifecycle methods (`webhookMethods[name][method]`:
 * checkExists / create / delete), as n8n does when it activates or deactivates a workflow.
 * Returns what the method returned and the workflow's static data after it.
 */
export async function runWebhookMethod(
	options: RunOptions & { webhookNode: string; method: 'checkExists' | 'create' | 'delete'; webhookName?: string; activation?: WorkflowActivateMode },
): Promise<{ returned: boolean | undefined; staticData: IDataObject; webhookUrl: string }> {
	await ensureEnvironment();
	const setup = setupFor(options);
	const nodes = prepareNodes(options, setup.nodeTypes);
	const workflowData = workflowDataFor(options, nodes);
	const workflow = makeWorkflow(workflowData, setup.nodeTypes);
	const node = workflow.getNode(options.webhookNode);
	if (!node) throw new UnexpectedError(`Webhook node "${options.webhookNode}" is not in the workflow`);
	const mode = options.mode ?? 'trigger';
	const additionalData = buildAdditionalData(setup, options.executionId ?? newExecutionId(), workflowData.id, hooksFor(mode, '', workflowData));
	const webhookName = options.webhookName ?? 'default';
	const webhookData = nodeWebhooks(workflow, node, additionalData).find(
		(webhook) => webhook.webhookDescription.name === webhookName && webhook.webhookDescription.restartWebhook !== true,
	);
	if (!webhookData) throw new UnexpectedError(`Node "${node.name}" has no webhook "${webhookName}"`);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const methods = nodeType.webhookMethods as Record<string, Record<string, (this: unknown) => Promise<boolean>> | undefined> | undefined;
	const fn = methods?.[webhookName]?.[options.method];
	if (!fn) throw new UnexpectedError(`Node "${node.name}" has no webhookMethods.${webhookName}.${options.method}`);
	const context = new HookContext(workflow, node, additionalData, mode, options.activation ?? 'activate', webhookData);
	const returned = await fn.call(context);
	return {
		returned,
		staticData: workflow.staticData,
		webhookUrl: `${additionalData.webhookBaseUrl}/${webhookData.path}`,
	};
}

export interface PollOptions extends RunOptions {
	/** The poll trigger node of the workflow. */
	pollNode: string;
	activation?: WorkflowActivateMode;
}

/**
 * One poll of a poll trigger node, as n8n's active workflow runs it: poll() runs (mode
 * 'trigger'); if it returns items, an execution starts with them as the trigger's output.
 * Pass the returned `staticData` back in `options.staticData` for the next poll.
 */
export async function pollTrigger(
	options: PollOptions,
): Promise<{ polled: INodeExecutionData[][] | null; staticData: IDataObject; result?: RunResult }> {
	await ensureEnvironment();
	const setup = setupFor(options);
	const nodes = prepareNodes(options, setup.nodeTypes);
	const workflowData = workflowDataFor(options, nodes);
	const workflow = makeWorkflow(workflowData, setup.nodeTypes);
	const node = workflow.getNode(options.pollNode);
	if (!node) throw new UnexpectedError(`Poll node "${options.pollNode}" is not in the workflow`);
	const mode = options.mode ?? 'trigger';
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.poll) throw new UnexpectedError(`Node "${node.name}" has no poll method`);
	const additionalData = buildAdditionalData(setup, '', workflowData.id, hooksFor(mode, '', workflowData));
	additionalData.executionId = undefined;
	const context = new PollContext(workflow, node, additionalData, mode, options.activation ?? 'activate');
	const polled = (await nodeType.poll.call(context)) ?? null;
	const staticData = workflow.staticData;
	if (!polled) return { polled, staticData };
	const running = startWithStack(
		{ ...options, staticData: persisted(staticData), mode },
		(wf) => ({ node: wf.getNode(node.name) as INode, data: { main: polled }, source: null }),
		undefined,
		setup,
	);
	return { polled, staticData, result: await running.result };
}

// ---------------------------------------------------------------------------------------------
// Binary data

/** Reads a binary back from n8n's binary store (filesystem mode) or from its inline base64 data. */
export async function binaryToBuffer(binary: IBinaryData): Promise<Buffer> {
	await ensureEnvironment();
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

/**
 * Puts data into the binary store the way a node's `prepareBinaryData` does (n8n-core's own
 * prepareBinaryData), for use as input items' binary. Give a mime type: without one n8n
 * sniffs it with the ESM-only `file-type` package, which jest cannot import.
 */
export async function makeBinary(
	data: Buffer | Readable,
	fileName: string,
	mimeType: string,
	location: { executionId?: string; workflowId?: string } = {},
): Promise<IBinaryData> {
	await ensureEnvironment();
	return await prepareBinaryData(data, location.executionId ?? 'harness-input', location.workflowId ?? 'harness-workflow', fileName, mimeType);
}

// ---------------------------------------------------------------------------------------------
// Building workflows

/** A node of the workflow. `type` defaults to the Kling Video node. */
export function node(
	name: string,
	parameters: INode['parameters'] = {},
	extra: Partial<INode> & { type?: string } = {},
): INode {
	return {
		id: randomUUID(),
		name,
		type: extra.type ?? KLING_VIDEO_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		...extra,
	};
}

/** The harness's start node (emits the run's inputItems). */
export function startNode(name = 'Start'): INode {
	return node(name, {}, { type: HARNESS_START_NODE_TYPE });
}

/** Connections of a straight chain: `chain('Start', 'Kling Video', 'Sink')`. An entry `['A', 1]` connects A's output 1. */
export function chain(...names: Array<string | [string, number]>): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i < names.length - 1; i++) {
		const [from, output] = Array.isArray(names[i]) ? (names[i] as [string, number]) : [names[i] as string, 0];
		const to = Array.isArray(names[i + 1]) ? (names[i + 1] as [string, number])[0] : (names[i + 1] as string);
		connections[from] ??= { main: [] };
		const main = connections[from].main;
		while (main.length <= output) main.push([]);
		(main[output] as NonNullable<(typeof main)[number]>).push({ node: to, type: 'main', index: 0 });
	}
	return connections;
}

/** An execution as n8n's database would hold it after its last save (JSON round trip of the run data). */
export function storedExecution(
	executionId: string,
): { status: ExecutionStatus; finished: boolean; mode: WorkflowExecuteMode; data: IRunExecutionData } | undefined {
	const stored = executions.get(executionId);
	return stored && { status: stored.status, finished: stored.finished, mode: stored.mode, data: persisted(stored.data) };
}

/** Drops every stored execution (the harness keeps them for callWaitingWebhook). */
export function forgetExecutions(): void {
	executions.clear();
}
