/**
 * Kling Video inside n8n's engine against the emulator: every generation operation on every
 * provider that offers it, waiting for completion, with the MP4 streamed into n8n's binary store.
 */
import { fieldsOffered } from '../../nodes/shared/providers';
import { startEmulator, type Emulator } from '../emulator';
import { probeMp4DurationSeconds, probeMp4FrameSize } from '../../nodes/shared/media/probe';
import { makePng } from '../fixtures/images';
import { makeBinary, binaryToBuffer } from '../harness';
import { NODE_NAME, PROVIDERS, runKling, TEXT_TO_VIDEO } from './support';


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
		// The emulator renders each job's own video (16:9 by default here, with audio): the stored file is that one, byte for byte.
		expect(bytes.equals(emulator.outputVideo(provider, String(item.json.jobId)))).toBe(true);
		expect(probeMp4FrameSize(bytes)).toEqual({ width: 192, height: 108 });
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
		const bytes = await binaryToBuffer(item.binary!.data);
		expect(bytes.equals(emulator.outputVideo(provider, String(item.json.jobId)))).toBe(true);
		// The start image is square, so the video is too.
		expect(probeMp4FrameSize(bytes)).toEqual({ width: 192, height: 192 });
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
		// Kling names each custom voice; the others take only the sample.
		const name = provider === 'kling' ? { voiceName: 'Narrator' } : {};
		const result = await runKling(emulator, { provider, operation: 'createVoice', voiceUrlSource: 'url', voiceUrlUrl: 'https://example.com/voice.mp3', ...name });
		expect(result.error?.message).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({ operation: 'createVoice', status: 'succeeded', videoUrl: null });
		expect(item.json.voiceId).toMatch(/^\S+$/);
		expect(item.binary).toBeUndefined();
	});

	it('Kling v3 text to video: the Model parameter picks v3, a 12 s 9:16 clip', async () => {
		// WaveSpeed hosts Kling v3 text to video in mode Standard only.
		const quality = provider === 'wavespeed' ? {} : { quality: 'std' };
		const result = await runKling(emulator, { provider, ...TEXT_TO_VIDEO, model: 'kling-v3', duration: 12, aspectRatio: '9:16', generateAudio: false, ...quality });
		expect(result.error?.message).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({ provider, model: 'kling-v3', status: 'succeeded', durationSeconds: 12, hasAudio: false });
		const bytes = await binaryToBuffer(item.binary!.data);
		expect(probeMp4FrameSize(bytes)).toEqual({ width: 108, height: 192 });
		expect(probeMp4DurationSeconds(bytes)).toBe(12);
		expect(emulator.counters().count({ provider, route: 'submit' })).toBe(1);
	});
});
