/**
 * n8n's execution store, reduced: each execution as the database holds it after its last save
 * (a JSON round trip of the run data), kept so waiting executions can be resumed.
 */
import type { ExecutionStatus, IRunExecutionData, IWorkflowBase, WorkflowExecuteMode } from 'n8n-workflow';

import type { RunSetup } from './setup';

export interface StoredExecution {
	workflowData: IWorkflowBase;
	/** As n8n's database would hold it: a JSON copy taken when the run ended. */
	data: IRunExecutionData;
	status: ExecutionStatus;
	mode: WorkflowExecuteMode;
	finished: boolean;
	setup: RunSetup;
}

const executions = new Map<string, StoredExecution>();
let nextExecutionId = 1;

export function newExecutionId(): string {
	return String(nextExecutionId++);
}

/** The stored execution, undefined if there is none. */
export function loadExecution(executionId: string): StoredExecution | undefined {
	return executions.get(executionId);
}

/** What the CLI's save hook does when a run ends. */
export function saveExecution(executionId: string, execution: StoredExecution): void {
	executions.set(executionId, execution);
}

/** What the database round trip does to run data (class instances become plain objects). */
export function persisted<T>(value: T): T {
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
