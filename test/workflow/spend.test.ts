/**
 * Spend control inside n8n's engine against the emulator: Estimate Only sends nothing and its
 * totals are the model table's prices; Max Estimated Cost per Run (USD) refuses a run over it
 * (or with a job of unknown price) before any request, and lets a run under it go as before.
 */
import { tableOf } from '../../nodes/shared/providers';
import { rowOf } from '../../nodes/shared/providers/table';
import type { ProviderId } from '../../nodes/shared/job';
import { startEmulator, type Emulator } from '../emulator';
import { makePng } from '../fixtures/images';
import { makeBinary } from '../harness';
import { NODE_NAME, PROVIDERS, runKling, TEXT_TO_VIDEO } from './support';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ port: 0, timings: { queuedMs: 50, runningMs: 200 } });
});
afterAll(async () => await emulator.close());
beforeEach(() => emulator.reset());

const VARIANTS = ['16:9', '9:16', '1:1'];
const threeItems = { inputItems: [0, 1, 2].map((i) => ({ json: { product: `mug ${i}` } })) };
/** Kling's own API prices v3 only (v2.6 units are not published), so its runs here use v3 in mode Pro. */
const priced = (provider: ProviderId) => (provider === 'kling' ? { model: 'kling-v3', quality: 'pro' } : {});

/** The table's own rate for a 5 s text to video with audio, read independently of the estimate. */
function tableRate(provider: ProviderId): number {
	const row = rowOf(tableOf(provider).models, provider === 'kling' ? 'kling-v3' : 'kling-v2.6', 'textToVideo')!;
	const price = row.endpoints.pro!.price!;
	return price.unitsPerSecond ? price.unitsPerSecond.withAudio * 0.14 : price.usdPerSecond.withAudio;
}

describe.each(PROVIDERS)('%s', (provider) => {
	it('Estimate Only: 3 items × 3 variants, 0 requests, 9 previews whose total is the table\'s price', async () => {
		const result = await runKling(
			emulator,
			{ provider, ...TEXT_TO_VIDEO, ...priced(provider), duration: 5, generateAudio: true, options: { aspectRatioVariants: VARIANTS, estimateOnly: true } },
			threeItems,
		);
		expect(result.error?.message).toBeUndefined();
		expect(emulator.counters().count()).toBe(0);
		const items = result.outputOf(NODE_NAME);
		expect(items).toHaveLength(9);
		expect(items.map((item) => item.pairedItem)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2].map((item) => ({ item })));
		expect(items.map((item) => item.json.aspectRatio)).toEqual([...VARIANTS, ...VARIANTS, ...VARIANTS]);
		const perJob = Math.round(tableRate(provider) * 5 * 1e6) / 1e6;
		for (const item of items) {
			expect(item.json).toMatchObject({ estimateOnly: true, provider, operation: 'textToVideo', durationSeconds: 5, hasAudio: true });
			expect(item.json.estimatedCostUsd).toBeCloseTo(perJob, 6);
			expect((item.json.request as { endpoint: string }).endpoint).toEqual(expect.any(String));
			expect(item.json.runTotal).toMatchObject({ jobs: 9, unknown: [] });
			expect((item.json.runTotal as { totalUsd: number }).totalUsd).toBeCloseTo(9 * perJob, 6);
		}
		const text = JSON.stringify(items);
		for (const secret of Object.values(emulator.credentials).filter((value) => typeof value === 'string' && value.length >= 8)) {
			expect(text).not.toContain(secret);
		}
	});

	it('a cap below the estimate: the run is refused whole, naming total, cap and jobs, with 0 requests', async () => {
		const perJob = tableRate(provider) * 5;
		const cap = Math.floor(perJob * 9 * 0.5 * 100) / 100;
		const result = await runKling(
			emulator,
			{ provider, ...TEXT_TO_VIDEO, ...priced(provider), duration: 5, generateAudio: true, options: { aspectRatioVariants: VARIANTS, maxEstimatedCostUsd: cap } },
			threeItems,
		);
		expect(result.error?.message).toContain(`The 9 planned jobs of this run would cost an estimated $${(perJob * 9).toFixed(2)}`);
		expect(result.error?.message).toContain(`$${cap.toFixed(2)}`);
		expect(result.error?.message).toContain('nothing was submitted');
		expect(emulator.counters().count()).toBe(0);
	});

	it('a cap above the estimate: the run goes as without one (one submit, a finished video)', async () => {
		const result = await runKling(emulator, { provider, ...TEXT_TO_VIDEO, ...priced(provider), duration: 5, generateAudio: true, options: { maxEstimatedCostUsd: 100 } });
		expect(result.error?.message).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({ provider, status: 'succeeded' });
		expect(item.binary?.data.mimeType).toBe('video/mp4');
		expect(emulator.counters().count({ provider, route: 'submit' })).toBe(1);
	});
});

it('Estimate Only uploads nothing: a binary start image appears as a placeholder', async () => {
	const image = await makeBinary(makePng(640, 640), 'frame.png', 'image/png');
	const result = await runKling(
		emulator,
		{ provider: 'fal', operation: 'imageToVideo', prompt: 'The mug turns slowly', startImageSource: 'binary', startImageBinaryProperty: 'image', generateAudio: false, options: { estimateOnly: true } },
		{ inputItems: [{ json: {}, binary: { image } }] },
	);
	expect(result.error?.message).toBeUndefined();
	expect(emulator.counters().count()).toBe(0);
	const [item] = result.outputOf(NODE_NAME);
	expect(JSON.stringify((item.json.request as { body: unknown }).body)).toContain('binary property \\"image\\"');
	expect(item.json.estimatedCostUsd).toBeCloseTo(0.35, 6);
});

it('Estimate Only catches bad input as a real run does, before anything', async () => {
	const result = await runKling(emulator, { provider: 'wavespeed', ...TEXT_TO_VIDEO, prompt: 'x'.repeat(2501), options: { estimateOnly: true } });
	expect(result.error?.message).toMatch(/Prompt is "x{40}…": 2501 characters; WaveSpeed's Kling v2\.6 allows at most 2500/);
	expect(emulator.counters().count()).toBe(0);
});

it('a cap with a job of unknown price (Kling v2.6 units are unpublished) refuses and names the job', async () => {
	const result = await runKling(emulator, { provider: 'kling', ...TEXT_TO_VIDEO, duration: 5, generateAudio: false, options: { maxEstimatedCostUsd: 100 } });
	expect(result.error?.message).toMatch(/item 1/);
	expect(result.error?.message).toMatch(/Kling v2\.6 Text to Video/);
	expect(emulator.counters().count()).toBe(0);
});

it('a cap that is not a positive amount is an input error naming the option and the value', async () => {
	const result = await runKling(emulator, { provider: 'replicate', ...TEXT_TO_VIDEO, options: { maxEstimatedCostUsd: -5 } });
	expect(result.error?.message).toBe('Max Estimated Cost per Run (USD) is -5: allowed is a positive amount in USD, or 0 for no cap');
	expect(emulator.counters().count()).toBe(0);
});

it('over the cap with Continue On Fail: each input item gets the refusal, nothing is submitted', async () => {
	const result = await runKling(
		emulator,
		{ provider: 'replicate', ...TEXT_TO_VIDEO, duration: 5, generateAudio: false, options: { aspectRatioVariants: VARIANTS, maxEstimatedCostUsd: 1 } },
		{ ...threeItems, continueOnFail: true },
	);
	expect(result.error?.message).toBeUndefined();
	const items = result.outputOf(NODE_NAME);
	expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2].map((item) => ({ item })));
	for (const item of items) expect(String(item.json.error)).toContain('would cost an estimated $3.15');
	expect(emulator.counters().count()).toBe(0);
});
