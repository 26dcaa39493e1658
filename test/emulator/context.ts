/**
 * What a provider module gets to answer a request, and the shape it exports. The server does
 * prefix routing, counting, request faults and auth; a provider module only knows its own
 * paths, bodies, states and errors.
 */
import type { Issue } from './validate';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCredentials } from './credentials';
import type { FaultBook } from './faults';
import type { UploadStore } from './files';
import type { JobChange, JobStore } from './store';
import type {
	EmulatedJob,
	EmulatorConfig,
	ProviderName,
	RequestRecord,
	RouteName,
	SignedDelivery,
	SignedDeliveryOptions,
} from './types';
import type { WebhookMessage, WebhookSender } from './webhooks';

/** The emulator's shared parts, as provider modules see them. */
export interface EmulatorCore {
	/** `http://host:port`, the origin every URL the emulator hands out starts with. */
	readonly url: string;
	readonly credentials: EmulatorCredentials;
	config(): EmulatorConfig;
	readonly store: JobStore;
	readonly faults: FaultBook;
	readonly uploads: UploadStore;
	readonly webhooks: WebhookSender;
}

export interface RequestContext {
	req: IncomingMessage;
	res: ServerResponse;
	url: URL;
	/** The mount prefix the request came in on (`/replicate`, `/fal-queue`, …). */
	prefix: string;
	/** The path below the mount prefix (`/v1/predictions/abc` for `/replicate/v1/predictions/abc`). */
	path: string;
	core: EmulatorCore;
	/** This request's counter record: handlers set `jobId`. */
	record: RequestRecord;
	/** A truncate fault applies: send full headers, half the body, then close. */
	truncate: boolean;
	/** A rejectInput fault applies: the submit's validation adds this issue. */
	injectedIssue?: Issue;
	/** Aborted when the client goes away (ends `Prefer: wait` holds and status streams). */
	signal: AbortSignal;
	/** The whole request body (read once, cached). */
	body(): Promise<Buffer>;
}

export interface Route {
	method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'GET|HEAD';
	/** Matched against `ctx.path` (the query string excluded). */
	pattern: RegExp;
	name: RouteName;
	/** Whether the provider's credential check runs first (default true). */
	auth?: boolean;
	handle(ctx: RequestContext, match: RegExpExecArray): Promise<void> | void;
}

export interface Mount {
	/** `/replicate`, `/fal-queue`, …: the real host this prefix stands for. */
	prefix: string;
	routes: readonly Route[];
}

export interface ProviderModule {
	provider: ProviderName;
	mounts: readonly Mount[];
	/** Checks the credential; when it fails, answers the provider's 401 and returns false. */
	authenticate(ctx: RequestContext): boolean;
	/** The provider's own error answers, used by the server for faults and unknown paths. */
	errors: {
		throttled(ctx: RequestContext, retryAfterSeconds: number, reason: 'rate' | 'concurrency'): void;
		serverError(ctx: RequestContext, status: number): void;
		notFound(ctx: RequestContext): void;
		/** Kling only: HTTP 429 with code 1304, the IP allow-list refusal (final, not to be retried). */
		ipWhitelisted?(ctx: RequestContext): void;
	};
	/** What the provider posts to the job's webhook URL on this change (often nothing). */
	webhooksFor(change: JobChange, core: EmulatorCore): WebhookMessage[];
	/** The delivery the provider would make for this job now, signed per the options. */
	signedDelivery(job: EmulatedJob, core: EmulatorCore, options: SignedDeliveryOptions): SignedDelivery;
}
