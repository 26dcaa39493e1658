/**
 * Engine runs: n8n-core's `WorkflowExecute` on prepared run data, with lifecycle hooks that
 * record what ran and save the execution as the CLI does; cancellation through the engine's own
 * `PCancelable` (it aborts `getExecutionCancelSignal()`). The core of every run and resume.
 */
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	type IExecuteData,
	type INode,
	type IRun,
	type IRunExecutionData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type Workflow,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import type PCancelable from 'p-cancelable';

import { buildAdditionalData } from './additionalData';
import { ensureEnvironment } from './environment';
import { newExecutionId, persisted, saveExecution } from './executions';
import { toResult } from './result';
import { setupFor, type RunSetup } from './setup';
import type { RunningWorkflow, RunOptions, RunResult } from './types';
import { findStartNode, makeWorkflow, prepareNodes, workflowDataFor } from './workflow';

export interface EngineStart {
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

/** Which nodes the engine has started, and who waits for one to start. */
class NodeStarts {
	private readonly started = new Set<string>();
	private readonly waiters = new Map<string, Array<() => void>>();

	mark(nodeName: string): void {
		this.started.add(nodeName);
		for (const resolve of this.waiters.get(nodeName) ?? []) resolve();
		this.waiters.delete(nodeName);
	}

	wait(nodeName: string): Promise<void> {
		if (this.started.has(nodeName)) return Promise.resolve();
		return new Promise<void>((resolve) => {
			this.waiters.set(nodeName, [...(this.waiters.get(nodeName) ?? []), resolve]);
		});
	}
}

/** The run's hooks: node starts, the order nodes finished in, and the CLI's save at the end. */
function runHooks(start: EngineStart, starts: NodeStarts, nodeExecutionOrder: string[]): ExecutionLifecycleHooks {
	const { setup, workflowData, executionId, mode } = start;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	hooks.addHandler('nodeExecuteBefore', (nodeName) => starts.mark(nodeName));
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		nodeExecutionOrder.push(nodeName);
	});
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => {
		// What the CLI's save hook does: the execution as the database keeps it.
		saveExecution(executionId, {
			workflowData,
			data: persisted(fullRunData.data),
			status: fullRunData.status,
			mode,
			finished: fullRunData.finished === true,
			setup,
		});
	});
	setup.options.configureHooks?.(hooks);
	return hooks;
}

/** Awaits the engine, cancelling it when the run's abortSignal fires. */
async function awaitEngine(engine: PCancelable<IRun>, abortSignal: AbortSignal | undefined): Promise<IRun> {
	const onAbort = () => engine.cancel();
	abortSignal?.addEventListener('abort', onAbort, { once: true });
	if (abortSignal?.aborted) engine.cancel();
	try {
		return await engine;
	} finally {
		abortSignal?.removeEventListener('abort', onAbort);
	}
}

/** Runs the engine on prepared run data; the core of runWorkflow and of every resume. */
export function startEngine(start: EngineStart): RunningWorkflow {
	const { setup, workflowData, executionId, mode, runExecutionData } = start;
	const { options, nodeTypes, credentialsHelper } = setup;
	let cancelRequested = false;
	let engine: PCancelable<IRun> | undefined;
	const starts = new NodeStarts();

	const result = (async (): Promise<RunResult> => {
		await ensureEnvironment();
		const workflow = makeWorkflow(workflowData, nodeTypes);
		const nodeExecutionOrder: string[] = [];
		const hooks = runHooks(start, starts, nodeExecutionOrder);
		const additionalData = buildAdditionalData(setup, executionId, workflowData.id, hooks);
		if (start.restartExecutionId) additionalData.restartExecutionId = start.restartExecutionId;
		Object.assign(additionalData, start.extraAdditionalData ?? {});

		engine = new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(workflow);
		if (cancelRequested) engine.cancel();
		const run = await awaitEngine(engine, options.abortSignal);
		const canceled = cancelRequested || options.abortSignal?.aborted === true;
		return toResult(run, executionId, workflow, nodeExecutionOrder, credentialsHelper.requests, canceled);
	})();

	return {
		executionId,
		result,
		cancel() {
			cancelRequested = true;
			engine?.cancel();
		},
		nodeStarted: (nodeName: string) => starts.wait(nodeName),
	};
}

/** Starts an execution whose stack holds one entry (the start node with its input, a trigger's output). */
export function startWithStack(
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
