/**
 * Estimate Only, as pure functions: each planned job's request as it would be sent and its
 * estimate, and the run's total, on every provider; the totals are the table's rates times the
 * seconds (variants, audio on and off, voices, modes, durations); bad input fails as a submit
 * would; nothing is sent and no secret appears.
 */
import { EMULATOR_CREDENTIALS } from '../emulator/credentials';
import { ProviderApiError } from '../../nodes/shared/errors';
import type { ProviderId, VideoRequest } from '../../nodes/shared/job';
import { binaryPlaceholder, estimateJob, estimateRun, type PlannedJob, type RunEstimate } from '../../nodes/shared/spend/estimate';
import { priceOf } from '../../nodes/shared/spend/price';
import { KLING_LIST_PRICE_PER_UNIT_USD } from '../../nodes/shared/spend/units';
import { tableOf } from '../../nodes/shared/providers';

// Count every HTTP request the package could make (its client is undici's `request`).
const sent: unknown[] = [];
jest.mock('undici', () => {
	const actual = jest.requireActual('undici');
	return { ...actual, request: (...args: unknown[]) => (sent.push(args), actual.request(...args)) };
});

const IMAGE = 'https://example.test/start.png';
const VIDEO = 'https://example.test/dance.mp4';

const t2v = (extra: Partial<Extract<VideoRequest, { operation: 'textToVideo' }>> = {}): VideoRequest => ({
	operation: 'textToVideo',
	prompt: 'A lighthouse at dusk',
	duration: 5,
	aspectRatio: '16:9',
	...extra,
});
const i2v = (extra: Partial<Extract<VideoRequest, { operation: 'imageToVideo' }>> = {}): VideoRequest => ({
	operation: 'imageToVideo',
	prompt: 'The product turns slowly',
	duration: 5,
	startImage: IMAGE,
	...extra,
});
const motion = (extra: Partial<Extract<VideoRequest, { operation: 'motionControl' }>> = {}): VideoRequest => ({
	operation: 'motionControl',
	image: IMAGE,
	video: VIDEO,
	characterOrientation: 'image',
	mode: 'pro',
	...extra,
});

/** One planned job per ratio of an item, as Aspect Ratio Variants makes them. */
const variants = (itemIndex: number, request: VideoRequest, ratios: ('16:9' | '9:16' | '1:1')[]): PlannedJob[] =>
	ratios.map((ratio) => ({ itemIndex, variant: ratio, request: { ...request, aspectRatio: ratio } as VideoRequest }));

const costs = (run: RunEstimate) => run.jobs.map((job) => job.estimatedCostUsd);

beforeEach(() => {
	sent.length = 0;
});

afterEach(() => {
	// Estimating never sends anything.
	expect(sent).toHaveLength(0);
});

describe('estimateRun: totals match the table on every provider', () => {
	it('Replicate: v2.6 at $0.07/s silent and $0.14/s with audio, three ratio variants; v3 has no price', () => {
		const run = estimateRun('replicate', [
			...variants(0, t2v({ generateAudio: true }), ['16:9', '9:16', '1:1']),
			{ itemIndex: 1, request: i2v({ duration: 10, generateAudio: false }) },
			{ itemIndex: 2, request: t2v({ model: 'kling-v3', mode: 'std', duration: 8, generateAudio: true }) },
		]);
		expect(costs(run)).toEqual([0.7, 0.7, 0.7, 0.7, null]);
		expect(run.total).toEqual({ jobs: 5, totalUsd: 2.8, totalUnits: null, usdPerUnit: null, unknown: [4] });
		expect(run.jobs[4].priceUnknownReason).toMatch(/no first-party source states a price for Replicate's Kling v3 Text to Video in mode Standard/);
		expect(run.jobs.map((job) => job.variant)).toEqual(['16:9', '9:16', '1:1', null, null]);
		// The request as it would be sent: the model path and the mapped input.
		expect(run.jobs[3].request).toEqual({
			endpoint: 'kwaivgi/kling-v2.6',
			body: { prompt: 'The product turns slowly', duration: 10, start_image: IMAGE, generate_audio: false },
		});
		expect(run.jobs[4].request).toEqual({
			endpoint: 'kwaivgi/kling-v3-video',
			body: { prompt: 'A lighthouse at dusk', duration: 8, aspect_ratio: '16:9', generate_audio: true, mode: 'standard' },
		});
		expect(run.jobs[2].request.body.aspect_ratio).toBe('1:1');
	});

	it('fal: v2.6 with audio and with voices ($0.168/s), v3 Standard silent and v3 Pro image to video with audio', () => {
		const run = estimateRun('fal', [
			{ itemIndex: 0, request: t2v({ duration: 10, generateAudio: true }) },
			{ itemIndex: 1, request: i2v({ generateAudio: true, voiceIds: ['v-1'], prompt: '<<<voice_1>>> says hello' }) },
			{ itemIndex: 2, request: t2v({ model: 'kling-v3', mode: 'std', duration: 12, generateAudio: false }) },
			{ itemIndex: 3, request: i2v({ model: 'kling-v3', mode: 'pro', duration: 8, generateAudio: true }) },
			{ itemIndex: 4, request: t2v({ model: 'kling-v3', mode: 'pro', duration: 5, generateAudio: true }) },
		]);
		expect(costs(run)).toEqual([1.4, 0.84, 1.008, 1.344, null]);
		expect(run.total.totalUsd).toBeCloseTo(1.4 + 5 * 0.168 + 12 * 0.084 + 8 * 0.168, 9);
		expect(run.total.unknown).toEqual([4]);
		expect(run.jobs[1]).toMatchObject({ hasVoices: true, hasAudio: true, mode: 'pro', priceSource: expect.stringContaining('voice control') });
		expect(run.jobs[0].request).toEqual({
			endpoint: 'fal-ai/kling-video/v2.6/pro/text-to-video',
			body: { prompt: 'A lighthouse at dusk', duration: '10', aspect_ratio: '16:9', generate_audio: true },
		});
		expect(run.jobs[2].request.endpoint).toBe('fal-ai/kling-video/v3/standard/text-to-video');
	});

	it('WaveSpeed: its 5 s / 10 s table (Pro $0.35 / $0.70, doubled with audio; Standard $0.21 / $0.42)', () => {
		const run = estimateRun('wavespeed', [
			...variants(0, t2v({ duration: 10, generateAudio: true }), ['16:9', '9:16']),
			{ itemIndex: 1, request: t2v({ mode: 'std', duration: 5 }) },
			{ itemIndex: 2, request: t2v({ mode: 'std', duration: 10 }) },
			{ itemIndex: 3, request: i2v({ duration: 5, generateAudio: false }) },
		]);
		expect(costs(run)).toEqual([1.4, 1.4, 0.21, 0.42, 0.35]);
		expect(run.total).toMatchObject({ jobs: 5, totalUsd: 3.78, unknown: [] });
		expect(run.jobs[2].request.endpoint).toBe('kwaivgi/kling-v2.6-std/text-to-video');
		expect(run.jobs[0].request.body).toEqual({ prompt: 'A lighthouse at dusk', duration: 10, aspect_ratio: '16:9', sound: true });
	});

	it('Kling: the units of its 3.0 table at the list price, motion control by its reference video, v2.6 unknown', () => {
		const planned: PlannedJob[] = [
			{ itemIndex: 0, request: t2v({ model: 'kling-v3', mode: 'std', duration: 5, generateAudio: true }) },
			{ itemIndex: 1, request: i2v({ model: 'kling-v3', mode: 'pro', duration: 10, generateAudio: false }) },
			{ itemIndex: 2, request: motion({ model: 'kling-v3', mode: 'pro' }), referenceVideoSeconds: 6 },
			{ itemIndex: 3, request: motion({ model: 'kling-v3', mode: 'std' }) },
			{ itemIndex: 4, request: t2v({ mode: 'pro', generateAudio: true }) },
		];
		const run = estimateRun('kling', planned);
		expect(run.jobs.map((job) => job.estimatedUnits)).toEqual([4.5, 8, 7.2, null, null]);
		expect(costs(run)).toEqual([0.63, 1.12, 1.008, null, null]);
		expect(run.total).toMatchObject({ jobs: 5, totalUnits: 19.7, unknown: [3, 4], usdPerUnit: { value: KLING_LIST_PRICE_PER_UNIT_USD } });
		expect(run.total.totalUsd).toBeCloseTo(19.7 * 0.14, 9);
		expect(run.total.usdPerUnit!.source).toMatch(/\$0\.14/);
		expect(run.jobs[3].priceUnknownReason).toMatch(/as long as its reference video/);
		expect(run.jobs[4].priceUnknownReason).toMatch(/Kling v2\.6 Text to Video/);
		expect(run.jobs[0].request).toEqual({
			endpoint: '/v1/videos/text2video',
			body: { prompt: 'A lighthouse at dusk', duration: '5', aspect_ratio: '16:9', sound: 'on', mode: 'std', model_name: 'kling-v3' },
		});

		// A price per unit the user states: the same units, other dollars.
		const stated = estimateRun('kling', planned, { klingUsdPerUnit: 0.1 });
		expect(stated.jobs.map((job) => job.estimatedUnits)).toEqual([4.5, 8, 7.2, null, null]);
		expect(costs(stated)).toEqual([0.45, 0.8, 0.72, null, null]);
		expect(stated.total).toMatchObject({ totalUsd: 1.97, totalUnits: 19.7, usdPerUnit: { value: 0.1 } });
	});

	it('each job\'s estimate is the table\'s rate times its seconds (priceOf, every priced row)', () => {
		const cases: [ProviderId, VideoRequest, number][] = [
			['replicate', t2v({ duration: 10, generateAudio: true }), 10 * 0.14],
			['fal', i2v({ duration: 10, generateAudio: false }), 10 * 0.07],
			['fal', t2v({ model: 'kling-v3', mode: 'std', duration: 15, generateAudio: true, voiceIds: undefined }), 15 * 0.126],
			['wavespeed', i2v({ duration: 10, generateAudio: true }), 10 * 0.14],
			['kling', i2v({ model: 'kling-v3', mode: 'std', duration: 3, generateAudio: true }), 3 * 0.9 * 0.14],
			['kling', motion({ model: 'kling-v3', mode: 'std', keepOriginalSound: false }), 30 * 0.9 * 0.14],
		];
		for (const [provider, request, expected] of cases) {
			const job = estimateJob(provider, { itemIndex: 0, request, referenceVideoSeconds: 30 });
			expect([provider, job.estimatedCostUsd]).toEqual([provider, Math.round(expected * 1e6) / 1e6]);
		}
	});
});

describe('priceOf: a price only where a source states it', () => {
	it('refuses voices where the source states no voice-control rate, and unknown audio where audio changes the rate', () => {
		const wavespeed = tableOf('wavespeed');
		const base = { model: 'kling-v2.6', operation: 'imageToVideo', mode: 'pro', durationSeconds: 5 } as const;
		expect(priceOf(wavespeed, { ...base, hasAudio: true, hasVoices: false }).usd).toBe(0.7);
		expect(priceOf(wavespeed, { ...base, hasAudio: true, hasVoices: true })).toMatchObject({ usd: null, unknownReason: expect.stringMatching(/voice control/) });
		expect(priceOf(wavespeed, { ...base, hasAudio: null })).toMatchObject({ usd: null, unknownReason: expect.stringMatching(/audio is not known/) });
		// Kling v3 motion control costs the same with and without the original sound.
		expect(priceOf(tableOf('kling'), { model: 'kling-v3', operation: 'motionControl', mode: 'std', durationSeconds: 10, hasAudio: null })).toMatchObject({ units: 9, usd: 1.26 });
	});

	it('a mode not known is priced only where both modes cost the same', () => {
		const kling = tableOf('kling');
		expect(priceOf(kling, { model: 'kling-v3', operation: 'textToVideo', mode: null, durationSeconds: 5, hasAudio: false })).toMatchObject({ usd: null });
		expect(priceOf(kling, { model: 'kling-v3', operation: 'textToVideo', mode: 'pro', durationSeconds: 5, hasAudio: false })).toMatchObject({ usd: 0.56, units: 4 });
		expect(priceOf(tableOf('replicate'), { model: 'kling-v2.6', operation: 'textToVideo', mode: null, durationSeconds: 5, hasAudio: false }).usd).toBe(0.35);
	});
});

describe('estimateRun: planning and validation as a real run', () => {
	it('refuses a request the provider would refuse, naming the item and variant, and estimates nothing of the run', () => {
		const run = () =>
			estimateRun('fal', [
				{ itemIndex: 0, request: t2v() },
				{ itemIndex: 1, variant: '9:16', request: t2v({ duration: 7, aspectRatio: '9:16' }) },
			]);
		expect(run).toThrow(ProviderApiError);
		expect(run).toThrow(/^Item 2, variant 9:16: Duration is 7 s: fal\.ai's Kling v2\.6 takes 5 and 10 seconds/);
		try {
			run();
		} catch (error) {
			expect((error as ProviderApiError).kind).toBe('invalidInput');
		}
	});

	it('refuses what the row\'s rules refuse (Kling: the motion video only by URL)', () => {
		expect(() =>
			estimateRun('kling', [{ itemIndex: 0, request: motion({ video: binaryPlaceholder({ property: 'video', mimeType: 'video/mp4', bytes: 1000 }) }) }]),
		).toThrow(/Item 1: Motion Reference Video is .*Kling takes it only by URL/);
	});

	it('an empty run costs nothing', () => {
		expect(estimateRun('replicate', []).total).toEqual({ jobs: 0, totalUsd: 0, totalUnits: null, usdPerUnit: null, unknown: [] });
	});
});

describe('the preview carries no secret and no media bytes', () => {
	const SECRETS = [...Object.values(EMULATOR_CREDENTIALS), 'r8_thisIsAFakeReplicateToken', 'sk-fake-secret-key'];

	it('shows binary inputs as placeholders and data URLs by type and size, and holds no credential on any provider', () => {
		const dataUrl = `data:image/png;base64,${Buffer.alloc(3000, 7).toString('base64')}`;
		const placeholder = binaryPlaceholder({ property: 'data', fileName: 'start.png', mimeType: 'image/png', bytes: 48213 });
		expect(placeholder).toBe('[binary property "data" (start.png, image/png, 48213 bytes): uploaded at submit]');
		const runs = (['replicate', 'fal', 'wavespeed', 'kling'] as const).map((provider) =>
			estimateRun(provider, [
				{ itemIndex: 0, request: i2v({ startImage: dataUrl, generateAudio: false, ...(provider === 'kling' ? { mode: 'pro' } : {}) }) },
				{ itemIndex: 1, request: i2v({ startImage: placeholder, generateAudio: false, ...(provider === 'kling' ? { mode: 'pro' } : {}) }) },
			]),
		);
		for (const run of runs) {
			const json = JSON.stringify(run);
			for (const secret of SECRETS) expect([run.provider, json.includes(secret)]).toEqual([run.provider, false]);
			expect([run.provider, json.includes(dataUrl.slice(30, 90))]).toEqual([run.provider, false]);
			expect(json).toContain('[data URL (image/png, about 3000 bytes): sent inline at submit]');
			expect(json).toContain(JSON.stringify(placeholder).slice(1, -1));
			expect(json.length).toBeLessThan(5000);
		}
	});

	it('shortens raw base64 too (Kling takes images so)', () => {
		const raw = Buffer.alloc(2000, 1).toString('base64');
		const job = estimateJob('kling', { itemIndex: 0, request: i2v({ startImage: raw, mode: 'pro' }) });
		expect(job.request.body.image).toBe(`[inline media, ${raw.length} characters: sent inline at submit]`);
	});
});
