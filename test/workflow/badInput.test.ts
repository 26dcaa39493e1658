/**
 * Bad input never costs money: every case below runs Kling Video inside n8n's engine against the
 * emulator and must end in a NodeOperationError that names the field, the value and what is
 * allowed, with the emulator having received no request at all (no submit, no upload, no status
 * call). One row per case: provider, parameters, input item, expected message.
 */
import type { IBinaryData, IDataObject, INodeParameters } from 'n8n-workflow';
import type { ProviderId } from '../../nodes/shared/job';
import { startEmulator, type Emulator } from '../emulator';
import { makeGif, makePng, makeWebp } from '../fixtures/images';
import { makeMp4WithDuration } from '../fixtures/videos';
import { makeBinary } from '../harness';
import { runKling } from './support';

interface BinaryInput {
	bytes: () => Buffer;
	fileName: string;
	mimeType: string;
}

interface Case {
	name: string;
	provider: ProviderId;
	parameters: INodeParameters;
	/** Binary properties of the input item. */
	binary?: Record<string, BinaryInput>;
	/** JSON of the input item (for expressions). */
	json?: IDataObject;
	message: RegExp;
}

const LONG = 'x'.repeat(2501);
const HTTPS_IMAGE = 'https://cdn.example.com/frame.png';
const HTTPS_IMAGE_2 = 'https://cdn.example.com/last.png';

const png = (width: number, height: number, padTo = 0): BinaryInput => ({ bytes: () => makePng(width, height, padTo), fileName: 'frame.png', mimeType: 'image/png' });
const gif: BinaryInput = { bytes: () => makeGif(640, 640), fileName: 'frame.gif', mimeType: 'image/gif' };
const webp: BinaryInput = { bytes: () => makeWebp(640, 640), fileName: 'frame.webp', mimeType: 'image/webp' };
const junk: BinaryInput = { bytes: () => Buffer.from('definitely not an image'), fileName: 'end.png', mimeType: 'image/png' };
const mp4 = (seconds: number): BinaryInput => ({ bytes: () => makeMp4WithDuration(seconds), fileName: 'dance.mp4', mimeType: 'video/mp4' });
const dataUrl = (bytes: Buffer, mime: string) => `data:${mime};base64,${bytes.toString('base64')}`;

const t2v = (extra: INodeParameters): INodeParameters => ({ operation: 'textToVideo', prompt: 'A ceramic mug on a table', ...extra });
const i2v = (extra: INodeParameters): INodeParameters => ({
	operation: 'imageToVideo',
	prompt: 'The mug turns slowly',
	startImageSource: 'binary',
	startImageBinaryProperty: 'image',
	generateAudio: false,
	...extra,
});
const i2vUrl = (extra: INodeParameters): INodeParameters => i2v({ startImageSource: 'url', startImageUrl: HTTPS_IMAGE, ...extra });
const motion = (extra: INodeParameters): INodeParameters => ({
	operation: 'motionControl',
	imageSource: 'url',
	imageUrl: HTTPS_IMAGE,
	videoSource: 'binary',
	videoBinaryProperty: 'video',
	characterOrientation: 'image',
	quality: 'std',
	...extra,
});

const CASES: Case[] = [
	// Text to Video: every scalar field, every provider.
	{ name: 'empty prompt', provider: 'replicate', parameters: t2v({ prompt: '={{ $json.prompt }}' }), json: { prompt: '' }, message: /Prompt is "": a prompt is required for Text to Video/ },
	{ name: 'blank prompt', provider: 'fal', parameters: t2v({ prompt: '   ' }), message: /Prompt is " {3}": a prompt is required/ },
	{ name: 'prompt over the limit (WaveSpeed)', provider: 'wavespeed', parameters: t2v({ prompt: LONG }), message: /Prompt is "x{40}…": 2501 characters; WaveSpeed's Kling v2\.6 allows at most 2500/ },
	{ name: 'prompt over the limit (Kling)', provider: 'kling', parameters: t2v({ prompt: LONG }), message: /Prompt is "x{40}…": 2501 characters; Kling API's Kling v2\.6 allows at most 2500/ },
	{ name: 'negative prompt over the limit', provider: 'fal', parameters: t2v({ negativePrompt: LONG }), message: /Negative Prompt is "x{40}…": 2501 characters; fal\.ai's Kling v2\.6 allows at most 2500/ },
	{ name: 'duration 7', provider: 'replicate', parameters: t2v({ duration: 7 }), message: /Duration is 7: allowed are 5, 10/ },
	{ name: 'duration "7" from an expression', provider: 'kling', parameters: t2v({ duration: '={{ "7" }}', quality: 'pro' }), message: /Duration is "7": allowed are 5, 10/ },
	{ name: 'duration as an object', provider: 'fal', parameters: t2v({ duration: '={{ { seconds: 5 } }}' }), message: /Duration is \{"seconds":5\}: allowed are 5, 10/ },
	{ name: 'ratio 4:3 (fal)', provider: 'fal', parameters: t2v({ aspectRatio: '4:3' }), message: /Aspect Ratio is "4:3": allowed are "16:9", "9:16", "1:1"/ },
	{ name: 'ratio 4:3 (WaveSpeed)', provider: 'wavespeed', parameters: t2v({ aspectRatio: '4:3' }), message: /Aspect Ratio is "4:3": allowed are "16:9", "9:16", "1:1"/ },
	{ name: 'ratio as a list', provider: 'fal', parameters: t2v({ aspectRatio: '={{ ["9:16"] }}' }), message: /Aspect Ratio is \["9:16"\]: allowed are "16:9", "9:16", "1:1"/ },
	{ name: 'CFG 1.5', provider: 'fal', parameters: t2v({ cfgScale: 1.5 }), message: /CFG Scale is 1\.5: allowed is a number from 0 to 1/ },
	{ name: 'CFG -0.1', provider: 'wavespeed', parameters: t2v({ cfgScale: -0.1 }), message: /CFG Scale is -0\.1: allowed is a number from 0 to 1/ },
	{ name: 'CFG as a word', provider: 'wavespeed', parameters: t2v({ cfgScale: '={{ "high" }}' }), message: /CFG Scale is "high": allowed is a number from 0 to 1/ },
	{ name: 'mode "ultra"', provider: 'kling', parameters: t2v({ quality: 'ultra' }), message: /Mode is "ultra": allowed are Pro \("pro"\) and Standard \("std"\)/ },
	{ name: 'audio in std mode (Kling)', provider: 'kling', parameters: t2v({ quality: 'std', generateAudio: true }), message: /Mode is Standard with Generate Audio on: .*allowed are Mode Pro, or Generate Audio off/ },
	{ name: 'generate audio "yes"', provider: 'wavespeed', parameters: t2v({ generateAudio: '={{ "yes" }}' }), message: /Generate Audio is "yes": allowed are true or false/ },
	{ name: 'three voices', provider: 'kling', parameters: i2vUrl({ quality: 'pro', generateAudio: true, voiceIds: 'v1, v2, v3' }), message: /Voice IDs is "v1, v2, v3": at most 2 voice IDs are allowed, got 3/ },
	{ name: 'voice without audio (Kling)', provider: 'kling', parameters: i2vUrl({ quality: 'pro', generateAudio: false, voiceIds: 'v1' }), message: /Voice IDs is "v1": voices are spoken only with audio, so turn Generate Audio on or leave Voice IDs empty/ },
	{ name: 'voices as an object', provider: 'kling', parameters: i2vUrl({ quality: 'pro', generateAudio: true, voiceIds: '={{ { id: "v1" } }}' }), message: /Voice IDs is \{"id":"v1"\}: allowed are voice IDs as text separated by commas, or a list of them; got an object/ },
	// Kling v2.6 takes voices only for image to video (its capability map); a text-to-video value is refused, not dropped.
	{ name: 'voices on Kling text to video', provider: 'kling', parameters: t2v({ quality: 'pro', generateAudio: true, voiceIds: 'v1' }), message: /Voice IDs is "v1": Kling API's Kling v2\.6 takes no Voice IDs for Text to Video; the value was kept from another provider, model or mode/ },
	{ name: 'CFG Scale kept from fal on Replicate', provider: 'replicate', parameters: t2v({ cfgScale: 0.7 }), message: /CFG Scale is 0\.7: Replicate's Kling v2\.6 takes no CFG Scale for Text to Video; the value was kept/ },
	{ name: 'duration of Kling v3 on v2.6', provider: 'fal', parameters: t2v({ duration: 12 }), message: /Duration is 12: allowed are 5, 10/ },
	{ name: 'prompt as an object', provider: 'replicate', parameters: t2v({ prompt: '={{ { text: "a mug" } }}' }), message: /Prompt is \{"text":"a mug"\}: allowed is text; the expression gave an object/ },
	{ name: 'prompt undefined (missing input field)', provider: 'fal', parameters: t2v({ prompt: '={{ $json.prompt }}' }), json: { title: 'no prompt here' }, message: /Prompt is "": a prompt is required for Text to Video/ },
	{ name: 'prompt as a number', provider: 'kling', parameters: t2v({ prompt: '={{ 42 }}', quality: 'pro' }), message: /Prompt is 42: allowed is text; the expression gave a number/ },
	{ name: 'negative prompt as a list', provider: 'replicate', parameters: t2v({ negativePrompt: '={{ ["blur"] }}' }), message: /Negative Prompt is \["blur"\]: allowed is text; the expression gave a list/ },
	{ name: 'aspect ratio variant 4:3', provider: 'replicate', parameters: t2v({ options: { aspectRatioVariants: ['16:9', '4:3'] } }), message: /Aspect Ratio Variants contains "4:3": allowed are 16:9, 9:16, 1:1/ },
	{ name: 'callback URL file://', provider: 'fal', parameters: t2v({ waitMode: 'submitOnly', callbackUrl: 'file:///tmp/hook' }), message: /Callback URL is "file:\/\/\/tmp\/hook": allowed is an http\(s\) URL/ },
	{ name: 'timeout 0 minutes', provider: 'replicate', parameters: t2v({ timeoutMinutes: 0 }), message: /Time Limit \(Minutes\) is 0: allowed is a number of minutes above 0 and at most 60/ },
	{ name: 'time limit -5 minutes', provider: 'wavespeed', parameters: t2v({ waitMode: 'waitForWebhook', webhookTimeLimitMinutes: -5 }), message: /Time Limit \(Minutes\) is -5: allowed is a number of minutes above 0/ },
	{ name: 'operation the provider lacks', provider: 'replicate', parameters: { operation: 'createVoice', voiceUrlSource: 'url', voiceUrlUrl: 'https://cdn.example.com/v.mp3' }, message: /Operation is "createVoice": Replicate does not offer it; allowed are Text to Video, Image to Video, Motion Control, Get Job/ },

	// Image to Video: image checks on the bytes, URL schemes, rules across fields.
	{ name: '12 MB image', provider: 'wavespeed', parameters: i2v({}), binary: { image: png(1280, 720, 12 * 1024 * 1024) }, message: /Start Image \(binary property "image"\) is 12\.0 MB; at most 10\.0 MB is allowed/ },
	{ name: '200 px image', provider: 'replicate', parameters: i2v({}), binary: { image: png(200, 200) }, message: /Start Image \(binary property "image"\) is 200×200 px; each side must be at least 300 px/ },
	{ name: '1:3 image', provider: 'fal', parameters: i2v({}), binary: { image: png(300, 900) }, message: /Start Image \(binary property "image"\) is 300×900 px \(aspect 0\.33\); the aspect ratio must be between 1:2\.5 and 2\.5:1/ },
	{ name: 'GIF (Kling)', provider: 'kling', parameters: i2v({ quality: 'pro' }), binary: { image: gif }, message: /Start Image \(binary property "image"\) is a GIF image; allowed are JPG\/JPEG and PNG/ },
	{ name: 'GIF (Replicate)', provider: 'replicate', parameters: i2v({}), binary: { image: gif }, message: /is a GIF image; allowed are JPG\/JPEG, PNG and WebP/ },
	{ name: 'WebP where refused (WaveSpeed)', provider: 'wavespeed', parameters: i2v({}), binary: { image: webp }, message: /Start Image \(binary property "image"\) is a WebP image; allowed are JPG\/JPEG and PNG/ },
	{ name: 'WebP where refused (Kling)', provider: 'kling', parameters: i2v({ quality: 'pro' }), binary: { image: webp }, message: /is a WebP image; allowed are JPG\/JPEG and PNG/ },
	{ name: 'end image that is not an image', provider: 'wavespeed', parameters: i2v({ endImageSource: 'binary', endImageBinaryProperty: 'end' }), binary: { image: png(640, 640), end: junk }, message: /End Image \(binary property "end"\) is not a recognised image; allowed are JPG\/JPEG and PNG/ },
	{ name: 'binary property that does not exist', provider: 'replicate', parameters: i2v({ startImageBinaryProperty: 'photo' }), binary: { image: png(640, 640) }, message: /Start Image Binary Property is "photo": the input item has no binary property of that name; it has "image"/ },
	{ name: 'no binary data at all', provider: 'fal', parameters: i2v({}), message: /Start Image Binary Property is "image": the input item has no binary property of that name; it has no binary data at all/ },
	{ name: 'file:// image URL', provider: 'fal', parameters: i2vUrl({ startImageUrl: 'file:///etc/passwd' }), message: /Start Image URL is "file:\/\/\/etc\/passwd": the file: scheme cannot be fetched by the provider; allowed are https:\/\/ \(or http:\/\/, data:\) URLs/ },
	{ name: 'image URL that is no URL', provider: 'wavespeed', parameters: i2vUrl({ startImageUrl: 'frame.png' }), message: /Start Image URL is "frame\.png": not a valid URL; allowed are https:\/\// },
	{ name: 'empty image URL', provider: 'replicate', parameters: i2vUrl({ startImageUrl: '={{ $json.url }}' }), json: { url: '' }, message: /Start Image URL is "": a URL is required/ },
	{ name: 'image URL as a number', provider: 'fal', parameters: i2vUrl({ startImageUrl: '={{ 42 }}' }), message: /Start Image URL is 42: a URL is required/ },
	{ name: 'GIF inlined as a data: URL', provider: 'kling', parameters: i2vUrl({ quality: 'pro', startImageUrl: dataUrl(makeGif(640, 640), 'image/gif') }), message: /Start Image URL \(a data: URL of 14 bytes\) is a GIF image; allowed are JPG\/JPEG and PNG/ },
	{ name: '200 px image inlined as a data: URL', provider: 'replicate', parameters: i2vUrl({ startImageUrl: dataUrl(makePng(200, 200), 'image/png') }), message: /Start Image URL \(a data: URL of \d+ bytes\) is 200×200 px; each side must be at least 300 px/ },
	{ name: 'data: URL that cannot be decoded', provider: 'fal', parameters: i2vUrl({ startImageUrl: 'data:image/png,%E0%A4%A' }), message: /Start Image URL is a data: URL that cannot be decoded: allowed is base64 or percent-encoded data/ },
	{ name: 'end image with audio (Kling)', provider: 'kling', parameters: i2vUrl({ quality: 'pro', generateAudio: true, endImageSource: 'url', endImageUrl: HTTPS_IMAGE_2 }), message: /Generate Audio is on with an End Image: .*allowed are Generate Audio off, or no End Image/ },
	{ name: 'end image in std mode (Kling)', provider: 'kling', parameters: i2vUrl({ quality: 'std', endImageSource: 'url', endImageUrl: HTTPS_IMAGE_2 }), message: /Mode is Standard with an End Image: .*allowed are Mode Pro, or no End Image/ },
	{ name: 'end image in std mode (WaveSpeed)', provider: 'wavespeed', parameters: i2vUrl({ quality: 'std', endImageSource: 'url', endImageUrl: HTTPS_IMAGE_2 }), message: /End Image is "url": WaveSpeed's Kling v2\.6 takes no End Image for Image to Video in mode Standard; the value was kept from another provider, model or mode/ },
	{ name: 'three voices (fal)', provider: 'fal', parameters: i2vUrl({ generateAudio: true, voiceIds: '={{ ["v1", "v2", "v3"] }}' }), message: /Voice IDs is \["v1","v2","v3"\]: at most 2 voice IDs are allowed, got 3/ },
	{ name: 'voice without audio (fal)', provider: 'fal', parameters: i2vUrl({ generateAudio: false, voiceIds: 'v1' }), message: /Voice IDs is "v1": voices are spoken only with audio/ },
	{ name: 'aspect ratio variants where the image decides', provider: 'fal', parameters: i2vUrl({ options: { aspectRatioVariants: ['16:9', '9:16'] } }), message: /Aspect Ratio Variants is 16:9, 9:16: fal\.ai takes no aspect ratio for this operation/ },

	// Motion Control: the reference video's length against the orientation, schemes, options.
	{ name: '40 s reference, image orientation', provider: 'fal', parameters: motion({}), binary: { video: mp4(40) }, message: /Motion Reference Video \(binary property "video"\) is 40\.0 s long; with character orientation "image" it must be 3–10 s/ },
	{ name: '15 s reference, image orientation', provider: 'replicate', parameters: motion({}), binary: { video: mp4(15) }, message: /is 15\.0 s long; with character orientation "image" it must be 3–10 s/ },
	{ name: '40 s reference, video orientation', provider: 'wavespeed', parameters: motion({ characterOrientation: 'video' }), binary: { video: mp4(40) }, message: /is 40\.0 s long; with character orientation "video" it must be 3–30 s/ },
	{ name: '2 s reference', provider: 'fal', parameters: motion({}), binary: { video: mp4(2) }, message: /is 2\.0 s long; with character orientation "image" it must be 3–10 s/ },
	{ name: 'reference that is not a video', provider: 'replicate', parameters: motion({}), binary: { video: png(640, 640) }, message: /Motion Reference Video \(binary property "video"\) is not an MP4 or MOV video/ },
	{ name: 'reference as a file on Kling', provider: 'kling', parameters: motion({}), binary: { video: mp4(5) }, message: /Motion Reference Video is binary property "video": Kling takes it only by URL; allowed is an http\(s\) URL/ },
	{ name: 'orientation "sideways"', provider: 'fal', parameters: motion({ characterOrientation: 'sideways', videoSource: 'url', videoUrl: 'https://cdn.example.com/d.mp4' }), message: /Character Orientation is "sideways": allowed are "image", "video"/ },
	{ name: 'keep original sound "maybe"', provider: 'wavespeed', parameters: motion({ keepOriginalSound: '={{ "maybe" }}', videoSource: 'url', videoUrl: 'https://cdn.example.com/d.mp4' }), message: /Keep Original Sound is "maybe": allowed are true or false/ },
	{ name: 'file:// character image', provider: 'kling', parameters: motion({ imageUrl: 'file:///home/me/character.png', videoSource: 'url', videoUrl: 'https://cdn.example.com/d.mp4' }), message: /Character Image URL is "file:\/\/\/home\/me\/character\.png": the file: scheme cannot be fetched/ },

	// Create Voice, Get Job.
	{ name: 'file:// voice sample', provider: 'fal', parameters: { operation: 'createVoice', voiceUrlSource: 'url', voiceUrlUrl: 'file:///voice.mp3' }, message: /Voice Sample URL is "file:\/\/\/voice\.mp3": the file: scheme cannot be fetched/ },
	{ name: 'voice sample binary missing', provider: 'wavespeed', parameters: { operation: 'createVoice', voiceUrlSource: 'binary', voiceUrlBinaryProperty: 'voice' }, message: /Voice Sample Binary Property is "voice": the input item has no binary property of that name/ },
	{ name: 'empty job ID', provider: 'fal', parameters: { operation: 'getJob', jobId: '={{ $json.jobId }}' }, json: { jobId: ' ' }, message: /Job ID is " ": the ID of a job is required/ },
	{ name: 'job ID as an object', provider: 'replicate', parameters: { operation: 'getJob', jobId: '={{ { id: 1 } }}' }, message: /Job ID is \{"id":1\}: allowed is the job's ID as text/ },
];

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ port: 0 });
});
afterAll(async () => await emulator.close());
beforeEach(() => emulator.reset());

async function inputItem(testCase: Case) {
	const binary: Record<string, IBinaryData> = {};
	for (const [property, input] of Object.entries(testCase.binary ?? {})) {
		binary[property] = await makeBinary(input.bytes(), input.fileName, input.mimeType);
	}
	return { json: testCase.json ?? {}, ...(testCase.binary ? { binary } : {}) };
}

it('has at least 40 cases across every provider and operation', () => {
	expect(CASES.length).toBeGreaterThanOrEqual(40);
	expect(new Set(CASES.map((testCase) => testCase.provider)).size).toBe(4);
	expect(new Set(CASES.map((testCase) => testCase.parameters.operation))).toEqual(
		new Set(['textToVideo', 'imageToVideo', 'motionControl', 'createVoice', 'getJob']),
	);
});

it.each(CASES.map((testCase) => [`${testCase.provider}: ${testCase.name}`, testCase] as const))('%s', async (_label, testCase) => {
	const result = await runKling(emulator, { provider: testCase.provider, ...testCase.parameters }, { inputItems: [await inputItem(testCase)] });
	expect(result.status).toBe('error');
	expect(result.error?.name).toBe('NodeOperationError');
	expect(result.error?.message).toMatch(testCase.message);
	// Not one request of any kind: no submit, no upload, no status call, no download.
	expect(emulator.counters().requests).toEqual([]);
});

it('a required field left literally empty is refused by n8n itself before the run starts: nothing is sent either', async () => {
	await expect(runKling(emulator, { provider: 'replicate', ...t2v({ prompt: '' }) })).rejects.toThrow(/Parameter "Prompt" is required/);
	expect(emulator.counters().requests).toEqual([]);
});
