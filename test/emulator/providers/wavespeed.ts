/**
 * WaveSpeed (api.wavespeed.ai) under `/wavespeed`: Kling v2.6 pro and std and v3.0 submits
 * (schemas in wavespeedSchemas.ts), create voice, result, history list, uploads
 * (wavespeedUploads.ts), webhook secret and balance. Every answer is the envelope
 * `{code, message, data}`; `code != 200` is an error (the HTTP status says the same).
 * Webhooks: the bare prediction, `webhook-signature: v3,<hex HMAC>` keyed with the secret text.
 */
import { checkStaticKey } from '../auth';
import type { EmulatorCore, ProviderModule, RequestContext, Route } from '../context';
import { WRONG_SECRETS } from '../credentials';
import { planOutput, voiceOutput } from '../outputPlan';
import { isObject, readJson, sendJson } from '../respond';
import { newMessageId, unixSeconds, wavespeedHeaders } from '../signing';
import { isTerminal } from '../store';
import type { EmulatedJob, JobState } from '../types';
import { check } from '../validate';
import { shapeDelivery, type WebhookMessage } from '../webhooks';
import { jobFaults, randomId, submitGate } from './shared';
import { envelope, ok } from './wavespeedEnvelope';
import { WAVESPEED_MODELS } from './wavespeedSchemas';
import { uploadRoutes } from './wavespeedUploads';

const PREFIX = '/wavespeed';

const STATUS: Record<JobState, string> = {
	queued: 'created',
	running: 'processing',
	succeeded: 'completed',
	failed: 'failed',
	canceled: 'cancelled',
};

export function prediction(job: EmulatedJob, core: EmulatorCore): Record<string, unknown> {
	const inferenceMs =
		job.startedAt && job.completedAt ? job.completedAt.getTime() - job.startedAt.getTime() : 0;
	let outputs: string[] = [];
	if (job.state === 'succeeded') {
		// UNCONFIRMED: create-voice is assumed to return the voice id as its one output.
		outputs = [job.operation === 'createVoice' ? job.voiceId! : job.outputUrl!];
	}
	let nsfw: boolean[] = [];
	if (job.state === 'succeeded') nsfw = [false];
	else if (job.state === 'failed' && job.failure?.contentPolicy) nsfw = [true];
	let error = '';
	if (job.state === 'failed') {
		error = job.failure?.contentPolicy ? 'The generated content was flagged as NSFW by the safety checker.' : (job.failure?.message ?? 'failed');
	}
	return {
		id: job.id,
		model: job.model,
		outputs,
		urls: { get: `${core.url}${PREFIX}/api/v3/predictions/${job.id}/result` },
		has_nsfw_contents: nsfw,
		status: STATUS[job.state],
		created_at: job.createdAt.toISOString(),
		error,
		executionTime: inferenceMs,
		timings: { inference: inferenceMs },
	};
}

async function submit(ctx: RequestContext, model: string): Promise<void> {
	const spec = WAVESPEED_MODELS[model];
	if (!spec) return envelope(ctx, 404, `model ${model} not found`, null);
	const body = await readJson(ctx);
	if (!body.ok || !isObject(body.value)) return envelope(ctx, 400, body.ok ? 'request body must be a JSON object' : body.message, null);
	const input = body.value;
	const fieldIssues = [...check(input, spec.schema), ...(ctx.injectedIssue ? [ctx.injectedIssue] : [])];
	const issues = fieldIssues.length > 0 ? fieldIssues : (spec.rules?.(input) ?? []);
	if (issues.length > 0) return envelope(ctx, 400, issues.map((issue) => issue.message).join('; '), null);
	if (!submitGate(ctx, wavespeed)) return;
	const id = randomId('wavespeed');
	const job = ctx.core.store.create({
		provider: 'wavespeed',
		id,
		model,
		kind: model,
		operation: spec.operation,
		input,
		...(spec.operation === 'createVoice' ? voiceOutput(id) : planOutput(ctx.core, id, spec.output(input))),
		quality: spec.quality,
		webhookUrl: ctx.url.searchParams.get('webhook'),
		webhookEvents: null,
		externalTaskId: null,
		faults: jobFaults(ctx.core, 'wavespeed'),
	});
	ctx.record.jobId = job.id;
	// Sync mode holds the submit until the prediction ends (or the client leaves).
	if (input.enable_sync_mode === true) await ctx.core.store.waitForChange(job, 10 * 60 * 1000, ctx.signal, true);
	ok(ctx, prediction(job, ctx.core));
}

/** History: newest first, last 7 days, `page_size` 1..100. */
async function list(ctx: RequestContext): Promise<void> {
	const body = await readJson(ctx);
	const query = body.ok && isObject(body.value) ? body.value : {};
	const page = query.page ?? 1;
	const pageSize = query.page_size ?? 100;
	if (!Number.isInteger(page) || (page as number) < 1) return envelope(ctx, 400, 'page must be an integer >= 1', null);
	if (!Number.isInteger(pageSize) || (pageSize as number) < 1 || (pageSize as number) > 100) {
		return envelope(ctx, 400, 'page_size must be an integer between 1 and 100', null);
	}
	const after = Math.max(Date.parse(String(query.created_after ?? '')) || 0, Date.now() - 7 * 24 * 3600 * 1000);
	const before = Date.parse(String(query.created_before ?? '')) || Number.POSITIVE_INFINITY;
	const items = ctx.core.store
		.list('wavespeed')
		.filter((job) => query.model === undefined || query.model === null || job.model === query.model)
		.filter((job) => query.status === undefined || query.status === null || STATUS[job.state] === query.status)
		.filter((job) => job.createdAt.getTime() >= after && job.createdAt.getTime() <= before)
		// "sorted with the most recent prediction first" (created_at; seq breaks ties).
		.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.seq - a.seq);
	const start = ((page as number) - 1) * (pageSize as number);
	ok(ctx, {
		page,
		total: items.length,
		items: items.slice(start, start + (pageSize as number)).map((job) => prediction(job, ctx.core)),
	});
}

const resultRoute = (pattern: RegExp): Route => ({
	method: 'GET',
	pattern,
	name: 'status',
	handle(ctx, [, id]) {
		ctx.record.jobId = id;
		const job = ctx.core.store.get('wavespeed', id);
		if (!job) return envelope(ctx, 404, 'prediction not found', null);
		ok(ctx, prediction(job, ctx.core));
	},
});

const routes: readonly Route[] = [
	resultRoute(/^\/api\/v3\/predictions\/([^/]+)\/result$/),
	// Some WaveSpeed docs poll the bare prediction URL; both answer the same.
	resultRoute(/^\/api\/v3\/predictions\/([^/]+)$/),
	{ method: 'POST', pattern: /^\/api\/v3\/predictions$/, name: 'list', handle: list },
	...uploadRoutes,
	{
		method: 'GET',
		pattern: /^\/api\/v3\/webhook\/secret$/,
		name: 'secret',
		handle: (ctx) => ok(ctx, { secret: ctx.core.credentials.wavespeedWebhookSecret }),
	},
	{ method: 'GET', pattern: /^\/api\/v3\/balance$/, name: 'balance', handle: (ctx) => ok(ctx, { balance: 100 }) },
	{
		method: 'POST',
		pattern: /^\/api\/v3\/(kwaivgi\/[^/]+\/[^/]+)$/,
		name: 'submit',
		handle: (ctx, [, model]) => submit(ctx, model),
	},
];

const sign = (core: EmulatorCore, body: string, messageId: string, secret?: string, offsetSeconds = 0) =>
	wavespeedHeaders(secret ?? core.credentials.wavespeedWebhookSecret, {
		messageId,
		timestamp: unixSeconds() + offsetSeconds,
		body,
	});

export const wavespeed: ProviderModule = {
	provider: 'wavespeed',
	mounts: [{ prefix: PREFIX, routes }],
	authenticate(ctx) {
		const result = checkStaticKey(ctx.req, 'Bearer', ctx.core.credentials.wavespeedKey);
		if (result === 'ok') return true;
		envelope(ctx, 401, result === 'missing' ? 'Unauthorized: missing API key' : 'Unauthorized: invalid API key', null);
		return false;
	},
	errors: {
		throttled(ctx, seconds, reason) {
			const message = reason === 'concurrency' ? 'Too many concurrent tasks for your account level' : 'Too many requests';
			sendJson(ctx, 429, { code: 429, message, data: null }, { 'retry-after': seconds });
		},
		serverError: (ctx, status) => envelope(ctx, status, 'Internal Server Error', null),
		notFound: (ctx) => envelope(ctx, 404, 'Not Found', null),
	},
	webhooksFor({ job, to }, core) {
		if (!job.webhookUrl || !isTerminal(to)) return [];
		const message: WebhookMessage = {
			provider: 'wavespeed',
			jobId: job.id,
			event: STATUS[to],
			url: job.webhookUrl,
			messageId: newMessageId(),
			body: JSON.stringify(prediction(job, core)),
			sign: (body, id) => sign(core, body, id),
		};
		return job.faults.duplicateWebhook ? [message, message] : [message];
	},
	signedDelivery(job, core, options) {
		const body = JSON.stringify(prediction(job, core));
		const secret = options.wrongSecret ? WRONG_SECRETS.wavespeedWebhookSecret : undefined;
		return shapeDelivery(sign(core, body, newMessageId(), secret, options.timestampOffsetSeconds), body, options);
	},
};
