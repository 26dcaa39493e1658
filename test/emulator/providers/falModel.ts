/**
 * What fal's Kling endpoints answer: the result a finished request gives (the result GET, the
 * COMPLETED status's error fields, the webhook payload and the platform request list all read
 * it from here), and the runner's pydantic errors. The input schemas are in falSchemas.ts.
 */
import type { EmulatorCore } from '../context';
import { outputFile, outputFileName } from '../files';
import type { EmulatedJob } from '../types';
import type { Issue } from '../validate';

export { ENDPOINTS } from './falSchemas';

/** Status, result and cancel use the app id (first two path segments) only. */
export const APP_ID = 'fal-ai/kling-video';

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
		const loc = ['body', ...issue.path];
		if (issue.kind === 'unknown') return { type: 'extra_forbidden', loc, msg: 'Extra inputs are not permitted', input: issue.given };
		// A model validator's error: pydantic puts it at the model's own location.
		if (issue.kind === 'rule') return { type: 'value_error', loc, msg: `Value error, ${issue.message}`, input, ctx: { error: issue.message } };
		if (issue.allowed) {
			const expected = issue.allowed.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(' or ');
			return { type: 'literal_error', loc, msg: `Input should be ${expected}`, input: issue.given, ctx: { expected } };
		}
		switch (issue.kind) {
			case 'missing':
				return { type: 'missing', loc, msg: 'Field required', input };
			case 'type': {
				const names: Record<string, string> = {
					string: 'string',
					int: 'integer',
					float: 'number',
					bool: 'boolean',
					list: 'list',
					dict: 'dictionary',
				};
				const type = `${issue.expectedType ?? 'string'}_type`;
				return { type, loc, msg: `Input should be a valid ${names[issue.expectedType ?? 'string']}`, input: issue.given };
			}
			case 'range':
				return { type: 'less_than_equal', loc, msg: issue.message, input: issue.given };
			case 'length': {
				const type = issue.message.includes('at least') ? 'too_short' : 'too_long';
				return { type, loc, msg: issue.message, input: issue.given };
			}
			default:
				return { type: 'value_error', loc, msg: issue.message, input: issue.given };
		}
	});
}
