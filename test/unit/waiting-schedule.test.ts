import { DurationModel, nextPollOffsetMs, pollDelayMs } from '../../nodes/shared/waiting';

/** The instants at which a job of `jobMs` is polled until it is seen finished. */
function pollTimes(jobMs: number, expectedMs: number | null): number[] {
	const times: number[] = [];
	let now = 0;
	while (times.length < 100) {
		now += pollDelayMs(now, expectedMs);
		times.push(now);
		if (now >= jobMs) return times;
	}
	throw new Error('never noticed');
}

describe('poll schedule', () => {
	it('with a history of 60 s jobs, a 60 s job costs at most 8 calls and is noticed within 2 s', () => {
		const times = pollTimes(60_000, 60_000);
		expect(times.length).toBeLessThanOrEqual(8);
		expect(times.at(-1)! - 60_000).toBeLessThanOrEqual(2_000);
	});

	it('without a history, a 60 s job costs at most 8 calls', () => {
		expect(pollTimes(60_000, null).length).toBeLessThanOrEqual(8);
	});

	it('catches a quick job quickly even when jobs usually take a minute', () => {
		expect(pollTimes(1_000, null)[0]).toBe(1_000);
	});

	it('backs off when a job runs far beyond the expected time', () => {
		// A fixed 5 s poll would cost 240 calls on this 20 min job.
		const times = pollTimes(20 * 60_000, 60_000);
		expect(times.length).toBeLessThan(80);
	});
});

/** The instants the node polls at when every answer takes `latencyMs`, as `waitForCompletion` plans them. */
function pollTimesWithLatency(jobMs: number, expectedMs: number | null, latencyMs: number): number[] {
	const times: number[] = [];
	let planned = 0;
	let now = 0;
	while (times.length < 100) {
		planned = nextPollOffsetMs(planned, now, expectedMs);
		times.push(planned);
		now = planned + latencyMs;
		if (planned >= jobMs) return times;
	}
	throw new Error('never noticed');
}

describe('poll schedule against slow answers', () => {
	it('keeps to the schedule counted from the submit: 300 ms answers do not add up', () => {
		expect(pollTimesWithLatency(60_000, null, 300)).toEqual(pollTimes(60_000, null));
		expect(pollTimesWithLatency(60_000, 60_000, 300)).toEqual(pollTimes(60_000, 60_000));
	});

	it('skips the points a very slow answer overran instead of polling in a row', () => {
		const times = pollTimesWithLatency(60_000, null, 20_000);
		for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(20_000);
		expect(times.length).toBeLessThanOrEqual(4);
	});

	it('never plans a poll in the past, whatever the delay function answers', () => {
		expect(nextPollOffsetMs(0, 5_000, null, () => 0)).toBeGreaterThan(5_000);
	});
});

describe('DurationModel', () => {
	it('learns per shape, as a moving average', () => {
		const model = new DurationModel();
		const key = DurationModel.keyOf({ provider: 'kling', operation: 'textToVideo', durationSeconds: 5, hasAudio: true });
		expect(model.expectedMs(key)).toBeNull();
		model.observe(key, 60_000);
		expect(model.expectedMs(key)).toBe(60_000);
		model.observe(key, 70_000);
		expect(model.expectedMs(key)).toBe(63_000);
		expect(model.expectedMs(DurationModel.keyOf({ provider: 'fal', operation: 'textToVideo', durationSeconds: 5, hasAudio: true }))).toBeNull();
	});
});
