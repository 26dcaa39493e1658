/**
 * How often the Kling Video Trigger has n8n read its credential, and what an edited credential
 * does: deliveries are checked with a connection kept per credential id for a minute, which may
 * only ever let a genuine delivery pass; anything it refuses is decided again with the
 * credential as it is now. Run through n8n-core's WebhookContext against two emulators standing
 * for two provider accounts.
 */
import { forgetDeliveryConnections, KEEP_MS } from '../../nodes/shared/deliveryConnections';
import { resetDeliveryClaims } from '../../nodes/shared/dedupe';
import { PROVIDER_IDS, type Job, type ProviderId } from '../../nodes/shared/job';
import { startEmulator, type Emulator, type SignedDelivery } from '../emulator';
import { clientFor, HttpClient, submitJobs } from './jobs';
import { disposeHarness, ensureEnvironment, WebhookTriggerHarness } from '../harness';
import { emulatorCredentialData } from '../support/emulatorCredentials';

const NEVER = 3_600_000;

/** A second account: every key and signing secret differs from the first emulator's. */
const OTHER_ACCOUNT = {
	replicateToken: 'r8_otherAccountToken00000000000000000000',
	replicateWebhookSecret: `whsec_${Buffer.from('other-account-replicate-key!!!!!').toString('base64')}`,
	falKey: 'other-key-id:other-key-secret',
	wavespeedKey: 'wsk_other_account_key_00000000000',
	wavespeedWebhookSecret: 'whsec_otherAccountWavespeedSecret00001',
	klingAccessKey: 'other-access-key',
	klingSecretKey: 'other-secret-key',
};

let account: Emulator;
let otherAccount: Emulator;
let http: HttpClient;
let workflowCounter = 0;

beforeAll(async () => {
	await ensureEnvironment();
	account = await startEmulator({ timings: { queuedMs: NEVER, runningMs: NEVER } });
	otherAccount = await startEmulator({ timings: { queuedMs: NEVER, runningMs: NEVER }, credentials: OTHER_ACCOUNT });
	http = new HttpClient({ retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 } });
});

afterAll(async () => {
	await http?.close();
	await account?.close();
	await otherAccount?.close();
	disposeHarness();
});

beforeEach(() => {
	resetDeliveryClaims();
	forgetDeliveryConnections();
});

afterEach(() => jest.restoreAllMocks());

function harness(provider: ProviderId, emulator = account): WebhookTriggerHarness {
	workflowCounter += 1;
	return new WebhookTriggerHarness(provider, emulatorCredentialData(provider, emulator), {}, `wf-reads-${workflowCounter}`);
}

async function finishedJobs(provider: ProviderId, count: number, emulator = account): Promise<Job[]> {
	const jobs = await submitJobs(clientFor(provider, emulator, http), provider, count);
	for (const job of jobs) emulator.finishJob(provider, job.jobId);
	return jobs;
}

/** A delivery the provider never made: a tampered signature, or (Kling, which signs nothing) a task the account does not have. */
function refusedDelivery(provider: ProviderId, job: Job): SignedDelivery {
	if (provider !== 'kling') return account.signedDelivery(provider, job.jobId, { tamper: true });
	const claim = JSON.parse(account.signedDelivery(provider, job.jobId).body) as Record<string, unknown>;
	return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...claim, task_id: 'no-such-task' }) };
}

/** Moves the clock the kept connections are timed with past their minute. */
function aMinuteLater(): void {
	const shifted = Date.now() + KEEP_MS + 1000;
	const realNow = Date.now.bind(Date);
	const offset = shifted - realNow();
	jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
}

describe.each(PROVIDER_IDS)('Kling Video Trigger credential reads, %s', (provider) => {
	it('reads the credential once for a stream of deliveries', async () => {
		const h = harness(provider);
		const jobs = await finishedJobs(provider, 6);
		for (const job of jobs) {
			expect(await h.deliver(account.signedDelivery(provider, job.jobId))).toMatchObject({ status: 200, started: true });
		}
		expect(h.executions).toHaveLength(6);
		expect(h.credentialReads).toBe(1);
	});

	it('reads it again once a minute has passed', async () => {
		const h = harness(provider);
		const [first, second] = await finishedJobs(provider, 2);
		await h.deliver(account.signedDelivery(provider, first.jobId));
		aMinuteLater();
		expect(await h.deliver(account.signedDelivery(provider, second.jobId))).toMatchObject({ status: 200, started: true });
		expect(h.credentialReads).toBe(2);
	});

	it('decides a refused delivery again with the credential as it is now, and the refusal stands', async () => {
		const h = harness(provider);
		const [good, other] = await finishedJobs(provider, 2);
		await h.deliver(account.signedDelivery(provider, good.jobId));
		const refused = await h.deliver(refusedDelivery(provider, other));
		expect(refused).toMatchObject({ status: 401, started: false });
		expect(h.credentialReads).toBe(2);
		expect(h.executions).toHaveLength(1);
	});

	it('takes a delivery of the account an edited credential now names at once', async () => {
		const h = harness(provider);
		const [before] = await finishedJobs(provider, 1);
		await h.deliver(account.signedDelivery(provider, before.jobId));
		h.editCredential(emulatorCredentialData(provider, otherAccount));
		const [after] = await finishedJobs(provider, 1, otherAccount);
		const result = await h.deliver(otherAccount.signedDelivery(provider, after.jobId));
		expect(result).toMatchObject({ status: 200, started: true });
		expect(result.items[0].json).toMatchObject({ jobId: after.jobId, status: 'succeeded' });
		// fal signs every account's deliveries with one key, so the kept connection proves it; the others read the edit.
		expect(h.credentialReads).toBe(provider === 'fal' ? 1 : 2);
	});

	it('stops taking deliveries within a minute of its credential being replaced by a wrong one', async () => {
		const h = harness(provider);
		const [first, second] = await finishedJobs(provider, 2);
		await h.deliver(account.signedDelivery(provider, first.jobId));
		const wrong = { ...emulatorCredentialData(provider, account), apiToken: 'r8_wrong', apiKey: 'wrong:wrong', accessKey: 'wrong', secretKey: 'wrong' };
		h.editCredential(wrong);
		aMinuteLater();
		const result = await h.deliver(account.signedDelivery(provider, second.jobId));
		if (provider === 'fal') {
			// fal's check needs no key: the credential only says where fal's public keys are.
			expect(result).toMatchObject({ status: 200, started: true });
		} else {
			expect(result.started).toBe(false);
			expect(result.status).toBeGreaterThanOrEqual(400);
		}
		expect(h.credentialReads).toBe(2);
	});
});
