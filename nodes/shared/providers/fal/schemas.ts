/**
 * Every answer fal.ai gives, as zod schemas: the adapter parses each one and never casts.
 * Shapes follow fal-js (`libs/client/src/types/common.ts`, `queue.ts`, `storage.ts`) and fal's
 * platform API reference; unknown extra keys are kept (`passthrough`) so `raw` stays complete.
 */
import { z } from 'zod';
import { parseProviderAnswer } from '../parse';
import type { JobRef } from '../../job';

/** The three queue states fal reports; a failure is a COMPLETED whose result GET is not 200. */
export const FAL_QUEUE_STATES = ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED'] as const;
export type FalQueueState = (typeof FAL_QUEUE_STATES)[number];

const url = z.string().url();

/** `POST https://queue.fal.run/{endpoint}`. */
export const falSubmitSchema = z
	.object({
		request_id: z.string().min(1),
		response_url: url.optional(),
		status_url: url.optional(),
		cancel_url: url.optional(),
		queue_position: z.number().int().nullish(),
		status: z.string().optional(),
	})
	.passthrough();
export type FalSubmitAnswer = z.infer<typeof falSubmitSchema>;

/** `GET …/requests/{id}/status` and each event of `…/status/stream`. */
export const falStatusSchema = z
	.object({
		status: z.enum(FAL_QUEUE_STATES),
		request_id: z.string().optional(),
		queue_position: z.number().int().nullish(),
		response_url: url.optional(),
		status_url: url.optional(),
		cancel_url: url.optional(),
		logs: z.array(z.object({ message: z.string() }).passthrough()).nullish(),
		metrics: z.object({ inference_time: z.number().nullish() }).passthrough().nullish(),
		/** Newer queue versions put a runner error on the COMPLETED status itself. */
		error: z.string().nullish(),
		error_type: z.string().nullish(),
	})
	.passthrough();
export type FalStatusAnswer = z.infer<typeof falStatusSchema>;

const falFileSchema = z.object({
	url,
	content_type: z.string().nullish(),
	file_name: z.string().nullish(),
	file_size: z.number().nullish(),
});

/*
 * Results are not `passthrough`: the union must narrow on `video` / `voice_id`, and the Job's
 * `raw` keeps the answer as received anyway.
 */
/** Result of the video endpoints: `{video:{url,content_type,file_name,file_size}}`. */
export const falVideoResultSchema = z.object({ video: falFileSchema });
/** Result of `fal-ai/kling-video/create-voice`. */
export const falVoiceResultSchema = z.object({ voice_id: z.string().min(1) });
export const falResultSchema = z.union([falVideoResultSchema, falVoiceResultSchema]);
export type FalResult = z.infer<typeof falResultSchema>;

/** One entry of a 422 `detail` list (FastAPI/Pydantic shape, fal's documented error object). */
export const falErrorDetailSchema = z
	.object({
		loc: z.array(z.union([z.string(), z.number()])).optional(),
		msg: z.string(),
		type: z.string().optional(),
	})
	.passthrough();
export type FalErrorDetail = z.infer<typeof falErrorDetailSchema>;

/** Any error body: `detail` may be a list or a plain string; infra errors carry `error_type`. */
export const falErrorBodySchema = z
	.object({
		detail: z.union([z.string(), z.array(falErrorDetailSchema)]).optional(),
		error: z.string().nullish(),
		error_type: z.string().nullish(),
		message: z.string().nullish(),
		status: z.string().nullish(),
	})
	.passthrough();
export type FalErrorBody = z.infer<typeof falErrorBodySchema>;

/** Webhook body: `{request_id, gateway_request_id, status:"OK"|"ERROR", payload, error?, payload_error?}`. */
export const falWebhookSchema = z
	.object({
		request_id: z.string().min(1),
		gateway_request_id: z.string().nullish(),
		status: z.enum(['OK', 'ERROR']),
		payload: z.unknown().optional(),
		error: z.string().nullish(),
		payload_error: z.string().nullish(),
	})
	.passthrough();
export type FalWebhookBody = z.infer<typeof falWebhookSchema>;

/** `POST https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3`. */
export const falUploadInitiateSchema = z.object({ upload_url: url, file_url: url }).passthrough();

/** A part of a multipart upload, as fal-js's `partUploadRetries` reads it (`MultipartObject`). */
export const falUploadPartSchema = z.object({ partNumber: z.number().int().positive(), etag: z.string().min(1) }).passthrough();

/** One request of `GET https://api.fal.ai/v1/models/requests/by-endpoint`. */
export const falListItemSchema = z
	.object({
		request_id: z.string().min(1),
		endpoint_id: z.string().nullish(),
		sent_at: z.string().nullish(),
		started_at: z.string().nullish(),
		ended_at: z.string().nullish(),
		status_code: z.number().int().nullish(),
		duration: z.number().nullish(),
		json_input: z.record(z.unknown()).nullish(),
		json_output: z.unknown().optional(),
	})
	.passthrough();
export type FalListItem = z.infer<typeof falListItemSchema>;

export const falListSchema = z
	.object({
		items: z.array(falListItemSchema),
		next_cursor: z.string().nullish(),
		has_more: z.boolean().nullish(),
	})
	.passthrough();

export const parseFalAnswer = <T extends z.ZodTypeAny>(schema: T, value: unknown, what: string, jobRef?: JobRef): z.infer<T> =>
	parseProviderAnswer('fal', schema, value, what, jobRef);
