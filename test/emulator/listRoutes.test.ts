/**
 * fal's request list as its docs state it, for batch status reads (issue 14): several endpoint
 * ids in one call ("comma-separated or repeated query params, up to 50 IDs") and an API key
 * required ("Requires API key (user or enterprise)"), per
 * https://fal.ai/docs/platform-apis/v1/models/requests/by-endpoint.
 */
import type { Emulator } from './index';
import { falAuth, getJson, postJson, useEmulator } from './testHelpers';

let emulator: Emulator;
useEmulator({ timings: { queuedMs: 40, runningMs: 120 } }, (started) => (emulator = started));

const submitFal = (endpoint: string, input: unknown) => postJson(`${emulator.baseUrls.falQueue}/fal-ai/kling-video/${endpoint}`, falAuth, input);

describe('fal request list', () => {
	it('lists several endpoints in one call (comma-separated, up to 50) and only with a key', async () => {
		const t2v = await submitFal('v2.6/pro/text-to-video', { prompt: 'listed t2v' });
		const v3 = await submitFal('v3/pro/text-to-video', { prompt: 'listed v3' });
		emulator.finishJob('fal', t2v.body.request_id);
		emulator.finishJob('fal', v3.body.request_id);
		const endpoints = ['fal-ai/kling-video/v2.6/pro/text-to-video', 'fal-ai/kling-video/v3/pro/text-to-video'];
		const url = (ids: string[]) => `${emulator.baseUrls.falApi}/models/requests/by-endpoint?endpoint_id=${ids.join(',')}&limit=10`;
		const both = await getJson(url(endpoints), falAuth);
		expect(both.status).toBe(200);
		expect(both.body.items.map((item: { request_id: string }) => item.request_id).sort()).toEqual([t2v.body.request_id, v3.body.request_id].sort());
		const tooMany = await getJson(url(Array.from({ length: 51 }, (_, i) => `fal-ai/kling-video/v${i}`)), falAuth);
		expect(tooMany.status).toBe(422);
		expect((await getJson(url(endpoints))).status).toBe(401);
	});
});
