/**
 * What fal's Kling endpoints accept and answer: the input schemas, and the result a finished
 * request gives (the result GET, the COMPLETED status's error fields, the webhook payload and
 * the platform request list all read it from here).
 */
import type { EmulatorCore } from '../context';
import { outputFile, outputFileName } from '../files';
import type { EmulatedJob, Operation } from '../types';
import type { Issue, Schema } from '../validate';

/** Status, result and cancel use the app id (first two path segments) only. */
export const APP_ID = 'fal-ai/kling-video';

const t2v: Schema = {
	prompt: { type: 'string', required: true, maxLength: 2500 },
	negative_prompt: { type: 'string' },
	duration: { type: 'string', oneOf: ['5', '10'] },
	aspect_ratio: { type: 'string', oneOf: ['16:9', '9:16', '1:1'] },
	cfg_scale: { type: 'number', min: 0, max: 1 },
	generate_audio: { type: 'boolean' },
};
const i2v: Schema = {
	prompt: { type: 'string', required: true, maxLength: 2500 },
	start_image_url: { type: 'string', required: true },
	end_image_url: { type: 'string' },
	duration: { type: 'string', oneOf: ['5', '10'] },
	negative_prompt: { type: 'string' },
	cfg_scale: { type: 'number', min: 0, max: 1 },
	generate_audio: { type: 'boolean' },
	voice_ids: { type: 'stringArray', maxItems: 2 },
};
const motionControl: Schema = {
	image_url: { type: 'string', required: true },
	video_url: { type: 'string', required: true },
	character_orientation: { type: 'string', required: true, oneOf: ['image', 'video'] },
	keep_original_sound: { type: 'boolean' },
	prompt: { type: 'string', maxLength: 2500 },
};
const createVoice: Schema = { voice_url: { type: 'string', required: true } };

interface EndpointSpec {
	operation: Operation;
	quality: 'std' | 'pro';
	schema: Schema;
	category: string;
}

export const ENDPOINTS: Record<string, EndpointSpec> = {
	'fal-ai/kling-video/v2.6/pro/text-to-video': { operation: 'textToVideo', quality: 'pro', schema: t2v, category: 'text-to-video' },
	'fal-ai/kling-video/v2.6/pro/image-to-video': { operation: 'imageToVideo', quality: 'pro', schema: i2v, category: 'image-to-video' },
	'fal-ai/kling-video/v2.6/pro/motion-control': { operation: 'motionControl', quality: 'pro', schema: motionControl, category: 'video-to-video' },
	'fal-ai/kling-video/v2.6/standard/motion-control': { operation: 'motionControl', quality: 'std', schema: motionControl, category: 'video-to-video' },
	'fal-ai/kling-video/create-voice': { operation: 'createVoice', quality: 'pro', schema: createVoice, category: 'audio' },
};

/**
 * The result GET (and the webhook payload): 200 with the output, 422 for content policy and
 * input errors, 400 for a canceled request (UNCONFIRMED wording), 500 otherwise.
 */
export function resultAnswer(
	job: EmulatedJob,
	core: EmulatorCore,
): { status: number; body: unknown; error?: string; errorType?: string } {
	if (job.state === 'succeeded') {
		if (job.operation === 'createVoice') return { status: 200, body: { voice_id: job.voiceId } };
		return {
			status: 200,
			body: {
				video: {
					url: job.outputUrl,
					content_type: 'video/mp4',
					file_name: outputFileName(job),
					file_size: outputFile(core, job).size,
				},
			},
		};
	}
	if (job.state === 'canceled') {
		return { status: 400, body: { detail: 'Request was cancelled' }, error: 'Request was cancelled', errorType: 'request_cancelled' };
	}
	const failure = job.failure;
	if (failure?.validation) {
		return { status: 422, body: { detail: failure.validation }, error: 'Invalid status code: 422', errorType: 'validation_error' };
	}
	if (failure?.contentPolicy) {
		const field = job.operation === 'motionControl' ? 'image_url' : 'prompt';
		const detail = [
			{
				loc: ['body', field],
				msg: 'The content could not be processed because it contained material flagged by a content checker.',
				type: 'content_policy_violation',
				url: 'https://docs.fal.ai/errors#content_policy_violation',
				ctx: {},
				input: job.input[field] ?? null,
			},
		];
		return { status: 422, body: { detail }, error: 'Invalid status code: 422', errorType: 'content_policy_violation' };
	}
	return {
		status: 500,
		body: { detail: failure?.message ?? 'Internal Server Error', error_type: 'internal_error' },
		error: 'Invalid status code: 500',
		errorType: 'internal_error',
	};
}

/** Pydantic v2 error items, as fal's runners return them. */
export function pydanticIssues(issues: Issue[], input: unknown): unknown[] {
	return issues.map((issue) => {
		const loc = ['body', issue.field];
		if (issue.allowed) {
			const expected = issue.allowed.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(' or ');
			return { type: 'literal_error', loc, msg: `Input should be ${expected}`, input: issue.given, ctx: { expected } };
		}
		switch (issue.kind) {
			case 'missing':
				return { type: 'missing', loc, msg: 'Field required', input };
			case 'type': {
				const names: Record<string, string> = { string: 'string', int: 'integer', float: 'number', bool: 'boolean', list: 'list' };
				const type = `${issue.expectedType ?? 'string'}_type`;
				return { type, loc, msg: `Input should be a valid ${names[issue.expectedType ?? 'string']}`, input: issue.given };
			}
			case 'range':
				return { type: 'less_than_equal', loc, msg: issue.message, input: issue.given };
			default:
				return { type: 'too_long', loc, msg: issue.message, input: issue.given };
		}
	});
}
