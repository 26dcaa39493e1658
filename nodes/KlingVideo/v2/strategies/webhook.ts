/**
 * Wait for Webhook: the job is submitted with the execution's resume URL as its callback, and
 * once the output is assembled the execution pauses; the provider's callback resumes it
 * (webhookResume.ts). n8n resumes a paused execution once, so a run takes one job.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import type { Job } from '../../../shared/job';
import { jobToJson, type RequestEcho } from '../../../shared/jobOutput';
import type { RunScope } from '../actions/action';
import { TIME_LIMIT_LABEL } from '../description/waiting';
import { InvalidParameterError } from '../errors/invalidParameter';
import type { PlannedJob } from '../generation/plan';
import { requestEcho, submittedDetails } from '../generation/request';
import { minutesParameter } from './minutes';
import { returnItems, type WaitStrategy } from './strategy';
import { bindPausedJob, callbackUrlFor, pauseForWebhook } from './webhookResume';

/**
 * The prompt travels in the callback URL to the resumed execution; a long one is cut there (the
 * URL must stay short enough for every provider's callback field).
 */
const MAX_PROMPT_IN_CALLBACK = 200;

export function startWebhook(scope: RunScope, jobs: PlannedJob[]): WaitStrategy {
	if (jobs.length > 1) throw tooManyJobsToPause(jobs.length);
	const limitMs = minutesParameter(scope.context, 'timeLimitMinutes', TIME_LIMIT_LABEL.waitForWebhook, 60);
	const deadline = Date.now() + limitMs;
	const resumeUrl = String(scope.context.evaluateExpression('{{ $execution.resumeUrl }}', 0));
	const echo = (planned: PlannedJob) => callbackEcho(requestEcho(planned));
	const callbackUrl = (planned: PlannedJob) =>
		callbackUrlFor(resumeUrl, { itemIndex: planned.itemIndex, deadline, extra: echo(planned) }, submittedDetails(planned));
	let paused: { job: Job; planned: PlannedJob } | undefined;
	return {
		callbackUrl,
		settle: async (job, planned) => {
			paused = { job, planned };
			bindPausedJob(scope.context, job);
			return { json: jobToJson(job, requestEcho(planned)), pairedItem: { item: planned.itemIndex } };
		},
		finish: async (items: INodeExecutionData[]) => {
			if (!paused) return await returnItems(items);
			const { job, planned } = paused;
			return await pauseForWebhook(scope.context, items, job, deadline, callbackUrl(planned), echo(planned), planned.itemIndex);
		},
	};
}

function callbackEcho(echo: RequestEcho): RequestEcho {
	const prompt = echo.prompt && echo.prompt.length > MAX_PROMPT_IN_CALLBACK ? `${echo.prompt.slice(0, MAX_PROMPT_IN_CALLBACK)}…` : echo.prompt;
	return { ...echo, prompt };
}

function tooManyJobsToPause(count: number): InvalidParameterError {
	return new InvalidParameterError(
		'waitMode',
		`Wait Mode is "Wait for Webhook" with ${count} jobs in this run: n8n resumes a paused execution once, so this mode takes one job (one item, no aspect ratio variants). For batches use Wait for Completion, or Submit Only with the Kling Video Trigger.`,
	);
}
