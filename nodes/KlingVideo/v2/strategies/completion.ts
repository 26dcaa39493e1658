/**
 * Wait for Completion: each job is waited for in this process (long-polled where the provider
 * can), then its video stored. Jobs of the run that wait at the same time are read together
 * through the run's status board (one list call per tick); the board lives as long as the run.
 * A cancelled execution cancels the job too: it is billed while it runs.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import { httpClient } from '../../../shared/connect';
import { ProviderApiError } from '../../../shared/errors';
import { settle } from '../../../shared/http';
import type { Job } from '../../../shared/job';
import { submittedDetailsOf, withSubmittedDetails } from '../../../shared/jobDetails';
import { jobToItem } from '../../../shared/jobOutput';
import type { ProviderClient } from '../../../shared/providers/types';
import { StatusBoard } from '../../../shared/statusBoard';
import { waitForCompletion } from '../../../shared/waiting';
import type { RunScope } from '../actions/action';
import { MAX_TIMEOUT_MINUTES, TIME_LIMIT_LABEL } from '../description/waiting';
import type { PlannedJob } from '../generation/plan';
import { requestEcho } from '../generation/request';
import { minutesParameter } from './minutes';
import { returnItems, SettleFailure, type WaitStrategy } from './strategy';

export function startCompletion(scope: RunScope): WaitStrategy {
	const timeoutMs = minutesParameter(scope.context, 'timeLimitMinutes', TIME_LIMIT_LABEL.waitForCompletion, 10, MAX_TIMEOUT_MINUTES);
	const board = new StatusBoard(scope.client, scope.signal);
	return {
		callbackUrl: () => undefined,
		settle: async (job, planned) => await waitAndStore(scope, board, job, planned, timeoutMs),
		finish: async (items) => {
			board.close();
			return await returnItems(items);
		},
	};
}

async function waitAndStore(scope: RunScope, board: StatusBoard, submitted: Job, planned: PlannedJob, timeoutMs: number): Promise<INodeExecutionData> {
	const waited = await waitWithCancel(scope.client, board, submitted, timeoutMs, scope.signal);
	const job = withSubmittedDetails(waited, submittedDetailsOf(submitted));
	if (job.status !== 'succeeded') {
		const error = new ProviderApiError({
			provider: scope.provider,
			message: `Job ${job.status}: ${job.error?.message ?? 'no reason given'}`,
			kind: job.error?.kind ?? 'provider',
			code: job.error?.code,
			jobRef: job.ref,
		});
		throw new SettleFailure(job, error);
	}
	const { itemIndex } = planned;
	const stored = await settle(jobToItem(scope.context, httpClient(), job, itemIndex, scope.outputOptions[itemIndex], requestEcho(planned), scope.signal));
	if (!stored.ok) throw new SettleFailure(job, stored.error);
	return stored.value;
}

/** Waits in-process; if the execution is cancelled, the provider job is cancelled too. */
async function waitWithCancel(client: ProviderClient, board: StatusBoard, job: Job, timeoutMs: number, signal?: AbortSignal): Promise<Job> {
	const waited = await settle(waitForCompletion(client, job, { timeoutMs, signal, board }));
	if (waited.ok) return waited.value;
	if (!signal?.aborted) throw waited.error;
	await settle(client.cancel(job.ref));
	throw new ProviderApiError({ provider: job.provider, message: 'Cancelled with the execution', kind: 'canceled', jobRef: job.ref });
}
