/**
 * One poll of a poll trigger node through n8n-core's `PollContext`, as n8n's active workflow
 * runs it: poll() runs (mode 'trigger'); if it returns items, an execution starts with them as
 * the trigger's output.
 */
import { PollContext } from 'n8n-core';
import {
	UnexpectedError,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WorkflowActivateMode,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { buildAdditionalData, hooksFor } from './additionalData';
import { startWithStack } from './engine';
import { ensureEnvironment } from './environment';
import { persisted } from './executions';
import { prepareWorkflow, type RunSetup } from './setup';
import type { RunOptions, RunResult } from './types';

export interface PollOptions extends RunOptions {
	/** The poll trigger node of the workflow. */
	pollNode: string;
	activation?: WorkflowActivateMode;
}

/** The additionalData of a poll: no execution exists yet. */
export function pollAdditionalData(setup: RunSetup, workflowData: IWorkflowBase, mode: WorkflowExecuteMode): IWorkflowExecuteAdditionalData {
	const additionalData = buildAdditionalData(setup, '', workflowData.id, hooksFor(mode, '', workflowData));
	additionalData.executionId = undefined;
	return additionalData;
}

/**
 * One poll of the options' poll node. Pass the returned `staticData` back in
 * `options.staticData` for the next poll.
 */
export async function pollTrigger(
	options: PollOptions,
): Promise<{ polled: INodeExecutionData[][] | null; staticData: IDataObject; result?: RunResult }> {
	await ensureEnvironment();
	const { setup, workflowData, workflow, node } = prepareWorkflow(options, options.pollNode, 'Poll');
	const mode = options.mode ?? 'trigger';
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.poll) throw new UnexpectedError(`Node "${node.name}" has no poll method`);
	const context = new PollContext(workflow, node, pollAdditionalData(setup, workflowData, mode), mode, options.activation ?? 'activate');
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
