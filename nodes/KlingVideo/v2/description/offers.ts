/**
 * Where each field is offered, read from the providers' model tables: for an operation, which
 * provider, model and modes take it. The panel shows a field exactly there (display options),
 * and the node reads exactly those fields.
 */
import type { IDisplayOptions } from 'n8n-workflow';
import { PROVIDER_IDS, type GenerationOperation, type Mode, type ProviderId } from '../../../shared/job';
import { PROVIDERS } from '../../../shared/providers';
import type { ModelId } from '../../../shared/providers/models';
import { modelsOf, modesOf, offeredFields, rowOf, type OperationRow } from '../../../shared/providers/table';
import type { RequestField } from '../../../shared/providers/types';

export interface Offer {
	provider: ProviderId;
	model: ModelId;
	row: OperationRow;
	/** The modes that take the field, or null when every mode of the row does. */
	tiers: Mode[] | null;
}

/** The models a provider offers for an operation. */
export const modelsOffered = (provider: ProviderId, operation: GenerationOperation): ModelId[] =>
	modelsOf(PROVIDERS[provider].models, operation);

/** Whether the panel asks which model: only where a provider has more than one for the operation. */
export const asksModel = (provider: ProviderId, operation: GenerationOperation) => modelsOffered(provider, operation).length > 1;

/** Every (provider, model) that takes `field` for `operation`, with the modes that take it. */
export function offersOf(operation: GenerationOperation, field: RequestField): Offer[] {
	const offers: Offer[] = [];
	for (const provider of PROVIDER_IDS) {
		for (const model of modelsOffered(provider, operation)) {
			const row = rowOf(PROVIDERS[provider].models, model, operation)!;
			const tiers = modesOf(row);
			const taking = tiers.filter((tier) => offeredFields(row, tier).includes(field));
			if (taking.length === 0) continue;
			offers.push({ provider, model, row, tiers: taking.length === tiers.length ? null : taking });
		}
	}
	return offers;
}

/**
 * The display conditions covering a set of offers: one `show` per distinct model and mode
 * condition, each listing its providers. A model condition appears only for a provider that
 * asks for the model, a mode condition only where some mode lacks the field.
 */
export function showConditions(operation: GenerationOperation, offers: readonly Offer[]): NonNullable<IDisplayOptions['show']>[] {
	// First per provider and mode condition, the models; then per (models, modes), the providers.
	const byProvider = new Map<string, { provider: ProviderId; tiers: Mode[] | null; models: ModelId[] }>();
	for (const offer of offers) {
		const key = `${offer.provider}|${offer.tiers?.join(',') ?? '*'}`;
		const entry = byProvider.get(key) ?? { provider: offer.provider, tiers: offer.tiers, models: [] };
		entry.models.push(offer.model);
		byProvider.set(key, entry);
	}
	const groups = new Map<string, { providers: ProviderId[]; models: ModelId[] | null; tiers: Mode[] | null }>();
	for (const { provider, tiers, models } of byProvider.values()) {
		const allModels = models.length === modelsOffered(provider, operation).length;
		const modelCondition = asksModel(provider, operation) && !allModels ? models : null;
		const key = `${modelCondition?.join(',') ?? '*'}|${tiers?.join(',') ?? '*'}`;
		const group = groups.get(key) ?? { providers: [], models: modelCondition, tiers };
		group.providers.push(provider);
		groups.set(key, group);
	}
	return [...groups.values()].map(({ providers, models, tiers }) => ({
		provider: providers,
		operation: [operation],
		...(models ? { model: models } : {}),
		...(tiers ? { mode: tiers } : {}),
	}));
}
