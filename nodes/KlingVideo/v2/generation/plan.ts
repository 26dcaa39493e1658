/**
 * Turns an input item into the jobs to run: one, or one per aspect-ratio variant. Every item is
 * read and checked here, binary inputs included, before the first upload or paid submit (the
 * router prepares all items first), so one bad row in a batch never leaves half a batch submitted.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { randomUUID } from 'node:crypto';
import type { AspectRatio, GenerationOperation, ProviderId } from '../../../shared/job';
import { offeredFields } from '../../../shared/providers/table';
import { ASPECT_RATIOS } from '../../../shared/job';
import { PROVIDERS } from '../../../shared/providers';
import type { RequestField } from '../../../shared/providers/types';
import { MEDIA_FIELD_TEXT } from '../description/media';
import { InvalidParameterError } from '../errors/invalidParameter';
import { checkDataUrl, loadAndCheckBinary } from './mediaInput';
import { readRequest, type DraftRequest } from './readRequest';
import { checkPlannedRequest } from './request';
import type { RunScope } from '../actions/action';

export interface PlannedJob {
	itemIndex: number;
	/** Set when the job is one of several aspect-ratio variants of its item. */
	variant: AspectRatio | null;
	draft: DraftRequest;
	/** Stable across n8n's Retry On Fail and re-runs of the same execution (Kling makes the submit idempotent with it). */
	idempotencyKey: string;
}

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

/**
 * The jobs of one input item: one, or one per aspect-ratio variant. Its media is loaded and
 * checked here, and each job's whole request passes the provider's validation, before the
 * first upload or paid submit of the run.
 */
export async function planItem(scope: RunScope, itemIndex: number, operation: GenerationOperation): Promise<PlannedJob[]> {
	const { context, provider } = scope;
	const draft = readRequest(context, itemIndex, provider, operation);
	await checkMedia(context, itemIndex, draft);
	const variants = readVariants(context, itemIndex, provider, draft);
	const idempotencyPrefix = `${executionIdOf(context)}-${context.getNode().id ?? context.getNode().name}-${itemIndex}`;
	const jobs = (variants.length ? variants : [null]).map((variant) => ({
		itemIndex,
		variant,
		draft,
		idempotencyKey: `${idempotencyPrefix}-${variant ?? 'single'}`,
	}));
	for (const job of jobs) checkPlannedRequest(provider, job);
	return jobs;
}

/**
 * n8n gives every execution an id. Should a context lack one, a fixed stand-in would make all
 * such runs share one Kling task per item; a fresh one keeps them apart (only idempotency is lost).
 */
const fallbackExecutionIds = new WeakMap<IExecuteFunctions, string>();
function executionIdOf(context: IExecuteFunctions): string {
	const id = context.getExecutionId() ?? fallbackExecutionIds.get(context) ?? `run${randomUUID().slice(0, 8)}`;
	fallbackExecutionIds.set(context, id);
	return id;
}

/** A binary input's bytes, or a data: URL's, checked against the provider's limits. */
async function checkMedia(context: IExecuteFunctions, itemIndex: number, draft: DraftRequest): Promise<void> {
	const orientation = draft.fields.characterOrientation as 'image' | 'video' | undefined;
	for (const [field, input] of Object.entries(draft.media)) {
		const label = MEDIA_FIELD_TEXT[field].label;
		if (input?.source === 'binary') {
			await loadAndCheckBinary(context, itemIndex, field as RequestField, label, input, orientation, draft.row);
		} else if (input?.source === 'url') {
			checkDataUrl(field as RequestField, label, input, orientation, draft.row);
		}
	}
}
