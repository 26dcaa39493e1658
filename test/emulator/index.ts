/**
 * The provider emulator: one loopback HTTP server that behaves like Replicate, fal.ai, WaveSpeed
 * and Kling's own API at once, each real host under its own path prefix. Tests start it on a
 * free port, point an adapter (or an official SDK) at `baseUrls`, and assert on `counters()`,
 * `jobs()` and the webhooks it sends. See README.md beside this file for the route table.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emulatorBaseUrls, type EmulatorBaseUrls } from './baseUrls';
import { controlHandler } from './control';
import type { EmulatorCore, ProviderModule } from './context';
import { CounterLog } from './counters';
import { EMULATOR_CREDENTIALS, type EmulatorCredentials } from './credentials';
import { FaultBook, validateFault } from './faults';
import { outputUrl, UploadStore } from './files';
import { outputVideo } from './outputVideo';
import { fal } from './providers/fal';
import { kling } from './providers/kling';
import { replicate } from './providers/replicate';
import { wavespeed } from './providers/wavespeed';
import { createRequestHandler } from './server';
import { JobStore, type JobChange } from './store';
import {
	DEFAULT_CONFIG,
	type EmulatedJob,
	type EmulatorConfig,
	type EmulatorCounters,
	type FaultSpec,
	type ProviderName,
	type SignedDelivery,
	type SignedDeliveryOptions,
} from './types';
import { WebhookSender } from './webhooks';

export { EMULATOR_CREDENTIALS } from './credentials';
export { emulatorBaseUrls, type EmulatorBaseUrls } from './baseUrls';
export { CLI_TIMINGS, TEST_TIMINGS } from './types';
export type {
	AspectRatio,
	EmulatedJob,
	EmulatorConfig,
	EmulatorCounters,
	FaultKind,
	FaultSpec,
	JobState,
	ProviderName,
	RequestFilter,
	RequestRecord,
	RouteName,
	SignedDelivery,
	SignedDeliveryOptions,
	WebhookFilter,
	WebhookRecord,
} from './types';

export interface EmulatorOptions {
	/** 0 (default) = a free port. */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** Default queued 100 ms, running 400 ms (the CLI uses 2 s / 6 s). */
	timings?: { queuedMs?: number; runningMs?: number };
	/** Start-up values of the settings `configure()` changes (`reset()` returns to them). */
	concurrencyLimit?: number | null;
	outputBytes?: number | null;
	/**
	 * Keys to accept and secrets to sign with instead of EMULATOR_CREDENTIALS (tests that look for
	 * a credential leaking give it a recognisable value). fal's signing key stays the fixed one.
	 */
	credentials?: Partial<EmulatorCredentials>;
}

export type EmulatorSettings = Partial<
	Pick<EmulatorConfig, 'queuedMs' | 'runningMs' | 'webhookRetryDelayMs' | 'webhookAttempts'>
> & { concurrencyLimit?: number | null; outputBytes?: number | null };

export interface Emulator {
	/** `http://127.0.0.1:PORT` */
	url: string;
	baseUrls: EmulatorBaseUrls;
	credentials: EmulatorCredentials;
	/** Changes apply to jobs submitted afterwards (and to every later download for `outputBytes`). */
	configure(config: EmulatorSettings): void;
	config(): EmulatorConfig;
	injectFault(fault: FaultSpec): void;
	/** Faults still armed, with the hits they have left. */
	pendingFaults(): FaultSpec[];
	/** A frozen snapshot of what was received and sent so far. */
	counters(): EmulatorCounters;
	/** Copies of every job, newest first. */
	jobs(provider?: ProviderName): EmulatedJob[];
	/**
	 * The MP4 a finished job's output URL serves (before any `outputBytes` padding): rendered for
	 * the job (frame shape, length, audio, label). Throws for an unknown job or one without a video.
	 */
	outputVideo(provider: ProviderName, id: string): Buffer;
	/** Ends a job now (a stuck one too); default outcome `succeeded`. Throws for an unknown job. */
	finishJob(provider: ProviderName, id: string, outcome?: 'succeeded' | 'failed'): void;
	/** The webhook this provider would send for the job now, signed (or mis-signed) as asked. */
	signedDelivery(provider: ProviderName, jobId: string, options?: SignedDeliveryOptions): SignedDelivery;
	/** Resolves when every webhook delivery started so far has finished (retries included). */
	webhooksIdle(): Promise<void>;
	/** Forgets jobs, uploads, counters and faults, and restores the start-up config. */
	reset(): void;
	close(): Promise<void>;
}

const MODULES: readonly ProviderModule[] = [replicate, fal, wavespeed, kling];
const moduleFor = (provider: ProviderName) => MODULES.find((m) => m.provider === provider)!;

function checkSettings(config: EmulatorSettings): void {
	for (const key of ['queuedMs', 'runningMs', 'webhookRetryDelayMs', 'webhookAttempts'] as const) {
		const value = config[key];
		if (value !== undefined && (!Number.isFinite(value) || value < 0)) throw new Error(`${key} must be a number >= 0`);
	}
	for (const key of ['concurrencyLimit', 'outputBytes'] as const) {
		const value = config[key];
		if (value !== undefined && value !== null && (!Number.isInteger(value) || value < 1)) {
			throw new Error(`${key} must be a positive integer or null`);
		}
	}
}

class EmulatorInstance implements Emulator {
	url = '';
	baseUrls = {} as EmulatorBaseUrls;
	readonly credentials: EmulatorCredentials;
	private settings: EmulatorConfig;
	private readonly counterLog = new CounterLog();
	private readonly faults = new FaultBook();
	private readonly uploads = new UploadStore();
	private readonly sender: WebhookSender;
	private readonly store: JobStore;
	private readonly core: EmulatorCore;
	/** Webhooks of one job go out in order (an `output` event before `completed`, a duplicate after). */
	private readonly webhookChains = new Map<string, Promise<void>>();
	private readonly server: Server;

	constructor(
		private readonly initial: EmulatorConfig,
		credentials: EmulatorCredentials,
	) {
		this.credentials = credentials;
		this.settings = { ...initial };
		const config = () => this.settings;
		this.sender = new WebhookSender(this.counterLog, config);
		this.store = new JobStore(config, (job) => outputUrl(this, job), ['fal']);
		const self = this;
		this.core = {
			get url() {
				return self.url;
			},
			credentials,
			config,
			store: this.store,
			faults: this.faults,
			uploads: this.uploads,
			webhooks: this.sender,
		};
		this.store.onChange((change) => this.dispatchWebhooks(change));
		this.server = createServer(createRequestHandler(this.core, this.counterLog, MODULES, controlHandler(() => this)));
		// Large uploads and long `Prefer: wait` holds must not hit the default request timeout.
		this.server.requestTimeout = 0;
		this.server.keepAliveTimeout = 5000;
	}

	async listen(port: number, host: string): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, host, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		const address = this.server.address() as AddressInfo;
		const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
		this.url = `http://${hostPart}:${address.port}`;
		this.baseUrls = emulatorBaseUrls(this.url);
	}

	configure(config: EmulatorSettings): void {
		checkSettings(config);
		const defined = Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined));
		this.settings = { ...this.settings, ...defined };
	}

	config(): EmulatorConfig {
		return { ...this.settings };
	}

	injectFault(fault: FaultSpec): void {
		this.faults.add(validateFault(fault));
	}

	pendingFaults(): FaultSpec[] {
		return this.faults.pending();
	}

	counters(): EmulatorCounters {
		return this.counterLog.snapshot();
	}

	jobs(provider?: ProviderName): EmulatedJob[] {
		return this.store.list(provider).map((job) => structuredClone(job));
	}

	outputVideo(provider: ProviderName, id: string): Buffer {
		const job = this.requireJob(provider, id);
		if (job.operation === 'createVoice') throw new Error(`${provider} job ${id} makes a voice, not a video`);
		return outputVideo(job);
	}

	finishJob(provider: ProviderName, id: string, outcome: 'succeeded' | 'failed' = 'succeeded'): void {
		this.store.finish(this.requireJob(provider, id), outcome);
	}

	signedDelivery(provider: ProviderName, jobId: string, options: SignedDeliveryOptions = {}): SignedDelivery {
		return moduleFor(provider).signedDelivery(this.requireJob(provider, jobId), this.core, options);
	}

	async webhooksIdle(): Promise<void> {
		// Messages still waiting behind an earlier one of the same job are not in flight yet.
		let seen: Promise<void>[] = [];
		for (;;) {
			const chains = [...this.webhookChains.values()];
			if (chains.length === seen.length && chains.every((chain, i) => chain === seen[i])) break;
			seen = chains;
			await Promise.all(chains);
		}
		await this.sender.idle();
	}

	reset(): void {
		this.store.reset();
		this.faults.reset();
		this.counterLog.reset();
		this.uploads.reset();
		this.webhookChains.clear();
		this.settings = { ...this.initial };
	}

	async close(): Promise<void> {
		this.sender.close();
		this.store.reset();
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			// Status streams and `Prefer: wait` holds would otherwise keep close() waiting.
			this.server.closeAllConnections();
		});
		await this.sender.idle();
	}

	private requireJob(provider: ProviderName, id: string): EmulatedJob {
		const job = this.store.get(provider, id);
		if (!job) throw new Error(`no ${provider} job ${id}`);
		return job;
	}

	private dispatchWebhooks(change: JobChange): void {
		// A dropWebhook fault: the provider's callbacks for this job never arrive (refused, lost, blocked).
		if (change.job.faults.dropWebhook) return;
		const messages = moduleFor(change.job.provider).webhooksFor(change, this.core);
		if (messages.length === 0) return;
		const key = `${change.job.provider}:${change.job.id}`;
		const previous = this.webhookChains.get(key) ?? Promise.resolve();
		const next = messages.reduce((chain, message) => chain.then(() => this.sender.send(message)), previous);
		this.webhookChains.set(key, next);
	}
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const initial: EmulatorConfig = {
		...DEFAULT_CONFIG,
		queuedMs: options.timings?.queuedMs ?? DEFAULT_CONFIG.queuedMs,
		runningMs: options.timings?.runningMs ?? DEFAULT_CONFIG.runningMs,
		concurrencyLimit: options.concurrencyLimit ?? null,
		outputBytes: options.outputBytes ?? null,
	};
	checkSettings(initial);
	const emulator = new EmulatorInstance(initial, { ...EMULATOR_CREDENTIALS, ...options.credentials });
	await emulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
	return emulator;
}
