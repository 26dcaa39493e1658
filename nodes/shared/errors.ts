/**
 * Errors of the shared layer. They carry no n8n types so the adapters stay testable on their
 * own; the nodes turn them into `NodeApiError` / `NodeOperationError`.
 */
import type { FailureKind, JobRef, ProviderId } from './job';

/** A provider answered with an error, or could not be reached. */
export class ProviderApiError extends Error {
	readonly provider: ProviderId;
	readonly httpStatus: number | null;
	readonly code: string | number | undefined;
	/** The failure kind, under the same name as a job's `error.kind` and the node error's `kind`. */
	readonly kind: FailureKind;
	/** The job this error concerns, when one was already submitted: it must reach the user. */
	jobRef: JobRef | undefined;
	/** The provider's answer, for the error's description (never includes request headers). */
	readonly responseBody: unknown;

	constructor(options: {
		provider: ProviderId;
		message: string;
		httpStatus?: number | null;
		code?: string | number;
		kind?: FailureKind;
		jobRef?: JobRef;
		responseBody?: unknown;
	}) {
		super(options.message);
		this.name = 'ProviderApiError';
		this.provider = options.provider;
		this.httpStatus = options.httpStatus ?? null;
		this.code = options.code;
		this.kind = options.kind ?? 'provider';
		this.jobRef = options.jobRef;
		this.responseBody = options.responseBody;
	}
}

/** A webhook delivery that is not provably from the provider. `httpStatus` is what to answer. */
export class WebhookRejectedError extends Error {
	readonly httpStatus: 400 | 401 | 413;

	constructor(httpStatus: 400 | 401 | 413, message: string) {
		super(message);
		this.name = 'WebhookRejectedError';
		this.httpStatus = httpStatus;
	}
}

/** A provider answer that does not have the documented shape. */
export class MalformedResponseError extends ProviderApiError {
	constructor(provider: ProviderId, what: string, issues: string, responseBody: unknown) {
		super({
			provider,
			message: `${provider} returned a ${what} this package cannot read: ${issues}`,
			responseBody,
		});
		this.name = 'MalformedResponseError';
	}
}
