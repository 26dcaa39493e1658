/** fal's pure mappings: request → input, endpoints, hosts, errors, SSE parsing, capabilities. */
import { Readable } from 'node:stream';
import { sseEvents, toResponse } from '../../nodes/shared/http';
import type { VideoRequest } from '../../nodes/shared/job';
import {
	describeFalDetail,
	falEndpointMatch,
	falEndpointOf,
	falHttpError,
	falIsFinal,
	falOperationOfEndpoint,
	falRequestProblems,
	falUrls,
	readFalError,
	toFalInput,
} from '../../nodes/shared/providers/fal/adapter';
import { FAL_MODELS } from '../../nodes/shared/providers/fal/models';
import type { ModelId } from '../../nodes/shared/providers/models';
import { modesOf, offeredFields, type OperationRow } from '../../nodes/shared/providers/table';
import { parseFalAnswer, falStatusSchema } from '../../nodes/shared/providers/fal/schemas';
import { MalformedResponseError } from '../../nodes/shared/errors';
import { rowsOf, sorted } from './mappingHelpers';

const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}) =>
	toResponse(status, { 'content-type': 'application/json', ...headers }, Buffer.from(JSON.stringify(body)));

const row = rowsOf(FAL_MODELS, 'fal');

const t2v: VideoRequest = {
	operation: 'textToVideo',
	prompt: 'a fox in snow',
	duration: 10,
	aspectRatio: '9:16',
	generateAudio: false,
	cfgScale: 0.3,
	negativePrompt: 'blur',
};

describe('toFalInput', () => {
	it('maps text to video with duration as a string', () => {
		expect(toFalInput(t2v)).toEqual({
			prompt: 'a fox in snow',
			negative_prompt: 'blur',
			duration: '10',
			aspect_ratio: '9:16',
			cfg_scale: 0.3,
			generate_audio: false,
		});
	});

	it('leaves unset optional fields out so fal applies its defaults', () => {
		const input = toFalInput({ operation: 'textToVideo', prompt: 'p', duration: 5, aspectRatio: '16:9', generateAudio: true });
		expect(Object.keys(input).sort()).toEqual(['aspect_ratio', 'duration', 'generate_audio', 'prompt']);
		expect(input.duration).toBe('5');
	});

	it('maps image to video: start/end image URLs and voices, no aspect ratio', () => {
		const input = toFalInput({
			operation: 'imageToVideo',
			prompt: 'the king speaks <<<voice_1>>>',
			duration: 5,
			generateAudio: true,
			startImage: 'https://img/start.png',
			endImage: 'https://img/end.png',
			voiceIds: ['v1', 'v2'],
		});
		expect(input).toEqual({
			prompt: 'the king speaks <<<voice_1>>>',
			duration: '5',
			generate_audio: true,
			start_image_url: 'https://img/start.png',
			end_image_url: 'https://img/end.png',
			voice_ids: ['v1', 'v2'],
		});
	});

	it('maps motion control and create voice', () => {
		expect(
			toFalInput({
				operation: 'motionControl',
				image: 'https://i.png',
				video: 'https://v.mp4',
				characterOrientation: 'video',
				keepOriginalSound: false,
				mode: 'std',
			}),
		).toEqual({ image_url: 'https://i.png', video_url: 'https://v.mp4', character_orientation: 'video', keep_original_sound: false });
		expect(toFalInput({ operation: 'createVoice', voiceUrl: 'https://a.mp3' })).toEqual({ voice_url: 'https://a.mp3' });
	});

	// Contract correction: Kling v3 takes durations "3" … "15" on fal (strings, as v2.6's "5" | "10").
	it('maps Kling v3 text to video with its durations as strings', () => {
		const request: VideoRequest = { ...t2v, model: 'kling-v3', duration: 15, mode: 'std', generateAudio: true };
		expect(toFalInput(request)).toEqual({
			prompt: 'a fox in snow',
			negative_prompt: 'blur',
			duration: '15',
			aspect_ratio: '9:16',
			cfg_scale: 0.3,
			generate_audio: true,
		});
		for (let duration = 3; duration <= 15; duration++) expect(toFalInput({ ...request, duration }).duration).toBe(String(duration));
	});

	it('maps Kling v3 image to video with start and end frame, without voices', () => {
		expect(
			toFalInput({
				operation: 'imageToVideo',
				model: 'kling-v3',
				prompt: 'p',
				duration: 8,
				generateAudio: false,
				startImage: 'https://img/start.png',
				endImage: 'https://img/end.png',
				mode: 'std',
			}),
		).toEqual({ prompt: 'p', duration: '8', generate_audio: false, start_image_url: 'https://img/start.png', end_image_url: 'https://img/end.png' });
	});
});

describe('endpoints', () => {
	it('picks the pro or the standard motion-control endpoint by quality', () => {
		const base = { operation: 'motionControl', image: 'i', video: 'v', characterOrientation: 'image', keepOriginalSound: true } as const;
		expect(falEndpointOf({ ...base, mode: 'pro' })).toBe('fal-ai/kling-video/v2.6/pro/motion-control');
		expect(falEndpointOf({ ...base, mode: 'std' })).toBe('fal-ai/kling-video/v2.6/standard/motion-control');
		expect(falEndpointOf({ operation: 'createVoice', voiceUrl: 'u' })).toBe('fal-ai/kling-video/create-voice');
	});

	it('sends Kling v2.6 text and image to video to their Pro endpoints', () => {
		expect(falEndpointOf(t2v)).toBe('fal-ai/kling-video/v2.6/pro/text-to-video');
		expect(falEndpointOf({ operation: 'imageToVideo', prompt: 'p', duration: 5, startImage: 's' })).toBe('fal-ai/kling-video/v2.6/pro/image-to-video');
	});

	// Contract correction: Kling v3 is on fal as fal-ai/kling-video/v3/{pro,standard}/… .
	it('picks the Kling v3 endpoint of each operation by mode, Pro by default', () => {
		const v3 = {
			textToVideo: { operation: 'textToVideo', model: 'kling-v3', prompt: 'p', duration: 5, aspectRatio: '16:9' },
			imageToVideo: { operation: 'imageToVideo', model: 'kling-v3', prompt: 'p', duration: 5, startImage: 's' },
		} as const;
		expect(falEndpointOf(v3.textToVideo)).toBe('fal-ai/kling-video/v3/pro/text-to-video');
		expect(falEndpointOf({ ...v3.textToVideo, mode: 'std' })).toBe('fal-ai/kling-video/v3/standard/text-to-video');
		expect(falEndpointOf(v3.imageToVideo)).toBe('fal-ai/kling-video/v3/pro/image-to-video');
		expect(falEndpointOf({ ...v3.imageToVideo, mode: 'std' })).toBe('fal-ai/kling-video/v3/standard/image-to-video');
		const motion = { operation: 'motionControl', model: 'kling-v3', image: 'i', video: 'v', characterOrientation: 'image' } as const;
		expect(falEndpointOf({ ...motion, mode: 'pro' })).toBe('fal-ai/kling-video/v3/pro/motion-control');
		expect(falEndpointOf({ ...motion, mode: 'std' })).toBe('fal-ai/kling-video/v3/standard/motion-control');
	});

	// FAL_ENDPOINTS is gone: the model table is the one list of endpoints.
	it('maps every endpoint of the table back to its model, operation and mode', () => {
		let endpoints = 0;
		for (const [model, rows] of Object.entries(FAL_MODELS) as [ModelId, Record<string, OperationRow>][]) {
			for (const [operation, operationRow] of Object.entries(rows)) {
				for (const mode of modesOf(operationRow)) {
					const path = operationRow.endpoints[mode]!.path;
					expect(falEndpointMatch(path)).toEqual({ model, operation, mode });
					expect(falOperationOfEndpoint(path)).toBe(operation);
					endpoints++;
				}
			}
		}
		// v2.6: text, image, motion control (2 modes), create voice; v3: text, image, motion control, 2 modes each.
		expect(endpoints).toBe(11);
		expect(falEndpointMatch('fal-ai/kling-video/v3/standard/motion-control')).toEqual({ model: 'kling-v3', operation: 'motionControl', mode: 'std' });
		expect(falOperationOfEndpoint('fal-ai/kling-video/create-voice')).toBe('createVoice');
		expect(falOperationOfEndpoint('fal-ai/flux/dev')).toBeNull();
		expect(falEndpointMatch(undefined)).toBeNull();
	});
});

describe('falUrls', () => {
	it('uses the real hosts without a base URL', () => {
		expect(falUrls(undefined)).toEqual({
			queue: 'https://queue.fal.run',
			api: 'https://api.fal.ai',
			rest: 'https://rest.fal.ai',
			jwks: 'https://rest.alpha.fal.ai/.well-known/jwks.json',
		});
	});

	it('puts each host under its prefix of a base URL root', () => {
		expect(falUrls('http://127.0.0.1:9000/')).toEqual({
			queue: 'http://127.0.0.1:9000/fal-queue',
			api: 'http://127.0.0.1:9000/fal-api',
			rest: 'http://127.0.0.1:9000/fal-rest',
			jwks: 'http://127.0.0.1:9000/fal-rest/.well-known/jwks.json',
		});
	});
});

describe('falRequestProblems', () => {
	it('accepts a request within the capabilities', () => {
		expect(falRequestProblems(t2v)).toEqual([]);
	});

	it('names fields fal does not offer instead of dropping them', () => {
		expect(falRequestProblems({ ...t2v, mode: 'std' })).toEqual(["Mode is Standard: fal.ai's Kling v2.6 offers Text to Video only in mode Pro"]);
		expect(falRequestProblems({ ...t2v, mode: 'pro' })).toEqual([]);
		expect(falRequestProblems({ ...t2v, voiceIds: ['v'] })).toEqual([`Voice IDs is ["v"]: fal.ai's Kling v2.6 takes no Voice IDs for Text to Video`]);
		expect(falRequestProblems({ operation: 'imageToVideo', model: 'kling-v3', prompt: 'p', duration: 5, generateAudio: true, startImage: 's', voiceIds: ['v'] })).toEqual([
			`Voice IDs is ["v"]: fal.ai's Kling v3 takes no Voice IDs for Image to Video`,
		]);
		// Voice names are Kling's own API's; fal's create-voice takes only the sample.
		expect(falRequestProblems({ operation: 'createVoice', voiceUrl: 'https://a.mp3', voiceName: 'Anna' })).toEqual([
			`Voice Name is "Anna": fal.ai's Kling v2.6 takes no Voice Name for Create Voice`,
		]);
	});

	it('names the models that offer an operation when another is picked', () => {
		expect(falRequestProblems({ operation: 'createVoice', model: 'kling-v3', voiceUrl: 'https://a.mp3' })).toEqual([
			'Model is Kling v3: fal.ai offers Create Voice with Kling v2.6',
		]);
	});

	it('takes each model\'s own durations', () => {
		expect(falRequestProblems({ ...t2v, duration: 7 })).toEqual(["Duration is 7 s: fal.ai's Kling v2.6 takes 5 and 10 seconds"]);
		expect(falRequestProblems({ ...t2v, model: 'kling-v3', duration: 3 })).toEqual([]);
		expect(falRequestProblems({ ...t2v, model: 'kling-v3', duration: 16 })).toEqual([
			"Duration is 16 s: fal.ai's Kling v3 takes 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 and 15 seconds",
		]);
	});

	it('bounds the prompt length', () => {
		const limit = row('kling-v2.6', 'textToVideo').promptMaxLength!.value;
		expect(limit).toBe(2500);
		expect(falRequestProblems({ ...t2v, prompt: 'x'.repeat(limit) })).toEqual([]);
		expect(falRequestProblems({ ...t2v, prompt: 'x'.repeat(limit + 1) })).toEqual(["Prompt has 2501 characters: fal.ai's Kling v2.6 takes at most 2500"]);
	});

	it('refuses voices without audio', () => {
		const problems = falRequestProblems({
			operation: 'imageToVideo',
			prompt: 'p',
			duration: 5,
			generateAudio: false,
			startImage: 'https://s.png',
			voiceIds: ['v1'],
		});
		expect(problems).toEqual(['Voice IDs are v1 with Generate Audio off: voices are spoken in the audio; allowed are Generate Audio on, or no Voice IDs']);
	});
});

describe('fal errors', () => {
	const detail = [
		{ loc: ['body', 'prompt'], msg: 'field required', type: 'missing' },
		{ loc: ['body', 'duration'], msg: "must be '5' or '10'", type: 'literal_error' },
	];

	it('turns a 422 detail list into "field: message"', () => {
		expect(describeFalDetail(detail)).toBe("prompt: field required; duration: must be '5' or '10'");
		expect(describeFalDetail('plain words')).toBe('plain words');
	});

	it('reads content policy from the detail type or the words', () => {
		expect(readFalError({ detail: [{ loc: ['body'], msg: 'flagged', type: 'content_policy_violation' }] }, '', 422).kind).toBe(
			'contentPolicy',
		);
		expect(readFalError({ detail: 'The output was flagged as NSFW' }, '', 422).kind).toBe('contentPolicy');
		expect(readFalError({ detail }, '', 422)).toEqual({
			message: "prompt: field required; duration: must be '5' or '10'",
			kind: 'invalidInput',
			code: 'missing',
		});
		expect(readFalError(undefined, 'upstream exploded', 500)).toEqual({ message: 'upstream exploded', kind: 'provider', code: undefined });
	});

	it('builds a ProviderApiError with status, code and the provider words, never the key', () => {
		const error = falHttpError(jsonResponse(422, { detail }), 'submit');
		expect(error.httpStatus).toBe(422);
		expect(error.kind).toBe('invalidInput');
		expect(error.message).toContain('prompt: field required');
		const auth = falHttpError(jsonResponse(401, { detail: 'Invalid key' }), 'status', { provider: 'fal', jobId: 'r1', operation: null });
		expect(auth.message).toMatch(/rejected the API key/);
		expect(auth.jobRef?.jobId).toBe('r1');
	});

	it('marks 422 and auth final, 429/5xx retryable unless fal says otherwise', () => {
		expect(falIsFinal(jsonResponse(422, {}))).toBe(true);
		expect(falIsFinal(jsonResponse(401, {}))).toBe(true);
		expect(falIsFinal(jsonResponse(429, {}))).toBe(false);
		expect(falIsFinal(jsonResponse(503, {}))).toBe(false);
		expect(falIsFinal(jsonResponse(503, {}, { 'x-fal-retryable': 'false' }))).toBe(true);
	});

	it('names every mismatch of a malformed answer', () => {
		const parse = () => parseFalAnswer(falStatusSchema, { status: 'DONE', queue_position: 'first' }, 'status answer');
		expect(parse).toThrow(MalformedResponseError);
		expect(parse).toThrow(/status answer.*status: Invalid enum value.*queue_position: Expected number/);
	});
});

describe('sseEvents', () => {
	async function collect(chunks: string[]) {
		const events = [];
		for await (const event of sseEvents(Readable.from(chunks.map((chunk) => Buffer.from(chunk))))) events.push(event);
		return events;
	}

	it('dispatches on blank lines, across chunk borders and CRLF', async () => {
		const events = await collect(['data: {"status":"IN_Q', 'UEUE"}\r', '\n\r\n: keep-alive\n\nevent: x\ndata: a\ndata: b\n\n']);
		expect(events).toEqual([
			{ event: 'message', data: '{"status":"IN_QUEUE"}' },
			{ event: 'x', data: 'a\nb' },
		]);
	});

	it('delivers a last event the server closed without a blank line', async () => {
		expect(await collect(['data: {"status":"COMPLETED"}'])).toEqual([{ event: 'message', data: '{"status":"COMPLETED"}' }]);
	});

	it('handles multi-byte characters split between chunks', async () => {
		const bytes = Buffer.from('data: é\n\n');
		const events = [];
		for await (const event of sseEvents(Readable.from([bytes.subarray(0, 7), bytes.subarray(7)]))) events.push(event);
		expect(events).toEqual([{ event: 'message', data: 'é' }]);
	});
});

describe('fal model table', () => {

	it('offers fal-specific fields only', () => {
		// Image to video has no aspect_ratio (the start image decides) and no cfg_scale.
		expect(sorted(offeredFields(row('kling-v2.6', 'imageToVideo'), 'pro'))).toEqual([
			'duration',
			'endImage',
			'generateAudio',
			'negativePrompt',
			'prompt',
			'startImage',
			'voiceIds',
		]);
		// v2.6 text to video exists only as Pro, so there is no Mode to pick.
		expect(sorted(offeredFields(row('kling-v2.6', 'textToVideo'), 'pro'))).toEqual([
			'aspectRatio',
			'cfgScale',
			'duration',
			'generateAudio',
			'negativePrompt',
			'prompt',
		]);
		expect(sorted(offeredFields(row('kling-v2.6', 'motionControl'), 'std'))).toEqual([
			'characterOrientation',
			'image',
			'keepOriginalSound',
			'mode',
			'prompt',
			'video',
		]);
		expect(offeredFields(row('kling-v2.6', 'createVoice'))).toEqual(['voiceUrl']);
		expect(offeredFields(row('kling-v3', 'textToVideo'), 'std')).toContain('mode');
		expect(offeredFields(row('kling-v3', 'imageToVideo'), 'pro')).not.toContain('voiceIds');
		expect(offeredFields(row('kling-v3', 'imageToVideo'), 'pro')).not.toContain('aspectRatio');
	});
});
