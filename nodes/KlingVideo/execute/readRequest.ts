/**
 * Reads one item's parameters into the unified request and checks it against the provider's
 * capability table, before anything is uploaded or submitted. Every problem is reported as
 * "<Field> is <value>: <what is allowed>" so a user can fix it without reading docs.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import {
	ASPECT_RATIOS,
	CHARACTER_ORIENTATIONS,
	DURATIONS,
	QUALITIES,
	type GenerationOperation,
	type ProviderId,
} from '../../shared/job';
import { PROVIDERS } from '../../shared/providers';
import type { RequestField } from '../../shared/providers/types';
import { MEDIA_FIELDS, MEDIA_FIELD_TEXT } from '../description/media';
import { InvalidParameterError } from './invalidParameter';
import { readMediaInput, type MediaInput } from './mediaInput';

/** The request before media is uploaded: media fields are still URLs or binary files. */
export interface DraftRequest {
	operation: GenerationOperation;
	fields: Record<string, unknown>;
	media: Partial<Record<RequestField, MediaInput>>;
}

export const FIELD_LABELS: Record<RequestField, string> = {
	prompt: 'Prompt',
	negativePrompt: 'Negative Prompt',
	duration: 'Duration',
	aspectRatio: 'Aspect Ratio',
	generateAudio: 'Generate Audio',
	cfgScale: 'CFG Scale',
	quality: 'Mode',
	startImage: 'Start Image',
	endImage: 'End Image',
	voiceIds: 'Voice IDs',
	image: 'Character Image',
	video: 'Motion Reference Video',
	characterOrientation: 'Character Orientation',
	keepOriginalSound: 'Keep Original Sound',
	voiceUrl: 'Voice Sample',
};

const show = (value: unknown) => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value));

function fail(field: RequestField, value: unknown, allowed: string): never {
	throw new InvalidParameterError(field, `${FIELD_LABELS[field]} is ${show(value)}: ${allowed}`);
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

/** Reads and checks every scalar field the provider offers for the operation. */
function readField(field: RequestField, raw: unknown, provider: ProviderId): unknown {
	const capabilities = PROVIDERS[provider].capabilities;
	switch (field) {
		case 'prompt':
		case 'negativePrompt': {
			// An expression that yields an object or a number is a mistake upstream, not a prompt: String()
			// of it would send "[object Object]" or "42" to a paid job.
			if (raw != null && typeof raw !== 'string') fail(field, raw, `allowed is text; the expression gave ${kindOf(raw)}`);
			const text = typeof raw === 'string' ? raw : '';
			if (text.length > capabilities.promptMaxLength) {
				fail(field, `${text.slice(0, 40)}…`, `${text.length} characters; ${PROVIDERS[provider].displayName} allows at most ${capabilities.promptMaxLength}`);
			}
			return text;
		}
		case 'duration':
			return oneOf(field, raw, DURATIONS);
		case 'aspectRatio':
			return oneOf(field, raw, ASPECT_RATIOS);
		case 'quality':
			return oneOf(field, raw, QUALITIES);
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

export function readRequest(
	context: IExecuteFunctions,
	itemIndex: number,
	provider: ProviderId,
	operation: GenerationOperation,
): DraftRequest {
	const offered = PROVIDERS[provider].capabilities.operations[operation];
	if (!offered) {
		const offers = Object.keys(PROVIDERS[provider].capabilities.operations).map((name) => show(name));
		throw new InvalidParameterError(
			'operation',
			`Operation is ${show(operation)}: ${PROVIDERS[provider].displayName} does not offer it; allowed are ${offers.join(', ')}, Get Job`,
		);
	}
	const fields: Record<string, unknown> = {};
	const media: DraftRequest['media'] = {};
	for (const field of offered) {
		if (MEDIA_FIELDS.includes(field)) {
			const input = readMediaInput(context, itemIndex, field, MEDIA_FIELD_TEXT[field].label);
			if (input) media[field] = input;
			continue;
		}
		const raw = context.getNodeParameter(field, itemIndex, undefined);
		fields[field] = readField(field, raw, provider);
	}
	const draft: DraftRequest = { operation, fields, media };
	checkRequired(draft, provider);
	return draft;
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
	for (const field of PROVIDERS[provider].capabilities.required?.[operation] ?? []) {
		const present = MEDIA_FIELDS.includes(field) ? draft.media[field] : fields[field];
		if (present === undefined || present === '') {
			fail(field, present ?? '', `${PROVIDERS[provider].displayName} requires it for this operation`);
		}
	}
}
