/**
 * The name of a downloaded video says what it is: the first words of the prompt, the frame
 * shape and the job id ("ceramic-mug-on-a-sunlit-table-16x9-abc123.mp4"), so files saved from a
 * batch can be told apart without opening them. Only letters, digits and dashes, and bounded,
 * since it ends up in file systems and e-mail attachments.
 */
import type { Job } from './job';

const MAX_PROMPT_PART = 48;
const MAX_JOB_ID_PART = 40;

/** Lower-case words joined by dashes, cut at a word boundary. */
function slug(text: string, max: number): string {
	const words = text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter(Boolean);
	let result = '';
	for (const word of words) {
		const next = result ? `${result}-${word}` : word;
		if (next.length > max) break;
		result = next;
	}
	return result || (words[0] ?? '').slice(0, max);
}

export function videoFileName(job: Pick<Job, 'jobId' | 'provider'>, request: { prompt?: unknown; aspectRatio?: unknown }): string {
	const prompt = typeof request.prompt === 'string' ? slug(request.prompt, MAX_PROMPT_PART) : '';
	const ratio = typeof request.aspectRatio === 'string' ? request.aspectRatio.replace(/[^0-9]+/g, 'x') : '';
	const jobId = job.jobId.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, MAX_JOB_ID_PART);
	// Without a request to describe (a trigger, Get Job), the provider names the file as before.
	const described = [prompt, ratio].filter(Boolean);
	return `${[...(described.length ? described : [job.provider]), jobId].join('-')}.mp4`;
}
