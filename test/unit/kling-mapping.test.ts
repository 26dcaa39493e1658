/** Kling's pure mappings: request → body, cross-field rules, external ids, error codes, task → job. */
import { toResponse } from '../../nodes/shared/http';
import type { VideoRequest } from '../../nodes/shared/job';
import { ProviderApiError } from '../../nodes/shared/errors';
import {
	KLING_EXTERNAL_ID,
	KLING_PATHS,
	klingError,
	klingExternalTaskId,
	klingIsFinal,
	klingJob,
	klingRequestProblems,
	toKlingBody,
} from '../../nodes/shared/providers/kling/adapter';
import { KLING_MODELS } from '../../nodes/shared/providers/kling/models';
import { klingTaskSchema, parseKlingAnswer } from '../../nodes/shared/providers/kling/schemas';
import type { ModelId } from '../../nodes/shared/providers/models';
import { modelsOf, offeredFields, operationsOf, type OperationRow } from '../../nodes/shared/providers/table';
import { caught, rowsOf } from './mappingHelpers';

const envelope = (status: number, code: number, message: string) =>
	toResponse(status, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ code, message, request_id: 'rq' })));

const row = rowsOf(KLING_MODELS, 'Kling');
/** Every (model, operation) row of the table. */
const allRows = () =>
	(Object.entries(KLING_MODELS) as [ModelId, Record<string, OperationRow>][]).flatMap(([model, rows]) =>
		Object.entries(rows).map(([operation, operationRow]) => ({ model, operation, row: operationRow })),
	);

const i2v = (extra: Partial<Extract<VideoRequest, { operation: 'imageToVideo' }>> = {}): VideoRequest => ({
	operation: 'imageToVideo',
	prompt: 'a cat turns',
	duration: 5,
	generateAudio: false,
	mode: 'pro',
	startImage: 'https://img/start.png',
	...extra,
});

describe('toKlingBody', () => {
	it('maps text to video: model name, sound on/off, mode, string duration', () => {
		expect(
			toKlingBody({
				operation: 'textToVideo',
				prompt: 'p',
				negativePrompt: 'n',
				duration: 10,
				aspectRatio: '1:1',
				generateAudio: true,
			}),
		).toEqual({
			model_name: 'kling-v2-6',
			prompt: 'p',
			negative_prompt: 'n',
			duration: '10',
			aspect_ratio: '1:1',
			sound: 'on',
			mode: 'pro',
		});
		expect(toKlingBody({ operation: 'textToVideo', prompt: 'p', duration: 5, aspectRatio: '16:9', generateAudio: false, mode: 'std' })).toEqual({
			model_name: 'kling-v2-6',
			prompt: 'p',
			duration: '5',
			aspect_ratio: '16:9',
			sound: 'off',
			mode: 'std',
		});
	});

	// Contract correction: kling-v2.6's text2video takes no voice_list; voices are image to
	// video in mode Pro with sound on only. They are refused, not dropped.
	it('refuses Voice IDs on text to video', () => {
		const request: VideoRequest = { operation: 'textToVideo', prompt: 'p', duration: 10, aspectRatio: '1:1', generateAudio: true, voiceIds: ['v1', 'v2'] };
		const error = caught(() => toKlingBody(request)) as ProviderApiError;
		expect(error).toBeInstanceOf(ProviderApiError);
		expect(error.kind).toBe('invalidInput');
		expect(error.message).toBe(`Voice IDs is ["v1","v2"]: Kling API's Kling v2.6 takes no Voice IDs for Text to Video`);
		expect(offeredFields(row('kling-v2.6', 'textToVideo'))).not.toContain('voiceIds');
	});

	it('maps image to video voices as voice objects, in mode Pro with sound on', () => {
		expect(toKlingBody(i2v({ generateAudio: true, voiceIds: ['v1', 'v2'] }))).toEqual({
			model_name: 'kling-v2-6',
			prompt: 'a cat turns',
			duration: '5',
			sound: 'on',
			mode: 'pro',
			image: 'https://img/start.png',
			voice_list: [{ voice_id: 'v1' }, { voice_id: 'v2' }],
		});
	});

	// klingImage is gone: the data-URL prefix is stripped by the mapper's rawBase64 conversion.
	it('sends images as URL or raw base64 without a data: prefix', () => {
		const body = toKlingBody(i2v({ startImage: 'data:image/png;base64,iVBORw0KGgo=', endImage: 'data:image/jpeg;base64,/9j/4AAQ' }));
		expect(body).toEqual({
			model_name: 'kling-v2-6',
			prompt: 'a cat turns',
			duration: '5',
			sound: 'off',
			mode: 'pro',
			image: 'iVBORw0KGgo=',
			image_tail: '/9j/4AAQ',
		});
		expect(body).not.toHaveProperty('aspect_ratio');
		expect(toKlingBody(i2v({ startImage: 'iVBORw0KGgo=', endImage: 'https://img/end.png' }))).toMatchObject({
			image: 'iVBORw0KGgo=',
			image_tail: 'https://img/end.png',
		});
		expect(toKlingBody(i2v({ mode: 'std' }))).toMatchObject({ image: 'https://img/start.png', mode: 'std' });
		const motion = toKlingBody({
			operation: 'motionControl',
			image: 'data:image/png;base64,iVBORw0KGgo=',
			video: 'https://v.mp4',
			characterOrientation: 'video',
			mode: 'pro',
		});
		expect(motion).toMatchObject({ image_url: 'iVBORw0KGgo=', video_url: 'https://v.mp4' });
	});

	it('maps motion control with yes/no sound and the mode', () => {
		expect(
			toKlingBody({
				operation: 'motionControl',
				prompt: 'dance',
				image: 'https://i.png',
				video: 'https://v.mp4',
				characterOrientation: 'image',
				keepOriginalSound: false,
				mode: 'std',
			}),
		).toEqual({
			model_name: 'kling-v2-6',
			prompt: 'dance',
			image_url: 'https://i.png',
			video_url: 'https://v.mp4',
			character_orientation: 'image',
			keep_original_sound: 'no',
			mode: 'std',
		});
	});

	// Contract correction: Kling's API has custom voices (POST /v1/general/custom-voices with
	// voice_name and voice_url), so Create Voice is offered with a required Voice Name.
	it('maps Create Voice onto the custom-voices path with voice_name and voice_url', () => {
		expect(toKlingBody({ operation: 'createVoice', voiceUrl: 'https://e/a.mp3', voiceName: 'Narrator' })).toEqual({
			voice_url: 'https://e/a.mp3',
			voice_name: 'Narrator',
		});
		expect(KLING_PATHS.createVoice).toBe('/v1/general/custom-voices');
		expect(row('kling-v2.6', 'createVoice').endpoints.pro?.path).toBe('/v1/general/custom-voices');
		expect(modelsOf(KLING_MODELS, 'createVoice')).toEqual(['kling-v2.6']);
	});

	// Contract correction: kling-v3 is sent as model_name "kling-v3", with 3 to 15 seconds.
	it('maps Kling v3 text to video with model_name kling-v3, any of 3 to 15 seconds, audio in either mode', () => {
		const request: VideoRequest = {
			operation: 'textToVideo',
			model: 'kling-v3',
			prompt: 'p',
			duration: 15,
			aspectRatio: '9:16',
			generateAudio: true,
			mode: 'std',
		};
		expect(toKlingBody(request)).toEqual({
			model_name: 'kling-v3',
			prompt: 'p',
			duration: '15',
			aspect_ratio: '9:16',
			sound: 'on',
			mode: 'std',
		});
		for (let duration = 3; duration <= 15; duration++) expect(toKlingBody({ ...request, duration }).duration).toBe(String(duration));
		expect(toKlingBody({ operation: 'motionControl', model: 'kling-v3', image: 'https://i.png', video: 'https://v.mp4', characterOrientation: 'image', mode: 'pro' })).toEqual({
			model_name: 'kling-v3',
			image_url: 'https://i.png',
			video_url: 'https://v.mp4',
			character_orientation: 'image',
			mode: 'pro',
		});
	});
});

describe('klingRequestProblems (cross-field rules)', () => {
	it('accepts a valid pro request', () => {
		expect(klingRequestProblems(i2v({ generateAudio: true, voiceIds: ['v'] }))).toEqual([]);
		expect(klingRequestProblems(i2v({ endImage: 'https://e.png' }))).toEqual([]);
	});

	it('std mode has no audio', () => {
		expect(klingRequestProblems(i2v({ mode: 'std', generateAudio: true }))).toEqual([
			'Mode is Standard with Generate Audio on: Kling v2.6 has audio only in mode Pro; allowed are Mode Pro, or Generate Audio off',
		]);
		expect(klingRequestProblems({ operation: 'textToVideo', prompt: 'p', duration: 5, aspectRatio: '1:1', generateAudio: true, mode: 'std' })).toEqual([
			'Mode is Standard with Generate Audio on: Kling v2.6 has audio only in mode Pro; allowed are Mode Pro, or Generate Audio off',
		]);
	});

	it('an end image needs pro and no audio', () => {
		expect(klingRequestProblems(i2v({ mode: 'std', endImage: 'https://e.png' }))).toEqual([
			'Mode is Standard with an End Image: Kling v2.6 takes an end frame only in mode Pro; allowed are Mode Pro, or no End Image',
		]);
		expect(klingRequestProblems(i2v({ generateAudio: true, endImage: 'https://e.png' }))).toEqual([
			'Generate Audio is on with an End Image: Kling v2.6 takes an end frame only without audio; allowed are Generate Audio off, or no End Image',
		]);
	});

	it('voices need sound on', () => {
		expect(klingRequestProblems(i2v({ voiceIds: ['v'] }))).toEqual([
			'Voice IDs are v with Generate Audio off: voices are spoken in the audio; allowed are Generate Audio on, or no Voice IDs',
		]);
	});

	// Contract correction: voices only on image to video, in mode Pro, with sound on.
	it('voices need mode Pro', () => {
		expect(klingRequestProblems(i2v({ mode: 'std', generateAudio: true, voiceIds: ['v'] }))).toEqual([
			'Mode is Standard with Generate Audio on: Kling v2.6 has audio only in mode Pro; allowed are Mode Pro, or Generate Audio off',
			'Mode is Standard with Voice IDs: Kling v2.6 takes voices only in mode Pro; allowed are Mode Pro, or no Voice IDs',
		]);
	});

	it('takes the motion reference video only by URL', () => {
		expect(
			klingRequestProblems({
				operation: 'motionControl',
				image: 'https://i.png',
				video: 'data:video/mp4;base64,AAAA',
				characterOrientation: 'video',
				keepOriginalSound: true,
				mode: 'pro',
			}),
		).toEqual(['Motion Reference Video is data:video/mp4;base64,AAAA: Kling takes it only by URL; allowed is an http(s) URL']);
	});

	it('names unsupported fields and long prompts', () => {
		expect(klingRequestProblems(i2v({ cfgScale: 0.5 }))).toEqual([`CFG Scale is 0.5: Kling API's Kling v2.6 takes no CFG Scale for Image to Video`]);
		expect(klingRequestProblems(i2v({ prompt: 'x'.repeat(2500) }))).toEqual([]);
		expect(klingRequestProblems(i2v({ prompt: 'x'.repeat(2501) }))).toEqual([`Prompt has 2501 characters: Kling API's Kling v2.6 takes at most 2500`]);
	});

	it('Create Voice needs a voice name and the sample by URL, and exists only with Kling v2.6', () => {
		expect(klingRequestProblems({ operation: 'createVoice', voiceUrl: 'https://e/a.mp3', voiceName: 'Narrator' })).toEqual([]);
		expect(klingRequestProblems({ operation: 'createVoice', voiceUrl: 'https://e/a.mp3' })).toEqual([
			`Voice Name is empty: Kling API's Kling v2.6 requires it for Create Voice`,
		]);
		expect(klingRequestProblems({ operation: 'createVoice', voiceUrl: 'data:audio/mpeg;base64,AAAA', voiceName: 'Narrator' })).toEqual([
			'Voice Sample is data:audio/mpeg;base64,AAAA: Kling takes it only by URL; allowed is an http(s) URL',
		]);
		expect(klingRequestProblems({ operation: 'createVoice', model: 'kling-v3', voiceUrl: 'https://e/a.mp3', voiceName: 'Narrator' })).toEqual([
			'Model is Kling v3: Kling API offers Create Voice with Kling v2.6',
		]);
	});

	it('takes each model\'s own durations', () => {
		const t2v: VideoRequest = { operation: 'textToVideo', prompt: 'p', duration: 7, aspectRatio: '1:1' };
		expect(klingRequestProblems(t2v)).toEqual([`Duration is 7 s: Kling API's Kling v2.6 takes 5 and 10 seconds`]);
		expect(klingRequestProblems({ ...t2v, model: 'kling-v3' })).toEqual([]);
		expect(klingRequestProblems({ ...t2v, model: 'kling-v3', duration: 2 })).toEqual([
			`Duration is 2 s: Kling API's Kling v3 takes 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 and 15 seconds`,
		]);
	});

	it('Kling v3 takes no voices on image to video', () => {
		expect(klingRequestProblems(i2v({ model: 'kling-v3', generateAudio: true, voiceIds: ['v'] }))).toEqual([
			`Voice IDs is ["v"]: Kling API's Kling v3 takes no Voice IDs for Image to Video`,
		]);
	});
});

describe('klingExternalTaskId', () => {
	it('keeps a clean key as it is', () => {
		expect(klingExternalTaskId('exec_12-node-3')).toBe('exec_12-node-3');
	});

	it('turns any other key into an accepted id, distinct per key', () => {
		const keys = ['exec:12/node 3/item#0', 'exec-12-node-3-item-0', 'exec:12/node 3/item#1', 'x'.repeat(200)];
		const ids = keys.map(klingExternalTaskId);
		for (const id of ids) {
			expect(id).toMatch(KLING_EXTERNAL_ID.allowed);
			expect(id.length).toBeLessThanOrEqual(KLING_EXTERNAL_ID.maxLength);
		}
		expect(new Set(ids).size).toBe(keys.length);
		expect(klingExternalTaskId(keys[0])).toBe(ids[0]);
	});
});

describe('Kling error codes', () => {
	// Contract correction: 1304 (the IP allow-list) comes as HTTP 429 like 1302/1303 but is final.
	it('treats account, balance, permission, parameter, policy and IP allow-list codes as final even on 429', () => {
		for (const [status, code] of [
			[429, 1100],
			[429, 1102],
			[403, 1103],
			[400, 1201],
			[400, 1301],
			[401, 1002],
			[429, 1304],
		] as const) {
			expect(klingIsFinal(envelope(status, code, 'x'))).toBe(true);
		}
	});

	it('leaves rate, concurrency and server codes retryable', () => {
		for (const [status, code] of [
			[429, 1302],
			[429, 1303],
			[500, 5000],
			[503, 5001],
			[504, 5002],
		] as const) {
			expect(klingIsFinal(envelope(status, code, 'x'))).toBe(false);
		}
	});

	it('says what Kling said, with the kind a workflow can branch on', () => {
		const policy = klingError(envelope(400, 1301, 'content risk'), 'submit');
		expect(policy).toMatchObject({ kind: 'contentPolicy', code: 1301, httpStatus: 400 });
		expect(policy.message).toBe('Kling submit failed (HTTP 400, code 1301): content risk');
		expect(klingError(envelope(400, 1201, 'bad duration'), 'submit').kind).toBe('invalidInput');
		const balance = klingError(envelope(429, 1102, 'balance not enough'), 'submit');
		expect(balance.kind).toBe('provider');
		expect(balance.message).toMatch(/balance not enough.*balance/);
		expect(klingError(envelope(401, 1004, 'token expired'), 'query').message).toMatch(/clock/);
		const ipPolicy = klingError(envelope(429, 1304, 'IP not allowed'), 'submit');
		expect(ipPolicy).toMatchObject({ kind: 'provider', code: 1304, httpStatus: 429 });
		expect(ipPolicy.message).toBe(
			"Kling submit failed (HTTP 429, code 1304): IP not allowed (this machine's IP address is not on the Kling account's allow-list)",
		);
	});
});

describe('klingJob', () => {
	const base = { task_id: 't1', created_at: Date.parse('2025-01-01T00:00:00Z'), updated_at: Date.parse('2025-01-01T00:02:00Z') };

	it('maps a succeeded task with its video, reported duration and 30-day expiry', () => {
		const task = parseKlingAnswer(klingTaskSchema, {
			...base,
			task_status: 'succeed',
			task_result: { videos: [{ id: 'v', url: 'https://cdn/v.mp4', duration: '5.1' }] },
		}, 'task');
		const job = klingJob(task, 'textToVideo', { raw: true }, { durationSeconds: 5, hasAudio: true });
		expect(job).toMatchObject({
			jobId: 't1',
			provider: 'kling',
			status: 'succeeded',
			videoUrl: 'https://cdn/v.mp4',
			durationSeconds: 5.1,
			hasAudio: true,
			estimatedCostUsd: null,
			expiresAt: '2025-01-31T00:02:00.000Z',
			timings: { createdAt: '2025-01-01T00:00:00.000Z', completedAt: '2025-01-01T00:02:00.000Z' },
			error: null,
			ref: { provider: 'kling', jobId: 't1', operation: 'textToVideo' },
			raw: { raw: true },
		});
	});

	it('maps the states and keeps a failed task as a job with its reason', () => {
		expect(klingJob(parseKlingAnswer(klingTaskSchema, { ...base, task_status: 'submitted' }, 't'), null, {}).status).toBe('queued');
		expect(klingJob(parseKlingAnswer(klingTaskSchema, { ...base, task_status: 'processing' }, 't'), null, {}).status).toBe('running');
		const failed = klingJob(
			parseKlingAnswer(klingTaskSchema, { ...base, task_status: 'failed', task_status_msg: 'Failure to pass the risk control system' }, 't'),
			'imageToVideo',
			{},
		);
		expect(failed).toMatchObject({ status: 'failed', videoUrl: null, error: { kind: 'contentPolicy', message: 'Failure to pass the risk control system' } });
		const plain = klingJob(parseKlingAnswer(klingTaskSchema, { ...base, task_status: 'failed', task_status_msg: 'GPU timeout' }, 't'), null, {});
		expect(plain.error).toEqual({ kind: 'provider', message: 'GPU timeout' });
	});

	it('prices a Kling v3 task from the model and mode it was submitted with', () => {
		const task = parseKlingAnswer(klingTaskSchema, {
			...base,
			task_status: 'succeed',
			task_result: { videos: [{ id: 'v', url: 'https://cdn/v.mp4', duration: '5' }] },
		}, 'task');
		const job = klingJob(task, 'textToVideo', {}, { durationSeconds: 5, hasAudio: true }, { model: 'kling-v3', mode: 'std' });
		expect(job).toMatchObject({
			model: 'kling-v3',
			durationSeconds: 5,
			estimatedCostUsd: 0.63,
			ref: { provider: 'kling', jobId: 't1', operation: 'textToVideo', model: 'kling-v3', quality: 'std' },
		});
		expect(klingJob(task, 'textToVideo', {}, { durationSeconds: 5, hasAudio: false }, { model: 'kling-v3', mode: 'pro' }).estimatedCostUsd).toBe(0.56);
	});

	it('maps a created custom voice to its voice id, with no video and no expiry', () => {
		const task = parseKlingAnswer(klingTaskSchema, {
			...base,
			task_status: 'succeed',
			task_result: { voices: [{ voice_id: 829, voice_name: 'Narrator' }] },
		}, 'task');
		expect(klingJob(task, 'createVoice', {})).toMatchObject({
			operation: 'createVoice',
			status: 'succeeded',
			voiceId: '829',
			videoUrl: null,
			expiresAt: null,
			error: null,
		});
		const empty = parseKlingAnswer(klingTaskSchema, { ...base, task_status: 'succeed', task_result: { voices: [] } }, 't');
		expect(() => klingJob(empty, 'createVoice', {})).toThrow(/lists no voice/);
	});

	it('refuses a success without a video', () => {
		const task = parseKlingAnswer(klingTaskSchema, { ...base, task_status: 'succeed', task_result: { videos: [] } }, 't');
		expect(() => klingJob(task, null, {})).toThrow(/no video/);
	});

	it('names every mismatch of a malformed task', () => {
		expect(() => parseKlingAnswer(klingTaskSchema, { task_id: '', task_status: 'done' }, 'task')).toThrow(
			/task_id: String must contain at least 1 character.*task_status: Invalid enum value/,
		);
	});
});

describe('Kling model table', () => {

	it('offers all four operations; no row takes cfgScale; every video row caps prompts at 2500', () => {
		expect([...operationsOf(KLING_MODELS)].sort()).toEqual(['createVoice', 'imageToVideo', 'motionControl', 'textToVideo']);
		expect(modelsOf(KLING_MODELS, 'textToVideo')).toEqual(['kling-v2.6', 'kling-v3']);
		for (const { model, operation, row: operationRow } of allRows()) {
			expect([model, operation, offeredFields(operationRow)]).toEqual([model, operation, expect.not.arrayContaining(['cfgScale'])]);
			if (operation !== 'createVoice') expect([model, operation, operationRow.promptMaxLength?.value]).toEqual([model, operation, 2500]);
		}
	});

	it('sends each model as its model_name and only image to video with Kling v2.6 takes voices', () => {
		const names = allRows().map(({ model, operation, row: operationRow }) => [model, operation, operationRow.fixed?.model_name?.value]);
		expect(names).toEqual([
			['kling-v2.6', 'textToVideo', 'kling-v2-6'],
			['kling-v2.6', 'imageToVideo', 'kling-v2-6'],
			['kling-v2.6', 'motionControl', 'kling-v2-6'],
			['kling-v2.6', 'createVoice', undefined],
			['kling-v3', 'textToVideo', 'kling-v3'],
			['kling-v3', 'imageToVideo', 'kling-v3'],
			['kling-v3', 'motionControl', 'kling-v3'],
		]);
		const withVoices = allRows().filter(({ row: operationRow }) => offeredFields(operationRow).includes('voiceIds'));
		expect(withVoices.map(({ model, operation }) => `${model} ${operation}`)).toEqual(['kling-v2.6 imageToVideo']);
		expect(row('kling-v3', 'textToVideo').durations?.values).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
	});
});
