/**
 * Kling's own API (api-singapore.klingai.com) under `/kling`: text2video, image2video and
 * motion-control tasks, query and list (bodies checked per klingSchemas.ts), and custom voices
 * (klingVoices.ts). Every request carries a fresh HS256 JWT (codes 1000–1004 when it does not
 * verify). Envelope `{code, message, request_id, data}`, `code: 0` on success — even for a task
 * that failed. `external_task_id` makes a submit idempotent. Callbacks are unsigned POSTs of the
 * task object on each status change.
 */
import { randomUUID } from 'node:crypto';
import { verifyKlingJwt } from '../auth';
import type { ProviderModule, RequestContext, Route } from '../context';
import { planOutput } from '../outputPlan';
import { isObject, readJson, sendJson } from '../respond';
import { newMessageId } from '../signing';
import { isTerminal } from '../store';
import { check } from '../validate';
import { shapeDelivery, type WebhookMessage } from '../webhooks';
import { answer, invalidParameter, paging } from './klingEnvelope';
import { crossFieldIssue, KINDS, modelOf } from './klingSchemas';
import { answeredExisting, KLING_STATUS, task, taskObject } from './klingTasks';
import { voiceRoutes } from './klingVoices';
import { jobFaults, randomId, submitGate } from './shared';

const PREFIX = '/kling';

async function submit(ctx: RequestContext, kind: string): Promise<void> {
	const spec = KINDS[kind];
	const body = await readJson(ctx);
	if (!body.ok || !isObject(body.value)) return answer(ctx, 400, 1200, body.ok ? 'request body must be a JSON object' : body.message);
	const input = body.value;
	const model = modelOf(kind, input);
	const issues = [...check(input, spec.schema), ...(ctx.injectedIssue ? [ctx.injectedIssue] : [])];
	const problem = issues.length > 0 ? issues.map((issue) => issue.message).join('; ') : crossFieldIssue(kind, model, input)?.message;
	if (problem) return invalidParameter(ctx, problem);

	const externalTaskId = typeof input.external_task_id === 'string' ? input.external_task_id : null;
	if (answeredExisting(ctx, kind, externalTaskId)) return;
	if (!submitGate(ctx, kling)) return;
	const mode = (input.mode as 'std' | 'pro' | undefined) ?? 'std';
	const id = randomId('kling');
	const image = kind === 'image2video' ? (input.image ?? input.image_tail) : input.image_url;
	const firstShot = Array.isArray(input.multi_prompt) ? (input.multi_prompt[0] as { prompt?: unknown }).prompt : undefined;
	const job = ctx.core.store.create({
		provider: 'kling',
		id,
		model,
		kind,
		operation: spec.operation,
		input,
		...planOutput(ctx.core, id, {
			aspectRatio: input.aspect_ratio,
			defaultAspectRatio: '16:9',
			image: kind === 'text2video' ? undefined : image,
			video: kind === 'motion-control' ? input.video_url : undefined,
			seconds: Number(input.duration ?? '5'),
			// sound defaults to off (EN); keep_original_sound to yes.
			withAudio: kind === 'motion-control' ? input.keep_original_sound !== 'no' : input.sound === 'on',
			prompt: input.multi_shot === true ? firstShot : input.prompt,
			rawBase64: true,
		}),
		quality: mode,
		webhookUrl: typeof input.callback_url === 'string' && input.callback_url !== '' ? input.callback_url : null,
		webhookEvents: null,
		externalTaskId,
		faults: jobFaults(ctx.core, 'kling'),
	});
	ctx.record.jobId = job.id;
	answer(ctx, 200, 0, 'SUCCEED', task(job));
}

const KIND = '(text2video|image2video|motion-control)';

const videoRoutes: readonly Route[] = [
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
			// EN: pageSize 1–500 for the video lists.
			const page = paging(ctx, 500);
			if (!page) return;
			// Newest creation first (UNCONFIRMED order; seq breaks ties).
			const tasks = ctx.core.store
				.list('kling')
				.filter((job) => job.kind === kind)
				.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.seq - a.seq);
			const slice = tasks.slice((page.pageNum - 1) * page.pageSize, page.pageNum * page.pageSize);
			answer(ctx, 200, 0, 'SUCCEED', slice.map((job) => task(job)));
		},
	},
];

const KLING_5XX: Record<number, number> = { 500: 5000, 503: 5001, 504: 5002 };

export const kling: ProviderModule = {
	provider: 'kling',
	mounts: [{ prefix: PREFIX, routes: [...videoRoutes, ...voiceRoutes((ctx) => submitGate(ctx, kling))] }],
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
		// EN error table: HTTP 429, code 1304, "Trigger the platform's IP whitelisting policy";
		// the suggestion is to contact customer service, so no Retry-After.
		ipWhitelisted: (ctx) => answer(ctx, 429, 1304, "Trigger the platform's IP whitelisting policy"),
	},
	webhooksFor({ job, from, to }, core) {
		// Each status change after submission: processing, then the end.
		if (!job.webhookUrl || from === null) return [];
		const message: WebhookMessage = {
			provider: 'kling',
			jobId: job.id,
			event: KLING_STATUS[to],
			url: job.webhookUrl,
			messageId: newMessageId(),
			body: JSON.stringify(taskObject(job, core)),
			sign: () => ({}),
		};
		return isTerminal(to) && job.faults.duplicateWebhook ? [message, message] : [message];
	},
	signedDelivery(job, core, options) {
		// Kling signs nothing: only the body and its tampering are meaningful.
		return shapeDelivery({}, JSON.stringify(taskObject(job, core)), options);
	},
};
