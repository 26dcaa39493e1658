/**
 * fal.ai under three prefixes, one per real host: `/fal-queue` (queue.fal.run: submit, status,
 * status stream, result, cancel; this file), `/fal-api` (falPlatform.ts) and `/fal-rest`
 * (falPlatform.ts, storage in falStorage.ts). Endpoint schemas: falSchemas.ts.
 *
 * Like the real queue, a submit is accepted without looking at the input: field errors (a wrong
 * type, an unknown field, a broken rule) surface when the request runs, as COMPLETED with a 422
 * result `{detail: [{loc: ["body", field], msg, type}]}` (and an ERROR webhook). Webhooks are
 * signed with Ed25519 over `request_id \n user_id \n timestamp \n sha256(body)`.
 */
import { checkStaticKey } from '../auth';
import type { EmulatorCore, ProviderModule, RequestContext, Route } from '../context';
import { FAL_SIGNING_KEY, FAL_WRONG_SIGNING_KEY } from '../credentials';
import { readJson, isObject, sendJson } from '../respond';
import { falHeaders, unixSeconds } from '../signing';
import { isTerminal } from '../store';
import type { EmulatedJob } from '../types';
import { planOutput, voiceOutput } from '../outputPlan';
import { check } from '../validate';
import { shapeDelivery, type WebhookMessage } from '../webhooks';
import { APP_ID, ENDPOINTS, pydanticIssues, resultAnswer } from './falModel';
import { falOutput } from './falSchemas';
import { apiRoutes, restRoutes } from './falPlatform';
import { storageRoutes } from './falStorage';
import { jobFaults, randomId } from './shared';

const QUEUE = '/fal-queue';
const API = '/fal-api';
const REST = '/fal-rest';

// ---- queue status ------------------------------------------------------------------------------

const queueUrls = (core: EmulatorCore, job: EmulatedJob) => {
	const base = `${core.url}${QUEUE}/${APP_ID}/requests/${job.id}`;
	return { response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` };
};

const falLogs = (job: EmulatedJob) =>
	job.logs.map((line) => ({ message: line.message, level: 'INFO', source: 'USER', timestamp: line.at.toISOString() }));

function queueStatus(job: EmulatedJob, core: EmulatorCore, withLogs: boolean): Record<string, unknown> {
	const common = { request_id: job.id, ...queueUrls(core, job) };
	if (job.state === 'queued') return { status: 'IN_QUEUE', ...common, queue_position: core.store.queuePosition(job) };
	const logs = withLogs ? falLogs(job) : null;
	if (job.state === 'running') return { status: 'IN_PROGRESS', ...common, logs };
	const inference = job.startedAt && job.completedAt ? (job.completedAt.getTime() - job.startedAt.getTime()) / 1000 : null;
	const result = resultAnswer(job, core);
	return {
		status: 'COMPLETED',
		...common,
		logs,
		metrics: { inference_time: inference },
		...(result.status === 200 ? {} : { error: result.error, error_type: result.errorType }),
	};
}

// ---- queue routes ---------------------------------------------------------------------------

async function submit(ctx: RequestContext, endpoint: string): Promise<void> {
	const spec = ENDPOINTS[endpoint];
	if (!spec) return sendJson(ctx, 404, { detail: `Application '${endpoint}' not found` });
	const body = await readJson(ctx);
	if (!body.ok || !isObject(body.value)) {
		return sendJson(ctx, 422, { detail: body.ok ? 'Input should be a valid dictionary' : body.message });
	}
	const input = body.value;
	// Field errors first; the model's own validators only run on input whose fields are right.
	const fieldIssues = [...check(input, spec.schema), ...(ctx.injectedIssue ? [ctx.injectedIssue] : [])];
	const issues = fieldIssues.length > 0 ? fieldIssues : (spec.rules ?? []).flatMap((rule) => rule(input));
	const webhook = ctx.url.searchParams.get('fal_webhook');
	const id = randomId('fal');
	const job = ctx.core.store.create({
		provider: 'fal',
		id,
		model: endpoint,
		kind: APP_ID,
		operation: spec.operation,
		input,
		...(spec.operation === 'createVoice' ? voiceOutput(id) : planOutput(ctx.core, id, falOutput(spec, input))),
		quality: spec.quality,
		webhookUrl: webhook,
		webhookEvents: null,
		externalTaskId: null,
		faults: jobFaults(ctx.core, 'fal'),
		runtimeFailure:
			issues.length > 0 ? { message: 'Invalid input', contentPolicy: false, validation: pydanticIssues(issues, input) } : undefined,
	});
	ctx.record.jobId = job.id;
	sendJson(
		ctx,
		200,
		{
			status: 'IN_QUEUE',
			request_id: job.id,
			gateway_request_id: job.id,
			...queueUrls(ctx.core, job),
			logs: null,
			metrics: {},
			queue_position: ctx.core.store.queuePosition(job),
		},
		{ 'x-fal-request-id': job.id },
	);
}

function findJob(ctx: RequestContext, id: string): EmulatedJob | null {
	ctx.record.jobId = id;
	const job = ctx.core.store.get('fal', id);
	if (!job) sendJson(ctx, 404, { detail: `Request ${id} not found` });
	return job ?? null;
}

const withLogs = (ctx: RequestContext) => ['1', 'true'].includes(ctx.url.searchParams.get('logs') ?? '');

/** Server-sent events: the status now and at every change, closed after COMPLETED. */
function stream(ctx: RequestContext, job: EmulatedJob): void {
	ctx.record.status = 200;
	ctx.res.writeHead(200, {
		'content-type': 'text/event-stream',
		'cache-control': 'no-cache',
		connection: 'keep-alive',
		'x-fal-request-id': job.id,
	});
	const write = () => {
		ctx.res.write(`data: ${JSON.stringify(queueStatus(job, ctx.core, withLogs(ctx)))}\n\n`);
		if (isTerminal(job.state)) finish();
	};
	const off = ctx.core.store.onChange((change) => {
		if (change.job === job) write();
	});
	const finish = () => {
		off();
		ctx.signal.removeEventListener('abort', finish);
		if (!ctx.res.writableEnded) ctx.res.end();
	};
	ctx.signal.addEventListener('abort', finish);
	write();
}

const REQUEST = '(?:/[^/]+)*?/requests/([^/]+)';
const queueRoutes: readonly Route[] = [
	{
		method: 'GET',
		pattern: new RegExp(`^/fal-ai/kling-video${REQUEST}/status$`),
		name: 'status',
		handle(ctx, [, id]) {
			const job = findJob(ctx, id);
			if (job) sendJson(ctx, 200, queueStatus(job, ctx.core, withLogs(ctx)), { 'x-fal-request-id': job.id });
		},
	},
	{
		method: 'GET',
		pattern: new RegExp(`^/fal-ai/kling-video${REQUEST}/status/stream$`),
		name: 'stream',
		handle(ctx, [, id]) {
			const job = findJob(ctx, id);
			if (job) stream(ctx, job);
		},
	},
	{
		method: 'PUT',
		pattern: new RegExp(`^/fal-ai/kling-video${REQUEST}/cancel$`),
		name: 'cancel',
		handle(ctx, [, id]) {
			const job = findJob(ctx, id);
			if (!job) return;
			// UNCONFIRMED: fal documents cancel for queued requests; the emulator also stops a running one.
			if (ctx.core.store.cancel(job)) sendJson(ctx, 202, { status: 'CANCELLATION_REQUESTED' });
			else sendJson(ctx, 400, { status: 'ALREADY_COMPLETED' });
		},
	},
	{
		method: 'GET',
		pattern: new RegExp(`^/fal-ai/kling-video${REQUEST}$`),
		name: 'result',
		handle(ctx, [, id]) {
			const job = findJob(ctx, id);
			if (!job) return;
			if (!isTerminal(job.state)) return sendJson(ctx, 400, { detail: 'Request is still in progress' });
			const answer = resultAnswer(job, ctx.core);
			const headers: Record<string, string> = { 'x-fal-request-id': job.id };
			if (answer.status >= 500 && answer.errorType) headers['x-fal-error-type'] = answer.errorType;
			sendJson(ctx, answer.status, answer.body, headers);
		},
	},
	{
		method: 'POST',
		pattern: /^\/(fal-ai\/.+)$/,
		name: 'submit',
		handle: (ctx, [, endpoint]) => submit(ctx, endpoint),
	},
];

// ---- module -----------------------------------------------------------------------------------

function webhookBody(job: EmulatedJob, core: EmulatorCore): string {
	const answer = resultAnswer(job, core);
	return JSON.stringify({
		request_id: job.id,
		gateway_request_id: job.id,
		status: answer.status === 200 ? 'OK' : 'ERROR',
		payload: answer.body,
		...(answer.status === 200 ? {} : { error: answer.error }),
	});
}

const sign = (core: EmulatorCore, body: string, requestId: string, wrongKey = false, offsetSeconds = 0) =>
	falHeaders(wrongKey ? FAL_WRONG_SIGNING_KEY : FAL_SIGNING_KEY, core.credentials.falUserId, {
		messageId: requestId,
		timestamp: unixSeconds() + offsetSeconds,
		body,
	});

const ERROR_TYPES: Record<number, string> = { 502: 'bad_gateway', 503: 'runner_unavailable', 504: 'request_timeout' };

export const fal: ProviderModule = {
	provider: 'fal',
	mounts: [
		{ prefix: QUEUE, routes: queueRoutes },
		{ prefix: API, routes: apiRoutes },
		{ prefix: REST, routes: [...storageRoutes, ...restRoutes] },
	],
	authenticate(ctx) {
		const result = checkStaticKey(ctx.req, 'Key', ctx.core.credentials.falKey);
		if (result === 'ok') return true;
		sendJson(ctx, 401, {
			detail: result === 'missing' ? 'Missing authorization header' : 'No user found for Key ID and Secret',
		});
		return false;
	},
	errors: {
		throttled(ctx, seconds) {
			sendJson(ctx, 429, { detail: 'Rate limit exceeded', error_type: 'rate_limited' }, {
				'retry-after': seconds,
				'x-fal-error-type': 'rate_limited',
			});
		},
		serverError(ctx, status) {
			const type = ERROR_TYPES[status] ?? 'internal_error';
			sendJson(ctx, status, { detail: 'Internal Server Error', error_type: type }, { 'x-fal-error-type': type });
		},
		notFound: (ctx) => sendJson(ctx, 404, { detail: 'Not Found' }),
	},
	webhooksFor({ job, to }, core) {
		if (!job.webhookUrl || !isTerminal(to)) return [];
		const message: WebhookMessage = {
			provider: 'fal',
			jobId: job.id,
			event: to,
			url: job.webhookUrl,
			messageId: job.id,
			body: webhookBody(job, core),
			sign: (body) => sign(core, body, job.id),
		};
		return job.faults.duplicateWebhook ? [message, message] : [message];
	},
	signedDelivery(job, core, options) {
		const body = webhookBody(job, core);
		return shapeDelivery(sign(core, body, job.id, options.wrongSecret, options.timestampOffsetSeconds), body, options);
	},
};
