/**
 * Reads one item's parameters into the unified request and checks it against the provider's
 * capability table, before anything is uploaded or submitted. Every problem is reported as
 * "<Field> is <value>: <what is allowed>" so a user can fix it without reading docs.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { ASPECT_RATIOS, CHARACTER_ORIENTATIONS, DEFAULTS, DURATIONS, type GenerationOperation, type Mode, type ProviderId } from '../../../shared/job';
import { FIELD_LABELS, listWords, MODE_LABELS, OPERATION_LABELS } from '../../../shared/labels';
import { PROVIDERS } from '../../../shared/providers';
import { DEFAULT_MODEL, MODEL_LABELS, type ModelId } from '../../../shared/providers/models';
import { modesOf, offeredFields, rowOf, type OperationRow } from '../../../shared/providers/table';
import type { RequestField } from '../../../shared/providers/types';
import { generationFieldProperties } from '../description/fields';
import { isDefaultValue, settingParameterOf, watchedFields } from '../description/leftovers';
import { asksModel, modelsOffered } from '../description/offers';
import { MEDIA_FIELDS, MEDIA_FIELD_TEXT } from '../description/media';
import { InvalidParameterError } from '../errors/invalidParameter';
import { readMediaInput, type MediaInput } from './mediaInput';

/** The request before media is uploaded: media fields are still URLs or binary files. */
export interface DraftRequest {
	operation: GenerationOperation;
	model: ModelId;
	/** The table row of the provider, model and operation. */
	row: OperationRow;
	fields: Record<string, unknown>;
	media: Partial<Record<RequestField, MediaInput>>;
}

export { FIELD_LABELS };

const show = (value: unknown) => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value));

/** A value as the message names it: a mode by the label the panel shows (Standard, Pro), anything else as given. */
const shownValue = (field: RequestField, value: unknown) =>
	field === 'mode' && typeof value === 'string' && value in MODE_LABELS ? MODE_LABELS[value as Mode] : show(value);

function fail(field: RequestField, value: unknown, allowed: string): never {
	throw new InvalidParameterError(field, `${FIELD_LABELS[field]} is ${shownValue(field, value)}: ${allowed}`);
}

/** What an expression produced, in words, for values that are not the text or number a field takes. */
const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);

function oneOf<T extends string | number>(field: RequestField, value: unknown, allowed: readonly T[]): T {
	// Expressions often yield numbers as strings ("5"); accept those when they match exactly. Lists
	// and objects never match, even when String() of them would (["9:16"] is not a ratio).
	const scalar = typeof value === 'string' || typeof value === 'number';
	const candidate = scalar ? allowed.find((option) => option === value || String(option) === String(value).trim()) : undefined;
	if (candidate === undefined) fail(field, value, `allowed are ${allowed.map((option) => show(option)).join(', ')}`);
	return candidate;
}

function boolean(field: RequestField, value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	return fail(field, value, 'allowed are true or false');
}

function parseVoiceIds(value: unknown): string[] {
	const isId = (id: unknown) => typeof id === 'string' || typeof id === 'number';
	if (value != null && !isId(value) && !(Array.isArray(value) && value.every(isId))) {
		fail('voiceIds', value, `allowed are voice IDs as text separated by commas, or a list of them; got ${kindOf(value)}`);
	}
	const list = Array.isArray(value) ? value.map(String) : String(value ?? '').split(',');
	const ids = list.map((id) => id.trim()).filter(Boolean);
	if (ids.length > 2) fail('voiceIds', value, `at most 2 voice IDs are allowed, got ${ids.length}`);
	return ids;
}

/** Reads and checks every scalar field the row offers. */
function readField(field: RequestField, raw: unknown, provider: ProviderId, draft: Pick<DraftRequest, 'model' | 'row'>): unknown {
	const { row, model } = draft;
	const where = `${PROVIDERS[provider].displayName}'s ${MODEL_LABELS[model]}`;
	switch (field) {
		case 'prompt':
		case 'negativePrompt': {
			// An expression that yields an object or a number is a mistake upstream, not a prompt: String()
			// of it would send "[object Object]" or "42" to a paid job.
			if (raw != null && typeof raw !== 'string') fail(field, raw, `allowed is text; the expression gave ${kindOf(raw)}`);
			const text = typeof raw === 'string' ? raw : '';
			const limit = row.promptMaxLength?.value;
			if (limit !== undefined && text.length > limit) {
				fail(field, `${text.slice(0, 40)}…`, `${text.length} characters; ${where} allows at most ${limit}`);
			}
			return text;
		}
		case 'voiceName': {
			if (raw != null && typeof raw !== 'string') fail(field, raw, `allowed is text; the expression gave ${kindOf(raw)}`);
			const name = String(raw ?? '').trim();
			if (!name || name.length > 20) fail(field, raw ?? '', 'allowed is a name of 1 to 20 characters');
			return name;
		}
		case 'duration':
			return oneOf(field, raw, row.durations?.values ?? DURATIONS);
		case 'aspectRatio':
			return oneOf(field, raw, ASPECT_RATIOS);
		case 'mode':
			return readMode(raw, row);
		case 'characterOrientation':
			return oneOf(field, raw, CHARACTER_ORIENTATIONS);
		case 'generateAudio':
		case 'keepOriginalSound':
			return boolean(field, raw);
		case 'cfgScale': {
			const number = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : NaN;
			if (!Number.isFinite(number) || number < 0 || number > 1) {
				fail(field, raw, 'allowed is a number from 0 to 1');
			}
			return number;
		}
		case 'voiceIds':
			return parseVoiceIds(raw);
		default:
			return raw;
	}
}

/** Mode as Pro or Standard, and only a mode the row has. */
function readMode(raw: unknown, row: OperationRow): Mode {
	const modes = modesOf(row);
	const mode = modes.find((candidate) => candidate === raw || MODE_LABELS[candidate] === raw);
	if (!mode) fail('mode', raw, `allowed are ${listWords(modes.map((candidate) => `${MODE_LABELS[candidate]} ("${candidate}")`))}`);
	return mode;
}

/** The model of the item: the parameter where the panel asks for it, else the one the provider has. */
function readModel(context: IExecuteFunctions, itemIndex: number, provider: ProviderId, operation: GenerationOperation): ModelId {
	const offered = modelsOffered(provider, operation);
	if (!asksModel(provider, operation)) return offered[0] ?? DEFAULT_MODEL;
	const raw = context.getNodeParameter('model', itemIndex, DEFAULT_MODEL);
	const model = offered.find((candidate) => candidate === raw);
	if (!model) {
		throw new InvalidParameterError(
			'model',
			`Model is ${show(raw)}: ${PROVIDERS[provider].displayName} offers ${OPERATION_LABELS[operation]} with ${listWords(offered.map((id) => `${MODEL_LABELS[id]} ("${id}")`))}`,
		);
	}
	return model;
}

export function readRequest(
	context: IExecuteFunctions,
	itemIndex: number,
	provider: ProviderId,
	operation: GenerationOperation,
): DraftRequest {
	const models = modelsOffered(provider, operation);
	if (!models.length) {
		const offers = (['textToVideo', 'imageToVideo', 'motionControl', 'createVoice'] as const).filter((candidate) => modelsOffered(provider, candidate).length);
		throw new InvalidParameterError(
			'operation',
			`Operation is ${show(operation)}: ${PROVIDERS[provider].displayName} does not offer it; allowed are ${offers.map((name) => OPERATION_LABELS[name]).join(', ')}, Get Job`,
		);
	}
	const model = readModel(context, itemIndex, provider, operation);
	const row = rowOf(PROVIDERS[provider].models, model, operation)!;
	const fields: Record<string, unknown> = {};
	const media: DraftRequest['media'] = {};
	// The mode decides which fields its endpoint takes, so it is read first.
	if (offeredFields(row).includes('mode')) {
		fields.mode = readMode(context.getNodeParameter('mode', itemIndex, DEFAULTS.mode), row);
	}
	const mode = (fields.mode as Mode | undefined) ?? modesOf(row)[0];
	for (const field of offeredFields(row, mode)) {
		if (field === 'mode') continue;
		if (MEDIA_FIELDS.includes(field)) {
			const input = readMediaInput(context, itemIndex, field, MEDIA_FIELD_TEXT[field].label);
			if (input) media[field] = input;
			continue;
		}
		const raw = context.getNodeParameter(field, itemIndex, undefined);
		fields[field] = readField(field, raw, provider, { model, row });
	}
	const draft: DraftRequest = { operation, model, row, fields, media };
	checkLeftovers(context, itemIndex, provider, draft, mode);
	checkRequired(draft, provider);
	return draft;
}

let generationProperties: INodeProperties[] | undefined;

/**
 * A value kept from another provider, model or mode (or imported) for a field this one does not
 * take: n8n would drop it unseen, so the run stops and says which field to reset.
 */
function checkLeftovers(context: IExecuteFunctions, itemIndex: number, provider: ProviderId, draft: DraftRequest, mode: Mode) {
	generationProperties ??= generationFieldProperties();
	const taken = offeredFields(draft.row, mode);
	const implied = draft.row.endpoints[mode]?.implies ?? {};
	for (const field of watchedFields(draft.operation, Object.keys(FIELD_LABELS) as RequestField[])) {
		if (taken.includes(field)) continue;
		const name = settingParameterOf(field);
		// n8n throws for a parameter it holds no value of unless a fallback is given; null means "not there".
		const value = context.getNodeParameter(name, itemIndex, null);
		if (value === null || isDefaultValue(generationProperties, name, value) || value === implied[field]) continue;
		// A row of one mode is that mode: stating it loses nothing.
		if (field === 'mode' && modesOf(draft.row).includes(value as Mode)) continue;
		const inMode = offeredFields(draft.row).includes(field) ? ` in mode ${MODE_LABELS[mode]}` : '';
		fail(
			field,
			value,
			`${PROVIDERS[provider].displayName}'s ${MODEL_LABELS[draft.model]} takes no ${FIELD_LABELS[field]} for ${OPERATION_LABELS[draft.operation]}${inMode}; the value was kept from another provider, model or mode: reset "${FIELD_LABELS[field]}${MEDIA_FIELDS.includes(field) ? ' Source' : ''} (Not Used Here)" or choose where it is taken`,
		);
	}
}

function checkRequired(draft: DraftRequest, provider: ProviderId) {
	const { fields, operation } = draft;
	if ((operation === 'textToVideo' || operation === 'imageToVideo') && !String(fields.prompt ?? '').trim()) {
		fail('prompt', fields.prompt ?? '', `a prompt is required for ${operation === 'textToVideo' ? 'Text to Video' : 'Image to Video'}`);
	}
	const voices = fields.voiceIds as string[] | undefined;
	if (voices?.length && fields.generateAudio === false) {
		fail('voiceIds', voices.join(', '), 'voices are spoken only with audio, so turn Generate Audio on or leave Voice IDs empty');
	}
	for (const field of draft.row.required ?? []) {
		const present = MEDIA_FIELDS.includes(field) ? draft.media[field] : fields[field];
		if (present === undefined || present === '') {
			fail(field, present ?? '', `${PROVIDERS[provider].displayName}'s ${MODEL_LABELS[draft.model]} requires it for ${OPERATION_LABELS[operation]}`);
		}
	}
}
