/**
 * The emulator's machinery: faults, concurrency limit, webhooks and their signatures (verified
 * here with node:crypto directly), signed deliveries, counters, controls, Range and large output.
 */
import { createHash, createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import { EMULATOR_CREDENTIALS as C, type Emulator } from './index';
import {
	download,
	falAuth,
	getJson,
	isMp4,
	klingAuth,
	postJson,
	replicateAuth,
	startReceiver,
	until,
	useEmulator,
	wavespeedAuth,
} from './testHelpers';

let emulator: Emulator;
useEmulator(
	{ timings: { queuedMs: 30, runningMs: 100 } },
	(started) => (emulator = started),
	(started) => started.configure({ webhookRetryDelayMs: 20 }),
);

const replicateCreate = (body: object, headers: Record<string, string> = replicateAuth) =>
	postJson(`${emulator.baseUrls.replicate}/models/kwaivgi/kling-v2.6/predictions`, headers, body);
const falSubmit = (input: object, query = '') =>
	postJson(`${emulator.url}/fal-queue/fal-ai/kling-video/v2.6/pro/text-to-video${query}`, falAuth, input);
const wavespeedSubmit = (input: object, query = '') =>
	postJson(`${emulator.baseUrls.wavespeed}/kwaivgi/kling-v2.6-pro/text-to-video${query}`, wavespeedAuth, input);
const klingSubmit = (body: object) => postJson(`${emulator.baseUrls.kling}/v1/videos/text2video`, klingAuth(), body);

/** Runs the job to its end and returns it as the emulator keeps it. */
const finished = (provider: 'replicate' | 'fal' | 'wavespeed' | 'kling') =>
	until(() => emulator.jobs(provider).find((job) => ['succeeded', 'failed', 'canceled'].includes(job.state)));

// ---- signature checks written straight from the providers' documentation ----

function replicateSignatureOk(headers: Record<string, string | string[] | undefined>, body: string, secret: string): boolean {
	const key = Buffer.from(secret.split('_').pop()!, 'base64');
	const expected = createHmac('sha256', key).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest();
	return String(headers['webhook-signature'] ?? '')
		.split(' ')
		.some((sig) => {
			const given = Buffer.from(sig.split(',')[1] ?? '', 'base64');
			return sig.startsWith('v1,') && given.length === expected.length && timingSafeEqual(given, expected);
		});
}

function wavespeedSignatureOk(headers: Record<string, string | string[] | undefined>, body: string, secret: string): boolean {
	const key = secret.replace(/^whsec_/, '');
	const expected = createHmac('sha256', key).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest('hex');
	return headers['webhook-signature'] === `v3,${expected}`;
}

async function falSignatureOk(headers: Record<string, string | string[] | undefined>, body: string): Promise<boolean> {
	const jwks = (await getJson(`${emulator.baseUrls.falRest}/.well-known/jwks.json`)).body;
	const message = [
		headers['x-fal-webhook-request-id'],
		headers['x-fal-webhook-user-id'],
		headers['x-fal-webhook-timestamp'],
		createHash('sha256').update(body).digest('hex'),
	].join('\n');
	const signature = Buffer.from(String(headers['x-fal-webhook-signature'] ?? ''), 'hex');
	return jwks.keys.some((jwk: { x: string }) =>
		verify(null, Buffer.from(message), createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }), signature),
	);
}

describe('request faults', () => {
	it('429: Replicate throttle body with Retry-After, then the fault is used up', async () => {
		emulator.injectFault({ provider: 'replicate', route: 'submit', kind: '429', retryAfterSeconds: 3 });
		const throttled = await replicateCreate({ input: { prompt: 'x' } });
		expect(throttled.status).toBe(429);
		expect(throttled.headers.get('retry-after')).toBe('3');
		expect(throttled.body).toEqual({ detail: 'Request was throttled. Expected available in 3 second(s).' });
		expect((await replicateCreate({ input: { prompt: 'x' } })).status).toBe(201);
		expect(emulator.counters().count({ route: 'submit', status: 429 })).toBe(1);
	});

	it('429 for Kling carries code 1302; a fault for one provider leaves the others alone', async () => {
		emulator.injectFault({ provider: 'kling', kind: '429', times: 2 });
		expect((await wavespeedSubmit({ prompt: 'x' })).status).toBe(200);
		const first = await klingSubmit({ prompt: 'x' });
		expect([first.status, first.body.code]).toEqual([429, 1302]);
		expect((await klingSubmit({ prompt: 'x' })).status).toBe(429);
		expect((await klingSubmit({ prompt: 'x' })).status).toBe(200);
	});

	it('5xx answers the chosen status in the provider shape (fal X-Fal-Error-Type)', async () => {
		emulator.injectFault({ provider: 'fal', route: 'submit', kind: '5xx', status: 503 });
		const failed = await falSubmit({ prompt: 'x' });
		expect(failed.status).toBe(503);
		expect(failed.headers.get('x-fal-error-type')).toBe('runner_unavailable');
		emulator.injectFault({ provider: 'kling', kind: '5xx', status: 504 });
		expect((await klingSubmit({ prompt: 'x' })).body.code).toBe(5002);
		expect(emulator.jobs()).toHaveLength(0);
	});

	it('reset destroys the socket before answering', async () => {
		emulator.injectFault({ provider: 'wavespeed', route: 'submit', kind: 'reset' });
		await expect(wavespeedSubmit({ prompt: 'x' })).rejects.toThrow();
		const record = emulator.counters().requests[0];
		expect(record).toMatchObject({ provider: 'wavespeed', route: 'submit', fault: 'reset', status: 0 });
		expect(emulator.jobs()).toHaveLength(0);
	});

	it('truncate promises the full Content-Length, sends half, then closes', async () => {
		const created = await replicateCreate({ input: { prompt: 'x' } });
		const job = await finished('replicate');
		emulator.injectFault({ provider: 'replicate', kind: 'truncate' });
		const response = await fetch(job.outputUrl!);
		expect(Number(response.headers.get('content-length'))).toBeGreaterThan(1000);
		await expect(response.arrayBuffer()).rejects.toThrow();
		const whole = await download(job.outputUrl!);
		expect(isMp4(whole.bytes)).toBe(true);
		expect(created.status).toBe(201);
	});
});

describe('job faults', () => {
	it('contentPolicy fails each provider its own way', async () => {
		for (const provider of ['replicate', 'fal', 'wavespeed', 'kling'] as const) emulator.injectFault({ provider, kind: 'contentPolicy' });
		const replicate = await replicateCreate({ input: { prompt: 'x' } });
		const fal = await falSubmit({ prompt: 'x' });
		const wavespeed = await wavespeedSubmit({ prompt: 'x' });
		const kling = await klingSubmit({ prompt: 'x' });
		await until(() => (emulator.jobs().every((job) => job.state === 'failed') ? true : undefined));

		const r = (await getJson(replicate.body.urls.get, replicateAuth)).body;
		expect(r).toMatchObject({ status: 'failed', output: null });
		expect(r.error).toContain('flagged as sensitive');

		expect((await getJson(fal.body.status_url, falAuth)).body.status).toBe('COMPLETED');
		const falResult = await getJson(fal.body.response_url, falAuth);
		expect(falResult.status).toBe(422);
		expect(falResult.body.detail[0].type).toBe('content_policy_violation');

		const w = (await getJson(wavespeed.body.data.urls.get, wavespeedAuth)).body;
		expect(w).toMatchObject({ code: 200, data: { status: 'failed', has_nsfw_contents: [true] } });

		const k = await getJson(`${emulator.baseUrls.kling}/v1/videos/text2video/${kling.body.data.task_id}`, klingAuth());
		expect(k.status).toBe(200);
		expect(k.body).toMatchObject({ code: 0, data: { task_status: 'failed', task_status_msg: 'Failure to pass the risk control system' } });
	});

	it('stuck keeps a job running until the test finishes it', async () => {
		emulator.injectFault({ provider: 'wavespeed', kind: 'stuck' });
		const submitted = await wavespeedSubmit({ prompt: 'x' });
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(emulator.jobs('wavespeed')[0].state).toBe('running');
		emulator.finishJob('wavespeed', submitted.body.data.id, 'failed');
		const data = (await getJson(submitted.body.data.urls.get, wavespeedAuth)).body.data;
		expect(data.status).toBe('failed');
		expect(() => emulator.finishJob('wavespeed', 'nope')).toThrow();
	});

	it('expiredOutput: the output URL answers 410 (or the chosen 404) and Replicate says data_removed', async () => {
		emulator.injectFault({ provider: 'replicate', kind: 'expiredOutput' });
		emulator.injectFault({ provider: 'kling', kind: 'expiredOutput', status: 404 });
		const created = await replicateCreate({ input: { prompt: 'x' } });
		await klingSubmit({ prompt: 'x' });
		const job = await finished('replicate');
		const prediction = (await getJson(created.body.urls.get, replicateAuth)).body;
		expect(prediction.data_removed).toBe(true);
		expect((await download(job.outputUrl!)).status).toBe(410);
		const klingJob = await finished('kling');
		expect((await download(klingJob.outputUrl!)).status).toBe(404);
	});

	it('refuses a job fault scoped to a route other than submit', () => {
		expect(() => emulator.injectFault({ kind: 'stuck', route: 'status' })).toThrow(/submit/);
	});
});

describe('concurrency limit', () => {
	it('rejects submits over the limit with 429 + Retry-After (Kling code 1303)', async () => {
		// The first jobs stay unfinished for the whole test, however slow the machine.
		emulator.configure({ concurrencyLimit: 1, queuedMs: 60_000 });
		expect((await replicateCreate({ input: { prompt: 'x' } })).status).toBe(201);
		const second = await replicateCreate({ input: { prompt: 'x' } });
		expect(second.status).toBe(429);
		expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect((await klingSubmit({ prompt: 'x' })).status).toBe(200);
		const kling = await klingSubmit({ prompt: 'x' });
		expect([kling.status, kling.body.code]).toEqual([429, 1303]);
		expect(emulator.jobs()).toHaveLength(2);
	});

	it('queues fal requests instead (fal never rejects for concurrency)', async () => {
		// The first request stays queued for a second, however slow the machine, so the second queues behind it.
		emulator.configure({ concurrencyLimit: 1, queuedMs: 1000 });
		const first = await falSubmit({ prompt: 'a' });
		const second = await falSubmit({ prompt: 'b' });
		expect(second.status).toBe(200);
		expect(second.body.queue_position).toBe(1);
		await until(async () => ((await getJson(first.body.status_url, falAuth)).body.status === 'IN_PROGRESS' ? true : undefined));
		expect((await getJson(second.body.status_url, falAuth)).body).toMatchObject({ status: 'IN_QUEUE', queue_position: 0 });
		await until(async () => ((await getJson(second.body.status_url, falAuth)).body.status === 'COMPLETED' ? true : undefined));
		const [b, a] = emulator.jobs('fal');
		expect(b.startedAt!.getTime()).toBeGreaterThanOrEqual(a.completedAt!.getTime());
	});
});

describe('webhooks', () => {
	it('Replicate: only the terminal event with webhook_events_filter ["completed"], signed Standard Webhooks', async () => {
		const receiver = await startReceiver();
		try {
			const created = await replicateCreate({
				input: { prompt: 'x' },
				webhook: `${receiver.url}/hook?execution=42&node=a`,
				webhook_events_filter: ['completed'],
			});
			await finished('replicate');
			await emulator.webhooksIdle();
			expect(receiver.received).toHaveLength(1);
			const [delivery] = receiver.received;
			expect(delivery.url).toBe('/hook?execution=42&node=a');
			expect(replicateSignatureOk(delivery.headers, delivery.body, C.replicateWebhookSecret)).toBe(true);
			expect(Math.abs(Number(delivery.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(10);
			expect(JSON.parse(delivery.body)).toMatchObject({ id: created.body.id, status: 'succeeded' });
			expect(emulator.counters().webhookCount({ provider: 'replicate', event: 'completed' })).toBe(1);
		} finally {
			await receiver.close();
		}
	});

	it('Replicate without a filter also sends start, logs and output events, in order', async () => {
		const receiver = await startReceiver();
		try {
			await replicateCreate({ input: { prompt: 'x' }, webhook: `${receiver.url}/all` });
			await finished('replicate');
			await until(() => (emulator.counters().webhooksSent.length === 4 ? true : undefined));
			await emulator.webhooksIdle();
			expect(emulator.counters().webhooksSent.map((w) => w.event)).toEqual(['start', 'logs', 'output', 'completed']);
			expect(receiver.received.map((r) => JSON.parse(r.body).status)).toEqual(['starting', 'processing', 'succeeded', 'succeeded']);
		} finally {
			await receiver.close();
		}
	});

	it('WaveSpeed: the bare prediction, v3 hex HMAC keyed with the secret text', async () => {
		const receiver = await startReceiver();
		try {
			await wavespeedSubmit({ prompt: 'x' }, `?webhook=${encodeURIComponent(`${receiver.url}/ws?x=1`)}`);
			await finished('wavespeed');
			await emulator.webhooksIdle();
			const [delivery] = receiver.received;
			expect(delivery.url).toBe('/ws?x=1');
			expect(wavespeedSignatureOk(delivery.headers, delivery.body, C.wavespeedWebhookSecret)).toBe(true);
			const body = JSON.parse(delivery.body);
			expect(body.status).toBe('completed');
			expect(body.code).toBeUndefined();
		} finally {
			await receiver.close();
		}
	});

	it('fal: ED25519 over request id, user id, timestamp and body hash, verifiable with the JWKS', async () => {
		const receiver = await startReceiver();
		try {
			const submitted = await falSubmit({ prompt: 'x' }, `?fal_webhook=${encodeURIComponent(`${receiver.url}/fal?item=3`)}`);
			await finished('fal');
			await emulator.webhooksIdle();
			const [delivery] = receiver.received;
			expect(delivery.url).toBe('/fal?item=3');
			expect(delivery.headers['x-fal-webhook-user-id']).toBe(C.falUserId);
			expect(await falSignatureOk(delivery.headers, delivery.body)).toBe(true);
			expect(JSON.parse(delivery.body)).toMatchObject({
				request_id: submitted.body.request_id,
				gateway_request_id: submitted.body.request_id,
				status: 'OK',
				payload: { video: { content_type: 'video/mp4' } },
			});
		} finally {
			await receiver.close();
		}
	});

	it('fal reports a content-policy failure as status ERROR with the 422 payload', async () => {
		const receiver = await startReceiver();
		try {
			emulator.injectFault({ provider: 'fal', kind: 'contentPolicy' });
			await falSubmit({ prompt: 'x' }, `?fal_webhook=${encodeURIComponent(receiver.url)}`);
			await finished('fal');
			await emulator.webhooksIdle();
			const body = JSON.parse(receiver.received[0].body);
			expect(body).toMatchObject({ status: 'ERROR', error: 'Invalid status code: 422' });
			expect(body.payload.detail[0].type).toBe('content_policy_violation');
		} finally {
			await receiver.close();
		}
	});

	it('Kling: unsigned POST of the task on each status change', async () => {
		const receiver = await startReceiver();
		try {
			await klingSubmit({ prompt: 'x', callback_url: `${receiver.url}/kling?id=7` });
			await finished('kling');
			await emulator.webhooksIdle();
			expect(receiver.received.map((r) => JSON.parse(r.body).task_status)).toEqual(['processing', 'succeed']);
			expect(receiver.received[0].url).toBe('/kling?id=7');
			expect(receiver.received[0].headers['webhook-signature']).toBeUndefined();
		} finally {
			await receiver.close();
		}
	});

	it('retries a delivery answered non-2xx, and duplicateWebhook delivers the terminal one twice', async () => {
		const receiver = await startReceiver([500, 503]);
		try {
			emulator.injectFault({ provider: 'wavespeed', kind: 'duplicateWebhook' });
			await wavespeedSubmit({ prompt: 'x' }, `?webhook=${encodeURIComponent(receiver.url)}`);
			await finished('wavespeed');
			await until(() => (receiver.received.length === 4 ? true : undefined));
			await emulator.webhooksIdle();
			const sent = emulator.counters().webhooksSent;
			expect(sent.map((w) => [w.attempt, w.status])).toEqual([
				[1, 500],
				[2, 503],
				[3, 200],
				[1, 200],
			]);
			expect(new Set(sent.map((w) => w.messageId)).size).toBe(1);
			expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
		} finally {
			await receiver.close();
		}
	});
});

describe('signedDelivery', () => {
	it('signs like the provider, and tampering, a wrong secret or an old timestamp are detectable', async () => {
		const created = await replicateCreate({ input: { prompt: 'x' } });
		const good = emulator.signedDelivery('replicate', created.body.id);
		expect(replicateSignatureOk(good.headers, good.body, C.replicateWebhookSecret)).toBe(true);
		const tampered = emulator.signedDelivery('replicate', created.body.id, { tamper: true });
		expect(JSON.parse(tampered.body).tampered).toBe(true);
		expect(replicateSignatureOk(tampered.headers, tampered.body, C.replicateWebhookSecret)).toBe(false);
		const wrong = emulator.signedDelivery('replicate', created.body.id, { wrongSecret: true });
		expect(replicateSignatureOk(wrong.headers, wrong.body, C.replicateWebhookSecret)).toBe(false);
		const stale = emulator.signedDelivery('replicate', created.body.id, { timestampOffsetSeconds: -600 });
		expect(Number(stale.headers['webhook-timestamp'])).toBeLessThan(Date.now() / 1000 - 590);
		expect(replicateSignatureOk(stale.headers, stale.body, C.replicateWebhookSecret)).toBe(true);
		const unsigned = emulator.signedDelivery('replicate', created.body.id, { omitHeader: 'Webhook-Signature' });
		expect(unsigned.headers['webhook-signature']).toBeUndefined();
	});

	it('covers WaveSpeed and fal too', async () => {
		const ws = await wavespeedSubmit({ prompt: 'x' });
		const fal = await falSubmit({ prompt: 'x' });
		const wsGood = emulator.signedDelivery('wavespeed', ws.body.data.id);
		expect(wavespeedSignatureOk(wsGood.headers, wsGood.body, C.wavespeedWebhookSecret)).toBe(true);
		const wsWrong = emulator.signedDelivery('wavespeed', ws.body.data.id, { wrongSecret: true });
		expect(wavespeedSignatureOk(wsWrong.headers, wsWrong.body, C.wavespeedWebhookSecret)).toBe(false);
		const falGood = emulator.signedDelivery('fal', fal.body.request_id);
		expect(await falSignatureOk(falGood.headers, falGood.body)).toBe(true);
		const falWrong = emulator.signedDelivery('fal', fal.body.request_id, { wrongSecret: true });
		expect(await falSignatureOk(falWrong.headers, falWrong.body)).toBe(false);
		const falTampered = emulator.signedDelivery('fal', fal.body.request_id, { tamper: true });
		expect(await falSignatureOk(falTampered.headers, falTampered.body)).toBe(false);
	});
});

describe('counters and controls', () => {
	it('counts every request by provider, route, method and status; nothing before the first request', async () => {
		expect(emulator.counters().count()).toBe(0);
		await replicateCreate({ input: { prompt: 'x' } });
		await replicateCreate({ input: {} });
		await getJson(`${emulator.baseUrls.replicate}/account`, replicateAuth);
		const counters = emulator.counters();
		expect(counters.count({ provider: 'replicate', route: 'submit' })).toBe(2);
		expect(counters.count({ provider: 'replicate', route: 'submit', status: 201 })).toBe(1);
		expect(counters.count({ method: 'get' })).toBe(1);
		expect(counters.totals).toEqual({ 'replicate submit': 2, 'replicate account': 1 });
		expect(counters.count({ provider: 'fal' })).toBe(0);
	});

	it('serves the controls over HTTP without counting them', async () => {
		const faults = await postJson(`${emulator.url}/_emulator/faults`, {}, [{ provider: 'fal', kind: '429', times: 2 }]);
		expect(faults.status).toBe(201);
		expect(faults.body).toEqual([{ provider: 'fal', kind: '429', times: 2 }]);
		expect((await postJson(`${emulator.url}/_emulator/faults`, {}, { kind: 'nope' })).status).toBe(400);
		const config = await postJson(`${emulator.url}/_emulator/config`, {}, { runningMs: 50, concurrencyLimit: 3 });
		expect(config.body).toMatchObject({ runningMs: 50, concurrencyLimit: 3 });
		await klingSubmit({ prompt: 'x' });
		const jobs = await getJson(`${emulator.url}/_emulator/jobs`);
		expect(jobs.body).toHaveLength(1);
		const finish = await postJson(`${emulator.url}/_emulator/jobs/kling/${jobs.body[0].id}/finish`, {}, { outcome: 'succeeded' });
		expect(finish.body.state).toBe('succeeded');
		const credentials = await getJson(`${emulator.url}/_emulator/credentials`);
		expect(credentials.body).toMatchObject({ falKey: C.falKey, baseUrls: { kling: emulator.baseUrls.kling } });
		const counters = await getJson(`${emulator.url}/_emulator/counters`);
		expect(counters.body.totals).toEqual({ 'kling submit': 1 });
		await postJson(`${emulator.url}/_emulator/reset`, {}, {});
		expect(emulator.jobs()).toHaveLength(0);
		expect(emulator.pendingFaults()).toEqual([]);
		expect(emulator.config().concurrencyLimit).toBeNull();
	});

	it('answers unknown paths with the provider 404 and counts them as unknown', async () => {
		const response = await getJson(`${emulator.baseUrls.wavespeed}/nothing/here`, wavespeedAuth);
		expect(response.status).toBe(404);
		expect(response.body.code).toBe(404);
		expect(emulator.counters().count({ route: 'unknown' })).toBe(1);
	});
});

describe('media', () => {
	it('honours Range: 206 slices that resume to the whole file, suffix ranges, 416 past the end', async () => {
		await replicateCreate({ input: { prompt: 'x' } });
		const { outputUrl } = await finished('replicate');
		const whole = await download(outputUrl!);
		expect(whole.headers.get('accept-ranges')).toBe('bytes');
		const head = await download(outputUrl!, { range: 'bytes=0-999' });
		expect(head.status).toBe(206);
		expect(head.headers.get('content-range')).toBe(`bytes 0-999/${whole.bytes.length}`);
		const rest = await download(outputUrl!, { range: 'bytes=1000-' });
		expect(Buffer.concat([head.bytes, rest.bytes]).equals(whole.bytes)).toBe(true);
		const tail = await download(outputUrl!, { range: 'bytes=-10' });
		expect(tail.bytes.equals(whole.bytes.subarray(-10))).toBe(true);
		expect((await download(outputUrl!, { range: `bytes=${whole.bytes.length}-` })).status).toBe(416);
		const stale = await download(outputUrl!, { range: 'bytes=0-9', 'if-range': '"other"' });
		expect(stale.status).toBe(200);
		expect(emulator.counters().count({ route: 'download' })).toBe(6);
	});

	it('streams a large output as the rendered MP4 then a free box, with the exact Content-Length', async () => {
		emulator.configure({ outputBytes: 3_000_000 });
		await falSubmit({ prompt: 'x', generate_audio: false });
		const { outputUrl, id } = await finished('fal');
		const result = await download(outputUrl!);
		expect(Number(result.headers.get('content-length'))).toBe(3_000_000);
		expect(result.bytes.length).toBe(3_000_000);
		expect(isMp4(result.bytes)).toBe(true);
		const head = emulator.outputVideo('fal', id);
		expect(result.bytes.subarray(0, head.length).equals(head)).toBe(true);
		const headLength = head.length;
		expect(result.bytes.readUInt32BE(headLength)).toBe(3_000_000 - headLength);
		expect(result.bytes.subarray(headLength + 4, headLength + 8).toString('latin1')).toBe('free');
		const submitted = emulator.jobs('fal')[0];
		const answer = await getJson(`${emulator.url}/fal-queue/fal-ai/kling-video/requests/${submitted.id}`, falAuth);
		expect(answer.body.video.file_size).toBe(3_000_000);
	});

	it('uses a 64-bit free box past 4 GiB (checked through a Range request, nothing held in memory)', async () => {
		emulator.configure({ outputBytes: 5 * 1024 ** 3 });
		await klingSubmit({ prompt: 'x' });
		const { outputUrl, id } = await finished('kling');
		const headLength = emulator.outputVideo('kling', id).length;
		const header = await download(outputUrl!, { range: `bytes=${headLength}-${headLength + 15}` });
		expect(header.headers.get('content-range')).toBe(`bytes ${headLength}-${headLength + 15}/${5 * 1024 ** 3}`);
		expect(header.bytes.readUInt32BE(0)).toBe(1);
		expect(header.bytes.subarray(4, 8).toString('latin1')).toBe('free');
		expect(Number(header.bytes.readBigUInt64BE(8))).toBe(5 * 1024 ** 3 - headLength);
	});
});
