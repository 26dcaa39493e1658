/**
 * A production webhook call of a trigger node, as n8n's live-webhook path handles it: webhook()
 * runs with the request; if it returns `workflowData`, an execution starts (mode 'webhook') with
 * that data as the trigger node's output.
 */
import { createRunExecutionData, type IWorkflowExecuteAdditionalData, type INode } from 'n8n-workflow';

import { buildAdditionalData, hooksFor } from './additionalData';
import { startEngine } from './engine';
import { ensureEnvironment } from './environment';
import { newExecutionId, persisted } from './executions';
import { FakeResponse, makeRequest, type FakeRequest, type WebhookRequest } from './http';
import { assertResponseMode, responseOptions, settleLastNodeResponse, settleResponse } from './responses';
import { prepareWorkflow } from './setup';
import type { RunOptions, WebhookCallResult } from './types';
import { invokeWebhook, nodeWebhooks, triggerWebhook, type WebhookOutcome } from './webhooks';

export interface WebhookTriggerOptions extends RunOptions {
	/** The node whose webhook is called (a trigger node of the workflow). */
	webhookNode: string;
	request?: WebhookRequest;
	/** Which of the node's webhooks (its description's `name`, default 'default'). */
	webhookName?: string;
}

/** Hands the request and response to the node, as n8n's webhook server does. */
export function withHttp(additionalData: IWorkflowExecuteAdditionalData, req: FakeRequest, res: FakeResponse): IWorkflowExecuteAdditionalData {
	additionalData.httpRequest = req as never;
	additionalData.httpResponse = res as never;
	return additionalData;
}

/** The run data an execution started by a webhook begins with: the trigger's output on the stack. */
function webhookRunData(node: INode, webhook: WebhookOutcome, options: RunOptions) {
	const workflowOutput = webhook.error ? [[{ json: {} }]] : webhook.result?.workflowData;
	return createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node, data: { main: workflowOutput ?? [] }, source: null }] },
		resultData: webhook.error
			? { runData: {}, lastNodeExecuted: node.name, error: { ...webhook.error, message: webhook.error.message } as never }
			: { pinData: options.pinData },
	});
}

/**
 * Calls a trigger node's webhook as n8n does for a production webhook request, and resolves once
 * the execution it started (if any) has ended.
 */
export async function callWebhook(options: WebhookTriggerOptions): Promise<WebhookCallResult> {
	await ensureEnvironment();
	const { setup, workflowData, workflow, node } = prepareWorkflow(options, options.webhookNode, 'Webhook');
	const mode = options.mode ?? 'webhook';
	const executionId = options.executionId ?? newExecutionId();
	const req = makeRequest(options.request ?? {});
	const res = new FakeResponse();
	const additionalData = withHttp(buildAdditionalData(setup, executionId, workflowData.id, hooksFor(mode, executionId, workflowData)), req, res);
	const webhookName = options.webhookName ?? 'default';
	const webhookData = triggerWebhook(nodeWebhooks(workflow, node, additionalData), webhookName, req.method);
	if (!webhookData) {
		res.status(404).json({ code: 404, message: `Node "${node.name}" has no ${req.method} webhook "${webhookName}"` });
		return { response: res.toResponse() };
	}
	const respond = responseOptions(workflow, node, webhookData, mode, executionId);
	assertResponseMode(respond);
	const webhook = await invokeWebhook(workflow, node, webhookData, additionalData, mode, null);
	const staticData = persisted(workflow.staticData);
	const starting = webhook.error !== undefined || webhook.result?.workflowData !== undefined;
	settleResponse(res, webhook, starting, respond);
	if (!starting) return { response: res.toResponse(), webhookResult: webhook.result, staticData };

	const running = startEngine({
		setup,
		workflowData,
		executionId,
		mode,
		runExecutionData: webhookRunData(node, webhook, options),
		extraAdditionalData: { httpRequest: req as never, httpResponse: res as never },
	});
	const result = await running.result;
	settleLastNodeResponse(res, result, respond);
	return { response: res.toResponse(), webhookResult: webhook.result, webhookError: webhook.error, result, staticData };
}
