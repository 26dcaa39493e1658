/**
 * Replicate (api.replicate.com/v1) under `/replicate`: model predictions for Kling v2.6, its
 * motion-control model and Kling v3 (schemas in replicateSchemas.ts), get / cancel / list,
 * files, the default webhook secret and the account. Webhooks follow Standard Webhooks (`v1,`
 * base64 HMAC keyed with the decoded secret).
 */
import { createHash } from 'node:crypto';
import type { EmulatorCore, ProviderModule, RequestContext, Route } from '../context';
import { checkStaticKey } from '../auth';
import { WRONG_SECRETS } from '../credentials';
import { uploadUrl } from '../files';
import type { JobChange } from '../store';
import { isObject, isoOrNull, readJson, readMultipart, sendJson } from '../respond';
import { newMessageId, standardWebhooksHeaders, unixSeconds } from '../signing';
import { planOutput } from '../outputPlan';
import type { EmulatedJob, JobState } from '../types';
import { check, issue, type Issue } from '../validate';
import { shapeDelivery, type WebhookMessage } from '../webhooks';
import { REPLICATE_MODELS } from './replicateSchemas';
import { jobFaults, randomId, submitGate } from './shared';

const PREFIX = '/replicate';

/** Replicate's state names. */
const STATUS: Record<JobState, string> = {
	queued: 'starting',
	running: 'processing',
	succeeded: 'succeeded',
	failed: 'failed',
	canceled: 'canceled',
};

/** Replicate's content-moderation failure text (error code E005). */
const CONTENT_POLICY_ERROR =
	'The input or output was flagged as sensitive. Please try again with different inputs. (E005)';

const WEBHOOK_EVENTS = ['start', 'output', 'logs', 'completed'];

const apiUrl = (core: EmulatorCore, path: string) => `${core.url}${PREFIX}/v1${path}`;

export function prediction(job: EmulatedJob, core: EmulatorCore): Record<string, unknown> {
	const get = apiUrl(core, `/predictions/${job.id}`);
	const predictSeconds =
		job.startedAt && job.completedAt ? (job.completedAt.getTime() - job.startedAt.getTime()) / 1000 : null;
	const totalSeconds = job.completedAt ? (job.completedAt.getTime() - job.createdAt.getTime()) / 1000 : null;
	return {
		id: job.id,
		model: job.model,
		version: 'hidden',
		input: job.input,
		logs: job.logs.map((line) => `${line.message}\n`).join(''),
		// Kept even when expired, so a client that downloads sees the CDN's 404/410 itself.
		output: job.state === 'succeeded' ? job.outputUrl : null,
		data_removed: job.state === 'succeeded' && job.faults.expiredOutput !== null,
		error: job.state === 'failed' ? (job.failure?.contentPolicy ? CONTENT_POLICY_ERROR : job.failure?.message) : null,
		source: 'api',
		status: STATUS[job.state],
		created_at: job.createdAt.toISOString(),
		started_at: isoOrNull(job.startedAt),
		completed_at: isoOrNull(job.completedAt),
		urls: { get, cancel: `${get}/cancel`, web: `https://replicate.com/p/${job.id}` },
		metrics: predictSeconds === null ? {} : { predict_time: predictSeconds, total_time: totalSeconds },
		...(job.webhookUrl ? { webhook: job.webhookUrl, webhook_events_filter: job.webhookEvents ?? WEBHOOK_EVENTS } : {}),
	};
}

const problem = (ctx: RequestContext, status: number, title: string, detail: string, extra: object = {}) =>
	sendJson(ctx, status, { title, detail, status, ...extra });

/** invalid_fields `type` per issue kind (JSON-schema validator names; the exact strings are UNCONFIRMED). */
const FIELD_ERROR_TYPES: Record<Issue['kind'], string> = {
	missing: 'required',
	type: 'invalid_type',
	enum: 'enum',
	range: 'range',
	length: 'length',
	unknown: 'additional_property_not_allowed',
	rule: 'invalid',
};

function invalidInput(ctx: RequestContext, issues: Issue[]): void {
	const field = (i: Issue) => (i.field ? `input.${i.field}` : 'input');
	const description = (i: Issue) => (i.kind === 'unknown' ? `Additional property ${i.field} is not allowed` : i.message);
	problem(ctx, 422, 'Input validation failed', issues.map((i) => `- ${field(i)}: ${description(i)}\n`).join(''), {
		invalid_fields: issues.map((i) => ({ type: FIELD_ERROR_TYPES[i.kind], field: field(i), description: description(i) })),
	});
}

/** `Prefer: wait` (60 s) or `wait=N` (1..60). */
function preferWaitSeconds(ctx: RequestContext): number | null {
	const header = [ctx.req.headers.prefer ?? []].flat().join(',');
	const match = /(?:^|[,;\s])wait(?:=(\d+))?(?:$|[,;\s])/.exec(header);
	if (!match) return null;
	return match[1] === undefined ? 60 : Math.min(60, Math.max(1, Number(match[1])));
}

async function create(ctx: RequestContext, model: string): Promise<void> {
	const spec = REPLICATE_MODELS[model];
	if (!spec) return problem(ctx, 404, 'Not found', 'The requested model could not be found.');
	const body = await readJson(ctx);
	if (!body.ok || !isObject(body.value)) return problem(ctx, 400, 'Bad request', body.ok ? 'The body must be a JSON object.' : body.message);
	const { input, webhook, webhook_events_filter: events } = body.value;
	if (!isObject(input)) return invalidInput(ctx, [issue('', 'missing', 'input is required')]);
	const issues = [...check(input, spec.schema), ...(ctx.injectedIssue ? [ctx.injectedIssue] : [])];
	if (issues.length > 0) return invalidInput(ctx, issues);
	if (webhook !== undefined && (typeof webhook !== 'string' || !/^https?:\/\//.test(webhook))) {
		return problem(ctx, 422, 'Invalid webhook URL', 'webhook must be a valid URL');
	}
	if (events !== undefined && (!Array.isArray(events) || !events.every((e) => WEBHOOK_EVENTS.includes(e as string)))) {
		return problem(ctx, 422, 'Input validation failed', `webhook_events_filter items must be one of: ${WEBHOOK_EVENTS.join(', ')}`);
	}
	if (!submitGate(ctx, replicate)) return;
	const id = randomId('replicate');
	// The model's own checks run in the model: the prediction is created, then fails.
	const runtimeProblem = spec.runtimeProblem?.(input) ?? null;
	const job = ctx.core.store.create({
		provider: 'replicate',
		id,
		model,
		kind: model,
		input,
		operation: spec.operation(input),
		quality: spec.quality(input),
		...planOutput(ctx.core, id, spec.output(input)),
		runtimeFailure: runtimeProblem === null ? undefined : { message: runtimeProblem, contentPolicy: false },
		webhookUrl: (webhook as string | undefined) ?? null,
		webhookEvents: (events as string[] | undefined) ?? null,
		externalTaskId: null,
		faults: jobFaults(ctx.core, 'replicate'),
	});
	ctx.record.jobId = job.id;
	const wait = preferWaitSeconds(ctx);
	if (wait !== null) await ctx.core.store.waitForChange(job, wait * 1000, ctx.signal, true);
	sendJson(ctx, 201, prediction(job, ctx.core));
}

function findJob(ctx: RequestContext, id: string): EmulatedJob | null {
	ctx.record.jobId = id;
	const job = ctx.core.store.get('replicate', id);
	if (!job) replicate.errors.notFound(ctx);
	return job ?? null;
}

/** Newest creation first (seq breaks ties), as Replicate sorts: "with the most recent prediction first". */
const byCreation = (a: EmulatedJob, b: EmulatedJob) => b.createdAt.getTime() - a.createdAt.getTime() || b.seq - a.seq;

/**
 * `created_after` ("created at or after") and `created_before` ("created before this date-time",
 * replicate-python-beta prediction_list_params.py). Cursor = creation instant and `seq` of the
 * last prediction on the page; the next page holds the ones after it in that order (older).
 */
function list(ctx: RequestContext): void {
	const PAGE = 100;
	const after = Date.parse(ctx.url.searchParams.get('created_after') ?? '');
	const before = Date.parse(ctx.url.searchParams.get('created_before') ?? '');
	const [cursorAt, cursorSeq] = Buffer.from(ctx.url.searchParams.get('cursor') ?? '', 'base64url').toString().split(':').map(Number);
	const hasCursor = Number.isFinite(cursorAt) && Number.isFinite(cursorSeq);
	const matching = ctx.core.store
		.list('replicate')
		.filter((job) => Number.isNaN(after) || job.createdAt.getTime() >= after)
		.filter((job) => Number.isNaN(before) || job.createdAt.getTime() < before)
		.sort(byCreation);
	const afterCursor = (job: EmulatedJob) =>
		!hasCursor || job.createdAt.getTime() < cursorAt || (job.createdAt.getTime() === cursorAt && job.seq < cursorSeq);
	const rest = matching.filter(afterCursor);
	const page = rest.slice(0, PAGE);
	const last = page[page.length - 1];
	let next: string | null = null;
	if (last && rest.length > page.length) {
		const url = new URL(apiUrl(ctx.core, '/predictions'));
		for (const name of ['created_after', 'created_before']) {
			const value = ctx.url.searchParams.get(name);
			if (value !== null) url.searchParams.set(name, value);
		}
		url.searchParams.set('cursor', Buffer.from(`${last.createdAt.getTime()}:${last.seq}`).toString('base64url'));
		next = url.toString();
	}
	sendJson(ctx, 200, { next, previous: null, results: page.map((job) => prediction(job, ctx.core)) });
}

async function uploadFile(ctx: RequestContext): Promise<void> {
	const form = await readMultipart(ctx);
	const content = form?.files.find((part) => part.name === 'content');
	if (!form || !content) return problem(ctx, 400, 'Bad request', 'A multipart form with a `content` file is required.');
	const metadataPart = form.files.find((part) => part.name === 'metadata');
	let metadata: unknown = {};
	try {
		metadata = JSON.parse(metadataPart ? metadataPart.bytes.toString('utf8') : (form.fields.metadata ?? '{}'));
	} catch {
		return problem(ctx, 400, 'Bad request', 'metadata must be JSON.');
	}
	const file = ctx.core.uploads.add({
		provider: 'replicate',
		fileName: content.fileName,
		contentType: content.contentType,
		bytes: content.bytes,
		metadata,
	});
	sendJson(ctx, 201, fileObject(ctx.core, file.id));
}

function fileObject(core: EmulatorCore, id: string): Record<string, unknown> {
	const file = core.uploads.get('replicate', id)!;
	const bytes = file.bytes ?? Buffer.alloc(0);
	return {
		id: file.id,
		name: file.fileName,
		content_type: file.contentType,
		size: bytes.length,
		etag: createHash('md5').update(bytes).digest('hex'),
		checksums: {
			sha256: createHash('sha256').update(bytes).digest('hex'),
			md5: createHash('md5').update(bytes).digest('hex'),
		},
		metadata: file.metadata,
		created_at: file.createdAt.toISOString(),
		expires_at: new Date(file.createdAt.getTime() + 24 * 3600 * 1000).toISOString(),
		urls: { get: apiUrl(core, `/files/${file.id}`) },
	};
}

const routes: readonly Route[] = [
	{
		method: 'POST',
		pattern: /^\/v1\/models\/([^/]+\/[^/]+)\/predictions$/,
		name: 'submit',
		handle: (ctx, [, model]) => create(ctx, model),
	},
	{
		method: 'GET',
		pattern: /^\/v1\/predictions$/,
		name: 'list',
		handle: list,
	},
	{
		method: 'GET',
		pattern: /^\/v1\/predictions\/([^/]+)$/,
		name: 'status',
		handle(ctx, [, id]) {
			const job = findJob(ctx, id);
			if (job) sendJson(ctx, 200, prediction(job, ctx.core));
		},
	},
	{
		method: 'POST',
		pattern: /^\/v1\/predictions\/([^/]+)\/cancel$/,
		name: 'cancel',
		handle(ctx, [, id]) {
			const job = findJob(ctx, id);
			if (!job) return;
			// Canceling a finished prediction is not an error: it comes back as it is.
			ctx.core.store.cancel(job);
			sendJson(ctx, 200, prediction(job, ctx.core));
		},
	},
	{ method: 'POST', pattern: /^\/v1\/files$/, name: 'upload', handle: uploadFile },
	{
		method: 'GET',
		pattern: /^\/v1\/files\/([^/]+)$/,
		name: 'file',
		handle(ctx, [, id]) {
			if (!ctx.core.uploads.get('replicate', id)) return replicate.errors.notFound(ctx);
			sendJson(ctx, 200, fileObject(ctx.core, id));
		},
	},
	{
		method: 'GET',
		pattern: /^\/v1\/files\/([^/]+)\/download$/,
		name: 'file',
		handle(ctx, [, id]) {
			const file = ctx.core.uploads.get('replicate', id);
			if (!file) return replicate.errors.notFound(ctx);
			// The bytes live on the CDN stand-in; the API answers with a redirect there.
			ctx.record.status = 307;
			ctx.res.writeHead(307, { location: uploadUrl(ctx.core, file), 'content-length': 0 });
			ctx.res.end();
		},
	},
	{
		method: 'GET',
		pattern: /^\/v1\/webhooks\/default\/secret$/,
		name: 'secret',
		handle: (ctx) => sendJson(ctx, 200, { key: ctx.core.credentials.replicateWebhookSecret }),
	},
	{
		method: 'GET',
		pattern: /^\/v1\/account$/,
		name: 'account',
		handle: (ctx) =>
			sendJson(ctx, 200, { type: 'user', username: 'emulator', name: 'Kling Video Emulator', github_url: null }),
	},
];

function sign(core: EmulatorCore, body: string, messageId: string, secret?: string, offsetSeconds = 0) {
	return standardWebhooksHeaders(secret ?? core.credentials.replicateWebhookSecret, {
		messageId,
		timestamp: unixSeconds() + offsetSeconds,
		body,
	});
}

/** Which Replicate webhook events a state change produces, in sending order. */
function eventsFor(change: JobChange): string[] {
	if (change.from === null) return ['start'];
	if (change.to === 'running') return ['logs'];
	if (change.to === 'succeeded') return ['output', 'completed'];
	if (change.to === 'failed' || change.to === 'canceled') return ['completed'];
	return [];
}

export const replicate: ProviderModule = {
	provider: 'replicate',
	mounts: [{ prefix: PREFIX, routes }],
	authenticate(ctx) {
		if (checkStaticKey(ctx.req, 'Bearer', ctx.core.credentials.replicateToken) === 'ok') return true;
		problem(ctx, 401, 'Unauthenticated', 'You did not pass a valid authentication token');
		return false;
	},
	errors: {
		throttled(ctx, seconds) {
			sendJson(ctx, 429, { detail: `Request was throttled. Expected available in ${seconds} second(s).` }, { 'retry-after': seconds });
		},
		serverError: (ctx, status) => problem(ctx, status, 'Internal Server Error', 'An unexpected error occurred.'),
		notFound: (ctx) => problem(ctx, 404, 'Not found', 'Not found.'),
	},
	webhooksFor(change, core) {
		const { job } = change;
		if (!job.webhookUrl) return [];
		const wanted = eventsFor(change).filter((event) => job.webhookEvents === null || job.webhookEvents.includes(event));
		const messages = wanted.map((event) => {
			const body = JSON.stringify(prediction(job, core));
			return {
				provider: 'replicate' as const,
				jobId: job.id,
				event,
				url: job.webhookUrl!,
				messageId: newMessageId(),
				body,
				sign: (b: string, id: string) => sign(core, b, id),
			} satisfies WebhookMessage;
		});
		const completed = messages.find((m) => m.event === 'completed');
		if (completed && job.faults.duplicateWebhook) messages.push(completed);
		return messages;
	},
	signedDelivery(job, core, options) {
		const body = JSON.stringify(prediction(job, core));
		const secret = options.wrongSecret ? WRONG_SECRETS.replicateWebhookSecret : undefined;
		return shapeDelivery(sign(core, body, newMessageId(), secret, options.timestampOffsetSeconds), body, options);
	},
};
