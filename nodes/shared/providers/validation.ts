/**
 * The one validation pass every provider's request goes through before anything is uploaded or
 * billed: the model offers the operation, every field set is one the row maps, the mode and the
 * duration exist, the prompt fits, required fields are there, and the row's rules hold.
 */
import type { Quality, VideoRequest } from '../job';
import { FIELD_LABELS, listWords, OPERATION_LABELS, QUALITY_LABELS, quote } from '../labels';
import { DEFAULT_MODEL, MODEL_LABELS } from './models';
import { modelsOf, offeredFields, qualityOf, rowOf, tiersOf, type OperationRow, type ProviderTable } from './table';
import type { RequestField } from './types';
import { isSet } from './values';

export interface Problem {
	/** The unified field at fault, or `operation` / `model` / `request` for the request as a whole. */
	field: RequestField | 'operation' | 'model' | 'request';
	message: string;
}

/** The other modes of a row whose endpoints take a field this mode lacks. */
const takenInOtherModes = (row: OperationRow, field: RequestField, tier: Quality) =>
	tiersOf(row).filter((other) => other !== tier && offeredFields(row, other).includes(field));

/** Why a set field is refused: the model lacks it, or this mode does (then which modes take it). */
function notTakenMessage(field: RequestField, value: unknown, row: OperationRow, tier: Quality, where: string, request: VideoRequest): string {
	const label = FIELD_LABELS[field] ?? field;
	const operation = OPERATION_LABELS[request.operation];
	if (field === 'quality') {
		const shown = QUALITY_LABELS[value as Quality] ?? quote(value);
		return `${label} is ${shown}: ${where} offers ${operation} only in mode ${QUALITY_LABELS[tiersOf(row)[0]]}`;
	}
	const otherModes = takenInOtherModes(row, field, tier);
	if (otherModes.length === 0) return `${label} is ${quote(value)}: ${where} takes no ${label} for ${operation}`;
	return `${label} is ${quote(value)}: ${where} takes no ${label} for ${operation} in mode ${QUALITY_LABELS[tier]}; allowed are Mode ${listWords(otherModes.map((other) => QUALITY_LABELS[other]))}, or no ${label}`;
}

/** Every problem of a request for a provider, in the panel's words; empty when it may be sent. */
export function requestProblems(table: ProviderTable, request: VideoRequest): Problem[] {
	const model = request.model ?? DEFAULT_MODEL;
	const row = rowOf(table.models, model, request.operation);
	const where = `${table.displayName}'s ${MODEL_LABELS[model]}`;
	if (!row) {
		const models = modelsOf(table.models, request.operation);
		return [
			{
				field: models.length ? 'model' : 'operation',
				message: models.length
					? `Model is ${MODEL_LABELS[model]}: ${table.displayName} offers ${OPERATION_LABELS[request.operation]} with ${listWords(models.map((id) => MODEL_LABELS[id]))}`
					: `Operation is ${OPERATION_LABELS[request.operation]}: ${table.displayName} does not offer it`,
			},
		];
	}
	const problems: Problem[] = [];
	const tier = qualityOf(request, row);
	const offered = offeredFields(row, tier);
	for (const [field, value] of Object.entries(request)) {
		if (field === 'operation' || field === 'model' || !isSet(value) || offered.includes(field as RequestField)) continue;
		// A mode the model has only one of may be stated as that mode.
		if (field === 'quality' && tiersOf(row).length === 1 && value === tiersOf(row)[0]) continue;
		problems.push({ field: field as RequestField, message: notTakenMessage(field as RequestField, value, row, tier, where, request) });
	}
	if ('quality' in request && request.quality && offered.includes('quality') && !row.endpoints[request.quality]) {
		problems.push({ field: 'quality', message: `Mode is ${QUALITY_LABELS[request.quality]}: ${where} offers ${listWords(tiersOf(row).map((tier) => QUALITY_LABELS[tier]))}` });
	}
	if ('duration' in request && row.durations && !row.durations.values.includes(request.duration)) {
		problems.push({
			field: 'duration',
			message: `Duration is ${request.duration} s: ${where} takes ${listWords(row.durations.values.map((seconds) => `${seconds}`))} seconds`,
		});
	}
	const prompt = 'prompt' in request ? request.prompt : undefined;
	if (prompt && row.promptMaxLength && prompt.length > row.promptMaxLength.value) {
		problems.push({
			field: 'prompt',
			message: `Prompt has ${prompt.length} characters: ${where} takes at most ${row.promptMaxLength.value}`,
		});
	}
	for (const field of row.required ?? []) {
		if (!isSet((request as Record<string, unknown>)[field])) {
			problems.push({ field, message: `${FIELD_LABELS[field]} is empty: ${where} requires it for ${OPERATION_LABELS[request.operation]}` });
		}
	}
	for (const rule of row.rules ?? []) {
		const message = rule.check(request);
		if (message) problems.push({ field: 'request', message });
	}
	return problems;
}
