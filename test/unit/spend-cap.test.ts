/**
 * Max Estimated Cost per Run (USD), as a pure check on a run's estimate: over the cap it refuses
 * naming the total, the cap and the number of jobs; under it (or without a cap) it lets the run
 * go; a job without a known price makes it refuse by name rather than guess; and option values
 * that cannot be a cap or a unit price are input errors naming the field, the value and what is allowed.
 */
import type { VideoRequest } from '../../nodes/shared/job';
import { CAP_FIELD, capFromOption, capProblem, SpendOptionError, UNIT_PRICE_FIELD, usdPerUnitFromOption } from '../../nodes/shared/spend/cap';
import { estimateRun, type PlannedJob } from '../../nodes/shared/spend/estimate';

const t2v = (extra: Partial<Extract<VideoRequest, { operation: 'textToVideo' }>> = {}): VideoRequest => ({
	operation: 'textToVideo',
	prompt: 'Weekly ad',
	duration: 10,
	aspectRatio: '16:9',
	generateAudio: true,
	...extra,
});

/** Four items in three ratio variants each: 12 jobs of 10 s with audio, $1.40 each on Replicate. */
const twelve: PlannedJob[] = [0, 1, 2, 3].flatMap((itemIndex) =>
	(['16:9', '9:16', '1:1'] as const).map((ratio) => ({ itemIndex, variant: ratio, request: t2v({ aspectRatio: ratio }) })),
);

describe('capProblem', () => {
	it('over the cap: names the total, the cap and the number of jobs, and says nothing was submitted', () => {
		const run = estimateRun('replicate', twelve);
		expect(run.total.totalUsd).toBeCloseTo(16.8, 9);
		expect(capProblem(run, 10)).toBe(
			'The 12 planned jobs of this run would cost an estimated $16.80, above Max Estimated Cost per Run (USD) of $10.00; nothing was submitted. Lower the number of items or variants, or raise the cap.',
		);
		// The job list alone does as well as the run.
		expect(capProblem(run.jobs, 10)).toBe(capProblem(run, 10));
	});

	it('under the cap, at the cap, and without a cap: no problem (the run goes on as today)', () => {
		const run = estimateRun('replicate', twelve);
		expect(capProblem(run, 20)).toBeNull();
		expect(capProblem(run, 16.8)).toBeNull();
		expect(capProblem(run, null)).toBeNull();
	});

	it('one job just over: shows enough decimals to tell the total from the cap, and counts one job', () => {
		const run = estimateRun('fal', [{ itemIndex: 0, request: t2v({ model: 'kling-v3', mode: 'std', duration: 3, generateAudio: false }) }]);
		expect(run.total.totalUsd).toBe(0.252);
		expect(capProblem(run, 0.25)).toBe(
			'The 1 planned job of this run would cost an estimated $0.252, above Max Estimated Cost per Run (USD) of $0.25; nothing was submitted. Lower the number of items or variants, or raise the cap.',
		);
	});

	it('Kling: the total in units at the price per unit', () => {
		const run = estimateRun('kling', [0, 1].map((itemIndex) => ({ itemIndex, request: t2v({ model: 'kling-v3', mode: 'pro', duration: 15 }) })), { klingUsdPerUnit: 0.2 });
		// 2 × 15 s × 1.2 units = 36 units at $0.20.
		expect(run.total).toMatchObject({ totalUnits: 36, totalUsd: 7.2 });
		expect(capProblem(run, 5)).toBe(
			'The 2 planned jobs of this run would cost an estimated $7.20 (36 Kling units at $0.20 each), above Max Estimated Cost per Run (USD) of $5.00; nothing was submitted. Lower the number of items or variants, or raise the cap.',
		);
	});

	it('a job without a known price: refuses rather than guesses, naming that job, even when the known ones fit', () => {
		const run = estimateRun('replicate', [
			{ itemIndex: 0, request: t2v({ duration: 5, generateAudio: false }) },
			{ itemIndex: 1, variant: '9:16', request: t2v({ model: 'kling-v3', mode: 'std', duration: 8, aspectRatio: '9:16' }) },
			{ itemIndex: 2, request: t2v({ model: 'kling-v3', mode: 'pro', duration: 5 }) },
		]);
		expect(run.total.totalUsd).toBe(0.35);
		const message = capProblem(run, 100)!;
		expect(message).toBe(
			"The 3 planned jobs of this run include 2 without a known price: item 2, variant 9:16 (Replicate Kling v3 Text to Video, mode Standard, 8 s) and 1 other: no first-party source states a price for Replicate's Kling v3 Text to Video in mode Standard. With Max Estimated Cost per Run (USD) set to $100.00, the cap refuses rather than guesses; nothing was submitted. Choose a model and mode with a known price, or set the cap to 0 to run without it.",
		);
		// Without a cap the same run is not refused (Estimate Only still lists the unknown jobs).
		expect(capProblem(run, null)).toBeNull();
		expect(run.total.unknown).toEqual([1, 2]);
	});

	it('a motion control job whose reference video length is not known is refused by name', () => {
		const run = estimateRun('kling', [
			{ itemIndex: 4, request: { operation: 'motionControl', model: 'kling-v3', image: 'https://e.test/i.png', video: 'https://e.test/v.mp4', characterOrientation: 'video', mode: 'std' } },
		]);
		expect(capProblem(run, 50)).toMatch(
			/^The 1 planned job of this run has no known price: item 5 \(Kling API Kling v3 Motion Control, mode Standard\): a motion control video is as long as its reference video/,
		);
	});
});

describe('the options', () => {
	it('Max Estimated Cost per Run (USD): 0 or empty is no cap, a positive amount is the cap', () => {
		expect(capFromOption(0)).toBeNull();
		expect(capFromOption(undefined)).toBeNull();
		expect(capFromOption('')).toBeNull();
		expect(capFromOption(25)).toBe(25);
		expect(capFromOption(0.5)).toBe(0.5);
	});

	it.each([[-5], [Number.NaN], [Number.POSITIVE_INFINITY], ['10'], [true]])('refuses %p as a cap, naming the field, the value and what is allowed', (value) => {
		expect(() => capFromOption(value)).toThrow(SpendOptionError);
		try {
			capFromOption(value);
		} catch (error) {
			const problem = error as SpendOptionError;
			expect(problem.field).toBe(CAP_FIELD);
			expect(problem.message).toBe(
				`Max Estimated Cost per Run (USD) is ${typeof value === 'string' ? `"${value}"` : String(value)}: allowed is a positive amount in USD, or 0 for no cap`,
			);
		}
	});

	it('capProblem refuses a cap that is not a positive finite number', () => {
		expect(() => capProblem([], -1)).toThrow(/Max Estimated Cost per Run \(USD\) is -1: allowed is a positive amount/);
	});

	it('Kling Price per Unit (USD): a positive amount; anything else names the field', () => {
		expect(usdPerUnitFromOption(0.14)).toBe(0.14);
		for (const value of [0, -0.1, Number.NaN, '0.14', undefined]) {
			expect(() => usdPerUnitFromOption(value)).toThrow(new RegExp(`^${UNIT_PRICE_FIELD.replace(/[()]/g, '\\$&')} is .*: allowed is a positive amount in USD`));
		}
	});
});
