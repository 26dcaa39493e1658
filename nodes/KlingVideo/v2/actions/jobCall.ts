/**
 * Get Job and Cancel Job run one provider call per item, in input order, for jobs made by any
 * run or client. Without Continue On Fail the first failure ends the run, as n8n's nodes do.
 */
import type { JobRef } from '../../../shared/job';
import { httpClient } from '../../../shared/connect';
import { jobToItem } from '../../../shared/jobOutput';
import type { ActionResult, Outcome, Prepared, RunScope } from './action';

export async function runJobCalls(
	scope: RunScope,
	units: Array<Prepared<JobRef>>,
	call: (ref: JobRef) => Promise<unknown>,
): Promise<ActionResult> {
	const outcomes: Outcome[] = [];
	for (const { itemIndex, unit: ref } of units) {
		try {
			await call(ref);
			const job = await scope.client.get(ref, scope.signal);
			const item = await jobToItem(scope.context, httpClient(), job, itemIndex, scope.outputOptions[itemIndex], {}, scope.signal);
			outcomes.push({ ok: true, itemIndex, item, job: null });
		} catch (error) {
			outcomes.push({ ok: false, itemIndex, error, job: null, ref });
			if (!scope.continueOnFail) break;
		}
	}
	return { outcomes };
}
