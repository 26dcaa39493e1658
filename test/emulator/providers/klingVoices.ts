/**
 * Kling custom voices (the EN reference, a copy of https://app.klingai.com/global/dev/document-api,
 * and a copy of https://klingai.com/document-api/api/video/2-6/voice-customization.md):
 *
 *   POST /v1/general/custom-voices {voice_name*, voice_url | video_id, callback_url, external_task_id}
 *        → a task, submitted → processing → succeed
 *   GET  /v1/general/custom-voices/{task_id or external_task_id} → task_result.voices[…]
 *   GET  /v1/general/custom-voices?pageNum&pageSize   (pageSize 1–1000)
 *   GET  /v1/general/presets-voices?pageNum&pageSize  (Kling's own voices, owned_by "kling")
 *
 * The voice ids these give are what image2video's voice_list takes.
 */
import type { EmulatorCore, RequestContext, Route } from '../context';
import { voiceOutput } from '../outputPlan';
import { isObject, readJson } from '../respond';
import { check, given } from '../validate';
import { answer, invalidParameter, paging } from './klingEnvelope';
import { CUSTOM_VOICE } from './klingSchemas';
import { answeredExisting, VOICE_KIND, videoJobId, voiceTask } from './klingTasks';
import { jobFaults, randomId } from './shared';

/** A few fixed preset voices (ids are numeric strings like Kling's; names and ids are the emulator's own). */
const PRESETS = [
	{ voice_id: '829824295735410001', voice_name: 'Warm Narrator' },
	{ voice_id: '829824295735410002', voice_name: 'Bright Host' },
	{ voice_id: '829824295735410003', voice_name: 'Calm Guide' },
];
const PRESETS_CREATED = Date.UTC(2025, 11, 1);

/** Preset objects have no task_info and no final_unit_deduction (EN). The trial URLs are not served. */
function presetTask(core: EmulatorCore, preset: (typeof PRESETS)[number]): Record<string, unknown> {
	return {
		task_id: `preset-${preset.voice_id}`,
		task_status: 'succeed',
		task_status_msg: '',
		created_at: PRESETS_CREATED,
		updated_at: PRESETS_CREATED,
		task_result: { voices: [{ ...preset, trial_url: `${core.url}/files/kling/presets/${preset.voice_id}.mp3`, owned_by: 'kling' }] },
	};
}

/**
 * video_id: "must be a video made by V2.6 with sound:on, by the Avatar API, or by the Lip-Sync API".
 * Only the first exists here: a finished kling-v2-6 task of this emulator with sound on.
 */
function videoIdProblem(core: EmulatorCore, videoId: string): string | null {
	const job = core.store.get('kling', videoJobId(videoId));
	if (!job || job.kind === VOICE_KIND || !videoId.endsWith('-0')) return `video_id ${videoId} not found`;
	if (job.state !== 'succeeded') return `video_id ${videoId} is not a finished video`;
	if (job.model !== 'kling-v2-6' || job.input.sound !== 'on') return 'video_id must be a kling-v2-6 video generated with sound on';
	return null;
}

async function create(ctx: RequestContext, gate: (ctx: RequestContext) => boolean): Promise<void> {
	const body = await readJson(ctx);
	if (!body.ok || !isObject(body.value)) return answer(ctx, 400, 1200, body.ok ? 'request body must be a JSON object' : body.message);
	const input = body.value;
	const issues = [...check(input, CUSTOM_VOICE), ...(ctx.injectedIssue ? [ctx.injectedIssue] : [])];
	if (issues.length > 0) return invalidParameter(ctx, issues.map((issue) => issue.message).join('; '));
	// "voice_url | video_id": one of the two. Sending both is refused (INFERRED: no source says which would win).
	if (given(input.voice_url) === given(input.video_id)) return invalidParameter(ctx, 'exactly one of voice_url and video_id is required');
	const problem = given(input.video_id) ? videoIdProblem(ctx.core, input.video_id as string) : null;
	if (problem) return invalidParameter(ctx, problem);

	const externalTaskId = typeof input.external_task_id === 'string' ? input.external_task_id : null;
	if (answeredExisting(ctx, VOICE_KIND, externalTaskId)) return;
	if (!gate(ctx)) return;
	const id = randomId('kling');
	const job = ctx.core.store.create({
		provider: 'kling',
		id,
		model: 'custom-voice',
		kind: VOICE_KIND,
		operation: 'createVoice',
		input,
		...voiceOutput(id, input.voice_name),
		quality: 'pro',
		webhookUrl: typeof input.callback_url === 'string' && input.callback_url !== '' ? input.callback_url : null,
		webhookEvents: null,
		externalTaskId,
		faults: jobFaults(ctx.core, 'kling'),
		// Voice ids are numeric strings (e.g. "850087542757535834").
		voiceId: randomId('kling'),
	});
	ctx.record.jobId = job.id;
	answer(ctx, 200, 0, 'SUCCEED', voiceTask(job, ctx.core));
}

/** The routes; `gate` is the concurrency limit (creating a voice is a create call too). */
export function voiceRoutes(gate: (ctx: RequestContext) => boolean): Route[] {
	return [
		{ method: 'POST', pattern: /^\/v1\/general\/custom-voices$/, name: 'submit', handle: (ctx) => create(ctx, gate) },
		{
			method: 'GET',
			pattern: /^\/v1\/general\/custom-voices\/([^/]+)$/,
			name: 'status',
			handle(ctx, [, id]) {
				const job = ctx.core.store.list('kling').find((j) => j.kind === VOICE_KIND && (j.id === id || j.externalTaskId === id));
				ctx.record.jobId = job?.id ?? id;
				if (!job) return answer(ctx, 404, 1203, 'task not found');
				answer(ctx, 200, 0, 'SUCCEED', voiceTask(job, ctx.core));
			},
		},
		{
			method: 'GET',
			pattern: /^\/v1\/general\/custom-voices$/,
			name: 'list',
			handle(ctx) {
				const page = paging(ctx, 1000);
				if (!page) return;
				const voices = ctx.core.store.list('kling').filter((job) => job.kind === VOICE_KIND);
				const slice = voices.slice((page.pageNum - 1) * page.pageSize, page.pageNum * page.pageSize);
				answer(ctx, 200, 0, 'SUCCEED', slice.map((job) => voiceTask(job, ctx.core)));
			},
		},
		{
			method: 'GET',
			pattern: /^\/v1\/general\/presets-voices$/,
			name: 'list',
			handle(ctx) {
				const page = paging(ctx, 1000);
				if (!page) return;
				const slice = PRESETS.slice((page.pageNum - 1) * page.pageSize, page.pageNum * page.pageSize);
				answer(ctx, 200, 0, 'SUCCEED', slice.map((preset) => presetTask(ctx.core, preset)));
			},
		},
	];
}
