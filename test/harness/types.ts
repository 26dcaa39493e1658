/**
 * What the harness's runs take and give back: run options, the result of a run, a running
 * execution's handle, the result of a webhook call.
 */
import type { ExecutionLifecycleHooks } from 'n8n-core';
import type {
	ExecutionError,
	ExecutionStatus,
	IConnections,
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	IPinData,
	IRun,
	ITaskData,
	IVersionedNodeType,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import type { CredentialRequest, HarnessCredentials } from './credentials';
import type { HarnessResponse } from './http';

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

/** Options of a resumed execution (a new process in n8n: the first run's abortSignal does not carry over). */
export interface ResumeOptions {
	abortSignal?: AbortSignal;
	/** Default: the first run's. */
	configureHooks?: RunOptions['configureHooks'];
	/** Default: the first run's. */
	timeoutMs?: number;
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
