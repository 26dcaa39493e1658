/**
 * The `additionalData` of an execution, as the CLI's WorkflowExecuteAdditionalData.getBase()
 * builds it (minus the database), and the URLs n8n hands out in harness runs.
 */
import { Container } from '@n8n/di';
import { ExecutionLifecycleHooks, ExternalSecretsProxy, WAITING_TOKEN_QUERY_PARAM } from 'n8n-core';
import {
	UnexpectedError,
	type IRunExecutionData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { loadExecution } from './executions';
import type { RunSetup } from './setup';

/** Base of every URL n8n hands out in harness runs (resume URLs, webhook URLs, instance URL). */
export const HARNESS_BASE_URL = 'http://localhost:5678';

/** `$execution.resumeUrl`: `<base>/webhook-waiting/<executionId>?signature=<resumeToken>`. */
export function resumeUrlOf(executionId: string, data: IRunExecutionData): string {
	const url = new URL(`${HARNESS_BASE_URL}/webhook-waiting/${executionId}`);
	if (data.resumeToken) url.searchParams.set(WAITING_TOKEN_QUERY_PARAM, data.resumeToken);
	return url.toString();
}

/** The instance's URLs, as additionalData carries them. */
function instanceUrls() {
	const base = `${HARNESS_BASE_URL}/`;
	return {
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
	};
}

/** additionalData as the CLI's WorkflowExecuteAdditionalData.getBase() builds it, minus the database. */
export function buildAdditionalData(
	setup: RunSetup,
	executionId: string,
	workflowId: string,
	hooks: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	const { options } = setup;
	const additionalData: IWorkflowExecuteAdditionalData = {
		currentNodeExecutionIndex: 0,
		credentialsHelper: setup.credentialsHelper,
		hooks,
		executionId,
		workflowId,
		userId: options.userId ?? 'harness-user',
		...instanceUrls(),
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: options.timeoutMs !== undefined ? Date.now() + options.timeoutMs : undefined,
		variables: options.variables ?? {},
		executeWorkflow:
			options.executeWorkflow ??
			(async () => {
				throw new UnexpectedError('The workflow harness does not run sub-workflows (give options.executeWorkflow)');
			}),
		async getRunExecutionData(id: string) {
			return loadExecution(id)?.data;
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

/** Lifecycle hooks with no handlers (webhook, poll and hook calls outside an execution). */
export function hooksFor(mode: WorkflowExecuteMode, executionId: string, workflowData: IWorkflowBase): ExecutionLifecycleHooks {
	return new ExecutionLifecycleHooks(mode, executionId, workflowData);
}
