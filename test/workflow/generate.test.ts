/**
 * Kling Video inside n8n's engine against the emulator: every generation operation on every
 * provider that offers it, waiting for completion, with the MP4 streamed into n8n's binary store.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fieldsOffered } from '../../nodes/shared/providers';
import { startEmulator, type Emulator } from '../emulator';
import { makePng } from '../fixtures/images';
import { makeBinary, binaryToBuffer } from './harness';
import { NODE_NAME, PROVIDERS, runKling, TEXT_TO_VIDEO } from './support';

const WITH_AUDIO = readFileSync(join(__dirname, '../fixtures/media/video-with-audio.mp4'));
const SILENT = readFileSync(join(__dirname, '../fixtures/media/video-silent.mp4'));

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ port: 0, timings: { queuedMs: 50, runningMs: 200 } });
});
afterAll(async () => await emulator.close());
beforeEach(() => emulator.reset());

describe.each(PROVIDERS)('%s', (provider) => {
	const offers = (operation: string) => Boolean(fieldsOffered(provider, operation as 'textToVideo'));

	it('text to video: one submit, the MP4 byte-identical in binary data', async () => {
		const result = await runKling(emulator, { provider, ...TEXT_TO_VIDEO, generateAudio: true, quality: 'pro' });
		expect(result.error?.message).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({ provider, operation: 'textToVideo', status: 'succeeded', durationSeconds: 5 });
		expect(typeof item.json.jobId).toBe('string');
		expect(item.pairedItem).toEqual({ item: 0 });
		const bytes = await binaryToBuffer(item.binary!.data);
		expect(bytes.equals(item.json.hasAudio === false ? SILENT : WITH_AUDIO)).toBe(true);
		expect(item.binary!.data.mimeType).toBe('video/mp4');
		expect(emulator.counters().count({ provider, route: 'submit' })).toBe(1);
		expect(emulator.counters().count({ provider, route: 'download' })).toBe(1);
	});

	it('image to video from a binary image: uploaded the provider\'s way, then generated', async () => {
		const image = await makeBinary(makePng(640, 640), 'frame.png', 'image/png');
		const result = await runKling(
			emulator,
			{ provider, operation: 'imageToVideo', prompt: 'The mug turns slowly', startImageSource: 'binary', startImageBinaryProperty: 'image', generateAudio: false, quality: 'pro' },
			{ inputItems: [{ json: {}, binary: { image } }] },
		);
		expect(result.error?.message).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({ provider, operation: 'imageToVideo', status: 'succeeded' });
		expect((await binaryToBuffer(item.binary!.data)).equals(SILENT)).toBe(true);
		// Kling takes raw base64 in the submit itself; the others upload first.
		expect(emulator.counters().count({ provider, route: 'upload' })).toBe(provider === 'kling' ? 0 : 1);
	});

	it('motion control from URLs', async () => {
		if (!offers('motionControl')) return;
		const result = await runKling(emulator, {
			provider,
			operation: 'motionControl',
			prompt: 'Dancing',
			imageSource: 'url',
			imageUrl: `${emulator.url}/files/${provider}/uploads/any/character.png`,
			videoSource: 'url',
			videoUrl: `${emulator.url}/files/${provider}/uploads/any/dance.mp4`,
			characterOrientation: 'video',
			quality: 'std',
		});
		expect(result.error?.message).toBeUndefined();
		expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({ operation: 'motionControl', status: 'succeeded' });
	});

	it('create voice returns a voice ID, where offered', async () => {
		if (!offers('createVoice')) return;
		const result = await runKling(emulator, { provider, operation: 'createVoice', voiceUrlSource: 'url', voiceUrlUrl: 'https://example.com/voice.mp3' });
		expect(result.error?.message).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({ operation: 'createVoice', status: 'succeeded' });
		expect(typeof item.json.voiceId).toBe('string');
		expect(item.binary).toBeUndefined();
	});
});
