/**
 * fal's platform hosts: api.fal.ai/v1 (model list, the request list a polling trigger reads) and
 * rest.fal.ai (the webhook JWKS that rest.alpha.fal.ai publishes; storage is in falStorage.ts).
 */
import { checkStaticKey } from '../auth';
import type { RequestContext, Route } from '../context';
import { falJwks } from '../credentials';
import { intParam, isoOrNull, sendJson } from '../respond';
import { isTerminal } from '../store';
import { ENDPOINTS, resultAnswer } from './falModel';

// ---- platform API (api.fal.ai/v1) -----------------------------------------------------------

const platformError = (ctx: RequestContext, status: number, type: string, message: string) =>
	sendJson(ctx, status, { error: { type, message } });

/** The platform API is readable without a key, but a wrong key is refused (the credential test relies on it). */
function platformAuth(ctx: RequestContext): boolean {
	if (checkStaticKey(ctx.req, 'Key', ctx.core.credentials.falKey) !== 'invalid') return true;
	platformError(ctx, 401, 'authorization_error', 'Invalid API key');
	return false;
}

function listModels(ctx: RequestContext): void {
	if (!platformAuth(ctx)) return;
	const limit = Math.min(100, Math.max(1, intParam(ctx.url, 'limit', 50)));
	const all = Object.entries(ENDPOINTS).map(([endpointId, spec]) => ({
		endpoint_id: endpointId,
		metadata: {
			display_name: `Kling Video ${endpointId.split('/').slice(2).join(' ')}`,
			category: spec.category,
			description: `Kling ${spec.version === 'voice' ? 'voice' : spec.version} (emulated)`,
			status: 'active',
			tags: ['video'],
			updated_at: new Date(0).toISOString(),
		},
	}));
	const page = intParam(ctx.url, 'page', 1);
	const items = all.slice((page - 1) * limit, page * limit);
	const hasMore = page * limit < all.length;
	sendJson(ctx, 200, { models: items, next_cursor: hasMore ? Buffer.from(String(page + 1)).toString('base64') : null, has_more: hasMore });
}

/** The request list "Requires API key (user or enterprise)" (fal.ai/docs/platform-apis/v1/models/requests/by-endpoint): no key is refused too. */
function listAuth(ctx: RequestContext): boolean {
	if (checkStaticKey(ctx.req, 'Key', ctx.core.credentials.falKey) === 'ok') return true;
	platformError(ctx, 401, 'authorization_error', 'Invalid API key');
	return false;
}

/** "comma-separated or repeated query params, up to 50 IDs" (same page). */
const MAX_LISTED_ENDPOINTS = 50;

/** success / user_error (4xx) / error (5xx), from the job's result answer. */
function outcomeClass(status: number): 'success' | 'user_error' | 'error' {
	if (status < 300) return 'success';
	return status < 500 ? 'user_error' : 'error';
}

/** Finished requests only (the list is keyed on end time), newest end first. */
function requestsByEndpoint(ctx: RequestContext): void {
	if (!listAuth(ctx)) return;
	const params = ctx.url.searchParams;
	const endpoints = params.getAll('endpoint_id').flatMap((value) => value.split(',')).filter(Boolean);
	if (endpoints.length === 0) {
		return sendJson(ctx, 422, { detail: [{ type: 'missing', loc: ['query', 'endpoint_id'], msg: 'Field required', input: null }] });
	}
	if (endpoints.length > MAX_LISTED_ENDPOINTS) {
		// The wording is a guess: fal states the cap, not its answer; this is its usual 422 validation shape.
		const msg = `List should have at most ${MAX_LISTED_ENDPOINTS} items after validation, not ${endpoints.length}`;
		return sendJson(ctx, 422, { detail: [{ type: 'too_long', loc: ['query', 'endpoint_id'], msg, input: endpoints }] });
	}
	const start = Date.parse(params.get('start') ?? '') || Date.now() - 24 * 3600 * 1000;
	const end = Date.parse(params.get('end') ?? '') || Number.POSITIVE_INFINITY;
	const limit = Math.min(100, Math.max(1, intParam(ctx.url, 'limit', 50)));
	const page = Number(Buffer.from(params.get('cursor') ?? '', 'base64').toString()) || 1;
	const status = params.get('status');
	const requestId = params.get('request_id');
	const payloads = params.getAll('expand').flatMap((v) => v.split(',')).includes('payloads');
	const rows = ctx.core.store
		.list('fal')
		.filter((job) => isTerminal(job.state) && job.completedAt && endpoints.includes(job.model))
		.filter((job) => job.completedAt!.getTime() >= start && job.completedAt!.getTime() < end)
		.filter((job) => requestId === null || job.id === requestId)
		.map((job) => ({ job, answer: resultAnswer(job, ctx.core) }))
		.filter(({ answer }) => status === null || outcomeClass(answer.status) === status)
		.sort((a, b) => b.job.completedAt!.getTime() - a.job.completedAt!.getTime());
	const items = rows.slice((page - 1) * limit, page * limit).map(({ job, answer }) => ({
		request_id: job.id,
		endpoint_id: job.model,
		sent_at: job.createdAt.toISOString(),
		started_at: isoOrNull(job.startedAt),
		ended_at: isoOrNull(job.completedAt),
		status_code: answer.status,
		duration: job.startedAt && job.completedAt ? (job.completedAt.getTime() - job.startedAt.getTime()) / 1000 : null,
		...(payloads ? { json_input: job.input, json_output: answer.body } : {}),
	}));
	const hasMore = page * limit < rows.length;
	sendJson(ctx, 200, { items, next_cursor: hasMore ? Buffer.from(String(page + 1)).toString('base64') : null, has_more: hasMore });
}

export const apiRoutes: readonly Route[] = [
	{ method: 'GET', pattern: /^\/v1\/models$/, name: 'models', auth: false, handle: listModels },
	{ method: 'GET', pattern: /^\/v1\/models\/requests\/by-endpoint$/, name: 'list', auth: false, handle: requestsByEndpoint },
];

// ---- rest.fal.ai ----------------------------------------------------------------------------

export const restRoutes: readonly Route[] = [
	{
		method: 'GET',
		pattern: /^\/\.well-known\/jwks\.json$/,
		name: 'jwks',
		auth: false,
		handle: (ctx) => sendJson(ctx, 200, falJwks(), { 'cache-control': 'public, max-age=86400' }),
	},
];
