/** fal's pure mappings: request → input, endpoints, hosts, errors, SSE parsing, capabilities. */
import { Readable } from 'node:stream';
import { toResponse } from '../../nodes/shared/http';
import type { VideoRequest } from '../../nodes/shared/job';
import {
	FAL_ENDPOINTS,
	describeFalDetail,
	falCapabilities,
	falEndpointOf,
	falHttpError,
	falIsFinal,
	falOperationOfEndpoint,
	falRequestProblems,
	falUrls,
	readFalError,
	sseEvents,
	toFalInput,
} from '../../nodes/shared/providers/fal';
import { parseFalAnswer, falStatusSchema } from '../../nodes/shared/providers/falSchemas';
import { MalformedResponseError } from '../../nodes/shared/errors';

const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}) =>
	toResponse(status, { 'content-type': 'application/json', ...headers }, Buffer.from(JSON.stringify(body)));

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
				quality: 'std',
			}),
		).toEqual({ image_url: 'https://i.png', video_url: 'https://v.mp4', character_orientation: 'video', keep_original_sound: false });
		expect(toFalInput({ operation: 'createVoice', voiceUrl: 'https://a.mp3' })).toEqual({ voice_url: 'https://a.mp3' });
	});
});

describe('endpoints', () => {
	it('picks the pro or the standard motion-control endpoint by quality', () => {
		const base = { operation: 'motionControl', image: 'i', video: 'v', characterOrientation: 'image', keepOriginalSound: true } as const;
		expect(falEndpointOf({ ...base, quality: 'pro' })).toBe('fal-ai/kling-video/v2.6/pro/motion-control');
		expect(falEndpointOf({ ...base, quality: 'std' })).toBe('fal-ai/kling-video/v2.6/standard/motion-control');
		expect(falEndpointOf({ operation: 'createVoice', voiceUrl: 'u' })).toBe('fal-ai/kling-video/create-voice');
	});

	it('maps every endpoint back to its operation', () => {
		expect(falOperationOfEndpoint(FAL_ENDPOINTS.textToVideo)).toBe('textToVideo');
		expect(falOperationOfEndpoint(FAL_ENDPOINTS.imageToVideo)).toBe('imageToVideo');
		expect(falOperationOfEndpoint(FAL_ENDPOINTS.motionControl.std)).toBe('motionControl');
		expect(falOperationOfEndpoint(FAL_ENDPOINTS.createVoice)).toBe('createVoice');
		expect(falOperationOfEndpoint('fal-ai/flux/dev')).toBeNull();
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
		expect(falRequestProblems({ ...t2v, quality: 'std' })).toEqual(['quality is not supported by fal for textToVideo']);
		expect(falRequestProblems({ ...t2v, voiceIds: ['v'] })).toEqual(['voiceIds is not supported by fal for textToVideo']);
	});

	it('bounds the prompt length', () => {
		const problems = falRequestProblems({ ...t2v, prompt: 'x'.repeat(falCapabilities.promptMaxLength + 1) });
		expect(problems[0]).toMatch(/at most 2500/);
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

describe('falCapabilities', () => {
	it('offers the four operations with fal-specific fields only', () => {
		expect(Object.keys(falCapabilities.operations).sort()).toEqual(['createVoice', 'imageToVideo', 'motionControl', 'textToVideo']);
		expect(falCapabilities.operations.imageToVideo).not.toContain('aspectRatio');
		expect(falCapabilities.operations.imageToVideo).not.toContain('cfgScale');
		expect(falCapabilities.operations.textToVideo).not.toContain('quality');
		expect(falCapabilities.operations.motionControl).toContain('quality');
		expect(falCapabilities).toMatchObject({
			longPoll: 'statusStream',
			webhookScheme: 'ed25519Jwks',
			idempotentSubmit: false,
			defaultNegativePrompt: 'blur, distort, and low quality',
			outputRetentionSeconds: 604800,
		});
	});
});
