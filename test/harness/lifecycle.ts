/**
 * A trigger's webhook lifecycle (`webhookMethods[name].checkExists / create / delete`) through
 * n8n-core's `HookContext`, as n8n runs it when it activates or deactivates a workflow.
 */
import { HookContext } from 'n8n-core';
import { UnexpectedError, type IDataObject, type INode, type IWorkflowExecuteAdditionalData, type Workflow, type WorkflowActivateMode, type WorkflowExecuteMode } from 'n8n-workflow';

import { buildAdditionalData, hooksFor } from './additionalData';
import { ensureEnvironment } from './environment';
import { newExecutionId } from './executions';
import { prepareWorkflow } from './setup';
import type { RunOptions } from './types';
import { nodeWebhooks, triggerWebhook } from './webhooks';

export type WebhookMethod = 'checkExists' | 'create' | 'delete';

export interface LifecycleCall {
	workflow: Workflow;
	node: INode;
	additionalData: IWorkflowExecuteAdditionalData;
	mode: WorkflowExecuteMode;
	activation: WorkflowActivateMode;
	method: WebhookMethod;
	/** Default 'default'. */
	webhookName?: string;
}

/** Runs the method; returns what it returned and the webhook URL n8n registers. */
export async function callWebhookMethod(call: LifecycleCall): Promise<{ returned: boolean | undefined; webhookUrl: string }> {
	const { workflow, node, additionalData, method } = call;
	const webhookName = call.webhookName ?? 'default';
	const webhookData = triggerWebhook(nodeWebhooks(workflow, node, additionalData), webhookName);
	if (!webhookData) throw new UnexpectedError(`Node "${node.name}" has no webhook "${webhookName}"`);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const methods = nodeType.webhookMethods as Record<string, Record<string, (this: unknown) => Promise<boolean>> | undefined> | undefined;
	const fn = methods?.[webhookName]?.[method];
	if (!fn) throw new UnexpectedError(`Node "${node.name}" has no webhookMethods.${webhookName}.${method}`);
	const context = new HookContext(workflow, node, additionalData, call.mode, call.activation, webhookData);
	const returned = await fn.call(context);
	return { returned, webhookUrl: `${additionalData.webhookBaseUrl}/${webhookData.path}` };
}

/**
 * Runs one of a trigger node's webhook lifecycle methods on the options' workflow. Returns what
 * the method returned and the workflow's static data after it.
 */
export async function runWebhookMethod(
	options: RunOptions & { webhookNode: string; method: WebhookMethod; webhookName?: string; activation?: WorkflowActivateMode },
): Promise<{ returned: boolean | undefined; staticData: IDataObject; webhookUrl: string }> {
	await ensureEnvironment();
	const { setup, workflowData, workflow, node } = prepareWorkflow(options, options.webhookNode, 'Webhook');
	const mode = options.mode ?? 'trigger';
	const additionalData = buildAdditionalData(setup, options.executionId ?? newExecutionId(), workflowData.id, hooksFor(mode, '', workflowData));
	const activation = options.activation ?? 'activate';
	const { returned, webhookUrl } = await callWebhookMethod({ workflow, node, additionalData, mode, activation, method: options.method, webhookName: options.webhookName });
	return { returned, staticData: workflow.staticData, webhookUrl };
}
