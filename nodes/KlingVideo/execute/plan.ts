/**
 * Turns the input items into the jobs to run: one per item, or one per aspect-ratio variant of
 * each item. Every item is read and checked here, binary inputs included, before the first
 * upload or paid submit, so one bad row in a batch never leaves half a batch submitted.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { randomUUID } from 'node:crypto';
import type { AspectRatio, GenerationOperation, ProviderId } from '../../shared/job';
import { offeredFields } from '../../shared/providers/table';
import { ASPECT_RATIOS } from '../../shared/job';
import { PROVIDERS } from '../../shared/providers';
import type { RequestField } from '../../shared/providers/types';
import { MEDIA_FIELD_TEXT } from '../description/media';
import { InvalidParameterError } from './invalidParameter';
import { checkDataUrl, loadAndCheckBinary } from './mediaInput';
import { readRequest, type DraftRequest } from './readRequest';

export interface PlannedJob {
	itemIndex: number;
	/** Set when the job is one of several aspect-ratio variants of its item. */
	variant: AspectRatio | null;
	draft: DraftRequest;
	/** Stable across n8n's Retry On Fail and re-runs of the same execution (Kling makes the submit idempotent with it). */
	idempotencyKey: string;
}

export type PlanEntry = { ok: true; job: PlannedJob } | { ok: false; itemIndex: number; error: unknown };

function readVariants(context: IExecuteFunctions, itemIndex: number, provider: ProviderId, draft: DraftRequest): AspectRatio[] {
	const raw = context.getNodeParameter('options.aspectRatioVariants', itemIndex, []) as unknown;
	const list = Array.isArray(raw) ? raw : typeof raw === 'string' && raw ? raw.split(',') : [];
	const variants = [...new Set(list.map((ratio) => String(ratio).trim()))];
	for (const ratio of variants) {
		if (!(ASPECT_RATIOS as readonly string[]).includes(ratio)) {
			throw new InvalidParameterError('aspectRatioVariants', `Aspect Ratio Variants contains "${ratio}": allowed are ${ASPECT_RATIOS.join(', ')}`);
		}
	}
	if (variants.length && !offeredFields(draft.row).includes('aspectRatio')) {
		throw new InvalidParameterError(
			'aspectRatioVariants',
			`Aspect Ratio Variants is ${variants.join(', ')}: ${PROVIDERS[provider].displayName} takes no aspect ratio for this operation (the image decides it), so leave it empty`,
		);
	}
	return variants as AspectRatio[];
}

export async function planJobs(
	context: IExecuteFunctions,
	provider: ProviderId,
	operation: GenerationOperation,
): Promise<PlanEntry[]> {
	const entries: PlanEntry[] = [];
	// n8n gives every execution an id. Should a context lack one, a fixed stand-in would make all
	// such runs share one Kling task per item; a fresh one keeps them apart (only idempotency is lost).
	const executionId = context.getExecutionId() ?? `run${randomUUID().slice(0, 8)}`;
	const nodeId = context.getNode().id ?? context.getNode().name;
	const items = context.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const draft = readRequest(context, itemIndex, provider, operation);
			const orientation = draft.fields.characterOrientation as 'image' | 'video' | undefined;
			for (const [field, input] of Object.entries(draft.media)) {
				const label = MEDIA_FIELD_TEXT[field].label;
				if (input?.source === 'binary') {
					await loadAndCheckBinary(context, itemIndex, field as RequestField, label, input, orientation, draft.row);
				} else if (input?.source === 'url') {
					checkDataUrl(field as RequestField, label, input, orientation, draft.row);
				}
			}
			const variants = readVariants(context, itemIndex, provider, draft);
			const ratios: Array<AspectRatio | null> = variants.length ? variants : [null];
			for (const variant of ratios) {
				entries.push({
					ok: true,
					job: {
						itemIndex,
						variant,
						draft,
						idempotencyKey: `${executionId}-${nodeId}-${itemIndex}-${variant ?? 'single'}`,
					},
				});
			}
		} catch (error) {
			entries.push({ ok: false, itemIndex, error });
		}
	}
	return entries;
}
