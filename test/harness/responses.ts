/**
 * The HTTP answer n8n gives a webhook call: the response options of the webhook description,
 * the answer before the execution runs (onReceived) and after it (lastNode).
 */
import {
	resolveWebhookDescriptionField,
	UnexpectedError,
	type INode,
	type IWebhookData,
	type IWebhookDescription,
	type Workflow,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import type { FakeResponse } from './http';
import type { RunResult } from './types';
import type { WebhookOutcome } from './webhooks';

export interface ResponseOptions {
	responseMode: string;
	responseCode: number;
	responseData: unknown;
}

/** The webhook description's response options, evaluated as n8n's evaluateResponseOptions does. */
export function responseOptions(workflow: Workflow, node: INode, webhookData: IWebhookData, mode: WorkflowExecuteMode, executionId: string): ResponseOptions {
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
export function settleResponse(
	res: FakeResponse,
	webhook: WebhookOutcome,
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
export function settleLastNodeResponse(res: FakeResponse, result: RunResult, options: ResponseOptions): void {
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

export function assertResponseMode({ responseMode }: ResponseOptions): void {
	if (responseMode !== 'onReceived' && responseMode !== 'lastNode') {
		throw new UnexpectedError(`The harness does not support webhook responseMode "${responseMode}" (onReceived, lastNode)`);
	}
}
