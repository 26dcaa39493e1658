/**
 * zod schemas of WaveSpeed's answers (API v3). Every HTTP answer is an envelope
 * `{code, message, data}` where `code != 200` is an error even on HTTP 200; the webhook body is
 * the bare prediction. Unknown keys pass through to `raw` untouched.
 */
import { z } from 'zod';
import { parseProviderAnswer } from '../parse';
import type { JobRef } from '../../job';

/** The documented states plus the terminal ones WaveSpeed's SDKs also check for. */
export const WAVESPEED_STATUSES = ['created', 'processing', 'completed', 'failed', 'cancelled', 'canceled', 'timeout'] as const;
export type WavespeedStatus = (typeof WAVESPEED_STATUSES)[number];

/**
 * `outputs` are URLs for videos. UNCONFIRMED: what Create Voice puts there; a plain voice id or
 * an object carrying `voice_id` are both accepted.
 */
const output = z.union([z.string(), z.object({ voice_id: z.string() }).passthrough()]);

export const wavespeedPredictionSchema = z.object({
	id: z.string().min(1),
	model: z.string().optional(),
	outputs: z.array(output).nullable().optional(),
	urls: z.object({ get: z.string().optional() }).nullable().optional(),
	has_nsfw_contents: z.array(z.boolean()).nullable().optional(),
	status: z.enum(WAVESPEED_STATUSES),
	created_at: z.string().nullable().optional(),
	/** Not in the documented answer; read when a version sends it. */
	completed_at: z.string().nullable().optional(),
	/** Empty string when there is no error. */
	error: z.string().nullable().optional(),
	/** Milliseconds. */
	timings: z.object({ inference: z.number().nullable().optional() }).nullable().optional(),
	executionTime: z.number().nullable().optional(),
	/** Not in the documented answer; when present, duration and audio (hence cost) are known. */
	input: z.record(z.unknown()).nullable().optional(),
}).superRefine((prediction, context) => {
	if (prediction.status === 'completed' && !prediction.outputs?.length) {
		context.addIssue({ code: z.ZodIssueCode.custom, path: ['outputs'], message: 'a completed prediction must carry its output' });
	}
});
export type WavespeedPrediction = z.infer<typeof wavespeedPredictionSchema>;

/** The envelope's head, read before `data` so an error answer is reported as what it is. */
export const wavespeedEnvelopeHeadSchema = z.object({
	code: z.number(),
	message: z.string().nullable().optional(),
	data: z.unknown().optional(),
});

export const wavespeedListDataSchema = z.object({
	page: z.number().optional(),
	total: z.number().optional(),
	items: z.array(z.unknown()).nullable(),
});

export const wavespeedListItemHeadSchema = z.object({ model: z.string().optional() });

/**
 * The ticket of `POST /media/uploads` (wavespeed-python c54e078 `Client.upload`, wavespeed-java
 * 2c05d8c): where to PUT the bytes, with which headers, and the URL the file will have.
 */
export const wavespeedUploadTicketSchema = z.object({
	download_url: z.string().min(1),
	upload: z.object({
		method: z.string(),
		url: z.string().url(),
		headers: z.record(z.string()).optional(),
	}),
});

/** `{code:200, data:{secret}}`, or `{secret}` from some versions. */
export const wavespeedSecretSchema = z.union([
	z.object({ code: z.literal(200), data: z.object({ secret: z.string().min(1) }) }),
	z.object({ secret: z.string().min(1) }),
]);

export const wavespeedBalanceDataSchema = z.object({ balance: z.number().optional() }).nullable().optional();

/** Error bodies: the envelope, or what a gateway in front of it answers. */
export const wavespeedErrorSchema = z.object({
	code: z.number().optional(),
	message: z.string().nullable().optional(),
	error: z.string().nullable().optional(),
	detail: z.string().nullable().optional(),
	data: z.unknown().optional(),
});

export const parseWavespeed = <T extends z.ZodTypeAny>(schema: T, value: unknown, what: string, jobRef?: JobRef): z.infer<T> =>
	parseProviderAnswer('wavespeed', schema, value, what, jobRef);
