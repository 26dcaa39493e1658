/** When a paused Wait for Webhook run checks its job itself: soon after the pause, then sparser, and at the time limit. */
import { statusCheckOffsets } from '../../nodes/KlingVideo/v2/strategies/webhookResume';

describe('statusCheckOffsets', () => {
	it('for the default hour: 30 s, 1, 2, 4 and 8 min, then every 5 min, and the limit', () => {
		const offsets = statusCheckOffsets(60 * 60_000);
		expect(offsets.slice(0, 6)).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 780_000]);
		expect(offsets.at(-1)).toBe(60 * 60_000);
		const gaps = offsets.slice(1).map((offset, index) => offset - offsets[index]);
		expect(Math.max(...gaps)).toBe(5 * 60_000);
		expect(offsets.length).toBe(16);
	});

	it('scales down for a short limit: an eighth of it first', () => {
		expect(statusCheckOffsets(3000)).toEqual([375, 750, 1500, 2250, 3000]);
	});

	it('always ends at the limit and only grows', () => {
		for (const limit of [1, 10, 999, 61_000, 24 * 3600_000]) {
			const offsets = statusCheckOffsets(limit);
			expect(offsets.at(-1)).toBe(limit);
			for (let index = 1; index < offsets.length; index++) expect(offsets[index]).toBeGreaterThan(offsets[index - 1]);
		}
	});
});
