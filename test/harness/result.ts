/** What a test reads of a finished run: the engine's IRun with lookups by node name. */
import type { IRun, ITaskData, Workflow } from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

import { resumeUrlOf } from './additionalData';
import type { CredentialRequest } from './credentials';
import type { RunResult } from './types';

/** The message a test sees when it asks for a node that did not run: what ran, and every error. */
function didNotRun(run: IRun, nodeName: string): UnexpectedError {
	const runData = run.data.resultData.runData;
	const errors = Object.entries(runData)
		.filter(([, tasks]) => tasks.some((t) => t.error))
		.map(([name, tasks]) => `${name}: ${tasks.find((t) => t.error)?.error?.message}`);
	return new UnexpectedError(
		`Node "${nodeName}" did not run (ran: ${Object.keys(runData).join(', ') || 'none'}; status ${run.status}` +
			`${errors.length ? `; errors: ${errors.join(' | ')}` : ''}${run.data.resultData.error ? `; execution error: ${run.data.resultData.error.message}` : ''})`,
	);
}

export function toResult(
	run: IRun,
	executionId: string,
	workflow: Workflow,
	nodeExecutionOrder: string[],
	credentialRequests: CredentialRequest[],
	canceled: boolean,
): RunResult {
	const runData = run.data.resultData.runData;
	const runsOf = (nodeName: string) => runData[nodeName] ?? [];
	const taskOf = (nodeName: string, runIndex?: number): ITaskData => {
		const runs = runsOf(nodeName);
		if (!runs.length) throw didNotRun(run, nodeName);
		const task = runs[runIndex ?? runs.length - 1];
		if (!task) throw new UnexpectedError(`Node "${nodeName}" has no run ${runIndex}`);
		return task;
	};
	return {
		run,
		executionId,
		status: run.status,
		waitTill: run.waitTill ?? undefined,
		error: run.data.resultData.error,
		canceled,
		resumeUrl: resumeUrlOf(executionId, run.data),
		nodeExecutionOrder,
		credentialRequests: [...credentialRequests],
		outputsOf: (nodeName, runIndex) => (taskOf(nodeName, runIndex).data?.main ?? []).map((items) => items ?? []),
		outputOf: (nodeName, outputIndex = 0, runIndex) => taskOf(nodeName, runIndex).data?.main?.[outputIndex] ?? [],
		runsOf,
		nodeError: (nodeName) => runsOf(nodeName).at(-1)?.error,
		staticData: workflow.staticData,
	};
}
