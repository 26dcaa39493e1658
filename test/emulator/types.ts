/**
 * The emulator's own vocabulary. Deliberately independent of `nodes/`: the emulator stands in
 * for the providers, so it must not share code (or mistakes) with the clients it tests.
 */

export const PROVIDERS = ['replicate', 'fal', 'wavespeed', 'kling'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** Where a job is, in one vocabulary; each provider module maps it to its own state names. */
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
export const TERMINAL_STATES: readonly JobState[] = ['succeeded', 'failed', 'canceled'];

export type Operation = 'textToVideo' | 'imageToVideo' | 'motionControl' | 'createVoice';

/** The aspect ratios every provider offers for text to video. */
export type AspectRatio = '16:9' | '9:16' | '1:1';
export const ASPECT_RATIOS: readonly AspectRatio[] = ['16:9', '9:16', '1:1'];

/**
 * Route labels used by the counters and by fault scoping. Every provider uses the same label for
 * the same role so a test can say `{ route: 'submit' }` without knowing the path.
 */
export type RouteName =
	| 'submit'
	| 'status'
	| 'result'
	| 'cancel'
	| 'list'
	| 'stream'
	| 'upload'
	| 'uploadPut'
	| 'uploadComplete'
	| 'file'
	| 'download'
	| 'secret'
	| 'account'
	| 'balance'
	| 'models'
	| 'jwks'
	| 'unknown';

export type FaultKind =
	/** The submit is refused as the provider refuses invalid input, naming `field` (the package checks the same rules, so only a fault reaches this answer). */
	| 'rejectInput'
	| '429'
	| '5xx'
	| 'reset'
	| 'truncate'
	| 'contentPolicy'
	| 'stuck'
	| 'duplicateWebhook'
	/** The job's webhooks are never delivered (a callback refused or lost on the way). */
	| 'dropWebhook'
	| 'expiredOutput'
	| 'ipWhitelist';

export interface FaultSpec {
	/** Omitted: any provider. */
	provider?: ProviderName;
	/**
	 * Omitted: any route for 429 / 5xx / reset / ipWhitelist; `download` for truncate; `submit`
	 * for the job faults (contentPolicy, stuck, duplicateWebhook, expiredOutput), which mark the
	 * next job(s). `ipWhitelist` is Kling's (HTTP 429, code 1304, final) and only Kling's.
	 */
	route?: RouteName;
	kind: FaultKind;
	/** How many requests (or jobs) it hits; default 1. -1 (or Infinity) = until reset. */
	times?: number;
	/** 5xx: the status to answer (default 500). expiredOutput: 404 or 410 (default 410). */
	status?: number;
	/** rejectInput: the provider input field the submit is refused for. */
	field?: string;
	/** 429: the Retry-After seconds (default 1). */
	retryAfterSeconds?: number;
}

export interface EmulatorConfig {
	/** How long a job stays queued before it runs. */
	queuedMs: number;
	/** How long a job runs before it finishes. */
	runningMs: number;
	/** At most this many unfinished jobs per provider; null = no limit. */
	concurrencyLimit: number | null;
	/** Size of every output video in bytes (real MP4 then a padding `free` box); null = the plain fixture. */
	outputBytes: number | null;
	/** Delay between webhook delivery attempts. */
	webhookRetryDelayMs: number;
	/** Delivery attempts per webhook message (first try included). */
	webhookAttempts: number;
}

export const TEST_TIMINGS = { queuedMs: 100, runningMs: 400 } as const;
export const CLI_TIMINGS = { queuedMs: 2000, runningMs: 6000 } as const;

export const DEFAULT_CONFIG: EmulatorConfig = {
	...TEST_TIMINGS,
	concurrencyLimit: null,
	outputBytes: null,
	webhookRetryDelayMs: 200,
	webhookAttempts: 4,
};

/** A job as the emulator keeps it. `jobs()` hands out copies. */
export interface EmulatedJob {
	provider: ProviderName;
	id: string;
	/** Provider-side model or endpoint id (`kwaivgi/kling-v2.6`, `fal-ai/kling-video/v2.6/pro/text-to-video`, …). */
	model: string;
	operation: Operation;
	/** Kling: the path kind (`text2video`, …); fal: the app id (`fal-ai/kling-video`). */
	kind: string;
	/** The input exactly as received. */
	input: Record<string, unknown>;
	/** Whether the output carries an audio track (audio was asked, and the model has it). */
	withAudio: boolean;
	/**
	 * Output length in seconds: as requested, or (motion control) the reference video's length
	 * when the emulator can read it, else 5. 0 for create-voice.
	 */
	durationSeconds: number;
	/** The output's frame shape, when it follows an aspect ratio (asked or default); null when it follows `imageSize`. */
	aspectRatio: AspectRatio | null;
	/** The start (or character) image's size, when the emulator could read it; the output takes its shape. */
	imageSize: { width: number; height: number } | null;
	/** Drawn on the output: the job id and the first words of the prompt. */
	label: string;
	state: JobState;
	/** Monotonic creation order, for stable list paging. */
	seq: number;
	createdAt: Date;
	startedAt: Date | null;
	completedAt: Date | null;
	webhookUrl: string | null;
	/** Replicate `webhook_events_filter`; null = every event. */
	webhookEvents: string[] | null;
	/** Kling `external_task_id`. */
	externalTaskId: string | null;
	/** Why it failed, when it did. */
	failure: { message: string; contentPolicy: boolean; validation?: unknown } | null;
	/** Where the output is served (set when it succeeds); null for create-voice. */
	outputUrl: string | null;
	/** Create Voice: the voice id it produced. */
	voiceId: string | null;
	logs: { message: string; at: Date }[];
	/** Faults attached at submit. */
	faults: {
		contentPolicy: boolean;
		stuck: boolean;
		duplicateWebhook: boolean;
		dropWebhook: boolean;
		/** The status the expired output answers (404 or 410); null = not expired. */
		expiredOutput: number | null;
	};
	/** Kling `mode` / fal & WaveSpeed tier: billing and capability rules depend on it. */
	quality: 'std' | 'pro';
}

/** One request the emulator received (control requests under /_emulator are not recorded). */
export interface RequestRecord {
	at: Date;
	/** `null` for paths that belong to no provider (404s outside the prefixes). */
	provider: ProviderName | null;
	route: RouteName;
	method: string;
	/** Path and query as received. */
	path: string;
	/** Status answered; 0 when the socket was destroyed (reset, truncate) or not answered yet. */
	status: number;
	/** The fault that shaped the answer, if any. */
	fault: FaultKind | null;
	/** The job concerned, when the route names one or created one. */
	jobId: string | null;
}

/** One webhook delivery attempt. */
export interface WebhookRecord {
	at: Date;
	provider: ProviderName;
	jobId: string;
	/** Provider event (`completed`, `start`, `logs`, `output` for Replicate; the state name elsewhere). */
	event: string;
	url: string;
	/** 1 for the first try, 2… for retries of the same message. */
	attempt: number;
	/** Distinct per message; a duplicated delivery repeats the id. */
	messageId: string;
	/** Receiver's answer, 0 when it could not be reached. */
	status: number;
	error: string | null;
	headers: Record<string, string>;
	body: string;
}

export interface RequestFilter {
	provider?: ProviderName | null;
	route?: RouteName;
	method?: string;
	status?: number;
	jobId?: string;
}

export interface WebhookFilter {
	provider?: ProviderName;
	jobId?: string;
	event?: string;
}

export interface EmulatorCounters {
	/** Every request received, oldest first. */
	requests: readonly RequestRecord[];
	/** Every webhook delivery attempt, oldest first. */
	webhooksSent: readonly WebhookRecord[];
	/** Requests matching every given field (`count()` = all requests). */
	count(filter?: RequestFilter): number;
	/** Webhook delivery attempts matching every given field. */
	webhookCount(filter?: WebhookFilter): number;
	/** `"provider route"` → count, e.g. `{ "replicate submit": 1 }`. */
	totals: Readonly<Record<string, number>>;
}

export interface SignedDeliveryOptions {
	/** Change the body after signing (adds `"tampered":true`). */
	tamper?: boolean;
	/** Shift the signed timestamp (negative = in the past). */
	timestampOffsetSeconds?: number;
	/** Drop this header (case-insensitive), e.g. `webhook-signature`. */
	omitHeader?: string;
	/** Sign with a secret / key the provider never published. */
	wrongSecret?: boolean;
}

export interface SignedDelivery {
	headers: Record<string, string>;
	body: string;
}
