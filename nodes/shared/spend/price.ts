/**
 * The price of one job from the model table, with the reason where it is not known. Only a
 * price a source states is used: a job whose model, mode, length, audio or voices lead to no
 * stated rate has no price, never a guessed one.
 */
import type { GenerationOperation, Mode } from '../job';
import { OPERATION_LABELS, MODE_LABELS } from '../labels';
import { MODEL_LABELS, type ModelId } from '../providers/models';
import { rowOf, modesOf, type PerSecondRates, type PriceRow, type ProviderTable } from '../providers/table';
import { KLING_LIST_PRICE_PER_UNIT_USD, parseUnits, roundAmount } from './units';

export interface PriceQuery {
	model: ModelId | null;
	operation: GenerationOperation | null;
	/** The mode; null where it is not known (then only a price both modes share is used). */
	mode: Mode | null;
	/** Seconds of output video; null where not known before the run (motion control follows its reference video). */
	durationSeconds: number | null;
	/** Null where not known (then only a price that is the same with and without audio is used). */
	hasAudio: boolean | null;
	/** Custom voices (voice control), which some providers bill at a higher rate. */
	hasVoices?: boolean;
}

export interface PriceAnswer {
	/** USD for the job, or null when no stated price applies. */
	usd: number | null;
	/** Kling's own API: the units for the job, where its table documents them. */
	units: number | null;
	/** The source of the rate used. */
	source: string | null;
	/** Why the price is not known, in words; null when it is. */
	unknownReason: string | null;
}

const unknown = (reason: string): PriceAnswer => ({ usd: null, units: null, source: null, unknownReason: reason });

const sameRates = (a: PerSecondRates | undefined, b: PerSecondRates | undefined) =>
	a === b || (a !== undefined && b !== undefined && a.silent === b.silent && a.withAudio === b.withAudio && a.withVoices === b.withVoices);
const samePrice = (a: PriceRow | undefined, b: PriceRow | undefined) =>
	a !== undefined && b !== undefined && sameRates(a.usdPerSecond, b.usdPerSecond) && sameRates(a.unitsPerSecond, b.unitsPerSecond);

/** The rate of a job: with voices, with audio, or silent; null (with why) where the source states none. */
function rateOf(rates: PerSecondRates, hasAudio: boolean | null, hasVoices: boolean): number | string {
	if (hasVoices) return rates.withVoices ?? 'the source states no rate with voice control (custom voices)';
	if (hasAudio === null) return rates.silent === rates.withAudio ? rates.silent : 'whether the output has audio is not known before the run';
	return hasAudio ? rates.withAudio : rates.silent;
}

/**
 * The price of a job on a provider: its row's endpoint price for the mode, the rate for its
 * audio and voices, times its seconds. Kling's rows are in units; `usdPerUnit` turns them into
 * dollars (Kling's list price unless the user states one).
 */
export function priceOf(table: ProviderTable, query: PriceQuery, usdPerUnit: number = KLING_LIST_PRICE_PER_UNIT_USD): PriceAnswer {
	if (!query.model || !query.operation) return unknown('the model or operation is not known');
	const row = rowOf(table.models, query.model, query.operation);
	const what = `${table.displayName}'s ${MODEL_LABELS[query.model]} ${OPERATION_LABELS[query.operation]}`;
	if (!row) return unknown(`${what} is not in the model table`);
	const tiers = query.mode && row.endpoints[query.mode] ? [query.mode] : modesOf(row);
	const prices = tiers.map((tier) => row.endpoints[tier]?.price);
	const [price] = prices;
	const inMode = tiers.length === 1 ? ` in mode ${MODE_LABELS[tiers[0]]}` : '';
	if (!price) return unknown(`no first-party source states a price for ${what}${inMode}`);
	if (prices.some((other) => !samePrice(other, price))) return unknown(`the mode is not known and ${what}'s modes cost different amounts`);
	if (query.durationSeconds === null || !Number.isFinite(query.durationSeconds)) {
		return unknown(
			query.operation === 'motionControl'
				? 'a motion control video is as long as its reference video, whose length is not known before the run'
				: 'the output length is not known before the run',
		);
	}
	const hasVoices = query.hasVoices ?? false;
	if (price.unitsPerSecond) {
		const rate = rateOf(price.unitsPerSecond, query.hasAudio, hasVoices);
		if (typeof rate === 'string') return unknown(`${what}${inMode}: ${rate}`);
		const units = roundAmount(rate * query.durationSeconds);
		return { usd: roundAmount(units * usdPerUnit), units, source: price.source, unknownReason: null };
	}
	const rate = rateOf(price.usdPerSecond, query.hasAudio, hasVoices);
	if (typeof rate === 'string') return unknown(`${what}${inMode}: ${rate}`);
	return { usd: roundAmount(rate * query.durationSeconds), units: null, source: price.source, unknownReason: null };
}

/**
 * The unit fields of a Kling job: the units its table says the job will use (null where
 * undocumented) and the units Kling reports it used (`final_unit_deduction`, null while absent).
 * Voices are not known here (the task answer does not echo them), so the rate without voices is used.
 */
export function klingUnitsOf(
	table: ProviderTable,
	finalUnitDeduction: unknown,
	query: Omit<PriceQuery, 'hasVoices'>,
): { estimatedUnits: number | null; unitsUsed: number | null } {
	return { estimatedUnits: priceOf(table, query).units, unitsUsed: parseUnits(finalUnitDeduction) };
}
