/**
 * The shape every provider adapter has. An adapter is the only place that knows a provider's
 * URLs, field names, states and error shapes; the nodes, the validation and the node
 * description read its model table (table.ts) and capabilities and call these methods, nothing else.
 */
import type { HttpClient } from '../http';
import type { GenerationOperation, Job, JobRef, ProviderId, VideoRequest } from '../job';
import type { ModelTable } from './table';

/** The unified request fields an operation may carry (besides `operation`). */
export type RequestField =
	| 'prompt'
	| 'negativePrompt'
	| 'duration'
	| 'aspectRatio'
	| 'generateAudio'
	| 'cfgScale'
	| 'mode'
	| 'startImage'
	| 'endImage'
	| 'voiceIds'
	| 'image'
	| 'video'
	| 'characterOrientation'
	| 'keepOriginalSound'
	| 'voiceUrl'
	| 'voiceName';

export type WebhookScheme = 'standardWebhooks' | 'ed25519Jwks' | 'wavespeedHmacHex' | 'unsignedRefetch';

/** What a provider does the same way for every model; what differs per model is in its model table. */
export interface Capabilities {
	/** The provider's own default negative prompt, shown as the field default where it has one. */
	defaultNegativePrompt?: string;
	/** Long-polling the node can use instead of sleeping between status calls. */
	longPoll: 'preferWait' | 'statusStream' | null;
	webhookScheme: WebhookScheme;
	/** How long the provider keeps the output (seconds), for `expiresAt`. */
	outputRetentionSeconds: number;
	/** Submit is idempotent when the adapter is given an idempotency key (Kling `external_task_id`). */
	idempotentSubmit: boolean;
	/** The provider can cancel a queued or running job (WaveSpeed and Kling document no cancel). */
	cancel: boolean;
	/** The provider lists the account's voices (`listVoices`), so the panel can offer them to pick. */
	listsVoices: boolean;
}

/** What a node resolved from its credential, in the adapter's own terms. */
export interface ProviderCredentials {
	/** Replicate token, fal key, WaveSpeed key. */
	apiKey?: string;
	/** Kling: access key and secret key; the adapter signs a fresh JWT per request. */
	accessKey?: string;
	secretKey?: string;
	/** Overrides of the provider's hosts (a proxy, the emulator), keyed as the adapter documents. */
	baseUrl?: string;
	/** Kling only: which regional host. */
	region?: 'singapore' | 'beijing';
}

export interface SubmitOptions {
	/** Where the provider should report completion. */
	webhookUrl?: string;
	/** Stable per (execution, node, item, variant): makes the submit idempotent where the provider allows it. */
	idempotencyKey?: string;
	signal?: AbortSignal;
}

export interface UploadableFile {
	data: Buffer;
	mimeType: string;
	fileName: string;
}

export interface ListOptions {
	/** Only jobs created at or after this instant. */
	since?: Date;
	/** Only these operations. */
	operations?: readonly GenerationOperation[];
	/** At most this many pages (per kind on Kling, which lists each kind on its own path), so one poll stays bounded. */
	maxPages?: number;
	/**
	 * Continue a listing that stopped early: the `resume` of an earlier `JobList` of the same
	 * provider and operations. The listing then starts where that one stopped (older jobs), not
	 * at the newest.
	 */
	resume?: ListResume;
	signal?: AbortSignal;
}

/**
 * Where a listing stopped, in the provider's own terms (a `created_before` instant, fal's `end`
 * and page cursor, Kling page numbers). Plain JSON, so a trigger can keep it in static data;
 * callers pass it back unread. A continuation may repeat jobs but never skips one.
 */
export type ListResume = { readonly [key: string]: string | number | null | ListResume };

/** What `ProviderClient.list` read. */
export interface JobList {
	jobs: Job[];
	/**
	 * True when the listing reached `since` (or the end of the provider's list); false when it
	 * stopped at `maxPages` with older jobs left: then `resume` says where to go on.
	 */
	complete: boolean;
	resume?: ListResume;
}

/** One status read of a batch of waiting jobs (issue 14): see `ProviderClient.listStatus`. */
export interface StatusListOptions {
	/** The earliest creation among the jobs, in the provider's clock where it said one; bounds the pages. */
	since: Date;
	signal?: AbortSignal;
}

export interface WebhookDelivery {
	/** Header names lower-cased. */
	headers: Record<string, string | string[] | undefined>;
	rawBody: Buffer;
	/** Replicate and WaveSpeed: the account's webhook secret (`whsec_…`). */
	secret?: string;
	/** Clock for the timestamp tolerance; tests move it. */
	now?: Date;
	/** The operation of the job, when the receiver knows it: Kling's re-fetch then asks the right path first. */
	operation?: GenerationOperation | null;
}

/** A voice a job can speak in. */
export interface Voice {
	voiceId: string;
	name: string;
	/** The provider's own preset, or one the account created. */
	preset: boolean;
	/** A sample of the voice, where the provider gives one. */
	trialUrl: string | null;
}

export interface ProviderClient {
	readonly provider: ProviderId;
	submit(request: VideoRequest, options?: SubmitOptions): Promise<Job>;
	get(ref: JobRef, signal?: AbortSignal): Promise<Job>;
	/**
	 * Holds the request open until the job changes or `maxSeconds` pass, where the provider can
	 * (fal's status stream; Replicate's `Prefer: wait` exists only on create). Returns the job as it then is.
	 */
	waitForChange?(ref: JobRef, maxSeconds: number, signal?: AbortSignal): Promise<Job>;
	cancel(ref: JobRef, signal?: AbortSignal): Promise<void>;
	/**
	 * The account's Kling jobs created since `options.since`, newest first (fal: newest end first),
	 * at most `maxPages` pages, saying whether it got to `since` and where to continue if not.
	 */
	list(options?: ListOptions): Promise<JobList>;
	/**
	 * The states of many waiting jobs from the provider's list endpoint, in as few calls as it
	 * allows (pages bounded by `since` and the number of jobs): the jobs it lists, matched by the
	 * caller on their id. A job may be missing (not listed yet, or, on fal, not finished). Absent
	 * where the provider's own docs rule the list out for status (WaveSpeed).
	 */
	listStatus?(refs: readonly JobRef[], options: StatusListOptions): Promise<Job[]>;
	uploadMedia(file: UploadableFile, signal?: AbortSignal): Promise<string>;
	/** Replicate and WaveSpeed: the account's webhook signing secret. */
	fetchWebhookSecret?(signal?: AbortSignal): Promise<string>;
	/** The voices the account can use (its own and the provider's presets), where the provider lists them (Kling). */
	listVoices?(signal?: AbortSignal): Promise<Voice[]>;
	/**
	 * Checks a delivery the provider's way and returns the job it reports. Throws
	 * `WebhookRejectedError` for anything not provably from the provider. For Kling, which signs
	 * nothing, the job returned is the one re-fetched from the API, never the body's claim.
	 */
	verifyWebhook(delivery: WebhookDelivery): Promise<Job>;
	/** The free request the credential test uses. */
	testCredentials(signal?: AbortSignal): Promise<void>;
}

export interface ProviderAdapter {
	readonly id: ProviderId;
	readonly displayName: string;
	readonly capabilities: Capabilities;
	/** Which models it hosts for which operation, with the field maps (table.ts). */
	readonly models: ModelTable;
	connect(credentials: ProviderCredentials, http: HttpClient): ProviderClient;
}
