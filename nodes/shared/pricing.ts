/**
 * The cost estimate a job carries in its output (`estimatedCostUsd`), from the same price
 * reading as Estimate Only and the cap (`spend/price.ts`), so the three never disagree. Only a
 * price a source states is used; anything else is null rather than a guess.
 */
import type { GenerationOperation, Mode } from './job';
import type { ModelId } from './providers/models';
import type { ProviderTable } from './providers/table';
import { priceOf } from './spend/price';

export interface PricedJob {
	model: ModelId | null;
	operation: GenerationOperation | null;
	/** The mode, where the job's answer or request tells it. */
	mode: Mode | null;
}

export function estimateCostUsd(
	table: ProviderTable,
	job: PricedJob,
	durationSeconds: number | null,
	hasAudio: boolean | null,
): number | null {
	const usd = priceOf(table, { ...job, durationSeconds, hasAudio }).usd;
	return usd === null ? null : Math.round(usd * 1000) / 1000;
}
