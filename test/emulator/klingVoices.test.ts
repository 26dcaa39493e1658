/**
 * Kling custom voices (create → query → voice id, list, presets) and the code-1304 fault.
 */
import type { Emulator } from './index';
import { getJson, klingAuth, postJson, startReceiver, until, useEmulator } from './testHelpers';

let emulator: Emulator;
useEmulator({ timings: { queuedMs: 30, runningMs: 80 } }, (started) => (emulator = started));

const voices = () => `${emulator.baseUrls.kling}/v1/general/custom-voices`;
const createVoice = (body: unknown) => postJson(voices(), klingAuth(), body);
const query = (id: string) => getJson(`${voices()}/${id}`, klingAuth());

describe('custom voices', () => {
	it('create → submitted, then succeed with task_result.voices[{voice_id, voice_name, trial_url, owned_by}]', async () => {
		const created = await createVoice({ voice_name: 'Narrator', voice_url: 'https://cdn.example.com/me.mp3', external_task_id: 'voice-1' });
		expect(created.status).toBe(200);
		expect(created.body).toMatchObject({ code: 0, data: { task_status: 'submitted', task_info: { external_task_id: 'voice-1' } } });
		expect(created.body.data.task_result).toBeUndefined();
		const taskId = created.body.data.task_id;
		const seen = new Set<string>();
		const done = await until(async () => {
			const { body } = await query(taskId);
			seen.add(body.data.task_status);
			return body.data.task_status === 'succeed' ? body.data : undefined;
		}, 10_000);
		expect([...seen].every((s) => ['submitted', 'processing', 'succeed'].includes(s))).toBe(true);
		const [voice] = done.task_result.voices;
		expect(voice).toEqual({
			voice_id: expect.stringMatching(/^\d{18}$/),
			voice_name: 'Narrator',
			trial_url: 'https://cdn.example.com/me.mp3',
			owned_by: expect.not.stringMatching(/^kling$/),
		});
		expect(typeof done.final_unit_deduction).toBe('string');
		// The external id works in the path too, and the same external id is the same task.
		expect((await query('voice-1')).body.data.task_id).toBe(taskId);
		const again = await createVoice({ voice_name: 'Narrator', voice_url: 'https://cdn.example.com/me.mp3', external_task_id: 'voice-1' });
		expect(again.body.data.task_id).toBe(taskId);
		expect(emulator.jobs('kling')).toHaveLength(1);
		// The voice works in a kling-v2-6 image2video voice_list (pro, sound on).
		const video = await postJson(`${emulator.baseUrls.kling}/v1/videos/image2video`, klingAuth(), {
			model_name: 'kling-v2-6',
			image: 'https://cdn.example.com/i.png',
			prompt: '<<<voice_1>>> hello',
			mode: 'pro',
			sound: 'on',
			voice_list: [{ voice_id: voice.voice_id }],
		});
		expect(video.body.code).toBe(0);
	});

	it('lists voice tasks (pageSize up to 1000) and is not a video kind', async () => {
		for (const name of ['One', 'Two', 'Three']) await createVoice({ voice_name: name, voice_url: 'https://x/v.wav' });
		const list = await getJson(`${voices()}?pageNum=1&pageSize=2`, klingAuth());
		expect(list.body.data).toHaveLength(2);
		const all = await getJson(`${voices()}?pageNum=1&pageSize=1000`, klingAuth());
		expect(all.body.data).toHaveLength(3);
		expect((await getJson(`${voices()}?pageNum=1&pageSize=1001`, klingAuth())).body.code).toBe(1201);
		const videos = await getJson(`${emulator.baseUrls.kling}/v1/videos/text2video?pageNum=1&pageSize=30`, klingAuth());
		expect(videos.body.data).toEqual([]);
		expect((await getJson(`${emulator.baseUrls.kling}/v1/videos/text2video/${all.body.data[0].task_id}`, klingAuth())).status).toBe(404);
	});

	it('refuses a missing or long voice_name, neither or both sources, an unknown field (code 1201)', async () => {
		const cases = [
			{ voice_url: 'https://x/v.mp3' },
			{ voice_name: 'a name of more than twenty characters', voice_url: 'https://x/v.mp3' },
			{ voice_name: 'n' },
			{ voice_name: 'n', voice_url: 'https://x/v.mp3', video_id: '1-0' },
			{ voice_name: 'n', audio: 'https://x/v.mp3' },
			{ voice_name: 'n', video_id: '123-0' },
		];
		for (const body of cases) {
			const response = await createVoice(body);
			expect([response.status, response.body.code]).toEqual([400, 1201]);
		}
		expect(emulator.jobs()).toHaveLength(0);
	});

	it('takes video_id of a finished kling-v2-6 video made with sound on, and refuses a silent one', async () => {
		const submit = (sound: 'on' | 'off') =>
			postJson(`${emulator.baseUrls.kling}/v1/videos/text2video`, klingAuth(), { model_name: 'kling-v2-6', prompt: 'talk', mode: 'pro', sound });
		const loud = (await submit('on')).body.data.task_id;
		const quiet = (await submit('off')).body.data.task_id;
		emulator.finishJob('kling', loud);
		emulator.finishJob('kling', quiet);
		const video = await getJson(`${emulator.baseUrls.kling}/v1/videos/text2video/${loud}`, klingAuth());
		const videoId = video.body.data.task_result.videos[0].id;
		const created = await createVoice({ voice_name: 'From video', video_id: videoId });
		expect(created.body.code).toBe(0);
		const refused = await createVoice({ voice_name: 'Silent', video_id: `${quiet}-0` });
		expect([refused.body.code, refused.body.message]).toEqual([1201, expect.stringContaining('sound on')]);
	});

	it('calls back the voice task on each change', async () => {
		const receiver = await startReceiver();
		try {
			await createVoice({ voice_name: 'Hook', voice_url: 'https://x/v.mp3', callback_url: `${receiver.url}/voice` });
			await until(() => (emulator.jobs('kling')[0].state === 'succeeded' ? true : undefined), 10_000);
			await emulator.webhooksIdle();
			const bodies = receiver.received.map((r) => JSON.parse(r.body));
			expect(bodies.map((b) => b.task_status)).toEqual(['processing', 'succeed']);
			expect(bodies[1].task_result.voices[0].voice_name).toBe('Hook');
		} finally {
			await receiver.close();
		}
	});
});

describe('preset voices', () => {
	it('lists a few fixed voices owned by kling, without task_info or final_unit_deduction', async () => {
		const presets = await getJson(`${emulator.baseUrls.kling}/v1/general/presets-voices?pageNum=1&pageSize=30`, klingAuth());
		expect(presets.status).toBe(200);
		expect(presets.body.code).toBe(0);
		expect(presets.body.data.length).toBeGreaterThanOrEqual(2);
		for (const item of presets.body.data) {
			expect(item).toMatchObject({ task_status: 'succeed', task_result: { voices: [{ owned_by: 'kling', voice_id: expect.stringMatching(/^\d+$/) }] } });
			expect(item.task_info).toBeUndefined();
			expect(item.final_unit_deduction).toBeUndefined();
		}
		const second = await getJson(`${emulator.baseUrls.kling}/v1/general/presets-voices?pageNum=2&pageSize=1`, klingAuth());
		expect(second.body.data[0].task_id).toBe(presets.body.data[1].task_id);
		expect((await getJson(`${emulator.baseUrls.kling}/v1/general/presets-voices`, {})).body.code).toBe(1001);
	});
});

describe('code 1304 (IP allow-list)', () => {
	it('answers HTTP 429 code 1304 with no Retry-After, once per armed hit, and creates nothing', async () => {
		emulator.injectFault({ kind: 'ipWhitelist', route: 'submit' });
		const body = { model_name: 'kling-v2-6', prompt: 'x' };
		const refused = await postJson(`${emulator.baseUrls.kling}/v1/videos/text2video`, klingAuth(), body);
		expect(refused.status).toBe(429);
		expect(refused.body).toMatchObject({ code: 1304, message: "Trigger the platform's IP whitelisting policy", data: null });
		expect(refused.headers.get('retry-after')).toBeNull();
		expect(emulator.jobs()).toHaveLength(0);
		expect(emulator.counters().requests.map((r) => [r.route, r.status, r.fault])).toEqual([['submit', 429, 'ipWhitelist']]);
		expect(emulator.pendingFaults()).toEqual([]);
		expect((await postJson(`${emulator.baseUrls.kling}/v1/videos/text2video`, klingAuth(), body)).body.code).toBe(0);
	});

	it('belongs to Kling only: another provider is refused, and an unscoped one never hits others', async () => {
		expect(() => emulator.injectFault({ kind: 'ipWhitelist', provider: 'fal' })).toThrow(/kling/);
		emulator.injectFault({ kind: 'ipWhitelist', times: -1 });
		expect(emulator.pendingFaults()).toEqual([expect.objectContaining({ provider: 'kling', kind: 'ipWhitelist' })]);
		const replicate = await getJson(`${emulator.baseUrls.replicate}/account`, { authorization: `Bearer ${emulator.credentials.replicateToken}` });
		expect(replicate.status).toBe(200);
		const kling = await getJson(`${emulator.baseUrls.kling}/v1/general/presets-voices`, klingAuth());
		expect([kling.status, kling.body.code]).toEqual([429, 1304]);
	});
});
