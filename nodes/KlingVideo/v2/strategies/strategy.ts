/**
 * What becomes of a submitted job is the wait mode's strategy: Wait for Completion waits for it
 * in this process, Submit Only returns it at once, Wait for Webhook pauses the execution until
 * the provider calls back. Each reads and checks its own parameters when the run starts, before
 * anything is submitted.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import type { Job } from '../../../shared/job';
import type { RunScope } from '../actions/action';
import type { WaitMode } from '../description/waiting';
import type { PlannedJob } from '../generation/plan';
import { startCompletion } from './completion';
import { startSubmitOnly } from './submitOnly';
import { startWebhook } from './webhook';

export interface WaitStrategy {
	/** The URL the provider calls when the job ends, if any. */
	callbackUrl(planned: PlannedJob): string | undefined;
	/** The output item of a submitted job; a failure throws (a SettleFailure when the job changed meanwhile). */
	settle(job: Job, planned: PlannedJob): Promise<INodeExecutionData>;
	/** The node's output once every job is settled and the items are in order. */
	finish(items: INodeExecutionData[]): Promise<INodeExecutionData[][]>;
}

/** A job that failed after the strategy read it again: the error, and the job as it last was. */
export class SettleFailure extends Error {
	constructor(
		readonly job: Job,
		override readonly cause: unknown,
	) {
		super(cause instanceof Error ? cause.message : String(cause));
	}
}

const STRATEGIES: Record<WaitMode, (scope: RunScope, jobs: PlannedJob[]) => WaitStrategy> = {
	waitForCompletion: startCompletion,
	submitOnly: startSubmitOnly,
	waitForWebhook: startWebhook,
};

/** The chosen wait mode's strategy for this run's jobs; a wrong wait parameter fails the run before any submit. */
export function startStrategy(scope: RunScope, jobs: PlannedJob[]): WaitStrategy {
	const waitMode = scope.context.getNodeParameter('waitMode', 0) as WaitMode;
	return STRATEGIES[waitMode](scope, jobs);
}

/** Items as they are: only Wait for Webhook has anything to do after the run. */
export const returnItems = async (items: INodeExecutionData[]) => [items];
