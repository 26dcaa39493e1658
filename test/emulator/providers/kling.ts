/**
 * Kling's own API (api-singapore.klingai.com) under `/kling`: text2video, image2video and
 * motion-control tasks, query and list. Every request carries a fresh HS256 JWT (codes
 * 1000–1004 when it does not verify). Envelope `{code, message, request_id, data}`, `code: 0`
 * on success — even for a task that failed. `external_task_id` makes a submit idempotent.
 * Callbacks are unsigned POSTs of the task object on each status change.
 */
import { randomUUID } from 'node:crypto';
import { verifyKlingJwt } from '../auth';
import type { ProviderModule, RequestContext, Route } from '../context';
import { intParam, isObject, readJson, sendJson } from '../respond';
import { newMessageId } from '../signing';
import { isTerminal } from '../store';
import type { EmulatedJob, JobState, Operation } from '../types';
import { check, type Schema } from '../validate';
import { shapeDelivery, type WebhookMessage } from '../webhooks';
import { jobFaults, randomId, submitGate } from './shared';

const PREFIX = '/kling';
const MODEL_NAME = 'kling-v2-6';

const STATUS: Record<JobState, string> = {
	queued: 'submitted',
	running: 'processing',
	succeeded: 'succeed',
	failed: 'failed',
	// Kling has no cancel; a job the emulator cancels reads as failed.
	canceled: 'failed',
};

const CONTENT_POLICY_MESSAGE = 'Failure to pass the risk control system';

const common: Schema = {
	model_name: { type: 'string', oneOf: [MODEL_NAME] },
	callback_url: { type: 'string' },
	external_task_id: { type: 'string' },
};
const generation: Schema = {
	...common,
	negative_prompt: { type: 'string', maxLength: 2500 },
	sound: { type: 'string', oneOf: ['on', 'off'] },
	mode: { type: 'string', oneOf: ['std', 'pro'] },
	duration: { type: 'string', oneOf: ['5', '10'] },
	voice_list: { type: 'objectArray', maxItems: 2 },
};

const KINDS: Record<string, { operation: Operation; schema: Schema }> = {
	text2video: {
		operation: 'textToVideo',
		schema: {
			...generation,
			prompt: { type: 'string', required: true, maxLength: 2500 },
			aspect_ratio: { type: 'string', oneOf: ['16:9', '9:16', '1:1'] },
		},
	},
	image2video: {
		operation: 'imageToVideo',
		schema: {
			...generation,
			prompt: { type: 'string', maxLength: 2500 },
			image: { type: 'string', required: true },
			image_tail: { type: 'string' },
		},
	},
	'motion-control': {
		operation: 'motionControl',
		schema: {
			...common,
			prompt: { type: 'string', maxLength: 2500 },
			image_url: { type: 'string', required: true },
			video_url: { type: 'string', required: true },
			keep_original_sound: { type: 'string', oneOf: ['yes', 'no'] },
			character_orientation: { type: 'string', required: true, oneOf: ['image', 'video'] },
			mode: { type: 'string', required: true, oneOf: ['std', 'pro'] },
		},
	},
};

/** v2.6 rules across fields (PROVIDERS.md): std has no audio; an end frame only in pro and only without audio. */
function crossFieldProblem(kind: string, input: Record<string, unknown>): string | null {
	if ('cfg_scale' in input) return `cfg_scale is not supported by ${MODEL_NAME}`;
	if (kind === 'motion-control') return null;
	const soundOn = input.sound === 'on';
	const mode = input.mode ?? 'std';
	if (soundOn && mode !== 'pro') return 'sound is only supported in pro mode';
	if (Array.isArray(input.voice_list) && input.voice_list.length > 0 && !soundOn) return 'voice_list requires sound to be on';
	if (input.image_tail !== undefined && (mode !== 'pro' || soundOn)) return 'image_tail is only supported in pro mode without sound';
	if (typeof input.image === 'string' && input.image.startsWith('data:')) {
		return 'image must be a URL or raw base64 without a data: prefix';
	}
	return null;
}

const answer = (ctx: RequestContext, httpStatus: number, code: number, message: string, data: unknown = null) =>
	sendJson(ctx, httpStatus, { code, message, request_id: randomUUID(), data });

/**
 * UNCONFIRMED: units per job. Kling bills in units; assumed std 1.5 / pro 2.5 per 5 s, doubled
 * with audio, nothing for a failed task. A string, as Kling's reference types it.
 */
function unitDeduction(job: EmulatedJob): string {
	if (job.state !== 'succeeded') return '0';
	const perFiveSeconds = job.quality === 'pro' ? 2.5 : 1.5;
	return String(perFiveSeconds * (job.durationSeconds / 5) * (job.withAudio ? 2 : 1));
}

export function task(job: EmulatedJob): Record<string, unknown> {
	let message = '';
	if (job.state === 'failed') message = job.failure?.contentPolicy ? CONTENT_POLICY_MESSAGE : (job.failure?.message ?? 'failed');
	if (job.state === 'canceled') message = 'Task canceled';
	const updated = job.completedAt ?? job.startedAt ?? job.createdAt;
	return {
		task_id: job.id,
		task_status: STATUS[job.state],
		task_status_msg: message,
		task_info: job.externalTaskId === null ? {} : { external_task_id: job.externalTaskId },
		...(job.state === 'succeeded'
			? { task_result: { videos: [{ id: `${job.id}-0`, url: job.outputUrl, duration: String(job.durationSeconds) }] } }
			: {}),
		...(isTerminal(job.state) ? { final_unit_deduction: unitDeduction(job) } : {}),
		created_at: job.createdAt.getTime(),
		updated_at: updated.getTime(),
	};
}

async function submit(ctx: RequestContext, kind: string): Promise<void> {
	const spec = KINDS[kind];
	const body = await readJson(ctx);
	if (!body.ok || !isObject(body.value)) return answer(ctx, 400, 1200, body.ok ? 'request body must be a JSON object' : body.message);
	const input = body.value;
	const issues = check(input, spec.schema);
	const problem = issues.length > 0 ? issues.map((issue) => issue.message).join('; ') : crossFieldProblem(kind, input);
	if (problem) return answer(ctx, 400, 1201, problem);

	const externalTaskId = typeof input.external_task_id === 'string' ? input.external_task_id : null;
	const existing = externalTaskId === null ? undefined : ctx.core.store.list('kling').find((job) => job.externalTaskId === externalTaskId);
	if (existing) {
		// The same external id is the same task: nothing new is created or billed.
		ctx.record.jobId = existing.id;
		return answer(ctx, 200, 0, 'SUCCEED', task(existing));
	}
	if (!submitGate(ctx, kling)) return;
	const mode = (input.mode as 'std' | 'pro' | undefined) ?? 'std';
	const job = ctx.core.store.create({
		provider: 'kling',
		id: randomId('kling'),
		model: MODEL_NAME,
		kind,
		operation: spec.operation,
		input,
		withAudio: kind === 'motion-control' ? input.keep_original_sound !== 'no' : input.sound === 'on',
		durationSeconds: input.duration === '10' ? 10 : 5,
		quality: mode,
		webhookUrl: typeof input.callback_url === 'string' ? input.callback_url : null,
		webhookEvents: null,
		externalTaskId,
		faults: jobFaults(ctx.core, 'kling'),
	});
	ctx.record.jobId = job.id;
	answer(ctx, 200, 0, 'SUCCEED', task(job));
}

const KIND = '(text2video|image2video|motion-control)';

const routes: readonly Route[] = [
	{
		method: 'POST',
		pattern: new RegExp(`^/v1/videos/${KIND}$`),
		name: 'submit',
		handle: (ctx, [, kind]) => submit(ctx, kind),
	},
	{
		method: 'GET',
		pattern: new RegExp(`^/v1/videos/${KIND}/([^/]+)$`),
		name: 'status',
		handle(ctx, [, kind, id]) {
			// The path takes a task id or an external task id.
			const job = ctx.core.store.list('kling').find((j) => j.kind === kind && (j.id === id || j.externalTaskId === id));
			ctx.record.jobId = job?.id ?? id;
			if (!job) return answer(ctx, 404, 1203, 'task not found');
			answer(ctx, 200, 0, 'SUCCEED', task(job));
		},
	},
	{
		method: 'GET',
		pattern: new RegExp(`^/v1/videos/${KIND}$`),
		name: 'list',
		handle(ctx, [, kind]) {
			const pageNum = intParam(ctx.url, 'pageNum', 1);
			const pageSize = intParam(ctx.url, 'pageSize', 30);
			if (pageNum < 1 || pageSize < 1 || pageSize > 500) return answer(ctx, 400, 1201, 'pageNum must be >= 1 and pageSize 1..500');
			const tasks = ctx.core.store.list('kling').filter((job) => job.kind === kind);
			const page = tasks.slice((pageNum - 1) * pageSize, pageNum * pageSize);
			answer(ctx, 200, 0, 'SUCCEED', page.map((job) => task(job)));
		},
	},
];

const KLING_5XX: Record<number, number> = { 500: 5000, 503: 5001, 504: 5002 };

export const kling: ProviderModule = {
	provider: 'kling',
	mounts: [{ prefix: PREFIX, routes }],
	authenticate(ctx) {
		const { klingAccessKey, klingSecretKey } = ctx.core.credentials;
		const result = verifyKlingJwt(ctx.req.headers.authorization, klingAccessKey, klingSecretKey);
		if (result.ok) return true;
		answer(ctx, 401, result.code, result.message);
		return false;
	},
	errors: {
		throttled(ctx, seconds, reason) {
			const [code, message] =
				reason === 'concurrency'
					? [1303, 'Parallel task over resource pack limit']
					: [1302, 'The API request is too fast, please slow down the request frequency'];
			sendJson(ctx, 429, { code, message, request_id: randomUUID(), data: null }, { 'retry-after': seconds });
		},
		serverError: (ctx, status) => answer(ctx, status, KLING_5XX[status] ?? 5000, 'Server internal error'),
		notFound: (ctx) => answer(ctx, 404, 1202, 'invalid request method or path'),
	},
	webhooksFor({ job, from, to }) {
		// Each status change after submission: processing, then the end.
		if (!job.webhookUrl || from === null) return [];
		const message: WebhookMessage = {
			provider: 'kling',
			jobId: job.id,
			event: STATUS[to],
			url: job.webhookUrl,
			messageId: newMessageId(),
			body: JSON.stringify(task(job)),
			sign: () => ({}),
		};
		return isTerminal(to) && job.faults.duplicateWebhook ? [message, message] : [message];
	},
	signedDelivery(job, _core, options) {
		// Kling signs nothing: only the body and its tampering are meaningful.
		return shapeDelivery({}, JSON.stringify(task(job)), options);
	},
};
