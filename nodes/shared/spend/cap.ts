/**
 * Max Estimated Cost per Run (USD): the planned jobs of an execution together may not cost more
 * than the cap. The check runs on the whole run's estimate before anything is submitted, so a run
 * is refused whole or runs whole; a job without a known price makes the cap refuse rather than
 * guess. Pure: the node turns a message into its error.
 */
import type { JobEstimate, RunEstimate } from './estimate';
import { jobPlace, jobWhat } from './estimate';

export const CAP_FIELD = 'Max Estimated Cost per Run (USD)';
export const UNIT_PRICE_FIELD = 'Kling Price per Unit (USD)';

/** An option value the user typed that cannot be used; `field` is the option's display name. */
export class SpendOptionError extends Error {
	readonly field: string;
	readonly value: unknown;

	constructor(field: string, value: unknown, message: string) {
		super(message);
		this.name = 'SpendOptionError';
		this.field = field;
		this.value = value;
	}
}

const shown = (value: unknown) => (typeof value === 'string' ? `"${value}"` : String(value));

/**
 * The cap an option value sets: null for no cap (0, the default, or an empty value), else the
 * positive number. Anything else (negative, not a number, infinite) throws, naming the field, the
 * value and what is allowed.
 */
export function capFromOption(value: unknown): number | null {
	if (value === undefined || value === null || value === '' || value === 0) return null;
	if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
	throw new SpendOptionError(CAP_FIELD, value, `${CAP_FIELD} is ${shown(value)}: allowed is a positive amount in USD, or 0 for no cap`);
}

/** The price per Kling unit an option value states: a positive finite number; throws otherwise. */
export function usdPerUnitFromOption(value: unknown): number {
	if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
	throw new SpendOptionError(UNIT_PRICE_FIELD, value, `${UNIT_PRICE_FIELD} is ${shown(value)}: allowed is a positive amount in USD (Kling's list price is 0.14)`);
}

/** USD with two decimals; more where two would hide the difference from `other`. */
function usd(value: number, other?: number): string {
	let digits = 2;
	while (other !== undefined && digits < 6 && value !== other && value.toFixed(digits) === other.toFixed(digits)) digits++;
	return `$${value.toFixed(digits)}`;
}

const jobsWord = (count: number) => `${count} planned job${count === 1 ? '' : 's'}`;

/**
 * Null when the run keeps within the cap (or there is no cap); else the refusal. A job without a
 * known price is refused first, by name (its item, variant, provider, model, operation, mode
 * and duration), since its cost could be anything; otherwise the total above the cap is.
 */
export function capProblem(estimates: RunEstimate | readonly JobEstimate[], capUsd: number | null): string | null {
	if (capUsd === null) return null;
	if (!Number.isFinite(capUsd) || capUsd <= 0) capFromOption(capUsd);
	const jobs = 'jobs' in estimates ? estimates.jobs : estimates;
	const unpriced = jobs.filter((job) => job.estimatedCostUsd === null);
	if (unpriced.length > 0) {
		const [first] = unpriced;
		const others = unpriced.length - 1;
		return (
			(jobs.length === 1 ? `The 1 planned job of this run has no known price: ` : `The ${jobsWord(jobs.length)} of this run include ${unpriced.length} without a known price: `) +
			`${jobPlace(first)} (${jobWhat(first)})${others > 0 ? ` and ${others} other${others === 1 ? '' : 's'}` : ''}` +
			`${first.priceUnknownReason ? `: ${first.priceUnknownReason}` : ''}. ` +
			`With ${CAP_FIELD} set to ${usd(capUsd)}, the cap refuses rather than guesses; nothing was submitted. ` +
			`Choose a model and mode with a known price, or set the cap to 0 to run without it.`
		);
	}
	const total = jobs.reduce((sum, job) => sum + job.estimatedCostUsd!, 0);
	// A cent's millionth of rounding is not overspending.
	if (total <= capUsd + 1e-9) return null;
	const units = jobs.every((job) => job.estimatedUnits !== null) && jobs.length > 0 ? jobs.reduce((sum, job) => sum + job.estimatedUnits!, 0) : null;
	const perUnit = units !== null && units > 0 ? total / units : null;
	const unitNote = units !== null && perUnit !== null ? ` (${Math.round(units * 1e6) / 1e6} Kling units at ${usd(perUnit)} each)` : '';
	return (
		`The ${jobsWord(jobs.length)} of this run would cost an estimated ${usd(total, capUsd)}${unitNote}, above ${CAP_FIELD} of ${usd(capUsd)}; nothing was submitted. ` +
		`Lower the number of items or variants, or raise the cap.`
	);
}
