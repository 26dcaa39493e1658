/**
 * Cost estimates from the prices in the model tables. Only a price a source states is used;
 * everything else (an operation with no published price, a mode that is not known while the
 * modes' prices differ) is null rather than a guess.
 */
import type { GenerationOperation, Mode } from './job';
import type { ModelId } from './providers/models';
import { modesOf, rowOf, type PriceRow, type ProviderTable } from './providers/table';

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
	if (!job.model || !job.operation || durationSeconds === null || hasAudio === null) return null;
	const row = rowOf(table.models, job.model, job.operation);
	if (!row) return null;
	const modes = job.mode && row.endpoints[job.mode] ? [job.mode] : modesOf(row);
	const prices = modes.map((mode) => row.endpoints[mode]?.price);
	const [price] = prices;
	if (!price || prices.some((other) => !samePrice(other, price))) return null;
	const rate = hasAudio ? price.usdPerSecond.withAudio : price.usdPerSecond.silent;
	return Math.round(rate * durationSeconds * 1000) / 1000;
}

const samePrice = (a: PriceRow | undefined, b: PriceRow) =>
	a !== undefined && a.usdPerSecond.silent === b.usdPerSecond.silent && a.usdPerSecond.withAudio === b.usdPerSecond.withAudio;
