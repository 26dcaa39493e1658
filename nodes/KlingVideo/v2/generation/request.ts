/**
 * A planned job's request: checked whole by the provider's validation pass before anything is
 * sent, then built with its media resolved (uploaded or passed as URLs), and what of it the
 * output item and a resumed execution need to know.
 */
import type { SubmittedDetails } from '../../../shared/jobDetails';
import { videoRequestSchema, type ProviderId, type Mode, type VideoRequest } from '../../../shared/job';
import type { RequestEcho } from '../../../shared/jobOutput';
import { tableOf } from '../../../shared/providers';
import type { ProviderClient } from '../../../shared/providers/types';
import { requestProblems } from '../../../shared/providers/validation';
import { MEDIA_FIELDS } from '../description/media';
import { InvalidParameterError } from '../errors/invalidParameter';
import { resolveMedia } from './mediaInput';
import type { PlannedJob } from './plan';

/** The request's own fields, with the variant's ratio in place of the Aspect Ratio field. */
function scalarFields(planned: PlannedJob): Record<string, unknown> {
	const { draft, variant } = planned;
	const body: Record<string, unknown> = { operation: draft.operation, model: draft.model, ...draft.fields };
	if (variant) body.aspectRatio = variant;
	return body;
}

export const withoutEmpty = (body: Record<string, unknown>) =>
	Object.fromEntries(Object.entries(body).filter(([, value]) => value !== '' && !(Array.isArray(value) && value.length === 0)));

/**
 * The request as planned, before any upload: a URL as given, a binary input as the text
 * `binaryText` makes of its property (a non-URL, so rules such as Kling's motion video by URL
 * still apply).
 */
export function plannedRequest(planned: PlannedJob, binaryText: (property: string) => string): Record<string, unknown> {
	const preview = scalarFields(planned);
	for (const field of MEDIA_FIELDS) {
		const input = planned.draft.media[field];
		if (input) preview[field] = input.source === 'url' ? input.url : binaryText(input.property);
	}
	return preview;
}

/**
 * The whole request as planned, checked by the provider's validation pass (fields, mode,
 * duration, prompt, rules across fields) before any upload; media count as present.
 */
export function checkPlannedRequest(provider: ProviderId, planned: PlannedJob): void {
	const preview = plannedRequest(planned, (property) => `binary property "${property}"`);
	for (const [key, value] of Object.entries(preview)) if (value === '') delete preview[key];
	const [problem] = requestProblems(tableOf(provider), preview as VideoRequest);
	if (problem) throw new InvalidParameterError(problem.field, problem.message);
}

/** The unified request of a planned job, with its media turned into what the provider receives. */
export async function buildRequest(client: ProviderClient, planned: PlannedJob, signal?: AbortSignal): Promise<VideoRequest> {
	const body = scalarFields(planned);
	for (const field of MEDIA_FIELDS) {
		const input = planned.draft.media[field];
		if (input) body[field] = await resolveMedia(client, input, signal);
	}
	const parsed = videoRequestSchema.safeParse(withoutEmpty(body));
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new InvalidParameterError(String(issue.path[0] ?? 'request'), `${issue.path.join('.') || 'Request'}: ${issue.message}`);
	}
	return parsed.data;
}

/** What the output item repeats of the request: the prompt and the frame shape (null where there is none). */
export function requestEcho(planned: PlannedJob): RequestEcho {
	const { fields } = planned.draft;
	const prompt = typeof fields.prompt === 'string' && fields.prompt !== '' ? fields.prompt : null;
	const aspectRatio = planned.variant ?? (typeof fields.aspectRatio === 'string' ? fields.aspectRatio : null);
	return { prompt, aspectRatio };
}

/** What the resume needs to know of the request, since providers do not all echo it back. */
export function submittedDetails(planned: PlannedJob): SubmittedDetails {
	const { fields, operation, model } = planned.draft;
	return {
		operation,
		model,
		quality: (fields.mode as Mode | undefined) ?? null,
		durationSeconds: typeof fields.duration === 'number' ? fields.duration : null,
		hasAudio: typeof fields.generateAudio === 'boolean' ? fields.generateAudio : null,
	};
}
