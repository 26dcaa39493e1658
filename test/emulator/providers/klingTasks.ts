/**
 * Kling task objects as the query, list and callback carry them (the EN reference, a copy of
 * https://app.klingai.com/global/dev/document-api: the task queries, "Callback Protocol" and the
 * custom-voice endpoints): video tasks and custom-voice tasks.
 */
import type { EmulatorCore, RequestContext } from '../context';
import { outputUrl } from '../files';
import { isTerminal } from '../store';
import type { EmulatedJob, JobState } from '../types';
import { answer } from './klingEnvelope';

/** The kind custom-voice jobs are kept under (their paths are /v1/general/custom-voices). */
export const VOICE_KIND = 'custom-voices';

const CONTENT_POLICY_MESSAGE = 'Failure to pass the risk control system';

export const KLING_STATUS: Record<JobState, string> = {
	queued: 'submitted',
	running: 'processing',
	succeeded: 'succeed',
	failed: 'failed',
	// Kling has no cancel; a job the emulator cancels reads as failed.
	canceled: 'failed',
};

export function taskMessage(job: EmulatedJob): string {
	if (job.state === 'failed') return job.failure?.contentPolicy ? CONTENT_POLICY_MESSAGE : (job.failure?.message ?? 'failed');
	return job.state === 'canceled' ? 'Task canceled' : '';
}

/**
 * Units per job. kling-v3: the 3.0 spec's per-second table (std / pro: 0.6 / 0.8 silent, 0.9 /
 * 1.2 with audio, 1.1 / 1.4 with voices; motion control 0.9 / 1.2). Other models: UNCONFIRMED,
 * std 1.5 / pro 2.5 per 5 s, doubled with audio. Nothing for a failed task. A string, as Kling
 * types it.
 */
function unitDeduction(job: EmulatedJob): string {
	if (job.state !== 'succeeded') return '0';
	const pro = job.quality === 'pro';
	if (job.model === 'kling-v3') {
		let perSecond = pro ? 0.8 : 0.6;
		if (job.operation === 'motionControl') perSecond = pro ? 1.2 : 0.9;
		else if (Array.isArray(job.input.voice_list) && job.input.voice_list.length > 0) perSecond = pro ? 1.4 : 1.1;
		else if (job.withAudio) perSecond = pro ? 1.2 : 0.9;
		return String(Math.round(perSecond * job.durationSeconds * 1000) / 1000);
	}
	return String((pro ? 2.5 : 1.5) * (job.durationSeconds / 5) * (job.withAudio ? 2 : 1));
}

export function task(job: EmulatedJob): Record<string, unknown> {
	const updated = job.completedAt ?? job.startedAt ?? job.createdAt;
	return {
		task_id: job.id,
		task_status: KLING_STATUS[job.state],
		task_status_msg: taskMessage(job),
		task_info: job.externalTaskId === null ? {} : { external_task_id: job.externalTaskId },
		...(job.state === 'succeeded'
			? { task_result: { videos: [{ id: videoId(job), url: job.outputUrl, duration: String(job.durationSeconds) }] } }
			: {}),
		...(isTerminal(job.state) ? { final_unit_deduction: unitDeduction(job) } : {}),
		created_at: job.createdAt.getTime(),
		updated_at: updated.getTime(),
	};
}

/** `task_result.videos[].id`, what custom voices take as `video_id`. */
export const videoId = (job: EmulatedJob) => `${job.id}-0`;

/** The job a `video_id` names (`<task id>-0`). */
export const videoJobId = (id: string) => id.replace(/-0$/, '');

/** The same external id is the same task: nothing new is created or billed. Returns true when it answered. */
export function answeredExisting(ctx: RequestContext, kind: string, externalTaskId: string | null): boolean {
	if (externalTaskId === null) return false;
	const existing = ctx.core.store.list('kling').find((job) => job.kind === kind && job.externalTaskId === externalTaskId);
	if (!existing) return false;
	ctx.record.jobId = existing.id;
	answer(ctx, 200, 0, 'SUCCEED', taskObject(existing, ctx.core));
	return true;
}


/**
 * A custom-voice task: `task_result.voices[{voice_id, voice_name, trial_url, owned_by}]` once it
 * succeeds (owned_by: the creator's id; `kling` only for presets). trial_url here is the audio it
 * was cloned from (its URL, or the source video's). The units a clone costs are UNCONFIRMED
 * (0.05 in third-party probe notes only).
 */
export function voiceTask(job: EmulatedJob, core: Pick<EmulatorCore, 'url'>): Record<string, unknown> {
	const updated = job.completedAt ?? job.startedAt ?? job.createdAt;
	const input = job.input as { voice_name?: string; voice_url?: string; video_id?: string };
	const source = input.voice_url ?? (input.video_id ? videoUrl(core, videoJobId(input.video_id)) : null);
	const voice = { voice_id: job.voiceId, voice_name: input.voice_name, trial_url: source, owned_by: VOICE_OWNER };
	return {
		task_id: job.id,
		task_status: KLING_STATUS[job.state],
		task_status_msg: taskMessage(job),
		task_info: job.externalTaskId === null ? {} : { external_task_id: job.externalTaskId },
		...(job.state === 'succeeded' ? { task_result: { voices: [voice] } } : {}),
		...(isTerminal(job.state) ? { final_unit_deduction: job.state === 'succeeded' ? '0.05' : '0' } : {}),
		created_at: job.createdAt.getTime(),
		updated_at: updated.getTime(),
	};
}

const videoUrl = (core: Pick<EmulatorCore, 'url'>, jobId: string) => outputUrl(core, { provider: 'kling', id: jobId });

/** The emulated account's id, as `owned_by` of the voices it clones. */
export const VOICE_OWNER = '7300000001';

export const taskObject = (job: EmulatedJob, core: Pick<EmulatorCore, 'url'>) =>
	job.kind === VOICE_KIND ? voiceTask(job, core) : task(job);
