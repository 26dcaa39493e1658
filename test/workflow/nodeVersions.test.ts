/**
 * Kling Video's two versions inside n8n's engine against the emulator: a workflow saved with
 * version 1's parameter names and the same workflow under version 2's names send the same
 * request and give the same item, and each version ignores the other's names (a value is only
 * read under the name its version saved it as).
 */
import type { INodeParameters } from 'n8n-workflow';
import type { ProviderId } from '../../nodes/shared/job';
import { startEmulator, type Emulator } from '../emulator';
import { chain, node, runWorkflow, startNode, type RunResult } from '../harness';
import { emulatorCredentialsByType } from '../support/emulatorCredentials';
import { NODE_NAME } from './support';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ port: 0, timings: { queuedMs: 50, runningMs: 200 } });
});
afterAll(async () => await emulator.close());
beforeEach(() => emulator.reset());

async function runVersion(typeVersion: 1 | 2, parameters: INodeParameters): Promise<RunResult> {
	return await runWorkflow({
		nodes: [startNode(), node(NODE_NAME, parameters, { typeVersion })],
		connections: chain('Start', NODE_NAME),
		credentials: emulatorCredentialsByType(emulator),
		inputItems: [{ json: {} }],
	});
}

/** What the provider received and what the node handed on, without what differs per job. */
async function outcome(provider: ProviderId, typeVersion: 1 | 2, parameters: INodeParameters) {
	const result = await runVersion(typeVersion, { provider, ...parameters });
	expect(result.error?.message).toBeUndefined();
	const [job] = emulator.jobs(provider);
	const [item] = result.outputOf(NODE_NAME);
	const { jobId: _jobId, videoUrl: _videoUrl, voiceId: _voiceId, raw: _raw, timings: _timings, expiresAt: _expiresAt, ...json } = item.json;
	emulator.reset();
	// Kling's idempotency key names the execution, which differs per run.
	const { external_task_id: _key, ...input } = job.input;
	return { input, json, binary: Object.keys(item.binary ?? {}), pairedItem: item.pairedItem };
}

const file = (provider: ProviderId, name: string) => `${emulator.url}/files/${provider}/uploads/any/${name}`;

/** Each case: version 1's saved names, and the same under version 2's. */
const CASES: Array<{ title: string; providers: ProviderId[]; v1: (p: ProviderId) => INodeParameters; v2: (p: ProviderId) => INodeParameters }> = [
	{
		title: 'motion control: character image, motion video and mode',
		providers: ['replicate', 'fal', 'wavespeed', 'kling'],
		v1: (p) => ({ operation: 'motionControl', prompt: 'Dancing', imageSource: 'url', imageUrl: file(p, 'character.png'), videoSource: 'url', videoUrl: file(p, 'dance.mp4'), characterOrientation: 'video', quality: 'std', timeoutMinutes: 5 }),
		v2: (p) => ({ operation: 'motionControl', prompt: 'Dancing', characterImageSource: 'url', characterImageUrl: file(p, 'character.png'), motionVideoSource: 'url', motionVideoUrl: file(p, 'dance.mp4'), characterOrientation: 'video', mode: 'std', timeLimitMinutes: 5 }),
	},
	{
		title: 'create voice: the voice sample',
		providers: ['fal', 'wavespeed', 'kling'],
		v1: (p) => ({ operation: 'createVoice', voiceUrlSource: 'url', voiceUrlUrl: 'https://example.com/voice.mp3', ...(p === 'kling' ? { voiceName: 'Narrator' } : {}) }),
		v2: (p) => ({ operation: 'createVoice', voiceSampleSource: 'url', voiceSampleUrl: 'https://example.com/voice.mp3', ...(p === 'kling' ? { voiceName: 'Narrator' } : {}) }),
	},
	{
		title: 'text to video in mode Standard, without a download',
		providers: ['kling'],
		v1: () => ({ operation: 'textToVideo', prompt: 'A ceramic mug', quality: 'std', generateAudio: false, options: { downloadVideo: false } }),
		v2: () => ({ operation: 'textToVideo', prompt: 'A ceramic mug', mode: 'std', generateAudio: false, options: { downloadVideo: false } }),
	},
];

describe.each(CASES)('$title', ({ providers, v1, v2 }) => {
	it.each(providers)('%s: the same request and item under either version', async (provider) => {
		const saved = await outcome(provider, 1, v1(provider));
		const current = await outcome(provider, 2, v2(provider));
		expect(current).toEqual(saved);
		expect(saved.json.status).toBe('succeeded');
	});
});

describe('a value under the other version\'s name is not read', () => {
	it('version 2 reads `mode`, not `quality`; version 1 reads `quality`, not `mode`', async () => {
		const base = { provider: 'kling', operation: 'textToVideo', prompt: 'A ceramic mug', generateAudio: false, options: { downloadVideo: false } };
		await runVersion(2, { ...base, quality: 'std' });
		await runVersion(1, { ...base, mode: 'std' });
		// Both ran in the default mode, Pro: the stray name was ignored.
		expect(emulator.jobs('kling').map((job) => job.input.mode)).toEqual(['pro', 'pro']);
	});
});

describe('the time limit has one name in version 2, two in version 1', () => {
	it.each([
		[1, { waitMode: 'waitForCompletion', timeoutMinutes: 0 }],
		[1, { waitMode: 'waitForWebhook', webhookTimeLimitMinutes: 0 }],
		[2, { waitMode: 'waitForCompletion', timeLimitMinutes: 0 }],
		[2, { waitMode: 'waitForWebhook', timeLimitMinutes: 0 }],
	] as const)('version %s, %o: refused before any request, naming the field', async (typeVersion, limit) => {
		const result = await runVersion(typeVersion, { provider: 'replicate', operation: 'textToVideo', prompt: 'A ceramic mug', ...limit });
		expect(result.error?.message).toContain('Time Limit (Minutes) is 0');
		expect(emulator.counters().count()).toBe(0);
	});
});

describe('Get Job options: `jobOptions` in version 1, `options` in version 2', () => {
	it.each([
		[1, 'jobOptions'],
		[2, 'options'],
	] as const)('version %s downloads the video when %s asks', async (typeVersion, collection) => {
		const submitted = await runVersion(typeVersion, { provider: 'replicate', operation: 'textToVideo', prompt: 'A ceramic mug', waitMode: 'submitOnly' });
		const jobId = submitted.outputOf(NODE_NAME)[0].json.jobId as string;
		emulator.finishJob('replicate', jobId);
		const read = await runVersion(typeVersion, { provider: 'replicate', operation: 'getJob', jobId, [collection]: { downloadVideo: true } });
		expect(read.error?.message).toBeUndefined();
		const [item] = read.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({ jobId, status: 'succeeded' });
		expect(Object.keys(item.binary ?? {})).toEqual(['data']);
	});
});
