/**
 * Resuming waiting executions: through their resume webhook, as n8n's WaitingWebhooks does for
 * `POST /webhook-waiting/<executionId>?signature=<token>`, and once `waitTill` has passed, as
 * n8n's WaitTracker does.
 */
import { WAITING_TOKEN_QUERY_PARAM } from 'n8n-core';
import { UnexpectedError, type IExecuteData, type IRunExecutionData, type IWebhookData, type IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import { buildAdditionalData, HARNESS_BASE_URL, hooksFor, resumeUrlOf } from './additionalData';
import { startEngine } from './engine';
import { ensureEnvironment } from './environment';
import { loadExecution, persisted, type StoredExecution } from './executions';
import { FakeResponse, makeRequest, type FakeRequest, type WebhookRequest } from './http';
import { assertResponseMode, responseOptions, settleLastNodeResponse, settleResponse } from './responses';
import { resumeSetup } from './setup';
import type { ResumeOptions, RunResult, WebhookCallResult } from './types';
import { withHttp } from './webhookCall';
import { invokeWebhook, nodeWebhooks, type WebhookOutcome } from './webhooks';
import { makeWorkflow } from './workflow';

const idOf = (execution: string | RunResult) => (typeof execution === 'string' ? execution : execution.executionId);

/** Why n8n refuses to resume the execution (an answer already sent on `res`), or undefined. */
function refused(executionId: string, stored: StoredExecution, data: IRunExecutionData, req: FakeRequest, res: FakeResponse): boolean {
	if (data.resumeToken) {
		const token = new URL(req.url, HARNESS_BASE_URL).searchParams.get(WAITING_TOKEN_QUERY_PARAM);
		if (token !== data.resumeToken) {
			res.status(401).json({ error: 'Invalid token' });
			return true;
		}
	}
	const conflict = stored.status === 'running'
		? `The execution "${executionId}" is running already.`
		: data.resultData.error
			? `The execution "${executionId}" has finished with error.`
			: stored.finished
				? `The execution "${executionId} has finished already.`
				: undefined;
	if (conflict) res.status(409).json({ code: 409, message: conflict });
	return conflict !== undefined;
}

/**
 * What n8n does to the stored run data before the waiting node's webhook runs: the node is
 * disabled, waitTill cleared, and its pre-pause run popped (preserveInputOverride kept).
 */
function unpauseWaitingNode(executionId: string, data: IRunExecutionData): { lastNodeExecuted: string; stackEntry: IExecuteData } {
	const lastNodeExecuted = data.resultData.lastNodeExecuted as string;
	const stackEntry = data.executionData?.nodeExecutionStack[0];
	if (!stackEntry) throw new UnexpectedError(`Execution ${executionId} has nothing waiting on its stack`);
	stackEntry.node.disabled = true;
	data.waitTill = undefined;
	const runs = data.resultData.runData[lastNodeExecuted];
	const popped = runs?.pop();
	if (popped?.inputOverride) {
		runs.push({ startTime: 0, executionTime: 0, executionIndex: 0, source: popped.source, inputOverride: popped.inputOverride });
	}
	return { lastNodeExecuted, stackEntry };
}

/** The waiting node's restart webhook for this request (method and path suffix). */
function restartWebhook(webhooks: IWebhookData[], method: string, suffix: string): IWebhookData | undefined {
	return webhooks.find(
		(webhook) =>
			webhook.httpMethod === method &&
			webhook.webhookDescription.restartWebhook === true &&
			webhook.webhookDescription.nodeType !== 'form' &&
			webhook.path === suffix,
	);
}

/** The waiting node and its restart webhook for this request; answers 404 on `res` when there is none. */
function waitingWebhook(stored: StoredExecution, executionId: string, nodeName: string, req: FakeRequest, res: FakeResponse, suffix: string) {
	const { setup, workflowData, mode } = stored;
	const workflow = makeWorkflow(workflowData, setup.nodeTypes);
	const node = workflow.getNode(nodeName);
	if (!node) throw new UnexpectedError(`Could not find node "${nodeName}" to process the webhook`);
	const additionalData = withHttp(buildAdditionalData(setup, executionId, workflowData.id, hooksFor(mode, executionId, workflowData)), req, res);
	const webhookData = restartWebhook(nodeWebhooks(workflow, node, additionalData), req.method, suffix);
	if (webhookData) return { workflow, node, additionalData, webhookData };
	const message = `The workflow for execution "${executionId}" does not contain a waiting webhook with a matching path/method.`;
	res.status(404).json({ code: 404, message });
	return undefined;
}

/** The run data to continue with: webhook()'s output on the waiting node's stack entry, or its error. */
function continueWith(data: IRunExecutionData, stackEntry: IExecuteData, nodeName: string, webhook: WebhookOutcome): void {
	stackEntry.data.main = webhook.error ? [[{ json: {} }]] : (webhook.result?.workflowData ?? []);
	stackEntry.metadata = { ...stackEntry.metadata, forwardAllOutputs: true };
	if (!webhook.error) return;
	Object.assign(data, {
		resultData: {
			runData: {},
			lastNodeExecuted: nodeName,
			error: { ...webhook.error, message: webhook.error.message, stack: webhook.error.stack },
		},
	});
}

/** Runs the rest of a waiting execution from `data` (a new process: the resume's options apply). */
async function continueExecution(
	stored: StoredExecution,
	executionId: string,
	data: IRunExecutionData,
	resume: ResumeOptions,
	extraAdditionalData?: Partial<IWorkflowExecuteAdditionalData>,
): Promise<RunResult> {
	stored.status = 'running';
	return await startEngine({
		setup: resumeSetup(stored.setup, resume),
		workflowData: stored.workflowData,
		executionId,
		mode: stored.mode,
		runExecutionData: data,
		restartExecutionId: executionId,
		extraAdditionalData,
	}).result;
}

/**
 * Calls the resume webhook of a waiting execution, as n8n's WaitingWebhooks does: checks the
 * token, runs the waiting node's webhook() (with the waiting node disabled and its pre-pause run
 * popped from the run data, exactly as n8n does), and if webhook() returns `workflowData`
 * continues the execution with it as the waiting node's output. If webhook() returns no
 * workflowData, the execution stays as it was (waiting) and can be called again.
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
	const executionId = idOf(execution);
	const res = new FakeResponse();
	const stored = loadExecution(executionId);
	if (!stored) {
		res.status(404).json({ code: 404, message: `The execution "${executionId}" does not exist.` });
		return { response: res.toResponse() };
	}
	// Each call works on a fresh copy of the stored execution, as each request loads it from the database.
	const data = persisted(stored.data);
	const req = makeRequest({ url: resumeUrlOf(executionId, data), ...request });
	if (refused(executionId, stored, data, req, res)) return { response: res.toResponse() };
	const { lastNodeExecuted, stackEntry } = unpauseWaitingNode(executionId, data);
	const { mode } = stored;
	const found = waitingWebhook(stored, executionId, lastNodeExecuted, req, res, request.suffix ?? '');
	if (!found) return { response: res.toResponse() };
	const { workflow, node, additionalData, webhookData } = found;

	const respond = responseOptions(workflow, node, webhookData, mode, executionId);
	assertResponseMode(respond);
	const webhook = await invokeWebhook(workflow, node, webhookData, additionalData, mode, data);
	const continuing = webhook.error !== undefined || webhook.result?.workflowData !== undefined;
	settleResponse(res, webhook, continuing, respond);
	if (!continuing) return { response: res.toResponse(), webhookResult: webhook.result };

	continueWith(data, stackEntry, node.name, webhook);
	const result = await continueExecution(stored, executionId, data, resume, { httpRequest: req as never, httpResponse: res as never });
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
	const executionId = idOf(execution);
	const stored = loadExecution(executionId);
	if (!stored) throw new UnexpectedError(`Execution ${executionId} does not exist`);
	if (stored.finished) throw new UnexpectedError('The execution did succeed and can so not be started again.');
	if (stored.status !== 'waiting') throw new UnexpectedError(`Execution ${executionId} is ${stored.status}, not waiting`);
	return await continueExecution(stored, executionId, persisted(stored.data), resume);
}
