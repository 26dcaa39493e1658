/**
 * Every answer Kling's own API gives, as zod schemas: the adapter parses each one and never
 * casts. Shapes follow the Kling API reference (envelope `{code, message, request_id, data}`,
 * task objects with `task_status` / `task_result.videos[]`); unknown extra keys are kept.
 */
import { z } from 'zod';
import { parseProviderAnswer } from '../parse';
import type { JobRef } from '../../job';

export const KLING_TASK_STATES = ['submitted', 'processing', 'succeed', 'failed'] as const;
export type KlingTaskState = (typeof KLING_TASK_STATES)[number];

/** Every Kling answer, success or not: `code: 0` is accepted, anything else is an error code. */
export const klingEnvelopeSchema = z
	.object({
		code: z.number().int(),
		message: z.string().nullish(),
		request_id: z.string().nullish(),
		data: z.unknown().optional(),
	})
	.passthrough();
export type KlingEnvelope = z.infer<typeof klingEnvelopeSchema>;

/** Kling reports durations as strings ("5.1"); numbers are accepted too. */
const seconds = z.union([z.string(), z.number()]).nullish();

export const klingVideoSchema = z
	.object({ id: z.string().nullish(), url: z.string().url(), duration: seconds })
	.passthrough();

/** A task as the query, the list and the callback carry it. */
export const klingTaskSchema = z
	.object({
		task_id: z.string().min(1),
		task_status: z.enum(KLING_TASK_STATES),
		task_status_msg: z.string().nullish(),
		task_info: z.object({ external_task_id: z.string().nullish() }).passthrough().nullish(),
		task_result: z
			.object({
				videos: z.array(klingVideoSchema).nullish(),
				// Custom voices: voice ids are numeric strings; one of Kling's examples shows a number.
				voices: z.array(z.object({ voice_id: z.union([z.string().min(1), z.number()]), voice_name: z.string().nullish() }).passthrough()).nullish(),
			})
			.passthrough()
			.nullish(),
		final_unit_deduction: z.union([z.string(), z.number()]).nullish(),
		/** Unix milliseconds. */
		created_at: z.number().nullish(),
		updated_at: z.number().nullish(),
	})
	.passthrough();
export type KlingTask = z.infer<typeof klingTaskSchema>;

export const klingTaskListSchema = z.array(klingTaskSchema);

/**
 * A callback body only has to name its task: everything else is re-read from the API, because
 * Kling signs nothing and the body may be forged.
 */
export const klingCallbackSchema = z
	.object({
		task_id: z.string().min(1),
		task_status: z.string().optional(),
		task_info: z.object({ external_task_id: z.string().nullish() }).passthrough().nullish(),
	})
	.passthrough();

export const parseKlingAnswer = <T extends z.ZodTypeAny>(schema: T, value: unknown, what: string, jobRef?: JobRef): z.infer<T> =>
	parseProviderAnswer('kling', schema, value, what, jobRef);
