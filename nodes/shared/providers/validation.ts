/**
 * The one validation pass every provider's request goes through before anything is uploaded or
 * billed: the model offers the operation, every field set is one the row maps, the mode and the
 * duration exist, the prompt fits, required fields are there, and the row's rules hold.
 */
import type { Mode, VideoRequest } from '../job';
import { FIELD_LABELS, listWords, MODE_LABELS, OPERATION_LABELS, quote } from '../labels';
import { DEFAULT_MODEL, MODEL_LABELS } from './models';
import { modeOf, modelsOf, modesOf, offeredFields, rowOf, type OperationRow, type ProviderTable } from './table';
import type { RequestField } from './types';

/** Whether a request field holds a value: an empty list (Voice IDs left empty) is none. */
export const isSet = (value: unknown) => value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);

export interface Problem {
	/** The unified field at fault, or `operation` / `model` / `request` for the request as a whole. */
	field: RequestField | 'operation' | 'model' | 'request';
	message: string;
}

/**
 * The Mode, checked on its own: it is not a field a row maps like the others but the choice of
 * endpoint, so it is refused only when the row has no endpoint for it. A row of one mode has no
 * Mode field but takes that mode stated (a request made for another provider may state it).
 */
function modeProblem(request: VideoRequest, row: OperationRow, where: string): Problem | undefined {
	const asked: unknown = 'mode' in request ? request.mode : undefined;
	const modes = modesOf(row);
	if (!isSet(asked) || modes.includes(asked as Mode)) return undefined;
	const shown = MODE_LABELS[asked as Mode] ?? quote(asked);
	const offers = modes.length === 1 ? `${OPERATION_LABELS[request.operation]} only in mode ${MODE_LABELS[modes[0]]}` : listWords(modes.map((mode) => MODE_LABELS[mode]));
	return { field: 'mode', message: `${FIELD_LABELS.mode} is ${shown}: ${where} offers ${offers}` };
}

/** Why a set field is refused: the model lacks it, or this mode does (then which modes take it). */
function notTakenMessage(field: RequestField, value: unknown, row: OperationRow, mode: Mode, where: string, request: VideoRequest): string {
	const label = FIELD_LABELS[field] ?? field;
	const operation = OPERATION_LABELS[request.operation];
	const otherModes = modesOf(row).filter((other) => other !== mode && offeredFields(row, other).includes(field));
	if (otherModes.length === 0) return `${label} is ${quote(value)}: ${where} takes no ${label} for ${operation}`;
	return `${label} is ${quote(value)}: ${where} takes no ${label} for ${operation} in mode ${MODE_LABELS[mode]}; allowed are Mode ${listWords(otherModes.map((other) => MODE_LABELS[other]))}, or no ${label}`;
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
	const refusedMode = modeProblem(request, row, where);
	if (refusedMode) problems.push(refusedMode);
	const mode = modeOf(request, row);
	const offered = offeredFields(row, mode);
	for (const [field, value] of Object.entries(request)) {
		if (field === 'operation' || field === 'model' || field === 'mode' || !isSet(value) || offered.includes(field as RequestField)) continue;
		problems.push({ field: field as RequestField, message: notTakenMessage(field as RequestField, value, row, mode, where, request) });
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
