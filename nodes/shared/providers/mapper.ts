/**
 * The one mapper from the unified request to a provider's input, driven by the model table:
 * the endpoint of the request's model, operation and mode, each set field under the provider's
 * name with its conversion, and the row's fixed values. It refuses, never drops: a request with
 * any problem (validation.ts) throws before anything is sent.
 */
import { ProviderApiError } from '../errors';
import type { Mode, VideoRequest } from '../job';
import { DEFAULT_MODEL, type ModelId } from './models';
import { modeOf, rowOf, type Conversion, type EndpointRow, type OperationRow, type ProviderTable } from './table';
import type { RequestField } from './types';
import { isSet, requestProblems } from './validation';

const CONVERSIONS: Record<Conversion, (value: unknown) => unknown> = {
	string: (value) => String(value),
	modeWord: (value) => (value === 'std' ? 'standard' : value),
	onOff: (value) => (value ? 'on' : 'off'),
	yesNo: (value) => (value ? 'yes' : 'no'),
	voiceObjects: (value) => (Array.isArray(value) ? value.map((voice_id) => ({ voice_id })) : value),
	rawBase64: (value) => {
		const text = String(value);
		const prefix = /^data:[^,]*;base64,/i.exec(text);
		return prefix ? text.slice(prefix[0].length) : text;
	},
};

export interface MappedRequest {
	model: ModelId;
	mode: Mode;
	row: OperationRow;
	endpoint: EndpointRow;
	input: Record<string, unknown>;
}

export function mapRequest(table: ProviderTable, request: VideoRequest): MappedRequest {
	const problems = requestProblems(table, request);
	if (problems.length) {
		throw new ProviderApiError({ provider: table.provider, kind: 'invalidInput', message: problems.map((problem) => problem.message).join('; ') });
	}
	const model = request.model ?? DEFAULT_MODEL;
	const row = rowOf(table.models, model, request.operation)!;
	const mode = modeOf(request, row);
	const input: Record<string, unknown> = {};
	for (const [field, value] of Object.entries(request)) {
		// The mode is sent below as the mode the request runs in, which it may not state.
		const target = field === 'mode' ? undefined : row.fields[field as RequestField];
		if (!target || !isSet(value)) continue;
		input[target.name] = target.to ? CONVERSIONS[target.to](value) : value;
	}
	// The mode travels in the body where the row maps it (Kling's `mode`), else only in the endpoint.
	const modeField = row.fields.mode;
	if (modeField) input[modeField.name] = modeField.to ? CONVERSIONS[modeField.to](mode) : mode;
	for (const [name, fixed] of Object.entries(row.fixed ?? {})) input[name] = fixed.value;
	return { model, mode, row, endpoint: row.endpoints[mode]!, input };
}

/** What a request tells about its output before the provider says anything. */
export function expectedOutput(request: VideoRequest | undefined): { durationSeconds: number | null; hasAudio: boolean | null } {
	switch (request?.operation) {
		case 'textToVideo':
		case 'imageToVideo':
			return { durationSeconds: request.duration, hasAudio: request.generateAudio ?? false };
		case 'motionControl':
			return { durationSeconds: null, hasAudio: request.keepOriginalSound ?? null };
		default:
			return { durationSeconds: null, hasAudio: null };
	}
}
