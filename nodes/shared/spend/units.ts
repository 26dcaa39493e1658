/**
 * Kling's own API bills units, not dollars: each task answer carries the units it used
 * (`final_unit_deduction`, a string), and the 3.0 specification lists the units per second of
 * each model, mode and audio setting. Dollars are units times a price per unit: Kling's list
 * price by default, or the price the user's contract states.
 */
import type { PerSecondRates, PriceRow, Source } from '../providers/table';

/** Kling's list price of one unit (USD). */
export const KLING_LIST_PRICE_PER_UNIT_USD = 0.14;

export const KLING_LIST_PRICE_SOURCE: Source =
	'https://docs.qingque.cn (Kling AI Series 3.0 Model API Specification, 2026-02: "Prepaid Resource Packs — Credit Deduction Details" lists each unit at $0.14)';

/** Rounds away floating-point dust (0.8 × 0.14 = 0.11200000000000002) without losing a real cent fraction. */
export const roundAmount = (value: number): number => Math.round(value * 1e6) / 1e6;

function scaleRates(rates: PerSecondRates, factor: number): PerSecondRates {
	return {
		silent: roundAmount(rates.silent * factor),
		withAudio: roundAmount(rates.withAudio * factor),
		...(rates.withVoices === undefined ? {} : { withVoices: roundAmount(rates.withVoices * factor) }),
	};
}

/** A Kling price row from its units per second: the dollars are the units at the list price per unit. */
export function klingUnitPrice(unitsPerSecond: PerSecondRates, source: Source): PriceRow {
	return { usdPerSecond: scaleRates(unitsPerSecond, KLING_LIST_PRICE_PER_UNIT_USD), unitsPerSecond, source };
}

/**
 * The units a Kling answer reports (`final_unit_deduction`: a string such as "4.5"; a number
 * is accepted too). Null when absent or not a finite non-negative number.
 */
export function parseUnits(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
	if (typeof value !== 'string' || value.trim() === '') return null;
	const units = Number(value.trim());
	return Number.isFinite(units) && units >= 0 ? units : null;
}
