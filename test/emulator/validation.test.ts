/**
 * Every provider's submit refuses what the provider would refuse, unknown fields included, in
 * the provider's own error shape; and accepts the fields its first-party contract names.
 */
import type { Emulator } from './index';
import { falAuth, getJson, klingAuth, postJson, replicateAuth, until, useEmulator, wavespeedAuth } from './testHelpers';

let emulator: Emulator;
useEmulator({ timings: { queuedMs: 20, runningMs: 60 } }, (started) => (emulator = started));

const IMAGE = 'https://cdn.example.com/start.png';
const VIDEO = 'https://cdn.example.com/moves.mp4';

describe('Replicate: 422 {detail, status, title, invalid_fields}', () => {
	const create = (model: string, input: unknown) =>
		postJson(`${emulator.baseUrls.replicate}/models/${model}/predictions`, replicateAuth, { input });

	it('refuses an unknown input field, naming it, and creates nothing', async () => {
		const response = await create('kwaivgi/kling-v2.6', { prompt: 'x', cfg_scale: 0.5 });
		expect(response.status).toBe(422);
		expect(response.body).toEqual({
			title: 'Input validation failed',
			status: 422,
			detail: '- input.cfg_scale: Additional property cfg_scale is not allowed\n',
			invalid_fields: [
				{ type: 'additional_property_not_allowed', field: 'input.cfg_scale', description: 'Additional property cfg_scale is not allowed' },
			],
		});
		expect(emulator.jobs()).toHaveLength(0);
	});

	it('refuses wrong types: duration as a string, generate_audio as a string, keep_original_sound as "yes"', async () => {
		const duration = await create('kwaivgi/kling-v2.6', { prompt: 'x', duration: '5', generate_audio: 'true' });
		expect(duration.status).toBe(422);
		expect(duration.body.invalid_fields).toEqual([
			expect.objectContaining({ type: 'invalid_type', field: 'input.duration' }),
			expect.objectContaining({ type: 'invalid_type', field: 'input.generate_audio' }),
		]);
		const motion = await create('kwaivgi/kling-v2.6-motion-control', { image: IMAGE, video: VIDEO, keep_original_sound: 'yes' });
		expect(motion.body.invalid_fields).toEqual([expect.objectContaining({ field: 'input.keep_original_sound' })]);
		expect(emulator.jobs()).toHaveLength(0);
	});

	it('kling-v3-video: mode standard|pro (not std), duration 3..15, its own fields', async () => {
		const std = await create('kwaivgi/kling-v3-video', { prompt: 'x', mode: 'std' });
		expect(std.body.invalid_fields).toEqual([expect.objectContaining({ type: 'enum', field: 'input.mode' })]);
		expect((await create('kwaivgi/kling-v3-video', { prompt: 'x', duration: 16 })).body.invalid_fields[0].field).toBe('input.duration');
		expect((await create('kwaivgi/kling-v3-video', { prompt: 'x', duration: 2 })).status).toBe(422);
		const ok = await create('kwaivgi/kling-v3-video', {
			prompt: 'a lighthouse at dusk',
			negative_prompt: 'blur',
			start_image: IMAGE,
			end_image: IMAGE,
			mode: 'standard',
			duration: 15,
			generate_audio: true,
			multi_prompt: JSON.stringify([
				{ prompt: 'wide shot', duration: 10 },
				{ prompt: 'close up', duration: 5 },
			]),
		});
		expect(ok.status).toBe(201);
		expect(emulator.jobs('replicate')[0]).toMatchObject({ model: 'kwaivgi/kling-v3-video', quality: 'std', durationSeconds: 15, withAudio: true });
	});

	it('kling-v3-video checks its own rules when it runs: the prediction is created, then fails', async () => {
		const endOnly = await create('kwaivgi/kling-v3-video', { prompt: 'x', end_image: IMAGE });
		expect(endOnly.status).toBe(201);
		const shots = await create('kwaivgi/kling-v3-video', { prompt: 'x', duration: 5, multi_prompt: '[{"prompt":"a","duration":3}]' });
		const failed = await until(async () => {
			const both = await Promise.all([endOnly, shots].map((c) => getJson(c.body.urls.get, replicateAuth)));
			return both.every((p) => p.body.status === 'failed') ? both.map((p) => p.body.error) : undefined;
		}, 10_000);
		expect(failed).toEqual(['end_image requires start_image', 'the multi_prompt durations sum to 3, duration is 5']);
	});

	it('motion control defaults to std mode (the schema default), and takes every documented field', async () => {
		const created = await create('kwaivgi/kling-v2.6-motion-control', {
			prompt: 'dance',
			image: IMAGE,
			video: VIDEO,
			character_orientation: 'image',
			keep_original_sound: true,
		});
		expect(created.status).toBe(201);
		expect(emulator.jobs('replicate')[0]).toMatchObject({ quality: 'std', operation: 'motionControl', withAudio: true });
	});
});

describe('fal: the runner ends a broken input COMPLETED with a 422 {detail: [{loc, msg, type}]}', () => {
	const submit = (endpoint: string, input: unknown) => postJson(`${emulator.url}/fal-queue/fal-ai/kling-video/${endpoint}`, falAuth, input);
	/** Submits, waits for COMPLETED, returns the result answer. */
	async function outcome(endpoint: string, input: unknown) {
		const submitted = await submit(endpoint, input);
		expect(submitted.status).toBe(200);
		await until(async () => ((await getJson(submitted.body.status_url, falAuth)).body.status === 'COMPLETED' ? true : undefined), 10_000);
		return getJson(submitted.body.response_url, falAuth);
	}

	it('refuses an unknown field as extra_forbidden (v2.6 image to video has no cfg_scale or aspect_ratio)', async () => {
		const result = await outcome('v2.6/pro/image-to-video', { prompt: 'x', start_image_url: IMAGE, cfg_scale: 0.5, aspect_ratio: '16:9' });
		expect(result.status).toBe(422);
		expect(result.body.detail).toEqual([
			{ type: 'extra_forbidden', loc: ['body', 'cfg_scale'], msg: 'Extra inputs are not permitted', input: 0.5 },
			{ type: 'extra_forbidden', loc: ['body', 'aspect_ratio'], msg: 'Extra inputs are not permitted', input: '16:9' },
		]);
		const voice = await outcome('create-voice', { voice_url: 'https://x/v.mp3', audio: 'https://x/v.mp3' });
		expect(voice.body.detail).toEqual([expect.objectContaining({ type: 'extra_forbidden', loc: ['body', 'audio'] })]);
	});

	it('refuses wrong types: generate_audio as a string, voice_ids as a string, a nested shot without its prompt', async () => {
		const result = await outcome('v2.6/pro/image-to-video', { prompt: 'x', start_image_url: IMAGE, generate_audio: 'true', voice_ids: 'v1' });
		expect(result.body.detail).toEqual([
			expect.objectContaining({ type: 'bool_type', loc: ['body', 'generate_audio'] }),
			expect.objectContaining({ type: 'list_type', loc: ['body', 'voice_ids'] }),
		]);
		const nested = await outcome('v3/pro/text-to-video', { multi_prompt: [{ duration: '5' }] });
		expect(nested.body.detail).toEqual([expect.objectContaining({ type: 'missing', loc: ['body', 'multi_prompt', 0, 'prompt'] })]);
	});

	it('durations are strings: v2.6 "5" | "10", v3 "3" … "15"', async () => {
		expect((await outcome('v2.6/pro/text-to-video', { prompt: 'x', duration: '15' })).body.detail[0]).toMatchObject({
			type: 'literal_error',
			loc: ['body', 'duration'],
		});
		const v3 = await outcome('v3/standard/text-to-video', { prompt: 'x', duration: '15' });
		expect(v3.status).toBe(200);
		expect((await outcome('v3/pro/text-to-video', { prompt: 'x', duration: 15 })).status).toBe(422);
	});

	it('v3: either prompt or multi_prompt; elements on motion control only with the video orientation', async () => {
		const both = await outcome('v3/pro/image-to-video', { start_image_url: IMAGE, prompt: 'x', multi_prompt: [{ prompt: 'y' }] });
		expect(both.body.detail).toEqual([expect.objectContaining({ type: 'value_error', loc: ['body'] })]);
		const neither = await outcome('v3/standard/image-to-video', { start_image_url: IMAGE });
		expect(neither.status).toBe(422);
		const elements = await outcome('v3/pro/motion-control', {
			image_url: IMAGE,
			video_url: VIDEO,
			character_orientation: 'image',
			elements: [{ frontal_image_url: IMAGE }],
		});
		expect(elements.body.detail[0]).toMatchObject({ type: 'value_error', loc: ['body', 'elements'] });
	});

	it('runs every new endpoint with the fields of its type', async () => {
		const cases: [string, object][] = [
			['v3/pro/text-to-video', { prompt: 'x', shot_type: 'intelligent', aspect_ratio: '9:16', cfg_scale: 0.4, negative_prompt: 'n', generate_audio: false }],
			['v3/standard/text-to-video', { multi_prompt: [{ prompt: 'a', duration: '2' }, { prompt: 'b' }], duration: '7' }],
			['v3/pro/image-to-video', { start_image_url: IMAGE, end_image_url: IMAGE, prompt: 'x', elements: [{ video_url: VIDEO, voice_id: 'v1' }] }],
			['v3/standard/image-to-video', { start_image_url: IMAGE, prompt: 'x', shot_type: 'customize', duration: '3' }],
			['v3/pro/motion-control', { image_url: IMAGE, video_url: VIDEO, character_orientation: 'video', elements: [{ reference_image_urls: [IMAGE] }] }],
			['v3/standard/motion-control', { image_url: IMAGE, video_url: VIDEO, character_orientation: 'image', keep_original_sound: false, prompt: 'x' }],
			['v2.6/pro/image-to-video', { prompt: '<<<voice_1>>> hello', start_image_url: IMAGE, end_image_url: IMAGE, voice_ids: ['v1', 'v2'] }],
		];
		for (const [endpoint, input] of cases) {
			const result = await outcome(endpoint, input);
			expect([endpoint, result.status]).toEqual([endpoint, 200]);
		}
		expect(emulator.jobs('fal').map((job) => [job.model.split('/').slice(2).join('/'), job.quality])).toContainEqual(['v3/standard/motion-control', 'std']);
	});
});

describe('WaveSpeed: {code: 400, message, data: null}', () => {
	const submit = (model: string, input: unknown) => postJson(`${emulator.baseUrls.wavespeed}/${model}`, wavespeedAuth, input);
	const refused = (response: { status: number; body: any }, field: string) => {
		expect(response.status).toBe(400);
		expect(response.body).toEqual({ code: 400, message: expect.stringContaining(field), data: null });
	};

	it('refuses an unknown field, and a field of another tier (std has no sound, no cfg_scale)', async () => {
		refused(await submit('kwaivgi/kling-v2.6-pro/text-to-video', { prompt: 'x', generate_audio: true }), 'generate_audio');
		refused(await submit('kwaivgi/kling-v2.6-std/text-to-video', { prompt: 'x', sound: false }), 'sound');
		refused(await submit('kwaivgi/kling-v2.6-std/image-to-video', { prompt: 'x', image: IMAGE, cfg_scale: 0.5 }), 'cfg_scale');
		refused(await submit('kwaivgi/kling-v2.6-std/image-to-video', { prompt: 'x', image: IMAGE, last_image: IMAGE }), 'last_image');
		expect(emulator.jobs()).toHaveLength(0);
	});

	it('refuses wrong types: sound as a string, duration as a string, a voice_list item without voice_id', async () => {
		refused(await submit('kwaivgi/kling-v2.6-pro/text-to-video', { prompt: 'x', sound: 'true' }), 'sound must be a boolean');
		refused(await submit('kwaivgi/kling-v3.0-std/image-to-video', { image: IMAGE, prompt: 'x', duration: '5' }), 'duration must be an integer');
		refused(await submit('kwaivgi/kling-v2.6-pro/image-to-video', { image: IMAGE, prompt: 'x', voice_list: [{ id: 'v' }] }), 'voice_list[0].voice_id');
	});

	it('create-voice takes audio, not voice_url', async () => {
		refused(await submit('kwaivgi/kling-v2.6/create-voice', { voice_url: 'https://x/v.mp3' }), 'voice_url');
		const accepted = await submit('kwaivgi/kling-v2.6/create-voice', { audio: 'https://x/v.mp3' });
		expect(accepted.body).toMatchObject({ code: 200, data: { model: 'kwaivgi/kling-v2.6/create-voice', status: 'created' } });
		emulator.finishJob('wavespeed', accepted.body.data.id);
		const done = await getJson(accepted.body.data.urls.get, wavespeedAuth);
		expect(done.body.data.outputs).toEqual([`voice_${accepted.body.data.id}`]);
	});

	it('v2.6 pro image to video: the end frame is last_image; end_image is refused', async () => {
		refused(await submit('kwaivgi/kling-v2.6-pro/image-to-video', { prompt: 'x', image: IMAGE, end_image: IMAGE }), 'end_image');
		const accepted = await submit('kwaivgi/kling-v2.6-pro/image-to-video', {
			prompt: 'x',
			image: IMAGE,
			last_image: IMAGE,
			negative_prompt: 'n',
			cfg_scale: 0.7,
			sound: true,
			voice_list: [{ voice_id: 'v1' }],
			duration: 10,
		});
		expect(accepted.body.code).toBe(200);
		expect(emulator.jobs('wavespeed')[0]).toMatchObject({ durationSeconds: 10, withAudio: true, quality: 'pro' });
	});

	it('v3.0: end_image (not last_image), duration 3..15, sound off by default; motion control needs character_orientation', async () => {
		refused(await submit('kwaivgi/kling-v3.0-std/image-to-video', { image: IMAGE, prompt: 'x', last_image: IMAGE }), 'last_image');
		refused(await submit('kwaivgi/kling-v3.0-pro/image-to-video', { image: IMAGE, prompt: 'x', duration: 16 }), 'duration');
		refused(await submit('kwaivgi/kling-v3.0-std/image-to-video', { image: IMAGE }), 'multi_prompt');
		refused(await submit('kwaivgi/kling-v3.0-std/motion-control', { image: IMAGE, video: VIDEO }), 'character_orientation');
		const i2v = await submit('kwaivgi/kling-v3.0-std/image-to-video', { image: IMAGE, end_image: IMAGE, prompt: 'x', duration: 15, cfg_scale: 0.5, negative_prompt: 'n' });
		const pro = await submit('kwaivgi/kling-v3.0-pro/image-to-video', { image: IMAGE, prompt: 'x', duration: 3, sound: true });
		const t2v = await submit('kwaivgi/kling-v3.0-std/text-to-video', { prompt: 'x', aspect_ratio: '9:16', duration: 12 });
		const motion = await submit('kwaivgi/kling-v3.0-std/motion-control', { image: IMAGE, video: VIDEO, character_orientation: 'video' });
		expect([i2v, pro, t2v, motion].map((r) => r.body.code)).toEqual([200, 200, 200, 200]);
		const byModel = Object.fromEntries(emulator.jobs('wavespeed').map((job) => [job.model, job]));
		expect(byModel['kwaivgi/kling-v3.0-std/image-to-video']).toMatchObject({ durationSeconds: 15, withAudio: false, quality: 'std' });
		expect(byModel['kwaivgi/kling-v3.0-pro/image-to-video']).toMatchObject({ durationSeconds: 3, withAudio: true, quality: 'pro' });
		expect(byModel['kwaivgi/kling-v3.0-std/text-to-video']).toMatchObject({ durationSeconds: 12, aspectRatio: '9:16' });
		// Not on any first-party page: an unknown model.
		expect((await submit('kwaivgi/kling-v3.0-pro/text-to-video', { prompt: 'x' })).status).toBe(404);
	});
});

describe('Kling: HTTP 400 {code: 1201, message, request_id}', () => {
	const submit = (kind: string, body: unknown) => postJson(`${emulator.baseUrls.kling}/v1/videos/${kind}`, klingAuth(), body);
	const refused = (response: { status: number; body: any }, words: string) => {
		expect([response.status, response.body.code]).toEqual([400, 1201]);
		expect(response.body.message).toContain(words);
		expect(typeof response.body.request_id).toBe('string');
	};

	it('refuses an unknown field', async () => {
		refused(await submit('text2video', { model_name: 'kling-v2-6', prompt: 'x', generate_audio: true }), 'generate_audio');
		refused(await submit('motion-control', { image_url: IMAGE, video_url: VIDEO, character_orientation: 'image', mode: 'std', duration: '5' }), 'duration');
		expect(emulator.jobs()).toHaveLength(0);
	});

	it('refuses wrong types: duration a number, sound a boolean, keep_original_sound a boolean', async () => {
		refused(await submit('text2video', { model_name: 'kling-v2-6', prompt: 'x', duration: 5 }), 'duration must be a string');
		refused(await submit('image2video', { model_name: 'kling-v2-6', image: IMAGE, sound: true }), 'sound must be a string');
		refused(
			await submit('motion-control', { image_url: IMAGE, video_url: VIDEO, character_orientation: 'image', mode: 'std', keep_original_sound: true }),
			'keep_original_sound must be a string',
		);
	});

	it('model_name is one of the endpoint\'s enum; the default is kling-v1 (video) and kling-v2-6 (motion control)', async () => {
		refused(await submit('text2video', { model_name: 'kling-v2.6', prompt: 'x' }), 'model_name');
		refused(await submit('motion-control', { model_name: 'kling-v1', image_url: IMAGE, video_url: VIDEO, character_orientation: 'image', mode: 'std' }), 'model_name');
		expect((await submit('image2video', { model_name: 'kling-v2-1', image: IMAGE })).body.code).toBe(0);
		expect((await submit('text2video', { prompt: 'x' })).body.code).toBe(0);
		expect((await submit('motion-control', { image_url: IMAGE, video_url: VIDEO, character_orientation: 'image', mode: 'pro' })).body.code).toBe(0);
		expect(emulator.jobs('kling').map((job) => job.model)).toEqual(['kling-v2-6', 'kling-v1', 'kling-v2-1']);
	});

	it('durations: "5" | "10" for kling-v2-6, "3" … "15" for kling-v3', async () => {
		refused(await submit('text2video', { model_name: 'kling-v2-6', prompt: 'x', duration: '15' }), 'duration');
		refused(await submit('text2video', { model_name: 'kling-v3', prompt: 'x', duration: '2' }), 'duration');
		const v3 = await submit('text2video', { model_name: 'kling-v3', prompt: 'x', duration: '15', mode: 'std', sound: 'on' });
		expect(v3.body.code).toBe(0);
		expect(emulator.jobs('kling')[0]).toMatchObject({ model: 'kling-v3', durationSeconds: 15, withAudio: true, quality: 'std' });
	});

	it('refuses voice_list on kling-v2-6 text2video, even in pro with sound on', async () => {
		refused(
			await submit('text2video', { model_name: 'kling-v2-6', prompt: '<<<voice_1>>> hi', mode: 'pro', sound: 'on', voice_list: [{ voice_id: '1' }] }),
			'voice_list',
		);
		expect(emulator.jobs()).toHaveLength(0);
	});

	it('kling-v2-6 image2video: voices only in pro with sound on', async () => {
		const voices = { model_name: 'kling-v2-6', image: IMAGE, prompt: '<<<voice_1>>> hi', voice_list: [{ voice_id: '829824295735410001' }] };
		refused(await submit('image2video', { ...voices, mode: 'pro', sound: 'off' }), 'voice_list');
		refused(await submit('image2video', { ...voices, mode: 'std', sound: 'on' }), 'sound');
		refused(await submit('image2video', { ...voices, mode: 'pro', sound: 'on', voice_list: [{ id: 'x' }] }), 'voice_list[0].voice_id');
		expect((await submit('image2video', { ...voices, mode: 'pro', sound: 'on' })).body.code).toBe(0);
		expect((await submit('image2video', { ...voices, voice_list: [{ voice_id: 829824295735410 }], mode: 'pro', sound: 'on' })).body.code).toBe(0);
	});

	it('motion control: kling-v3 with keep_original_sound yes|no and mode and orientation required', async () => {
		refused(await submit('motion-control', { model_name: 'kling-v3', image_url: IMAGE, video_url: VIDEO, character_orientation: 'video' }), 'mode');
		const ok = await submit('motion-control', {
			model_name: 'kling-v3',
			prompt: 'x',
			image_url: IMAGE,
			video_url: VIDEO,
			character_orientation: 'video',
			mode: 'pro',
			keep_original_sound: 'no',
			watermark_info: { enabled: false },
		});
		expect(ok.body.code).toBe(0);
		expect(emulator.jobs('kling')[0]).toMatchObject({ model: 'kling-v3', withAudio: false, quality: 'pro', operation: 'motionControl' });
	});
});
