/**
 * The model tables of every provider, checked as data: each row says where it comes from, each
 * endpoint path leads back to one row (or is shared only where the request body tells the rows
 * apart), and the guesses marked UNCONFIRMED are exactly the ones listed here, so adding or
 * confirming one is a visible change.
 */
import type { GenerationOperation, Mode, ProviderId } from '../../nodes/shared/job';
import { PROVIDERS } from '../../nodes/shared/providers';
import type { ModelId } from '../../nodes/shared/providers/models';
import { findEndpoint, isUnconfirmed, modesOf, rowOf, type ModelTable, type OperationRow } from '../../nodes/shared/providers/table';

const PROVIDER_IDS = Object.keys(PROVIDERS) as ProviderId[];
const tableOf = (provider: ProviderId): ModelTable => PROVIDERS[provider].models;

interface Row {
	provider: ProviderId;
	model: ModelId;
	operation: GenerationOperation;
	row: OperationRow;
}

interface Endpoint extends Row {
	mode: Mode;
	path: string;
}

const rowsOf = (provider: ProviderId): Row[] =>
	(Object.entries(tableOf(provider)) as [ModelId, Partial<Record<GenerationOperation, OperationRow>>][]).flatMap(([model, rows]) =>
		(Object.entries(rows) as [GenerationOperation, OperationRow][]).map(([operation, row]) => ({ provider, model, operation, row })),
	);
const allRows = (): Row[] => PROVIDER_IDS.flatMap(rowsOf);

const endpointsOf = (provider: ProviderId): Endpoint[] =>
	rowsOf(provider).flatMap((entry) => modesOf(entry.row).map((mode) => ({ ...entry, mode, path: entry.row.endpoints[mode]!.path })));

const nameOf = ({ provider, model, operation }: Row, where?: string) => [provider, model, operation, where].filter(Boolean).join(' ');
const endpointName = (endpoint: Endpoint) => `${endpoint.model} ${endpoint.operation} ${endpoint.mode}`;

/** Every source a row holds, named by where it sits in the row. */
function sourcesOf(row: OperationRow): [string, unknown][] {
	const sources: [string, unknown][] = [];
	for (const mode of modesOf(row)) {
		const endpoint = row.endpoints[mode]!;
		sources.push([`endpoints.${mode}`, endpoint.source]);
		if (endpoint.price) sources.push([`endpoints.${mode}.price`, endpoint.price.source]);
	}
	for (const [field, mapped] of Object.entries(row.fields)) sources.push([`fields.${field}`, mapped?.source]);
	for (const [name, fixed] of Object.entries(row.fixed ?? {})) sources.push([`fixed.${name}`, fixed.source]);
	if (row.durations) sources.push(['durations', row.durations.source]);
	if (row.promptMaxLength) sources.push(['promptMaxLength', row.promptMaxLength.source]);
	if (row.imageTypes) sources.push(['imageTypes', row.imageTypes.source]);
	(row.rules ?? []).forEach((rule, index) => sources.push([`rules.${index}`, rule.source]));
	return sources;
}

const allSources = () => allRows().flatMap((entry) => sourcesOf(entry.row).map(([where, source]) => ({ where: nameOf(entry, where), source })));

describe('provider model tables', () => {
	it('every provider keeps only provider-level facts in its capabilities', () => {
		const providerLevel = ['cancel', 'defaultNegativePrompt', 'idempotentSubmit', 'listsVoices', 'longPoll', 'outputRetentionSeconds', 'webhookScheme'];
		for (const provider of PROVIDER_IDS) {
			expect([provider, Object.keys(PROVIDERS[provider].capabilities).filter((key) => !providerLevel.includes(key))]).toEqual([provider, []]);
		}
	});

	it('every row has an endpoint and a field', () => {
		const rows = allRows();
		expect(rows).toHaveLength(26);
		const empty = rows.filter(({ row }) => modesOf(row).length === 0 || Object.keys(row.fields).length === 0).map((entry) => nameOf(entry));
		expect(empty).toEqual([]);
	});

	it('every endpoint, field, price, fixed value, duration list, prompt limit, image type list and rule names a non-empty source', () => {
		const sources = allSources();
		// Every provider contributes (the check is not vacuous).
		for (const provider of PROVIDER_IDS) expect(sources.some(({ where }) => where.startsWith(`${provider} `))).toBe(true);
		const missing = sources.filter(({ source }) => typeof source !== 'string' || source.trim() === '').map(({ where }) => where);
		expect(missing).toEqual([]);
	});

	it('a guess is marked the one way isUnconfirmed reads, with what was guessed', () => {
		const misplaced = allSources()
			.filter(({ source }) => typeof source === 'string' && source.includes('UNCONFIRMED'))
			.filter(({ source }) => !isUnconfirmed(source as string) || !/^UNCONFIRMED: \S/.test(source as string))
			.map(({ where }) => where);
		expect(misplaced).toEqual([]);
	});

	it('lists every source still marked UNCONFIRMED', () => {
		const unconfirmed = allSources()
			.filter(({ source }) => typeof source === 'string' && source.includes('UNCONFIRMED'))
			.map(({ where }) => where)
			.sort();
		expect(unconfirmed).toEqual(
			[
				'replicate kling-v2.6 textToVideo durations',
				'replicate kling-v2.6 textToVideo promptMaxLength',
				'replicate kling-v2.6 imageToVideo durations',
				'replicate kling-v2.6 imageToVideo promptMaxLength',
				'replicate kling-v2.6 motionControl promptMaxLength',
				'fal kling-v2.6 textToVideo promptMaxLength',
				'fal kling-v2.6 imageToVideo promptMaxLength',
				'fal kling-v2.6 imageToVideo rules.0',
				'fal kling-v2.6 motionControl promptMaxLength',
				'fal kling-v3 textToVideo promptMaxLength',
				'fal kling-v3 imageToVideo promptMaxLength',
				'fal kling-v3 motionControl promptMaxLength',
				'wavespeed kling-v2.6 textToVideo promptMaxLength',
				'wavespeed kling-v2.6 imageToVideo fields.voiceIds',
				'wavespeed kling-v2.6 imageToVideo promptMaxLength',
				'wavespeed kling-v2.6 imageToVideo rules.1',
				'wavespeed kling-v2.6 motionControl fields.image',
				'wavespeed kling-v2.6 motionControl fields.video',
				'wavespeed kling-v2.6 motionControl fields.characterOrientation',
				'wavespeed kling-v2.6 motionControl fields.keepOriginalSound',
				'wavespeed kling-v2.6 motionControl fields.prompt',
				'wavespeed kling-v2.6 motionControl promptMaxLength',
				'wavespeed kling-v3 textToVideo promptMaxLength',
				'wavespeed kling-v3 imageToVideo promptMaxLength',
			].sort(),
		);
	});
});

describe('endpoint paths', () => {
	/** Path → the endpoints that use it, for the paths more than one endpoint of a provider uses. */
	const sharedPaths = (provider: ProviderId) => {
		const byPath = new Map<string, Endpoint[]>();
		for (const endpoint of endpointsOf(provider)) byPath.set(endpoint.path, [...(byPath.get(endpoint.path) ?? []), endpoint]);
		return new Map([...byPath].filter(([, endpoints]) => endpoints.length > 1));
	};

	it('shares a path only where listed: Replicate and Kling put the mode (and Kling the model) in the body', () => {
		const shared = Object.fromEntries(
			PROVIDER_IDS.map((provider) => [provider, Object.fromEntries([...sharedPaths(provider)].map(([path, endpoints]) => [path, endpoints.map(endpointName).sort()]))]),
		);
		expect(shared).toEqual({
			// One Replicate model does text and image to video; start_image tells them apart.
			replicate: {
				'kwaivgi/kling-v2.6': ['kling-v2.6 imageToVideo pro', 'kling-v2.6 textToVideo pro'],
				'kwaivgi/kling-v2.6-motion-control': ['kling-v2.6 motionControl pro', 'kling-v2.6 motionControl std'],
				'kwaivgi/kling-v3-video': ['kling-v3 imageToVideo pro', 'kling-v3 imageToVideo std', 'kling-v3 textToVideo pro', 'kling-v3 textToVideo std'],
			},
			// fal and WaveSpeed have one endpoint per model, operation and mode.
			fal: {},
			wavespeed: {},
			// Kling's own API has one path per operation; model_name and mode travel in the body.
			kling: {
				'/v1/videos/text2video': ['kling-v2.6 textToVideo pro', 'kling-v2.6 textToVideo std', 'kling-v3 textToVideo pro', 'kling-v3 textToVideo std'],
				'/v1/videos/image2video': ['kling-v2.6 imageToVideo pro', 'kling-v2.6 imageToVideo std', 'kling-v3 imageToVideo pro', 'kling-v3 imageToVideo std'],
				'/v1/videos/motion-control': [
					'kling-v2.6 motionControl pro',
					'kling-v2.6 motionControl std',
					'kling-v3 motionControl pro',
					'kling-v3 motionControl std',
				],
			},
		});
	});

	it('a shared path is told apart by the body: the mode as a field, the model as model_name, image to video by its start image', () => {
		const untold: string[] = [];
		for (const provider of PROVIDER_IDS) {
			for (const [path, endpoints] of sharedPaths(provider)) {
				for (const a of endpoints) {
					for (const b of endpoints) {
						if (a === b) continue;
						const pair = `${provider} ${path}: ${endpointName(a)} / ${endpointName(b)}`;
						// Mode: each row sends the mode as an input.
						if (a.mode !== b.mode && !(a.row.fields.mode && b.row.fields.mode)) untold.push(`${pair}: mode`);
						// Model: each row sends its own model name.
						if (a.model !== b.model) {
							const nameA = a.row.fixed?.model_name?.value;
							const nameB = b.row.fixed?.model_name?.value;
							if (nameA === undefined || nameB === undefined || nameA === nameB) untold.push(`${pair}: model`);
						}
						// Operation: only text vs image to video, told by the start image the text row does not send.
						if (a.operation !== b.operation) {
							const [text, image] = a.operation === 'textToVideo' ? [a, b] : [b, a];
							const startImage = image.row.fields.startImage?.name;
							const told =
								text.operation === 'textToVideo' &&
								image.operation === 'imageToVideo' &&
								startImage !== undefined &&
								!Object.values(text.row.fields).some((field) => field?.name === startImage);
							if (!told) untold.push(`${pair}: operation`);
						}
					}
				}
			}
		}
		expect(untold).toEqual([]);
	});

	it('findEndpoint maps every path back to its row, exactly where the path is the row\'s own', () => {
		for (const provider of PROVIDER_IDS) {
			const table = tableOf(provider);
			const shared = sharedPaths(provider);
			for (const endpoint of endpointsOf(provider)) {
				const match = findEndpoint(table, endpoint.path);
				const where = `${provider} ${endpointName(endpoint)}`;
				expect([where, match === null]).toEqual([where, false]);
				if (!match) continue;
				// The match is a row of the table whose endpoint in that mode is this path.
				const row = rowOf(table, match.model, match.operation);
				// A path both modes share has no one mode: the mode travels in the body.
				const modes = modesOf(row!).filter((mode) => row!.endpoints[mode]?.path === endpoint.path);
				expect([where, match.mode]).toEqual([where, modes.length === 1 ? modes[0] : null]);
				expect([where, modes.length > 0]).toEqual([where, true]);
				if (!shared.has(endpoint.path)) {
					expect([where, match]).toEqual([where, { model: endpoint.model, operation: endpoint.operation, mode: endpoint.mode }]);
				} else if (shared.get(endpoint.path)!.every((other) => other.model === endpoint.model && other.operation === endpoint.operation)) {
					// Shared only by mode: model and operation are still the path's.
					expect([where, match.model, match.operation]).toEqual([where, endpoint.model, endpoint.operation]);
				}
			}
		}
	});

	it('findEndpoint knows nothing of other paths', () => {
		for (const provider of PROVIDER_IDS) {
			const table = tableOf(provider);
			expect([provider, findEndpoint(table, 'black-forest-labs/flux-dev')]).toEqual([provider, null]);
			expect([provider, findEndpoint(table, '')]).toEqual([provider, null]);
			expect([provider, findEndpoint(table, null)]).toEqual([provider, null]);
			expect([provider, findEndpoint(table, undefined)]).toEqual([provider, null]);
		}
	});
});
