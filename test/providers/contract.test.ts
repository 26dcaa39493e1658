/**
 * The contract every provider adapter keeps against the provider emulator, run for each
 * provider: submit → get → a terminal job whose output downloads as an MP4, a read of an
 * unknown job, content-policy failures, submit retries, credentials, the webhook the emulator
 * really sends, signed webhooks and answers that are not JSON. What differs per provider is in CASES; what only one provider
 * does stays in its own file (replicate.test.ts, fal.test.ts, wavespeed.test.ts, kling.test.ts).
 */
import { MalformedResponseError, WebhookRejectedError } from '../../nodes/shared/errors';
import type { HttpClient } from '../../nodes/shared/http';
import type { ProviderId, VideoRequest } from '../../nodes/shared/job';
import { falAdapter } from '../../nodes/shared/providers/fal/adapter';
import { klingAdapter } from '../../nodes/shared/providers/kling/adapter';
import { replicateAdapter } from '../../nodes/shared/providers/replicate/adapter';
import type { ProviderAdapter, ProviderClient, ProviderCredentials, WebhookDelivery } from '../../nodes/shared/providers/types';
import { wavespeedAdapter } from '../../nodes/shared/providers/wavespeed/adapter';
import { EMULATOR_CREDENTIALS, type Emulator, type SignedDeliveryOptions } from '../emulator';
import { downloadBytes, isMp4, rejected, startReceiver, startStub, untilTerminal, useAdapterEmulator } from './support';

interface ContractCase {
	provider: ProviderId;
	adapter: ProviderAdapter;
	credentials(emulator: Emulator): ProviderCredentials;
	/** Credentials the emulator refuses, and the secret in them that no error may repeat. */
	wrong(emulator: Emulator): { credentials: ProviderCredentials; secret: string };
	/** What testCredentials() rejects with for the wrong credentials. */
	wrongError: Record<string, unknown>;
	/** Credentials aimed at a stub server on `origin`. */
	stub(origin: string): ProviderCredentials;
	textToVideo: VideoRequest;
	/** A job the account does not have, as the adapter's get() takes it. */
	missingOperation: 'textToVideo' | null;
	contentPolicy: { match: Record<string, unknown>; message?: RegExp };
	/** A 5xx on submit: the status injected (default 500) and what the error carries. */
	submit5xx: { status?: number; error: Record<string, unknown> };
	/** Whether a 429 on submit is retried (it was not accepted). */
	retries429OnSubmit: boolean;
	/** The webhook signing secret fetchWebhookSecret() returns, for providers that have one. */
	webhookSecret?: string;
	/** Webhooks sent for one job (Kling sends one per status change), and the events asked for where the provider filters them. */
	webhooks: { count: 'one' | 'atLeastOne'; events?: string[]; /** The operation a verified webhook names (fal's carries none). */ operation: 'textToVideo' | null };
	/** How the provider signs webhooks (Kling signs nothing). */
	signed?: { secret?: string; signatureHeader: string; timestampHeader: string };
}

const TIMINGS = { queuedMs: 50, runningMs: 200 };

const CASES: ContractCase[] = [
	{
		provider: 'replicate',
		adapter: replicateAdapter,
		credentials: (emulator) => ({ apiKey: EMULATOR_CREDENTIALS.replicateToken, baseUrl: emulator.baseUrls.replicate }),
		wrong: (emulator) => ({ credentials: { apiKey: 'r8_wrong', baseUrl: emulator.baseUrls.replicate }, secret: 'r8_wrong' }),
		wrongError: { httpStatus: 401, provider: 'replicate' },
		stub: (origin) => ({ apiKey: 'r8_x', baseUrl: `${origin}/v1` }),
		textToVideo: { operation: 'textToVideo', prompt: 'a red fox in snow', duration: 5, aspectRatio: '16:9', generateAudio: true },
		missingOperation: 'textToVideo',
		contentPolicy: { match: { status: 'failed', videoUrl: null, estimatedCostUsd: null, error: { kind: 'contentPolicy' } } },
		submit5xx: { status: 503, error: { httpStatus: 503, kind: 'provider' } },
		retries429OnSubmit: true,
		webhookSecret: EMULATOR_CREDENTIALS.replicateWebhookSecret,
		webhooks: { count: 'one', events: ['completed'], operation: 'textToVideo' },
		signed: { secret: EMULATOR_CREDENTIALS.replicateWebhookSecret, signatureHeader: 'webhook-signature', timestampHeader: 'webhook-timestamp' },
	},
	{
		provider: 'fal',
		adapter: falAdapter,
		credentials: (emulator) => ({ apiKey: EMULATOR_CREDENTIALS.falKey, baseUrl: emulator.baseUrls.falRoot }),
		wrong: (emulator) => ({ credentials: { apiKey: 'wrong-id:wrong-secret', baseUrl: emulator.baseUrls.falRoot }, secret: 'wrong-secret' }),
		wrongError: { httpStatus: 401 },
		stub: (origin) => ({ apiKey: 'k', baseUrl: origin }),
		textToVideo: { operation: 'textToVideo', prompt: 'a fox in snow', duration: 5, aspectRatio: '16:9', generateAudio: false },
		missingOperation: 'textToVideo',
		contentPolicy: { match: { status: 'failed', videoUrl: null, error: { kind: 'contentPolicy' } } },
		submit5xx: { status: 503, error: { httpStatus: 503 } },
		retries429OnSubmit: false,
		webhooks: { count: 'one', operation: null },
		signed: { signatureHeader: 'x-fal-webhook-signature', timestampHeader: 'x-fal-webhook-timestamp' },
	},
	{
		provider: 'wavespeed',
		adapter: wavespeedAdapter,
		credentials: (emulator) => ({ apiKey: EMULATOR_CREDENTIALS.wavespeedKey, baseUrl: emulator.baseUrls.wavespeed }),
		wrong: (emulator) => ({ credentials: { apiKey: 'wsk_wrong', baseUrl: emulator.baseUrls.wavespeed }, secret: 'wsk_wrong' }),
		wrongError: { httpStatus: 401, code: 401, provider: 'wavespeed' },
		stub: (origin) => ({ apiKey: 'k', baseUrl: `${origin}/api/v3` }),
		textToVideo: { operation: 'textToVideo', prompt: 'a lighthouse at dusk', duration: 10, aspectRatio: '9:16', generateAudio: true, cfgScale: 0.6, mode: 'pro' },
		missingOperation: null,
		contentPolicy: { match: { status: 'failed', videoUrl: null, estimatedCostUsd: null, error: { kind: 'contentPolicy' } }, message: /NSFW/ },
		submit5xx: { error: { httpStatus: 500, code: 500 } },
		retries429OnSubmit: true,
		webhookSecret: EMULATOR_CREDENTIALS.wavespeedWebhookSecret,
		webhooks: { count: 'one', operation: 'textToVideo' },
		signed: { secret: EMULATOR_CREDENTIALS.wavespeedWebhookSecret, signatureHeader: 'webhook-signature', timestampHeader: 'webhook-timestamp' },
	},
	{
		provider: 'kling',
		adapter: klingAdapter,
		credentials: (emulator) => ({ accessKey: EMULATOR_CREDENTIALS.klingAccessKey, secretKey: EMULATOR_CREDENTIALS.klingSecretKey, baseUrl: emulator.baseUrls.kling }),
		wrong: (emulator) => ({
			credentials: { accessKey: EMULATOR_CREDENTIALS.klingAccessKey, secretKey: 'not-the-secret', baseUrl: emulator.baseUrls.kling },
			secret: 'not-the-secret',
		}),
		wrongError: { code: 1000 },
		stub: (origin) => ({ accessKey: 'a', secretKey: 's', baseUrl: origin }),
		textToVideo: { operation: 'textToVideo', prompt: 'a fox in snow', duration: 5, aspectRatio: '9:16', generateAudio: true, mode: 'pro' },
		missingOperation: 'textToVideo',
		contentPolicy: { match: { status: 'failed', videoUrl: null, error: { kind: 'contentPolicy' } } },
		submit5xx: { error: { httpStatus: 500 } },
		retries429OnSubmit: false,
		webhooks: { count: 'atLeastOne', operation: 'textToVideo' },
	},
];

const SIGNED = CASES.filter((c) => c.signed);
const WITH_SECRET = CASES.filter((c) => c.webhookSecret);

/** A webhook as a server receives it: header names lower-cased, the exact bytes, the secret if the provider has one. */
function deliveryOf(signed: { headers: Record<string, string>; body: string }, secret: string | undefined): WebhookDelivery {
	return {
		headers: Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value])),
		rawBody: Buffer.from(signed.body),
		...(secret === undefined ? {} : { secret }),
	};
}

describe.each(CASES)('$provider adapter contract', (c) => {
	let emulator: Emulator;
	let http: HttpClient;
	let client: ProviderClient;
	useAdapterEmulator(
		{ timings: TIMINGS, retry: { baseDelayMs: 10, maxDelayMs: 1500 }, connect: (started, h) => c.adapter.connect(c.credentials(started), h) },
		(setup) => ({ emulator, http, client } = setup),
	);
	const count = (route?: 'submit') => emulator.counters().count({ provider: c.provider, ...(route ? { route } : {}) });

	it('submit, get until terminal, and the output downloads as an MP4', async () => {
		const submitted = await client.submit(c.textToVideo);
		expect(submitted).toMatchObject({ provider: c.provider, operation: 'textToVideo', status: 'queued' });
		const done = await untilTerminal(client, submitted.ref);
		expect(done).toMatchObject({ jobId: submitted.jobId, status: 'succeeded', error: null });
		const video = await downloadBytes(http, done.videoUrl ?? '');
		expect(video.status).toBe(200);
		expect(isMp4(video.bytes)).toBe(true);
		expect(count('submit')).toBe(1);
	});

	it('a 404 on get carries the job reference', async () => {
		const ref = { provider: c.provider, jobId: 'no-such-prediction', operation: c.missingOperation };
		const error = await rejected(client.get(ref));
		expect(error).toMatchObject({ httpStatus: 404, jobRef: ref });
	});

	it('content policy ends in a failed job of kind contentPolicy', async () => {
		emulator.injectFault({ provider: c.provider, kind: 'contentPolicy' });
		const done = await untilTerminal(client, (await client.submit(c.textToVideo)).ref);
		expect(done).toMatchObject(c.contentPolicy.match);
		if (c.contentPolicy.message) expect(done.error?.message).toMatch(c.contentPolicy.message);
	});

	it('a 5xx on submit is not repeated (the submit may have been accepted)', async () => {
		emulator.injectFault({ provider: c.provider, route: 'submit', kind: '5xx', ...(c.submit5xx.status ? { status: c.submit5xx.status } : {}) });
		const error = await rejected(client.submit(c.textToVideo));
		expect(error).toMatchObject(c.submit5xx.error);
		expect(count('submit')).toBe(1);
	});

	it('tests credentials: the right ones pass, wrong ones fail without repeating their secret', async () => {
		await expect(client.testCredentials()).resolves.toBeUndefined();
		const wrong = c.wrong(emulator);
		const error = await rejected(c.adapter.connect(wrong.credentials, http).testCredentials());
		expect(error).toMatchObject(c.wrongError);
		expect(error.message).not.toContain(wrong.secret);
	});

	it('sends the webhook to the URL given, intact, and the real delivery verifies', async () => {
		const receiver = await startReceiver();
		try {
			const webhookUrl = `${receiver.origin}/hook?execution=42&sig=a%2Bb`;
			const job = await client.submit(c.textToVideo, { webhookUrl });
			expect(emulator.jobs(c.provider)[0].webhookUrl).toBe(webhookUrl);
			if (c.webhooks.events) expect(emulator.jobs(c.provider)[0].webhookEvents).toEqual(c.webhooks.events);
			await untilTerminal(client, job.ref);
			await emulator.webhooksIdle();
			const { received } = receiver;
			if (c.webhooks.count === 'one') expect(received).toHaveLength(1);
			else expect(received.length).toBeGreaterThanOrEqual(1);
			expect(received.map((webhook) => webhook.url)).toEqual(received.map(() => '/hook?execution=42&sig=a%2Bb'));
			const last = received[received.length - 1];
			const secret = await client.fetchWebhookSecret?.();
			const verified = await client.verifyWebhook({ headers: { ...last.headers }, rawBody: last.body, ...(secret === undefined ? {} : { secret }) });
			expect(verified).toMatchObject({ jobId: job.jobId, status: 'succeeded', operation: c.webhooks.operation });
			expect(verified.videoUrl).toMatch(/\.mp4$/);
		} finally {
			await receiver.close();
		}
	});

	it('an answer that is not JSON is a malformed response', async () => {
		const stub = await startStub(() => ({ status: 200, body: '<html>gateway</html>' }));
		try {
			const stubClient = c.adapter.connect(c.stub(stub.origin), http);
			const error = await rejected(stubClient.get({ provider: c.provider, jobId: 'p1', operation: 'textToVideo' }));
			expect(error).toBeInstanceOf(MalformedResponseError);
		} finally {
			await stub.close();
		}
	});
});

describe.each(CASES.filter((c) => c.retries429OnSubmit))('$provider: a 429 on submit', (c) => {
	let emulator: Emulator;
	let client: ProviderClient;
	useAdapterEmulator(
		{ timings: TIMINGS, retry: { baseDelayMs: 10, maxDelayMs: 1500 }, connect: (started, h) => c.adapter.connect(c.credentials(started), h) },
		(setup) => ({ emulator, client } = setup),
	);

	it('is retried after Retry-After; a 5xx is not', async () => {
		emulator.injectFault({ provider: c.provider, route: 'submit', kind: '429', retryAfterSeconds: 1 });
		const job = await client.submit(c.textToVideo);
		expect(job.jobId).toBeTruthy();
		expect(emulator.counters().count({ provider: c.provider, route: 'submit' })).toBe(2);
		emulator.injectFault({ provider: c.provider, route: 'submit', kind: '5xx', ...(c.submit5xx.status ? { status: c.submit5xx.status } : {}) });
		const error = await rejected(client.submit(c.textToVideo));
		expect(error).toMatchObject(c.submit5xx.error);
		expect(emulator.counters().count({ provider: c.provider, route: 'submit' })).toBe(3);
	});
});

describe.each(WITH_SECRET)('$provider: the webhook signing secret', (c) => {
	let client: ProviderClient;
	useAdapterEmulator(
		{ timings: TIMINGS, retry: { baseDelayMs: 10, maxDelayMs: 1500 }, connect: (started, h) => c.adapter.connect(c.credentials(started), h) },
		(setup) => ({ client } = setup),
	);

	it('is fetched from the account', async () => {
		expect(await client.fetchWebhookSecret?.()).toBe(c.webhookSecret);
	});
});

describe.each(SIGNED)('$provider: signed webhooks', (c) => {
	const signed = c.signed as NonNullable<ContractCase['signed']>;
	let emulator: Emulator;
	let client: ProviderClient;
	useAdapterEmulator(
		{ timings: TIMINGS, retry: { baseDelayMs: 10, maxDelayMs: 1500 }, connect: (started, h) => c.adapter.connect(c.credentials(started), h) },
		(setup) => ({ emulator, client } = setup),
	);
	const finishedJob = async () => await untilTerminal(client, (await client.submit(c.textToVideo)).ref);

	it('accepts a good delivery and reports the job it carries', async () => {
		const done = await finishedJob();
		const job = await client.verifyWebhook(deliveryOf(emulator.signedDelivery(c.provider, done.jobId), signed.secret));
		expect(job).toMatchObject({ jobId: done.jobId, status: 'succeeded', videoUrl: done.videoUrl });
	});

	const refusals: Array<[string, SignedDeliveryOptions]> = [
		['a tampered body', { tamper: true }],
		['a wrong secret or key', { wrongSecret: true }],
		['a stale timestamp (600 s old)', { timestampOffsetSeconds: -600 }],
		['a timestamp 600 s ahead', { timestampOffsetSeconds: 600 }],
		['no signature header', { omitHeader: signed.signatureHeader }],
		['no timestamp header', { omitHeader: signed.timestampHeader }],
	];
	it.each(refusals)('rejects %s with 401', async (_name, options) => {
		const done = await finishedJob();
		const error = await rejected(client.verifyWebhook(deliveryOf(emulator.signedDelivery(c.provider, done.jobId, options), signed.secret)));
		expect(error).toBeInstanceOf(WebhookRejectedError);
		expect((error as WebhookRejectedError).httpStatus).toBe(401);
	});
});
