/** The paid step: a planned job's request built and sent, once. */
import { neverSent, settle } from '../../../shared/http';
import { ProviderApiError } from '../../../shared/errors';
import type { Job, ProviderId } from '../../../shared/job';
import { getProvider } from '../../../shared/providers';
import type { RunScope } from '../actions/action';
import { InvalidParameterError } from '../errors/invalidParameter';
import type { PlannedJob } from './plan';
import { buildRequest } from './request';

export async function submitPlanned(scope: RunScope, planned: PlannedJob, webhookUrl: string | undefined): Promise<Job> {
	const { client, provider, signal } = scope;
	const request = await buildRequest(client, planned, signal);
	const submitted = await settle(client.submit(request, { webhookUrl, idempotencyKey: planned.idempotencyKey, signal }));
	if (!submitted.ok) throw submitFailure(provider, submitted.error, signal);
	return submitted.value;
}

/**
 * A submit that failed on the way back (connection cut, answer truncated) may have been accepted
 * and billed; where the provider cannot deduplicate, it is not repeated, and the user is told to
 * look for the job rather than given a bare socket error.
 */
function submitFailure(provider: ProviderId, error: unknown, signal?: AbortSignal): unknown {
	if (error instanceof ProviderApiError || error instanceof InvalidParameterError || signal?.aborted || neverSent(error)) return error;
	const adapter = getProvider(provider);
	const reason = error instanceof Error ? error.message : String(error);
	return new ProviderApiError({
		provider,
		message: adapter.capabilities.idempotentSubmit
			? `The submit to ${adapter.displayName} failed after retries (${reason}); a repeat of this execution reuses the same task, so nothing is paid twice`
			: `The submit to ${adapter.displayName} was cut off after it was sent (${reason}): the job may have been created and billed. It was not sent again, so as not to pay twice; look for it with the Kling Video Jobs Trigger or on the ${adapter.displayName} dashboard`,
	});
}
