/**
 * A node's webhooks as n8n lists them, and one call of a node's webhook() through n8n-core's
 * `WebhookContext` (trigger webhooks, resume webhooks and the trigger harness's deliveries).
 */
import { WebhookContext } from 'n8n-core';
import {
	NodeHelpers,
	resolveWebhookDescriptionField,
	UnexpectedError,
	type IHttpRequestMethods,
	type INode,
	type IRunExecutionData,
	type IWebhookData,
	type IWebhookDescription,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type Workflow,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

/** What one webhook() call gave: its return value, or the error it threw. */
export interface WebhookOutcome {
	result?: IWebhookResponseData;
	error?: Error;
}

/** A webhook description's field, evaluated as n8n does when it lists webhooks. */
function describedField<T>(workflow: Workflow, node: INode, description: IWebhookDescription, property: keyof IWebhookDescription, fallback?: T): T {
	const native = resolveWebhookDescriptionField(node, description, property as string);
	if (native.resolved) return native.value as T;
	return workflow.expression.getSimpleParameterValue(node, description[property] as string, 'internal', {}, undefined, fallback as never) as T;
}

/** The node's webhooks, as the CLI's WebhookService.getNodeWebhooks lists them. */
export function nodeWebhooks(workflow: Workflow, node: INode, additionalData: IWorkflowExecuteAdditionalData): IWebhookData[] {
	if (node.disabled === true) return [];
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const evaluate = <T>(description: IWebhookDescription, property: keyof IWebhookDescription, fallback?: T): T =>
		describedField(workflow, node, description, property, fallback);
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

/** The node's webhook of that name (default 'default'), not a restart webhook, for the method if given. */
export function triggerWebhook(webhooks: IWebhookData[], name = 'default', method?: string): IWebhookData | undefined {
	return webhooks.find(
		(webhook) =>
			webhook.webhookDescription.name === name &&
			webhook.webhookDescription.restartWebhook !== true &&
			(method === undefined || webhook.httpMethod === method),
	);
}

/** Runs the node's webhook() with the request and response in `additionalData`, then its close functions. */
export async function invokeWebhook(
	workflow: Workflow,
	node: INode,
	webhookData: IWebhookData,
	additionalData: IWorkflowExecuteAdditionalData,
	mode: WorkflowExecuteMode,
	runExecutionData: IRunExecutionData | null,
): Promise<WebhookOutcome> {
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
