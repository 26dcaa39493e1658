/**
 * When a status board reads its jobs' list again (pure, so the schedule can be tested without
 * waiting). One list call serves every waiting job, so a look costs each job only a share of a
 * request: the board can look far more often than a lone job's poll schedule, and most often
 * where jobs are expected to end. The board ticks at the earliest instant any of its jobs asks for.
 */

/** Ticks this far apart around the expected end once four or more jobs share each call: completion is noticed within about 0.25 s. */
const DENSE_MS = 250;
/** Below this many jobs a tick costs each one more, so ticks spread out in proportion. */
const FULL_SHARE_JOBS = 4;
const MAX_WARM_MS = 30_000;
/** A job with no history is looked at every 1 to 1.5 s for its first minute (lone jobs double from 1 s to 15 s)... */
const COLD_DENSE_UNTIL_MS = 60_000;
const COLD_MIN_MS = 1_000;
const COLD_DENSE_MAX_MS = 1_500;
/** ...then ever less often (a 40th of its age, at most every 15 s), so a long job stays cheap. */
const COLD_MAX_MS = 15_000;

/**
 * The delay before a job wants its next look, given how long it has waited, how long such jobs
 * take (null: no history) and how many jobs share the board's calls.
 *
 * With a history: halve the way to the start of the window where the end is expected (±5 % of
 * the expected time, at least 0.5 s), look every 250 ms through it, then back off in proportion
 * to the overrun. A 20 s job: looks at about 9.5, 14.3, 16.6, 17.8 and 19.0 s, then every 250 ms.
 * Without one: every 1 to 1.5 s for a minute, then a 40th of the job's age.
 */
export function boardDelayMs(elapsedMs: number, expectedMs: number | null, sharing: number): number {
	const spread = Math.max(1, FULL_SHARE_JOBS / Math.max(1, sharing));
	if (expectedMs === null) return coldDelayMs(elapsedMs) * spread;
	return warmDelayMs(elapsedMs, expectedMs, DENSE_MS * spread);
}

function coldDelayMs(elapsedMs: number): number {
	if (elapsedMs <= COLD_DENSE_UNTIL_MS) return Math.min(COLD_DENSE_MAX_MS, Math.max(COLD_MIN_MS, elapsedMs / 8));
	return Math.min(COLD_MAX_MS, Math.max(COLD_DENSE_MAX_MS, elapsedMs / 40));
}

function warmDelayMs(elapsedMs: number, expectedMs: number, denseMs: number): number {
	const window = Math.max(500, expectedMs / 20);
	const windowStart = expectedMs - window;
	const beforeWindow = windowStart - elapsedMs;
	if (beforeWindow > 2 * window) return Math.min(MAX_WARM_MS, beforeWindow / 2);
	if (beforeWindow > denseMs) return beforeWindow;
	const overrun = elapsedMs - (expectedMs + window);
	if (overrun <= 0) return denseMs;
	return Math.min(MAX_WARM_MS, Math.max(denseMs, overrun / 4));
}

/** A job the lists have not shown for this long gets a read of its own (first time; each later one waits twice as long). */
const ABSENT_COLD_MS = 90_000;
const ABSENT_MIN_MS = 30_000;

/**
 * How long a job may stay out of the lists before it is read on its own. fal lists finished
 * requests only, so absence alone means little; this only catches a job a list never shows
 * (paging cut, a list that lags), at a cost of about one read per job.
 */
export function absenceLimitMs(expectedMs: number | null, readsSoFar: number): number {
	const first = expectedMs === null ? ABSENT_COLD_MS : Math.max(ABSENT_MIN_MS, 1.5 * expectedMs);
	return first * 2 ** readsSoFar;
}
