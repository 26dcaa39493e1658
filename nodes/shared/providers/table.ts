/**
 * The shape of a provider's model table: for each model and operation, the endpoint per mode,
 * the field map with its value conversions, fixed values, rules across fields, accepted media,
 * price, and where each row comes from. The node's panel, the validation, the mapper and the
 * pricing all read these tables; nothing else knows a provider's field names.
 */
import { DEFAULTS, type GenerationOperation, type Mode, type ProviderId, type VideoRequest } from '../job';
import type { ImageType } from '../media/probe';
import type { ModelId } from './models';
import type { RequestField } from './types';

/**
 * Where a row comes from: the URL of the provider's own page or API doc, or an official SDK's
 * file and version (`sdk <package>@<version> <file>`), or `UNCONFIRMED: <what was guessed>`
 * where no first-party source was found.
 */
export type Source = string;

export const unconfirmed = (guess: string): Source => `UNCONFIRMED: ${guess}`;
export const isUnconfirmed = (source: Source) => source.startsWith('UNCONFIRMED');

/** How a unified value becomes the provider's value; absent means it is sent as it is. */
export type Conversion =
	/** 5 → "5" (fal and Kling take durations as strings). */
	| 'string'
	/** "std" → "standard" (Replicate's Kling v3 names its modes standard and pro). */
	| 'modeWord'
	/** true → "on", false → "off" (Kling's `sound`). */
	| 'onOff'
	/** true → "yes", false → "no" (Kling's `keep_original_sound`). */
	| 'yesNo'
	/** ["a", "b"] → [{voice_id: "a"}, {voice_id: "b"}]. */
	| 'voiceObjects'
	/** A data URL loses its `data:…;base64,` prefix (Kling takes raw base64 or a URL). */
	| 'rawBase64';

export interface FieldRow {
	/** The provider's input name. */
	name: string;
	to?: Conversion;
	source: Source;
}

/** A rate per second of output video: without audio, with audio, and with voice control (custom voices) where it costs more. */
export interface PerSecondRates {
	silent: number;
	withAudio: number;
	/** Absent where the source states no voice-control rate (a job with voices then has no known price). */
	withVoices?: number;
}

export interface PriceRow {
	/** USD per second of output video (Kling's own API: the units below at the list price per unit). */
	usdPerSecond: PerSecondRates;
	/** Kling's own API bills units; its dollars are these times a price per unit (spend/units.ts). */
	unitsPerSecond?: PerSecondRates;
	source: Source;
}

export interface EndpointRow {
	/** The model id, endpoint id or task path the request is sent to. */
	path: string;
	source: Source;
	price?: PriceRow;
	/** Fields of the row this mode does not take (WaveSpeed's Standard endpoints list fewer inputs). */
	omits?: readonly RequestField[];
	/** What this mode is without its omitted fields (no `sound`: no audio), so such a value is no loss. */
	implies?: Partial<Record<RequestField, unknown>>;
}

export interface Rule {
	/** A message naming the fields and what is allowed, or null when the request keeps the rule. */
	check(request: VideoRequest): string | null;
	source: Source;
}

export interface OperationRow {
	/** The endpoint of each mode the provider offers; with two, the Mode field picks one. */
	endpoints: Partial<Record<Mode, EndpointRow>>;
	/** Unified field → provider field. A field missing here is not offered, and refused when set. */
	fields: Partial<Record<RequestField, FieldRow>>;
	/** Provider inputs always sent with one value (Kling's `model_name`). */
	fixed?: Readonly<Record<string, { value: unknown; source: Source }>>;
	/** The durations (seconds) the model takes, where the operation has a Duration. */
	durations?: { values: readonly number[]; source: Source };
	/** Fields the provider requires beyond what the unified request requires. */
	required?: readonly RequestField[];
	rules?: readonly Rule[];
	promptMaxLength?: { value: number; source: Source };
	/** Image formats the provider takes where it documents fewer than PNG, JPEG and WebP. */
	imageTypes?: { values: readonly ImageType[]; source: Source };
}

export type ModelTable = Partial<Record<ModelId, Partial<Record<GenerationOperation, OperationRow>>>>;

export const MODE_ORDER: readonly Mode[] = ['pro', 'std'];

/** The modes an operation row offers, Pro first. */
export const modesOf = (row: OperationRow): Mode[] => MODE_ORDER.filter((mode) => row.endpoints[mode]);

/**
 * The unified fields a row takes: the mapped ones, and Mode where two modes exist (a row of one
 * mode has nothing to choose, even where the provider's body names the mode). With a mode, only
 * what that mode's endpoint takes.
 */
export function offeredFields(row: OperationRow, mode?: Mode): RequestField[] {
	const selectable = modesOf(row).length > 1;
	const fields: RequestField[] = (Object.keys(row.fields) as RequestField[]).filter((field) => field !== 'mode');
	if (selectable) fields.push('mode');
	const omitted = mode ? (row.endpoints[mode]?.omits ?? []) : [];
	return fields.filter((field) => !omitted.includes(field));
}

/** The mode a request runs in: its own, or the row's only one, or Pro. */
export function modeOf(request: VideoRequest, row: OperationRow): Mode {
	const asked = 'mode' in request ? request.mode : undefined;
	const modes = modesOf(row);
	if (asked && row.endpoints[asked]) return asked;
	return modes.includes(DEFAULTS.mode) ? DEFAULTS.mode : modes[0];
}

/** What one (model, operation) of a provider's table is, in one lookup. */
export function rowOf(table: ModelTable, model: ModelId, operation: GenerationOperation): OperationRow | undefined {
	return table[model]?.[operation];
}

/** The operations a table offers with any model. */
export function operationsOf(table: ModelTable): GenerationOperation[] {
	const operations = new Set<GenerationOperation>();
	for (const rows of Object.values(table)) for (const operation of Object.keys(rows ?? {})) operations.add(operation as GenerationOperation);
	return [...operations];
}

/** The models a table offers for an operation, in the order of the table. */
export function modelsOf(table: ModelTable, operation: GenerationOperation): ModelId[] {
	return (Object.keys(table) as ModelId[]).filter((model) => table[model]?.[operation]);
}

export interface EndpointMatch {
	model: ModelId;
	/** The first operation of the path; where two share it (Replicate's text and image to video), the caller tells them apart. */
	operation: GenerationOperation;
	/** Null where both modes share the path (the mode travels in the body). */
	mode: Mode | null;
}

/** Which model, operation and mode an endpoint path belongs to (lists and webhooks name only the endpoint). */
export function findEndpoint(table: ModelTable, path: string | null | undefined): EndpointMatch | null {
	if (!path) return null;
	for (const [model, rows] of Object.entries(table) as [ModelId, Partial<Record<GenerationOperation, OperationRow>>][]) {
		for (const [operation, row] of Object.entries(rows) as [GenerationOperation, OperationRow][]) {
			const modes = modesOf(row).filter((mode) => row.endpoints[mode]?.path === path);
			if (modes.length) return { model, operation, mode: modes.length === 1 ? modes[0] : null };
		}
	}
	return null;
}

/** Every endpoint path of an operation (any model, any mode), without repeats. */
export function endpointPathsOf(table: ModelTable, operation: GenerationOperation): string[] {
	const paths = new Set<string>();
	for (const rows of Object.values(table)) {
		const row = rows?.[operation];
		if (row) for (const mode of modesOf(row)) paths.add(row.endpoints[mode]!.path);
	}
	return [...paths];
}

/** A provider's table, named for messages. */
export interface ProviderTable {
	provider: ProviderId;
	displayName: string;
	models: ModelTable;
}
