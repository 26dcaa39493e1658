/**
 * Kling's units on the job: `estimatedUnits` from Kling's published 3.0 table, and `unitsUsed`
 * from the task answer's `final_unit_deduction` (a string). Against the emulator, whose Kling
 * task answers compute the deduction its own way from the same published table, so the two
 * readings meet; and on the pure mapper for the shapes the emulator does not produce.
 */
import { HttpClient } from '../../nodes/shared/http';
import { isTerminal, type Job, type JobRef, type VideoRequest } from '../../nodes/shared/job';
import { submittedDetailsOf, withSubmittedDetails } from '../../nodes/shared/jobDetails';
import { klingAdapter, klingJob } from '../../nodes/shared/providers/kling/adapter';
import { klingTaskSchema, parseKlingAnswer } from '../../nodes/shared/providers/kling/schemas';
import type { ProviderClient } from '../../nodes/shared/providers/types';
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator } from '../emulator';

let emulator: Emulator;
let http: HttpClient;
let client: ProviderClient;

beforeAll(async () => {
	emulator = await startEmulator({ timings: { queuedMs: 100, runningMs: 200 } });
	http = new HttpClient({ retry: { baseDelayMs: 10, maxDelayMs: 100 } });
	client = klingAdapter.connect(
		{ accessKey: EMULATOR_CREDENTIALS.klingAccessKey, secretKey: EMULATOR_CREDENTIALS.klingSecretKey, baseUrl: emulator.baseUrls.kling },
		http,
	);
});

afterEach(() => emulator.reset());

afterAll(async () => {
	await http.close();
	await emulator.close();
});

async function untilTerminal(ref: JobRef): Promise<Job> {
	const deadline = Date.now() + 10_000;
	for (;;) {
		const job = await client.get(ref);
		if (isTerminal(job.status)) return job;
		if (Date.now() > deadline) throw new Error(`job ${ref.jobId} still ${job.status}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

describe('Kling units against the emulator', () => {
	it.each<[string, VideoRequest, number]>([
		['v3 Standard with audio, 12 s: 0.9 units/s', { operation: 'textToVideo', model: 'kling-v3', prompt: 'a fox', duration: 12, aspectRatio: '16:9', generateAudio: true, mode: 'std' }, 10.8],
		['v3 Pro silent, 5 s: 0.8 units/s', { operation: 'textToVideo', model: 'kling-v3', prompt: 'a fox', duration: 5, aspectRatio: '16:9', generateAudio: false, mode: 'pro' }, 4],
		['v3 Pro image to video with audio, 10 s: 1.2 units/s', { operation: 'imageToVideo', model: 'kling-v3', prompt: 'turns', duration: 10, startImage: 'data:image/png;base64,iVBORw0KGgo=', generateAudio: true, mode: 'pro' }, 12],
	])('%s: estimated before, used after, equal', async (_name, request, units) => {
		const submitted = await client.submit(request);
		// Before the task ends, Kling reports no deduction.
		expect(submitted).toMatchObject({ estimatedUnits: units, unitsUsed: null });
		// As the node reads it again: with what only the submit knew (audio, mode) carried over.
		const done = withSubmittedDetails(await untilTerminal(submitted.ref), submittedDetailsOf(submitted));
		expect(done.status).toBe('succeeded');
		expect(done.unitsUsed).toBeCloseTo(units, 9);
		expect(done.estimatedUnits).toBeCloseTo(units, 9);
		// The raw answer carries it as Kling types it: a string.
		expect(typeof (done.raw as { data?: { final_unit_deduction?: unknown } }).data?.final_unit_deduction).toBe('string');
	});

	it('v2.6: units used are reported, none are estimated (no first-party v2.6 table)', async () => {
		const submitted = await client.submit({ operation: 'textToVideo', prompt: 'a fox', duration: 5, aspectRatio: '16:9', generateAudio: true, mode: 'pro' });
		expect(submitted.estimatedUnits).toBeNull();
		const done = await untilTerminal(submitted.ref);
		expect(done.estimatedUnits).toBeNull();
		expect(typeof done.unitsUsed).toBe('number');
	});
});

describe('klingJob: final_unit_deduction', () => {
	const base = { task_id: 't1', task_status: 'succeed', task_result: { videos: [{ id: 'v', url: 'https://cdn/v.mp4', duration: '5' }] }, created_at: 0, updated_at: 1 };
	const job = (extra: Record<string, unknown>) =>
		klingJob(parseKlingAnswer(klingTaskSchema, { ...base, ...extra }, 'task'), 'textToVideo', {}, { durationSeconds: 5, hasAudio: true }, { model: 'kling-v3', mode: 'std' });

	it('parses the string, takes a number, and is null when absent or not a number', () => {
		expect(job({ final_unit_deduction: '4.5' })).toMatchObject({ unitsUsed: 4.5, estimatedUnits: 4.5, estimatedCostUsd: 0.63 });
		expect(job({ final_unit_deduction: 3 }).unitsUsed).toBe(3);
		expect(job({}).unitsUsed).toBeNull();
		expect(job({ final_unit_deduction: 'n/a' }).unitsUsed).toBeNull();
		expect(job({ final_unit_deduction: '0' }).unitsUsed).toBe(0);
	});

	it('estimates no units where the mode is not known and the modes cost differently', () => {
		const unknownMode = klingJob(parseKlingAnswer(klingTaskSchema, base, 'task'), 'textToVideo', {}, { durationSeconds: 5, hasAudio: true }, { model: 'kling-v3', mode: null });
		expect(unknownMode.estimatedUnits).toBeNull();
	});
});
