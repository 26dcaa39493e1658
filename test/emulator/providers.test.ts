/**
 * Each provider as a client meets it: happy path submit → status → result → download, auth
 * rejections and validation errors in the provider's own shape.
 */
import { EMULATOR_CREDENTIALS as C, type Emulator } from './index';
import {
	download,
	falAuth,
	getJson,
	isMp4,
	klingAuth,
	klingJwt,
	postJson,
	replicateAuth,
	until,
	videoFacts,
	useEmulator,
	wavespeedAuth,
} from './testHelpers';

let emulator: Emulator;
useEmulator({ timings: { queuedMs: 40, runningMs: 120 } }, (started) => (emulator = started));

describe('Replicate', () => {
	const create = (input: unknown, headers: Record<string, string> = replicateAuth, model = 'kwaivgi/kling-v2.6') =>
		postJson(`${emulator.baseUrls.replicate}/models/${model}/predictions`, headers, { input });

	it('runs a prediction from starting to succeeded and serves an MP4 with audio, as asked', async () => {
		const created = await create({ prompt: 'a cat', duration: 5, aspect_ratio: '16:9' });
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({ status: 'starting', model: 'kwaivgi/kling-v2.6', output: null, data_removed: false });
		expect(created.body.urls.get).toBe(`${emulator.baseUrls.replicate}/predictions/${created.body.id}`);
		const seen = new Set<string>();
		const done = await until(async () => {
			const { body } = await getJson(created.body.urls.get, replicateAuth);
			seen.add(body.status);
			return body.status === 'succeeded' ? body : undefined;
		});
		expect(seen.has('processing') || seen.has('starting')).toBe(true);
		expect(done.metrics.predict_time).toBeGreaterThan(0);
		expect(done.started_at).not.toBeNull();
		expect(done.completed_at).not.toBeNull();
		const video = await download(done.output);
		expect(video.status).toBe(200);
		expect(isMp4(video.bytes)).toBe(true);
		expect(videoFacts(video.bytes)).toEqual({ seconds: 5, width: 192, height: 108, hasAudio: true });
	});

	it('serves a silent video when audio was not asked for', async () => {
		const created = await create({ prompt: 'quiet', generate_audio: false });
		emulator.finishJob('replicate', created.body.id);
		const { body } = await getJson(created.body.urls.get, replicateAuth);
		expect(videoFacts((await download(body.output)).bytes).hasAudio).toBe(false);
	});

	it('holds a create with Prefer: wait until the prediction ends', async () => {
		const response = await postJson(
			`${emulator.baseUrls.replicate}/models/kwaivgi/kling-v2.6/predictions`,
			{ ...replicateAuth, prefer: 'wait=10' },
			{ input: { prompt: 'x' } },
		);
		expect(response.status).toBe(201);
		expect(response.body.status).toBe('succeeded');
	});

	it('returns a still-running prediction as it is when Prefer: wait runs out', async () => {
		emulator.injectFault({ provider: 'replicate', kind: 'stuck' });
		const started = Date.now();
		const response = await postJson(
			`${emulator.baseUrls.replicate}/models/kwaivgi/kling-v2.6/predictions`,
			{ ...replicateAuth, prefer: 'wait=1' },
			{ input: { prompt: 'x' } },
		);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(response.body.status).toBe('processing');
	});

	it('accepts motion control on its own model', async () => {
		const created = await create(
			{ image: 'https://x/i.png', video: 'https://x/v.mp4', character_orientation: 'video', mode: 'std', keep_original_sound: false },
			replicateAuth,
			'kwaivgi/kling-v2.6-motion-control',
		);
		expect(created.status).toBe(201);
		expect(emulator.jobs('replicate')[0]).toMatchObject({ operation: 'motionControl', quality: 'std', withAudio: false });
	});

	it('rejects bad input with 422 naming each field', async () => {
		const response = await create({ duration: '5', aspect_ratio: '4:3' });
		expect(response.status).toBe(422);
		expect(response.body).toMatchObject({ status: 422, title: 'Input validation failed' });
		expect(response.body.detail).toContain('input.prompt');
		expect(response.body.invalid_fields.map((f: { field: string }) => f.field)).toEqual([
			'input.prompt',
			'input.aspect_ratio',
			'input.duration',
		]);
		const wrongDuration = await create({ prompt: 'x', duration: 7 });
		expect(wrongDuration.body.detail).toContain('duration must be one of: 5, 10');
		expect(emulator.jobs()).toHaveLength(0);
	});

	it('answers 401 for a wrong or missing token and 404 for an unknown model', async () => {
		const wrong = await create({ prompt: 'x' }, { authorization: 'Bearer r8_wrong' });
		expect(wrong.status).toBe(401);
		expect(wrong.body).toEqual({ title: 'Unauthenticated', detail: 'You did not pass a valid authentication token', status: 401 });
		expect((await getJson(`${emulator.baseUrls.replicate}/account`)).status).toBe(401);
		expect((await create({ prompt: 'x' }, replicateAuth, 'someone/else')).status).toBe(404);
	});

	it('cancels a prediction', async () => {
		const created = await create({ prompt: 'x' });
		const canceled = await postJson(created.body.urls.cancel, replicateAuth, {});
		expect(canceled.status).toBe(200);
		expect(canceled.body.status).toBe('canceled');
		expect((await getJson(created.body.urls.get, replicateAuth)).body.status).toBe('canceled');
	});

	it('lists predictions 100 a page, newest first, with a next URL and date filters', async () => {
		const ids: string[] = [];
		for (let i = 0; i < 101; i++) ids.push((await create({ prompt: `p${i}` })).body.id);
		const first = await getJson(`${emulator.baseUrls.replicate}/predictions`, replicateAuth);
		expect(first.body.results).toHaveLength(100);
		expect(first.body.results[0].id).toBe(ids[100]);
		expect(first.body.next).toMatch(new RegExp(`^${emulator.baseUrls.replicate}/predictions\\?cursor=`));
		const second = await getJson(first.body.next, replicateAuth);
		expect(second.body.results.map((p: { id: string }) => p.id)).toEqual([ids[0]]);
		expect(second.body.next).toBeNull();
		const future = new Date(Date.now() + 60_000).toISOString();
		const none = await getJson(`${emulator.baseUrls.replicate}/predictions?created_after=${future}`, replicateAuth);
		expect(none.body.results).toHaveLength(0);
	});

	it('uploads a file (multipart content) and serves it back', async () => {
		const form = new FormData();
		form.append('content', new Blob([Buffer.from('image bytes')], { type: 'image/png' }), 'start.png');
		form.append('metadata', new Blob([JSON.stringify({ purpose: 'test' })], { type: 'application/json' }));
		const response = await fetch(`${emulator.baseUrls.replicate}/files`, {
			method: 'POST',
			headers: { authorization: replicateAuth.authorization },
			body: form,
		});
		expect(response.status).toBe(201);
		const file = (await response.json()) as any;
		expect(file).toMatchObject({ name: 'start.png', content_type: 'image/png', size: 11, metadata: { purpose: 'test' } });
		expect((await getJson(file.urls.get, replicateAuth)).body.id).toBe(file.id);
		const bytes = await download(`${file.urls.get}/download`, replicateAuth);
		expect(bytes.bytes.toString()).toBe('image bytes');
	});

	it('publishes the webhook secret and the account', async () => {
		expect((await getJson(`${emulator.baseUrls.replicate}/webhooks/default/secret`, replicateAuth)).body).toEqual({
			key: C.replicateWebhookSecret,
		});
		expect((await getJson(`${emulator.baseUrls.replicate}/account`, replicateAuth)).body.username).toBe('emulator');
	});
});

describe('fal', () => {
	const queue = () => `${emulator.url}/fal-queue`;
	const submit = (endpoint: string, input: unknown, headers: Record<string, string> = falAuth) =>
		postJson(`${queue()}/fal-ai/kling-video/${endpoint}`, headers, input);

	it('queues, runs and completes a request, with URLs pointing at the emulator', async () => {
		const submitted = await submit('v2.6/pro/text-to-video', { prompt: 'a cat', duration: '10', generate_audio: false });
		expect(submitted.status).toBe(200);
		const id = submitted.body.request_id;
		expect(submitted.body).toMatchObject({
			status: 'IN_QUEUE',
			queue_position: 0,
			response_url: `${queue()}/fal-ai/kling-video/requests/${id}`,
			status_url: `${queue()}/fal-ai/kling-video/requests/${id}/status`,
			cancel_url: `${queue()}/fal-ai/kling-video/requests/${id}/cancel`,
		});
		const early = await getJson(submitted.body.response_url, falAuth);
		expect(early.status).toBe(400);
		const status = await until(async () => {
			const { body } = await getJson(`${submitted.body.status_url}?logs=1`, falAuth);
			return body.status === 'COMPLETED' ? body : undefined;
		});
		expect(status.metrics.inference_time).toBeGreaterThan(0);
		expect(status.logs.length).toBeGreaterThan(0);
		const result = await getJson(submitted.body.response_url, falAuth);
		expect(result.status).toBe(200);
		expect(result.body.video).toMatchObject({ content_type: 'video/mp4' });
		const video = await download(result.body.video.url);
		expect(isMp4(video.bytes)).toBe(true);
		expect(result.body.video.file_size).toBe(video.bytes.length);
		expect(videoFacts(video.bytes)).toEqual({ seconds: 10, width: 192, height: 108, hasAudio: false });
		expect(emulator.jobs('fal')[0]).toMatchObject({ durationSeconds: 10, withAudio: false });
	});

	it('also answers on the full endpoint path, and create-voice returns a voice id', async () => {
		const submitted = await submit('create-voice', { voice_url: 'https://x/voice.mp3' });
		emulator.finishJob('fal', submitted.body.request_id);
		const result = await getJson(`${queue()}/fal-ai/kling-video/create-voice/requests/${submitted.body.request_id}`, falAuth);
		expect(result.body).toEqual({ voice_id: `voice_${submitted.body.request_id}` });
	});

	it('accepts any input at submit and reports field errors as a 422 result (duration must be a string)', async () => {
		const submitted = await submit('v2.6/pro/image-to-video', { prompt: 'x', duration: 5 });
		expect(submitted.status).toBe(200);
		const status = await until(async () => {
			const { body } = await getJson(submitted.body.status_url, falAuth);
			return body.status === 'COMPLETED' ? body : undefined;
		});
		expect(status.error_type).toBe('validation_error');
		const result = await getJson(submitted.body.response_url, falAuth);
		expect(result.status).toBe(422);
		expect(result.body.detail).toEqual([
			{ type: 'missing', loc: ['body', 'start_image_url'], msg: 'Field required', input: { prompt: 'x', duration: 5 } },
			expect.objectContaining({ type: 'literal_error', loc: ['body', 'duration'], msg: "Input should be '5' or '10'", input: 5 }),
		]);
	});

	it('streams status as server-sent events until COMPLETED', async () => {
		const submitted = await submit('v2.6/standard/motion-control', {
			image_url: 'https://x/i.png',
			video_url: 'https://x/v.mp4',
			character_orientation: 'image',
		});
		const response = await fetch(`${submitted.body.status_url}/stream?logs=1`, { headers: falAuth });
		expect(response.headers.get('content-type')).toBe('text/event-stream');
		const text = await response.text();
		const events = text
			.split('\n\n')
			.filter((chunk) => chunk.startsWith('data: '))
			.map((chunk) => JSON.parse(chunk.slice('data: '.length)));
		expect(events.map((e) => e.status)).toEqual(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']);
		expect(emulator.counters().count({ provider: 'fal', route: 'stream' })).toBe(1);
	});

	it('cancels a queued request; a finished one is ALREADY_COMPLETED', async () => {
		const submitted = await submit('v2.6/pro/text-to-video', { prompt: 'x' });
		const cancel = await fetch(submitted.body.cancel_url, { method: 'PUT', headers: falAuth });
		expect(cancel.status).toBe(202);
		expect(await cancel.json()).toEqual({ status: 'CANCELLATION_REQUESTED' });
		const again = await fetch(submitted.body.cancel_url, { method: 'PUT', headers: falAuth });
		expect(again.status).toBe(400);
		expect(await again.json()).toEqual({ status: 'ALREADY_COMPLETED' });
	});

	it('rejects a wrong key or a Bearer scheme with 401', async () => {
		expect((await submit('v2.6/pro/text-to-video', { prompt: 'x' }, { authorization: 'Key nope:nope' })).status).toBe(401);
		expect((await submit('v2.6/pro/text-to-video', { prompt: 'x' }, { authorization: `Bearer ${C.falKey}` })).status).toBe(401);
		const models = await getJson(`${emulator.baseUrls.falApi}/models?limit=1`, { authorization: 'Key nope:nope' });
		expect(models.status).toBe(401);
		expect(emulator.jobs()).toHaveLength(0);
	});

	it('serves the platform API: models and requests by endpoint', async () => {
		const models = await getJson(`${emulator.baseUrls.falApi}/models?limit=1`, falAuth);
		expect(models.status).toBe(200);
		expect(models.body.models).toHaveLength(1);
		const submitted = await submit('v2.6/pro/text-to-video', { prompt: 'listed' });
		emulator.finishJob('fal', submitted.body.request_id);
		const endpoint = 'fal-ai/kling-video/v2.6/pro/text-to-video';
		const list = await getJson(
			`${emulator.baseUrls.falApi}/models/requests/by-endpoint?endpoint_id=${endpoint}&expand=payloads&status=success&limit=10`,
			falAuth,
		);
		expect(list.body).toMatchObject({ has_more: false, next_cursor: null });
		expect(list.body.items).toEqual([
			expect.objectContaining({ request_id: submitted.body.request_id, endpoint_id: endpoint, status_code: 200, json_input: { prompt: 'listed' } }),
		]);
	});

	it('uploads through storage initiate + PUT, and publishes the JWKS', async () => {
		const initiate = await postJson(`${emulator.baseUrls.falRest}/storage/upload/initiate?storage_type=fal-cdn-v3`, falAuth, {
			content_type: 'image/png',
			file_name: 'start.png',
		});
		expect(initiate.status).toBe(200);
		const put = await fetch(initiate.body.upload_url, { method: 'PUT', body: 'png bytes', headers: { 'content-type': 'image/png' } });
		expect(put.status).toBe(200);
		expect((await download(initiate.body.file_url)).bytes.toString()).toBe('png bytes');
		const forged = await fetch(initiate.body.file_url, { method: 'PUT', body: 'x' });
		expect(forged.status).toBe(403);
		const jwks = await getJson(`${emulator.baseUrls.falRest}/.well-known/jwks.json`);
		expect(jwks.body.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
	});
});

describe('WaveSpeed', () => {
	const submit = (model: string, input: unknown, headers: Record<string, string> = wavespeedAuth) =>
		postJson(`${emulator.baseUrls.wavespeed}/${model}`, headers, input);

	it('goes created → processing → completed inside the {code, message, data} envelope', async () => {
		const submitted = await submit('kwaivgi/kling-v2.6-pro/text-to-video', { prompt: 'x', duration: 5, sound: true });
		expect(submitted.body).toMatchObject({ code: 200, message: 'success', data: { status: 'created', outputs: [] } });
		const id = submitted.body.data.id;
		expect(submitted.body.data.urls.get).toBe(`${emulator.baseUrls.wavespeed}/predictions/${id}/result`);
		const done = await until(async () => {
			const { body } = await getJson(submitted.body.data.urls.get, wavespeedAuth);
			return body.data.status === 'completed' ? body.data : undefined;
		});
		expect(done.has_nsfw_contents).toEqual([false]);
		expect(done.timings.inference).toBeGreaterThan(0);
		expect(isMp4((await download(done.outputs[0])).bytes)).toBe(true);
	});

	it('runs the std tier and image-to-video, and lists predictions', async () => {
		await submit('kwaivgi/kling-v2.6-std/image-to-video', { prompt: 'x', image: 'https://x/i.png' });
		await submit('kwaivgi/kling-v2.6-pro/motion-control', { image: 'https://x/i.png', video: 'https://x/v.mp4' });
		const list = await postJson(`${emulator.baseUrls.wavespeed}/predictions`, wavespeedAuth, { page: 1, page_size: 1 });
		expect(list.body.data).toMatchObject({ page: 1, total: 2 });
		expect(list.body.data.items).toHaveLength(1);
		expect(list.body.data.items[0].model).toBe('kwaivgi/kling-v2.6-pro/motion-control');
		const filtered = await postJson(`${emulator.baseUrls.wavespeed}/predictions`, wavespeedAuth, {
			page: 1,
			page_size: 100,
			model: 'kwaivgi/kling-v2.6-std/image-to-video',
		});
		expect(filtered.body.data.total).toBe(1);
	});

	it('holds a submit in sync mode until the prediction ends', async () => {
		const submitted = await submit('kwaivgi/kling-v2.6-pro/text-to-video', { prompt: 'x', enable_sync_mode: true });
		expect(submitted.body.data.status).toBe('completed');
	});

	it('rejects bad input (code 400) and bad keys (401)', async () => {
		const bad = await submit('kwaivgi/kling-v2.6-pro/text-to-video', { prompt: 'x', duration: '5' });
		expect(bad.status).toBe(400);
		expect(bad.body).toEqual({ code: 400, message: 'duration must be an integer', data: null });
		const ratio = await submit('kwaivgi/kling-v2.6-pro/text-to-video', { prompt: 'x', aspect_ratio: '4:3' });
		expect(ratio.body.code).toBe(400);
		const unauthorised = await submit('kwaivgi/kling-v2.6-pro/text-to-video', { prompt: 'x' }, { authorization: 'Bearer nope' });
		expect(unauthorised.status).toBe(401);
		expect(unauthorised.body.code).toBe(401);
		expect(emulator.jobs()).toHaveLength(0);
	});

	it('uploads binary media, publishes the webhook secret and the balance', async () => {
		const form = new FormData();
		form.append('file', new Blob([Buffer.from('video bytes')], { type: 'video/mp4' }), 'ref.mp4');
		const response = await fetch(`${emulator.baseUrls.wavespeed}/media/upload/binary`, {
			method: 'POST',
			headers: { authorization: wavespeedAuth.authorization },
			body: form,
		});
		const upload = (await response.json()) as any;
		expect(upload).toMatchObject({ code: 200, data: { type: 'video', filename: 'ref.mp4', size: 11 } });
		expect((await download(upload.data.download_url)).bytes.toString()).toBe('video bytes');
		expect((await getJson(`${emulator.baseUrls.wavespeed}/webhook/secret`, wavespeedAuth)).body.data.secret).toBe(
			C.wavespeedWebhookSecret,
		);
		expect((await getJson(`${emulator.baseUrls.wavespeed}/balance`, wavespeedAuth)).body.data.balance).toBeGreaterThan(0);
	});

	it('also takes the ticket upload of newer SDKs (JSON ticket, then PUT)', async () => {
		const ticket = await postJson(`${emulator.baseUrls.wavespeed}/media/uploads`, wavespeedAuth, {
			filename: 'i.png',
			size: 3,
			content_type: 'image/png',
		});
		expect(ticket.body.data.upload).toMatchObject({ method: 'PUT' });
		const put = await fetch(ticket.body.data.upload.url, { method: 'PUT', headers: ticket.body.data.upload.headers, body: 'png' });
		expect(put.status).toBe(200);
		expect((await download(ticket.body.data.download_url)).bytes.toString()).toBe('png');
	});
});

describe('Kling API', () => {
	const submit = (kind: string, body: unknown, headers = klingAuth()) =>
		postJson(`${emulator.baseUrls.kling}/v1/videos/${kind}`, headers, body);

	it('runs a task submitted → processing → succeed with a fresh JWT per request', async () => {
		const submitted = await submit('text2video', { model_name: 'kling-v2-6', prompt: 'x', mode: 'pro', sound: 'on', duration: '5' });
		expect(submitted.body).toMatchObject({ code: 0, data: { task_status: 'submitted' } });
		expect(typeof submitted.body.request_id).toBe('string');
		const taskId = submitted.body.data.task_id;
		const done = await until(async () => {
			const { body } = await getJson(`${emulator.baseUrls.kling}/v1/videos/text2video/${taskId}`, klingAuth());
			return body.data.task_status === 'succeed' ? body.data : undefined;
		});
		expect(done.task_result.videos[0]).toMatchObject({ duration: '5' });
		expect(done.final_unit_deduction).toBe('5');
		expect(videoFacts((await download(done.task_result.videos[0].url)).bytes)).toMatchObject({ seconds: 5, hasAudio: true });
		const list = await getJson(`${emulator.baseUrls.kling}/v1/videos/text2video?pageNum=1&pageSize=1`, klingAuth());
		expect(list.body.data.map((t: { task_id: string }) => t.task_id)).toEqual([taskId]);
	});

	it('rejects JWTs that are expired (1004), not yet valid (1003), wrongly signed (1000), absent (1001)', async () => {
		const code = async (headers: Record<string, string>) => {
			const response = await getJson(`${emulator.baseUrls.kling}/v1/videos/text2video?pageNum=1&pageSize=1`, headers);
			expect(response.status).toBe(401);
			return response.body.code;
		};
		expect(await code(klingAuth(klingJwt({ expOffset: -10 })))).toBe(1004);
		expect(await code(klingAuth(klingJwt({ nbfOffset: 120 })))).toBe(1003);
		expect(await code(klingAuth(klingJwt({ secret: 'wrong' })))).toBe(1000);
		expect(await code(klingAuth(klingJwt({ issuer: 'someone-else' })))).toBe(1000);
		expect(await code({})).toBe(1001);
		expect(await code({ authorization: 'Bearer not-a-jwt' })).toBe(1002);
	});

	it('rejects bad parameters with HTTP 400, code 1201', async () => {
		const cases = [
			{ prompt: 'x', duration: 5 },
			{ prompt: 'x', sound: true },
			{ prompt: 'x', aspect_ratio: '4:3' },
			{ model_name: 'kling-v2-6', prompt: 'x', sound: 'on', mode: 'std' },
			{ model_name: 'kling-v2-6', prompt: 'x', cfg_scale: 0.5 },
			{ duration: '5' },
		];
		for (const body of cases) {
			const response = await submit('text2video', body);
			expect([response.status, response.body.code]).toEqual([400, 1201]);
		}
		const tail = await submit('image2video', {
			model_name: 'kling-v2-6',
			image: 'https://x/i.png',
			image_tail: 'https://x/t.png',
			mode: 'pro',
			sound: 'on',
		});
		expect(tail.body).toMatchObject({ code: 1201, message: expect.stringContaining('image_tail') });
		const tailStd = await submit('image2video', { model_name: 'kling-v2-6', image: 'https://x/i.png', image_tail: 'https://x/t.png' });
		expect(tailStd.body.code).toBe(1201);
		const tailPro = await submit('image2video', { model_name: 'kling-v2-6', image: 'https://x/i.png', image_tail: 'https://x/t.png', mode: 'pro' });
		expect(tailPro.body.code).toBe(0);
		emulator.reset();
		const dataUrl = await submit('image2video', { image: 'data:image/png;base64,AAAA' });
		expect(dataUrl.body.code).toBe(1201);
		const motion = await submit('motion-control', { image_url: 'https://x/i.png', video_url: 'https://x/v.mp4', mode: 'std' });
		expect(motion.body.message).toContain('character_orientation');
		expect(emulator.jobs()).toHaveLength(0);
	});

	it('deduplicates by external_task_id: the same id is the same task', async () => {
		const body = { image: 'https://x/i.png', prompt: 'x', external_task_id: 'exec-1-item-0' };
		const first = await submit('image2video', body);
		const second = await submit('image2video', body);
		expect(second.body.data.task_id).toBe(first.body.data.task_id);
		expect(second.body.data.task_info).toEqual({ external_task_id: 'exec-1-item-0' });
		expect(emulator.jobs('kling')).toHaveLength(1);
		expect(emulator.counters().count({ provider: 'kling', route: 'submit' })).toBe(2);
		const byExternal = await getJson(`${emulator.baseUrls.kling}/v1/videos/image2video/exec-1-item-0`, klingAuth());
		expect(byExternal.body.data.task_id).toBe(first.body.data.task_id);
	});
});
