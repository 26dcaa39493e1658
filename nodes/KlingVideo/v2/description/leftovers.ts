/**
 * Values set where a field was offered, then left behind when the provider, model or mode
 * changed (or imported in workflow JSON). n8n drops a parameter its display rules hide before a
 * node reads it, so such a value would reach nobody while the run "succeeds". Each field gets,
 * wherever the operation has it but the chosen provider, model or mode does not, a copy that is
 * shown only when it holds something other than a default: the panel shows the value with a
 * warning (so it can be cleared), and the node refuses to run with it (readRequest.ts).
 */
import type { INodeProperties, NodeParameterValue } from 'n8n-workflow';
import { GENERATION_OPERATIONS, PROVIDER_IDS, type GenerationOperation } from '../../../shared/job';
import { FIELD_LABELS } from '../../../shared/labels';
import { PROVIDERS } from '../../../shared/providers';
import { rowOf, modesOf, offeredFields } from '../../../shared/providers/table';
import type { RequestField } from '../../../shared/providers/types';
import { MEDIA_FIELDS, mediaParameterNames } from './media';
import { asksModel, modelsOffered, offersOf } from './offers';

/**
 * Fields an operation offered before a contract correction: a workflow saved then may still
 * hold them (Kling v2.6 text to video took Voice IDs until its API reference showed it has none).
 */
const RETIRED_FIELDS: Partial<Record<GenerationOperation, readonly RequestField[]>> = { textToVideo: ['voiceIds'] };

/** The fields whose left-behind values an operation watches for. */
export const watchedFields = (operation: GenerationOperation, fields: readonly RequestField[]) =>
	fields.filter((field) => offersOf(operation, field).length > 0 || RETIRED_FIELDS[operation]?.includes(field));

/** The parameter that says whether a field is set: the field's own, or a media field's source. */
export const settingParameterOf = (field: RequestField) => (MEDIA_FIELDS.includes(field) ? mediaParameterNames(field).source : field);

/** Every default the field's own definitions have (they may differ per provider). */
function defaultsOf(properties: readonly INodeProperties[], name: string): INodeProperties['default'][] {
	const defaults = properties.filter((property) => property.name === name).map((property) => property.default);
	return defaults.filter((value, index) => defaults.findIndex((other) => JSON.stringify(other) === JSON.stringify(value)) === index);
}

/** The value of a parameter is one of its defaults: nothing the user set. */
export function isDefaultValue(properties: readonly INodeProperties[], name: string, value: unknown): boolean {
	return value === undefined || defaultsOf(properties, name).some((fallback) => JSON.stringify(fallback) === JSON.stringify(value));
}

/**
 * One always-present, never-rendered copy of each watched parameter, declared before all others.
 * n8n decides a parameter's display from the values of those declared before it, so without this
 * a copy whose display depends on its own value would see no value at all (and show in the editor,
 * or drop the value at run time).
 */
export function anchorProperties(fields: readonly RequestField[], built: readonly INodeProperties[]): INodeProperties[] {
	const names = [...new Set(GENERATION_OPERATIONS.flatMap((operation) => watchedFields(operation, fields)).map(settingParameterOf))];
	return names.flatMap((name) => {
		const first = built.find((property) => property.name === name);
		// The field's own first definition, never rendered: its name, label and default.
		return first ? [{ ...first, type: 'hidden', required: false, displayOptions: undefined, options: undefined, typeOptions: undefined } as INodeProperties] : [];
	});
}

/** The copies for one operation, given every field definition already built. */
export function leftoverProperties(operation: GenerationOperation, fields: readonly RequestField[], built: readonly INodeProperties[]): INodeProperties[] {
	const properties: INodeProperties[] = [];
	for (const field of watchedFields(operation, fields)) {
		const name = settingParameterOf(field);
		const model = built.find((property) => property.name === name && property.type !== 'hidden');
		if (!model) continue;
		const defaults = defaultsOf(built, name);
		for (const provider of PROVIDER_IDS) {
			for (const modelId of modelsOffered(provider, operation)) {
				const row = rowOf(PROVIDERS[provider].models, modelId, operation)!;
				const tiers = modesOf(row);
				const missing = tiers.filter((tier) => !offeredFields(row, tier).includes(field));
				if (missing.length === 0) continue;
				const where = tiers.length > 1 && missing.length < tiers.length;
				// A value the mode is anyway (no audio where it takes no `sound`) loses nothing.
				const implied = missing.map((tier) => row.endpoints[tier]?.implies?.[field]).filter((value) => value !== undefined);
				// A row of one mode is that mode: stating it loses nothing.
				if (field === 'mode') implied.push(...tiers);
				properties.push({
					...model,
					displayName: `${FIELD_LABELS[field]}${MEDIA_FIELDS.includes(field) ? ' Source' : ''} (Not Used Here)`,
					description: `Kept from another provider, model or mode: ${PROVIDERS[provider].displayName} takes no ${FIELD_LABELS[field]} here, so the node stops until this is reset`,
					required: false,
					displayOptions: {
						show: {
							provider: [provider],
							operation: [operation],
							...(asksModel(provider, operation) ? { model: [modelId] } : {}),
							...(where ? { mode: missing } : {}),
						},
						hide: { [name]: [...defaults, ...implied] as NodeParameterValue[] },
					},
				} as INodeProperties);
			}
		}
	}
	return properties;
}
