/**
 * Outputs follow the request: frame shape (aspect ratio, or the start image's shape when the
 * emulator can read the image), length (asked, or the motion reference video's), the audio
 * track, and a label. Read back with the emulator's probe, itself checked on the ffmpeg-made
 * fixtures first.
 */
import type { Emulator, ProviderName } from './index';
import {
	dataUrl,
	download,
	falAuth,
	fixtureBytes,
	getJson,
	klingAuth,
	pngHeader,
	postJson,
	replicateAuth,
	until,
	videoFacts,
	useEmulator,
	wavespeedAuth,
} from './testHelpers';

let emulator: Emulator;
useEmulator({ timings: { queuedMs: 20, runningMs: 60 } }, (started) => (emulator = started));

const kling = (kind: string, body: object) => postJson(`${emulator.baseUrls.kling}/v1/videos/${kind}`, klingAuth(), body);
const wavespeed = (model: string, body: object) => postJson(`${emulator.baseUrls.wavespeed}/${model}`, wavespeedAuth, body);
const replicate = (model: string, input: object) =>
	postJson(`${emulator.baseUrls.replicate}/models/${model}/predictions`, replicateAuth, { input });
const fal = (endpoint: string, input: object) => postJson(`${emulator.url}/fal-queue/fal-ai/kling-video/${endpoint}`, falAuth, input);

/** Finishes the provider's newest job now and downloads its output. */
async function outputOf(provider: ProviderName) {
	const job = emulator.jobs(provider)[0];
	emulator.finishJob(provider, job.id);
	const finished = emulator.jobs(provider).find((j) => j.id === job.id)!;
	expect(finished.state).toBe('succeeded');
	const { status, bytes } = await download(finished.outputUrl!);
	expect(status).toBe(200);
	return { job: finished, bytes, facts: videoFacts(bytes) };
}

it('the probe reads the committed ffmpeg fixtures right (1 s, 64x36, audio or not)', () => {
	expect(videoFacts(fixtureBytes(true))).toEqual({ seconds: 1, width: 64, height: 36, hasAudio: true });
	expect(videoFacts(fixtureBytes(false))).toEqual({ seconds: 1, width: 64, height: 36, hasAudio: false });
});

describe('text to video: the aspect ratio, the duration and the audio asked', () => {
	it('Kling 9:16, 10 s, pro with sound', async () => {
		await kling('text2video', { model_name: 'kling-v2-6', prompt: 'a tall tower in the clouds today', aspect_ratio: '9:16', duration: '10', mode: 'pro', sound: 'on' });
		const { job, facts } = await outputOf('kling');
		expect(facts).toEqual({ seconds: 10, width: 108, height: 192, hasAudio: true });
		expect(job).toMatchObject({ aspectRatio: '9:16', imageSize: null, durationSeconds: 10, withAudio: true });
		expect(job.label).toBe(`${job.id} a tall tower in the clouds`);
	});

	it('WaveSpeed pro defaults to 1:1 with sound; std is silent 16:9; v3 takes 12 s', async () => {
		await wavespeed('kwaivgi/kling-v2.6-pro/text-to-video', { prompt: 'x' });
		expect((await outputOf('wavespeed')).facts).toEqual({ seconds: 5, width: 144, height: 144, hasAudio: true });
		await wavespeed('kwaivgi/kling-v2.6-std/text-to-video', { prompt: 'x', duration: 10 });
		expect((await outputOf('wavespeed')).facts).toEqual({ seconds: 10, width: 192, height: 108, hasAudio: false });
		await wavespeed('kwaivgi/kling-v3.0-std/text-to-video', { prompt: 'x', duration: 12, sound: true, aspect_ratio: '9:16' });
		expect((await outputOf('wavespeed')).facts).toEqual({ seconds: 12, width: 108, height: 192, hasAudio: true });
	});

	it('fal v3 "15" and Replicate v3 (audio off by default)', async () => {
		await fal('v3/pro/text-to-video', { prompt: 'x', duration: '15', aspect_ratio: '1:1' });
		expect((await outputOf('fal')).facts).toEqual({ seconds: 15, width: 144, height: 144, hasAudio: true });
		await replicate('kwaivgi/kling-v3-video', { prompt: 'x', duration: 3 });
		expect((await outputOf('replicate')).facts).toEqual({ seconds: 3, width: 192, height: 108, hasAudio: false });
	});
});

describe('image to video: the start image\'s shape, when the emulator can read it', () => {
	const portrait = pngHeader(300, 600);

	it('a data URL (Replicate ignores aspect_ratio when start_image is given)', async () => {
		await replicate('kwaivgi/kling-v2.6', { prompt: 'x', start_image: dataUrl(portrait, 'image/png'), aspect_ratio: '16:9', generate_audio: false });
		const { job, facts } = await outputOf('replicate');
		expect(job).toMatchObject({ operation: 'imageToVideo', aspectRatio: null, imageSize: { width: 300, height: 600 } });
		expect(facts).toEqual({ seconds: 5, width: 96, height: 192, hasAudio: false });
	});

	it('a file uploaded to the emulator (WaveSpeed ticket upload, then its download_url)', async () => {
		const wide = pngHeader(1000, 400);
		const ticket = await postJson(`${emulator.baseUrls.wavespeed}/media/uploads`, wavespeedAuth, {
			filename: 'wide.png',
			size: wide.length,
			content_type: 'image/png',
		});
		const { upload, download_url: imageUrl } = ticket.body.data;
		expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: wide })).status).toBe(200);
		await wavespeed('kwaivgi/kling-v2.6-std/image-to-video', { prompt: 'x', image: imageUrl });
		expect((await outputOf('wavespeed')).facts).toEqual({ seconds: 5, width: 192, height: 76, hasAudio: false });
	});

	it('Kling raw base64 (no data: prefix); a URL elsewhere falls back to 16:9', async () => {
		await kling('image2video', { model_name: 'kling-v2-6', image: pngHeader(500, 500).toString('base64') });
		expect((await outputOf('kling')).facts).toMatchObject({ width: 192, height: 192 });
		await fal('v2.6/pro/image-to-video', { prompt: 'x', start_image_url: 'https://cdn.example.com/unknown.png', duration: '10' });
		const { job, facts } = await outputOf('fal');
		expect(job).toMatchObject({ aspectRatio: '16:9', imageSize: null });
		expect(facts).toEqual({ seconds: 10, width: 192, height: 108, hasAudio: true });
	});
});

describe('motion control: the reference video\'s length when readable, else 5 s', () => {
	it('another job\'s output as the reference (7 s), keep_original_sound', async () => {
		await kling('text2video', { model_name: 'kling-v3', prompt: 'moves', duration: '7' });
		const reference = (await outputOf('kling')).job.outputUrl!;
		await kling('motion-control', {
			image_url: dataUrl(pngHeader(200, 400), 'image/png'),
			video_url: reference,
			character_orientation: 'video',
			mode: 'std',
		});
		const { job, facts } = await outputOf('kling');
		expect(facts).toEqual({ seconds: 7, width: 96, height: 192, hasAudio: true });
		const task = await getJson(`${emulator.baseUrls.kling}/v1/videos/motion-control/${job.id}`, klingAuth());
		expect(task.body.data.task_result.videos[0].duration).toBe('7');
	});

	it('an uploaded ffmpeg fixture (1 s) through fal storage; an unreadable URL gives 5 s', async () => {
		const initiate = await postJson(`${emulator.baseUrls.falRest}/storage/upload/initiate?storage_type=fal-cdn-v3`, falAuth, {
			file_name: 'ref.mp4',
			content_type: 'video/mp4',
		});
		await fetch(initiate.body.upload_url, { method: 'PUT', body: fixtureBytes(false), headers: { 'content-type': 'video/mp4' } });
		await fal('v2.6/standard/motion-control', {
			image_url: 'https://cdn.example.com/c.png',
			video_url: initiate.body.file_url,
			character_orientation: 'image',
			keep_original_sound: false,
		});
		expect((await outputOf('fal')).facts).toEqual({ seconds: 1, width: 192, height: 108, hasAudio: false });
		await replicate('kwaivgi/kling-v2.6-motion-control', { image: 'https://x/i.png', video: 'https://x/v.mp4' });
		expect((await outputOf('replicate')).facts).toMatchObject({ seconds: 5, hasAudio: true });
	});
});

describe('serving', () => {
	it('the same bytes on every download, fal\'s file_size matching, and the padding after the rendered head', async () => {
		await fal('v2.6/pro/text-to-video', { prompt: 'steady output please', aspect_ratio: '9:16' });
		const { job, bytes } = await outputOf('fal');
		expect((await download(job.outputUrl!)).bytes.equals(bytes)).toBe(true);
		expect(bytes.equals(emulator.outputVideo('fal', job.id))).toBe(true);
		const result = await getJson(`${emulator.url}/fal-queue/fal-ai/kling-video/requests/${job.id}`, falAuth);
		expect(result.body.video.file_size).toBe(bytes.length);
		emulator.configure({ outputBytes: bytes.length + 100_000 });
		const padded = await download(job.outputUrl!);
		expect(padded.bytes.length).toBe(bytes.length + 100_000);
		expect(padded.bytes.subarray(0, bytes.length).equals(bytes)).toBe(true);
		expect(padded.bytes.subarray(bytes.length + 4, bytes.length + 8).toString('latin1')).toBe('free');
		expect(videoFacts(padded.bytes)).toMatchObject({ seconds: 5, width: 108, height: 192 });
	});

	it('the output follows a job that runs to the end on its own timers too', async () => {
		const created = await replicate('kwaivgi/kling-v2.6', { prompt: 'on its own', aspect_ratio: '1:1', duration: 10 });
		const done = await until(async () => {
			const { body } = await getJson(created.body.urls.get, replicateAuth);
			return body.status === 'succeeded' ? body : undefined;
		}, 10_000);
		expect(videoFacts((await download(done.output)).bytes)).toEqual({ seconds: 10, width: 144, height: 144, hasAudio: true });
	});

	it('outputVideo refuses a job without a video', async () => {
		const voice = await wavespeed('kwaivgi/kling-v2.6/create-voice', { audio: 'https://x/a.mp3' });
		expect(() => emulator.outputVideo('wavespeed', voice.body.data.id)).toThrow(/voice/);
		expect(() => emulator.outputVideo('wavespeed', 'nope')).toThrow();
	});
});
