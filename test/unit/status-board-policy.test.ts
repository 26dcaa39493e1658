/**
 * The status board's tick schedule (statusBoardPolicy.ts), simulated without waiting: `jobs`
 * jobs that started together and take `jobMs` each, ticked at the earliest instant any of them
 * asks for, as the board does.
 */
import { absenceLimitMs, boardDelayMs } from '../../nodes/shared/statusBoardPolicy';
import { pollDelayMs } from '../../nodes/shared/waiting';

/** The board's tick instants until a tick at or after `jobMs` sees the jobs finished. */
function boardTicks(jobMs: number, expectedMs: number | null, jobs: number): number[] {
	const ticks: number[] = [];
	let now = 0;
	while (ticks.length < 1_000) {
		now += boardDelayMs(now, expectedMs, jobs);
		ticks.push(now);
		if (now >= jobMs) return ticks;
	}
	throw new Error('never noticed');
}

/** A lone job's polls (today's schedule) until one at or after `jobMs`. */
function lonePolls(jobMs: number, expectedMs: number | null): number[] {
	const polls: number[] = [];
	let now = 0;
	while (polls.length < 1_000) {
		now += pollDelayMs(now, expectedMs);
		polls.push(now);
		if (now >= jobMs) return polls;
	}
	throw new Error('never noticed');
}

describe('status board ticks', () => {
	it('with a history of 20 s jobs, ten jobs cost about one list call each and are noticed within 0.3 s', () => {
		const ticks = boardTicks(20_000, 20_000, 10);
		expect(ticks.length / 10).toBeLessThanOrEqual(1.5);
		expect(ticks.at(-1)! - 20_000).toBeLessThanOrEqual(300);
	});

	it('looks most often around the expected end, sparsely before it', () => {
		const ticks = boardTicks(60_000, 60_000, 8);
		const beforeWindow = ticks.filter((at) => at < 57_000);
		expect(beforeWindow.length).toBeLessThanOrEqual(5);
		for (let i = beforeWindow.length + 1; i < ticks.length; i++) expect(ticks[i] - ticks[i - 1]).toBeLessThanOrEqual(250);
	});

	it('without a history, eight 60 s jobs cost at most 8 list calls each, noticed within 1.5 s: denser than a lone job', () => {
		const ticks = boardTicks(60_000, null, 8);
		expect(ticks.length / 8).toBeLessThanOrEqual(8);
		expect(ticks.at(-1)! - 60_000).toBeLessThanOrEqual(1_500);
		expect(ticks.at(-1)! - 60_000).toBeLessThan(lonePolls(60_000, null).at(-1)! - 60_000 + 1_500);
		const coldLag = (jobMs: number) => boardTicks(jobMs, null, 8).at(-1)! - jobMs;
		const loneLag = (jobMs: number) => lonePolls(jobMs, null).at(-1)! - jobMs;
		// A 20 s job: a lone job's doubling schedule notices it at 31 s, the board within 1.5 s.
		expect(loneLag(20_000)).toBeGreaterThan(10_000);
		expect(coldLag(20_000)).toBeLessThanOrEqual(1_500);
	});

	it('spreads ticks out when few jobs share them, so each job pays about the same', () => {
		expect(boardDelayMs(10_000, null, 2)).toBe(2 * boardDelayMs(10_000, null, 8));
		expect(boardDelayMs(19_500, 20_000, 2)).toBe(500);
		expect(boardDelayMs(19_500, 20_000, 40)).toBe(250);
	});

	it('backs off on a job far beyond its expected time, and on a long job without history', () => {
		// Per job, a share of the ticks: fewer than a lone job's polls on the same 20 min job.
		expect(boardTicks(20 * 60_000, 60_000, 8).length / 8).toBeLessThan(lonePolls(20 * 60_000, 60_000).length);
		expect(boardTicks(20 * 60_000, null, 8).length / 8).toBeLessThan(lonePolls(20 * 60_000, null).length);
		expect(boardDelayMs(30 * 60_000, null, 8)).toBe(15_000);
	});
});

describe('absence from the lists', () => {
	it('reads a job on its own only after a long absence, each time twice as late', () => {
		expect(absenceLimitMs(null, 0)).toBe(90_000);
		expect(absenceLimitMs(20_000, 0)).toBe(30_000);
		expect(absenceLimitMs(60_000, 0)).toBe(90_000);
		expect(absenceLimitMs(60_000, 2)).toBe(360_000);
	});
});
