/**
 * Text to Video, Image to Video, Motion Control and Create Voice run the same way once planned:
 * plan → submit → strategy. The wait mode's strategy is set up once for the run (its
 * parameters read and checked), then every job is submitted and handed to it, concurrently and
 * bounded. Every submitted job reaches the output or the error with its id.
 */
import { mapWithConcurrency } from '../../../shared/concurrency';
import { ProviderApiError } from '../../../shared/errors';
import type { Job } from '../../../shared/job';
import type { ActionResult, Outcome, Prepared, RunScope } from '../actions/action';
import { startStrategy, SettleFailure, type WaitStrategy } from '../strategies/strategy';
import type { PlannedJob } from './plan';
import { spendGate } from './spend';
import { submitPlanned } from './submit';

export async function executeGeneration(scope: RunScope, units: Array<Prepared<PlannedJob>>): Promise<ActionResult> {
	const instead = spendGate(scope, units);
	if (instead) return instead;
	const strategy = startStrategy(scope, units.map(({ unit }) => unit));
	const outcomes = await mapWithConcurrency(units, maxConcurrentJobs(scope), async ({ unit }) => await runJob(scope, strategy, unit));
	return { outcomes, finish: async (items) => await strategy.finish(items) };
}

async function runJob(scope: RunScope, strategy: WaitStrategy, planned: PlannedJob): Promise<Outcome> {
	const { itemIndex } = planned;
	let job: Job | null = null;
	try {
		job = await submitPlanned(scope, planned, strategy.callbackUrl(planned));
		const item = await strategy.settle(job, planned);
		return { ok: true, itemIndex, item, job };
	} catch (thrown) {
		// A strategy that got further with the job (waited for it) reports the job as it last saw it.
		const error = thrown instanceof SettleFailure ? thrown.cause : thrown;
		if (thrown instanceof SettleFailure) job = thrown.job;
		if (error instanceof ProviderApiError && !error.jobRef && job) error.jobRef = job.ref;
		return { ok: false, itemIndex, error, job };
	}
}

function maxConcurrentJobs(scope: RunScope): number {
	return Math.max(1, Number(scope.context.getNodeParameter('options.maxConcurrentJobs', 0, 5)) || 5);
}
