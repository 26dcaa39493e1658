/**
 * zod schemas of Replicate's answers (HTTP API v1 and the webhook body, which is the same
 * prediction object). Only what the adapter reads is described; unknown keys pass through to
 * `raw` untouched because the adapter keeps the answer as received.
 */
import { z } from 'zod';
import { parseProviderAnswer } from '../parse';
import type { JobRef } from '../../job';

export const REPLICATE_STATUSES = ['starting', 'processing', 'succeeded', 'failed', 'canceled', 'aborted'] as const;
export type ReplicateStatus = (typeof REPLICATE_STATUSES)[number];

const timestamp = z.string().nullable().optional();

export const replicatePredictionSchema = z
	.object({
		id: z.string().min(1),
		model: z.string().optional(),
		version: z.string().nullable().optional(),
		status: z.enum(REPLICATE_STATUSES),
		input: z.record(z.unknown()).nullable().optional(),
		// Kling returns one URI; an array is tolerated because other Replicate models use it.
		output: z.union([z.string(), z.array(z.string()), z.null()]).optional(),
		error: z.string().nullable().optional(),
		logs: z.string().nullable().optional(),
		created_at: timestamp,
		started_at: timestamp,
		completed_at: timestamp,
		data_removed: z.boolean().optional(),
		urls: z
			.object({ get: z.string().optional(), cancel: z.string().optional(), stream: z.string().optional() })
			.partial()
			.nullable()
			.optional(),
		metrics: z.object({ predict_time: z.number().optional() }).nullable().optional(),
	})
	.superRefine((prediction, context) => {
		const hasOutput = typeof prediction.output === 'string' || (Array.isArray(prediction.output) && prediction.output.length > 0);
		if (prediction.status === 'succeeded' && !prediction.data_removed && !hasOutput) {
			context.addIssue({ code: z.ZodIssueCode.custom, path: ['output'], message: 'a succeeded prediction must carry its output URL' });
		}
	});
export type ReplicatePrediction = z.infer<typeof replicatePredictionSchema>;

/** A list page: the items are checked one by one so other models' outputs cannot break the list. */
export const replicateListPageSchema = z.object({
	next: z.string().nullable().optional(),
	previous: z.string().nullable().optional(),
	results: z.array(z.unknown()),
});

/** Just enough of a list item to decide whether it is one of ours. */
export const replicateListItemHeadSchema = z.object({ model: z.string().optional() });

export const replicateFileSchema = z.object({
	id: z.string().optional(),
	urls: z.object({ get: z.string().min(1) }),
});

export const replicateWebhookSecretSchema = z.object({ key: z.string().min(1) });

export const replicateAccountSchema = z.object({ username: z.string().optional(), type: z.string().optional() });

/** Replicate's problem-details error body; every field optional because proxies answer too. */
export const replicateErrorSchema = z.object({
	detail: z.union([z.string(), z.array(z.unknown())]).optional(),
	title: z.string().optional(),
	status: z.number().optional(),
	invalid_fields: z
		.array(z.object({ field: z.string().optional(), description: z.string().optional(), type: z.string().optional() }))
		.optional(),
});
export type ReplicateErrorBody = z.infer<typeof replicateErrorSchema>;

export const parseReplicate = <T extends z.ZodTypeAny>(schema: T, value: unknown, what: string, jobRef?: JobRef): z.infer<T> =>
	parseProviderAnswer('replicate', schema, value, what, jobRef);
