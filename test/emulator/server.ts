/**
 * Routing by prefix: each real host has a path prefix on the one port (`/replicate`, `/fal-queue`,
 * `/fal-api`, `/fal-rest`, `/wavespeed`, `/kling`), plus `/files` for the CDN stand-in and
 * `/_emulator` for the controls. For every provider request the server records it, applies an
 * armed request fault, checks the credential, then hands over to the provider's route.
 */
import { issue } from './validate';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore, Mount, ProviderModule, RequestContext, Route } from './context';
import type { CounterLog } from './counters';
import { filesProvider, filesRoutes, FILES_PREFIX } from './files';
import { multipartRoutes } from './multipart';
import { readBody, sendJson } from './respond';
import type { ProviderName } from './types';

export const CONTROL_PREFIX = '/_emulator';

export type ControlHandler = (req: IncomingMessage, res: ServerResponse, path: string, url: URL) => Promise<void>;

interface Resolved {
	module: ProviderModule | null;
	provider: ProviderName | null;
	mount: Mount;
}

/** The CDN stand-in answers errors plainly, not in any provider's API shape. */
const cdnErrors: ProviderModule['errors'] = {
	throttled: (ctx, seconds) => sendJson(ctx, 429, { error: 'Too Many Requests' }, { 'retry-after': seconds }),
	serverError: (ctx, status) => sendJson(ctx, status, { error: 'Server Error' }),
	notFound: (ctx) => sendJson(ctx, 404, { error: 'Not Found' }),
};

const underPrefix = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

const CDN_ROUTES: readonly Route[] = [...filesRoutes, ...multipartRoutes];

function resolve(modules: readonly ProviderModule[], path: string): Resolved | null {
	if (underPrefix(path, FILES_PREFIX)) {
		return { module: null, provider: filesProvider(path.slice(FILES_PREFIX.length)), mount: { prefix: FILES_PREFIX, routes: CDN_ROUTES } };
	}
	for (const module of modules) {
		const mount = module.mounts.find((m) => underPrefix(path, m.prefix));
		if (mount) return { module, provider: module.provider, mount };
	}
	return null;
}

function findRoute(routes: readonly Route[], method: string, path: string): [Route, RegExpExecArray] | null {
	for (const route of routes) {
		const methodOk = route.method === 'GET|HEAD' ? method === 'GET' || method === 'HEAD' : route.method === method;
		const match = methodOk ? route.pattern.exec(path) : null;
		if (match) return [route, match];
	}
	return null;
}

export function createRequestHandler(
	core: EmulatorCore,
	counters: CounterLog,
	modules: readonly ProviderModule[],
	control: ControlHandler,
): (req: IncomingMessage, res: ServerResponse) => void {
	return (req, res) => {
		handle(req, res).catch((error: unknown) => {
			if (!res.headersSent) {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: 'emulator error', message: (error as Error).message }));
			} else {
				res.destroy();
			}
		});
	};

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', core.url);
		const path = url.pathname;
		if (underPrefix(path, CONTROL_PREFIX)) return control(req, res, path.slice(CONTROL_PREFIX.length) || '/', url);

		const resolved = resolve(modules, path);
		const method = (req.method ?? 'GET').toUpperCase();
		const record = counters.addRequest({
			at: new Date(),
			provider: resolved?.provider ?? null,
			route: 'unknown',
			method,
			path: req.url ?? '/',
			status: 0,
			fault: null,
			jobId: null,
		});
		const abort = new AbortController();
		res.on('close', () => {
			if (!res.headersSent) record.status = 0;
			abort.abort();
		});
		let body: Promise<Buffer> | undefined;
		const ctx: RequestContext = {
			req,
			res,
			url,
			prefix: resolved?.mount.prefix ?? '',
			path: resolved ? path.slice(resolved.mount.prefix.length) || '/' : path,
			core,
			record,
			truncate: false,
			signal: abort.signal,
			body: () => (body ??= readBody(ctx)),
		};
		const errors = resolved?.module?.errors ?? cdnErrors;
		if (!resolved) return cdnErrors.notFound(ctx);

		const found = findRoute(resolved.mount.routes, method, ctx.path);
		if (found) record.route = found[0].name;

		const fault = core.faults.takeRequestFault(resolved.provider, record.route);
		if (fault) {
			record.fault = fault.kind;
			if (fault.kind === 'reset') {
				req.socket.destroy();
				return;
			}
			if (fault.kind === '429') return errors.throttled(ctx, fault.retryAfterSeconds ?? 1, 'rate');
			if (fault.kind === '5xx') return errors.serverError(ctx, fault.status ?? 500);
			if (fault.kind === 'rejectInput') {
				ctx.injectedIssue = issue(fault.field ?? 'input', 'enum', `${fault.field} is not a valid value (injected fault)`);
			} else if (fault.kind === 'ipWhitelist') {
				if (errors.ipWhitelisted) return errors.ipWhitelisted(ctx);
				return errors.serverError(ctx, 500);
			} else ctx.truncate = true;
		}

		if (!found) return errors.notFound(ctx);
		const [route, match] = found;
		if (route.auth !== false && resolved.module && !resolved.module.authenticate(ctx)) return;
		await route.handle(ctx, match);
	}
}
