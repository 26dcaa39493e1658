/**
 * The Kling Video panel (version 2) as n8n computes it (n8n-workflow's own parameter resolution): for each
 * provider and operation exactly the fields the adapter's capability table lists are shown,
 * with the seed defaults, and nothing a provider lacks.
 */
import { NodeHelpers, type INodeParameters } from 'n8n-workflow';
import { KlingVideo } from '../../nodes/KlingVideo/KlingVideo.node';
import { mediaParameterNames, MEDIA_FIELDS } from '../../nodes/KlingVideo/v2/description/media';
import { GENERATION_OPERATIONS, PROVIDER_IDS } from '../../nodes/shared/job';
import { fieldsOffered, PROVIDERS } from '../../nodes/shared/providers';
import { modelsOf, modesOf, offeredFields, rowOf } from '../../nodes/shared/providers/table';

const description = new KlingVideo().getNodeType(2).description;

function resolve(values: INodeParameters): INodeParameters {
	const resolved = NodeHelpers.getNodeParameters(description.properties, values, true, false, null, null);
	if (!resolved) throw new Error('n8n could not resolve the parameters');
	return resolved;
}

/** The parameters the editor renders for these values: displayed, and not of type hidden. */
function rendered(values: INodeParameters): Set<string> {
	const checked = NodeHelpers.getNodeParameters(description.properties, values, true, true, null, description, { onlySimpleTypes: true }) ?? {};
	return new Set(
		description.properties
			.filter((property) => property.type !== 'hidden' && NodeHelpers.displayParameter(checked, property, null, description))
			.map((property) => property.name),
	);
}

describe('Kling Video description', () => {
	// Every provider, operation, model and mode the model tables offer.
	const combinations = PROVIDER_IDS.flatMap((provider) =>
		GENERATION_OPERATIONS.flatMap((operation) =>
			modelsOf(PROVIDERS[provider].models, operation).flatMap((model) => {
				const row = rowOf(PROVIDERS[provider].models, model, operation)!;
				return modesOf(row).map((tier) => [provider, operation, model, tier, offeredFields(row, tier)] as const);
			}),
		),
	);

	it.each(combinations)('%s %s %s %s shows exactly the fields its table offers', (provider, operation, model, tier, offered) => {
		const parameters = resolve({ provider, operation, model, mode: tier });
		const shown = rendered({ provider, operation, model, mode: tier });
		for (const field of offered) {
			const name = MEDIA_FIELDS.includes(field) ? mediaParameterNames(field).source : field;
			expect(parameters).toHaveProperty(name);
			expect({ field, shown: shown.has(name) }).toEqual({ field, shown: true });
		}
		const allFields = new Set(PROVIDER_IDS.flatMap((id) => GENERATION_OPERATIONS.flatMap((operation) => fieldsOffered(id, operation) ?? [])));
		for (const field of allFields) {
			if (offered.includes(field)) continue;
			const name = MEDIA_FIELDS.includes(field) ? mediaParameterNames(field).source : field;
			expect({ field, shown: shown.has(name) }).toEqual({ field, shown: false });
		}
	});

	it('shows a value the provider does not take as "Not Used Here", and hides it at its default', () => {
		const kept = description.properties.filter((property) => property.name === 'cfgScale' && NodeHelpers.displayParameter(
			NodeHelpers.getNodeParameters(description.properties, { provider: 'replicate', operation: 'textToVideo', cfgScale: 0.7 }, true, true, null, description, { onlySimpleTypes: true }) ?? {},
			property,
			null,
			description,
		) && property.type !== 'hidden');
		expect(kept.map((property) => property.displayName)).toEqual(['CFG Scale (Not Used Here)']);
		expect(rendered({ provider: 'replicate', operation: 'textToVideo', cfgScale: 0.5 }).has('cfgScale')).toBe(false);
		// n8n keeps the value for the node to refuse, where it would drop a hidden parameter's.
		expect(resolve({ provider: 'replicate', operation: 'textToVideo', cfgScale: 0.7 })).toMatchObject({ cfgScale: 0.7 });
	});

	it('uses the seed defaults', () => {
		const parameters = resolve({ provider: 'fal', operation: 'textToVideo' });
		expect(parameters).toMatchObject({
			duration: 5,
			aspectRatio: '16:9',
			generateAudio: true,
			cfgScale: 0.5,
			negativePrompt: 'blur, distort, and low quality',
			waitMode: 'waitForCompletion',
			timeLimitMinutes: 10,
		});
	});

	it('offers each provider only the operations it has', () => {
		for (const provider of PROVIDER_IDS) {
			const operationProperty = description.properties.find(
				(property) => property.name === 'operation' && property.displayOptions?.show?.provider?.includes(provider),
			);
			const values = (operationProperty?.options ?? []).map((option) => (option as { value: string }).value);
			const expected = GENERATION_OPERATIONS.filter((operation) => fieldsOffered(provider, operation));
			const cancel = PROVIDERS[provider].capabilities.cancel ? ['cancelJob'] : [];
			expect(values).toEqual([...expected, 'getJob', ...cancel]);
		}
	});

	it('asks for exactly one credential, the chosen provider\'s', () => {
		for (const provider of PROVIDER_IDS) {
			const shown = (description.credentials ?? []).filter((credential) =>
				(credential.displayOptions?.show?.provider as string[] | undefined)?.includes(provider),
			);
			expect(shown).toHaveLength(1);
		}
	});

	it('switches a media field between URL and binary property', () => {
		const asUrl = resolve({ provider: 'fal', operation: 'imageToVideo', startImageSource: 'url' });
		expect(asUrl).toHaveProperty('startImageUrl');
		expect(asUrl).not.toHaveProperty('startImageBinaryProperty');
		const asBinary = resolve({ provider: 'fal', operation: 'imageToVideo', startImageSource: 'binary' });
		expect(asBinary).toHaveProperty('startImageBinaryProperty', 'data');
		expect(asBinary).not.toHaveProperty('startImageUrl');
	});
});
