/** Every provider answer is parsed with zod, never cast; what does not fit is named for a person to read. */
import type { z } from 'zod';
import { MalformedResponseError } from '../errors';
import type { JobRef, ProviderId } from '../job';

/** "path: message; path: message". */
export function describeIssues(error: z.ZodError): string {
	return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(body)'}: ${issue.message}`).join('; ');
}

/** Parses an answer or throws `MalformedResponseError` listing what did not fit, with the job when one exists. */
export function parseProviderAnswer<T extends z.ZodTypeAny>(
	provider: ProviderId,
	schema: T,
	value: unknown,
	what: string,
	jobRef?: JobRef,
): z.infer<T> {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	const issues = value === undefined ? '(body): not JSON' : describeIssues(result.error);
	const error = new MalformedResponseError(provider, what, issues, value);
	// A job that exists but cannot be read must still reach the user, so they can look it up.
	error.jobRef = jobRef;
	throw error;
}
