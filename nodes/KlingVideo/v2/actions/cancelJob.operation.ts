/** Cancel Job: cancels a queued or running job, then reads it back so the item shows where it ended. */
import type { INodeProperties } from 'n8n-workflow';
import type { JobRef } from '../../../shared/job';
import type { Prepared, RunScope } from './action';
import { runJobCalls } from './jobCall';
import { readJobRef } from './jobReference';

/** Only the job reference (jobReference.ts), which Get Job shares. */
export const description: INodeProperties[] = [];

export const prepare = readJobRef;

export async function execute(scope: RunScope, units: Array<Prepared<JobRef>>) {
	return await runJobCalls(scope, units, async (ref) => await scope.client.cancel(ref, scope.signal));
}
