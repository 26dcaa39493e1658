/**
 * The model tables as a Markdown report (docs/providers.md): every field per provider, model and
 * operation with the provider's name and the kind of source behind it. A test keeps the file
 * equal to what the tables say, so the document cannot drift from the code.
 */
import { GENERATION_OPERATIONS, PROVIDER_IDS } from '../../nodes/shared/job';
import { FIELD_LABELS, MODE_LABELS, OPERATION_LABELS } from '../../nodes/shared/labels';
import { PROVIDERS } from '../../nodes/shared/providers';
import { MODEL_IDS, MODEL_LABELS } from '../../nodes/shared/providers/models';
import { isUnconfirmed, modesOf, offeredFields, rowOf, type PerSecondRates, type PriceRow, type Source } from '../../nodes/shared/providers/table';
import { KLING_LIST_PRICE_PER_UNIT_USD } from '../../nodes/shared/spend/units';

export type SourceKind = 'provider page' | 'official SDK' | 'other' | 'unconfirmed';

/** The provider's own hosts (Kling publishes its 3.0 specification on docs.qingque.cn). */
const FIRST_PARTY_HOSTS = /^https:\/\/([a-z0-9-]+\.)*(replicate\.com|fal\.ai|wavespeed\.ai|klingai\.com|docs\.qingque\.cn)([/ ]|$)/;

export function sourceKind(source: Source): SourceKind {
	if (isUnconfirmed(source)) return 'unconfirmed';
	if (source.startsWith('sdk ')) return 'official SDK';
	if (FIRST_PARTY_HOSTS.test(source)) return 'provider page';
	return 'other';
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

const rates = (perSecond: PerSecondRates, unit: (value: number) => string) =>
	[
		`${unit(perSecond.silent)} silent`,
		`${unit(perSecond.withAudio)} with audio`,
		...(perSecond.withVoices === undefined ? [] : [`${unit(perSecond.withVoices)} with voices`]),
	].join(', ');

/** "$0.07/s silent, $0.14/s with audio"; Kling: its units per second, then the dollars at the list price. */
function priceText(price: PriceRow): string {
	const dollars = rates(price.usdPerSecond, (value) => `$${value}/s`);
	return price.unitsPerSecond ? `${rates(price.unitsPerSecond, (value) => `${value} units/s`)} (${dollars} at $${KLING_LIST_PRICE_PER_UNIT_USD} per unit)` : dollars;
}

export function renderTableReport(): string {
	const lines = [
		'# Provider fields by model',
		'',
		'Generated from the model tables (`nodes/shared/providers/<id>/models.ts`) by `npm run docs:providers`; a test fails when this file and the tables disagree. Each row names the source kind; the tables hold the full citation beside each row.',
		'',
	];
	const counts: Record<SourceKind, number> = { 'provider page': 0, 'official SDK': 0, other: 0, unconfirmed: 0 };
	for (const provider of PROVIDER_IDS) {
		const table = PROVIDERS[provider].models;
		lines.push(`## ${PROVIDERS[provider].displayName}`, '');
		for (const model of MODEL_IDS) {
			for (const operation of GENERATION_OPERATIONS) {
				const row = rowOf(table, model, operation);
				if (!row) continue;
				lines.push(`### ${MODEL_LABELS[model]} · ${OPERATION_LABELS[operation]}`, '');
				lines.push('| field | provider input | source kind |', '|---|---|---|');
				for (const mode of modesOf(row)) {
					const endpoint = row.endpoints[mode]!;
					counts[sourceKind(endpoint.source)]++;
					const omits = endpoint.omits?.length ? ` (takes no ${endpoint.omits.map((field) => FIELD_LABELS[field]).join(', ')})` : '';
					lines.push(`| endpoint, mode ${MODE_LABELS[mode]} | \`${cell(endpoint.path)}\`${cell(omits)} | ${sourceKind(endpoint.source)} |`);
				}
				for (const tier of modesOf(row)) {
					const price = row.endpoints[tier]!.price;
					if (price) counts[sourceKind(price.source)]++;
					lines.push(`| price, mode ${MODE_LABELS[tier]} | ${price ? priceText(price) : 'no first-party price found (the cap refuses such jobs)'} | ${price ? sourceKind(price.source) : '–'} |`);
				}
				for (const field of offeredFields(row)) {
					const target = row.fields[field];
					if (!target) {
						lines.push(`| ${FIELD_LABELS[field]} | picks the endpoint | (as the endpoints) |`);
						continue;
					}
					counts[sourceKind(target.source)]++;
					lines.push(`| ${FIELD_LABELS[field]} | \`${cell(target.name)}\`${target.to ? ` (${target.to})` : ''} | ${sourceKind(target.source)} |`);
				}
				for (const [name, fixed] of Object.entries(row.fixed ?? {})) {
					counts[sourceKind(fixed.source)]++;
					lines.push(`| (always) | \`${name}: ${JSON.stringify(fixed.value)}\` | ${sourceKind(fixed.source)} |`);
				}
				if (row.durations) {
					counts[sourceKind(row.durations.source)]++;
					lines.push(`| Duration values | ${row.durations.values.join(', ')} s | ${sourceKind(row.durations.source)} |`);
				}
				for (const rule of row.rules ?? []) counts[sourceKind(rule.source)]++;
				if (row.rules?.length) lines.push(`| rules across fields | ${row.rules.length} | ${row.rules.map((rule) => sourceKind(rule.source)).join(', ')} |`);
				lines.push('');
			}
		}
	}
	lines.push('## Totals', '', '| source kind | rows |', '|---|---|');
	for (const [kind, count] of Object.entries(counts)) lines.push(`| ${kind} | ${count} |`);
	lines.push('');
	return lines.join('\n');
}
