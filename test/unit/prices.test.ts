/**
 * The prices in the model tables, checked as data: every endpoint (provider × model × operation ×
 * mode) without a price is listed here, so pricing or un-pricing one is a visible change; every
 * price cites a first-party source; rates are ordered (silent ≤ audio ≤ voices); and Kling's rows
 * are its units at the list price per unit.
 */
import type { GenerationOperation, ProviderId, Mode } from '../../nodes/shared/job';
import { PROVIDERS } from '../../nodes/shared/providers';
import type { ModelId } from '../../nodes/shared/providers/models';
import { isUnconfirmed, modesOf, type OperationRow, type PriceRow } from '../../nodes/shared/providers/table';
import { KLING_LIST_PRICE_PER_UNIT_USD, klingUnitPrice, parseUnits } from '../../nodes/shared/spend/units';
import { sourceKind } from '../../scripts/lib/providerTables';

interface Endpoint {
	name: string;
	provider: ProviderId;
	price: PriceRow | undefined;
}

const endpoints = (): Endpoint[] =>
	(Object.keys(PROVIDERS) as ProviderId[]).flatMap((provider) =>
		(Object.entries(PROVIDERS[provider].models) as [ModelId, Partial<Record<GenerationOperation, OperationRow>>][]).flatMap(([model, rows]) =>
			(Object.entries(rows) as [GenerationOperation, OperationRow][]).flatMap(([operation, row]) =>
				modesOf(row).map((tier: Mode) => ({ name: `${provider} ${model} ${operation} ${tier}`, provider, price: row.endpoints[tier]!.price })),
			),
		),
	);

/** Every endpoint without a price, and why: no first-party source states one (the cap refuses these jobs). */
const UNPRICED: Record<string, string> = {
	'replicate kling-v2.6 motionControl pro': 'Replicate page states none; third-party figures disagree',
	'replicate kling-v2.6 motionControl std': 'Replicate page states none; third-party figures disagree',
	'replicate kling-v3 textToVideo pro': 'the versioned API page states none',
	'replicate kling-v3 textToVideo std': 'the versioned API page states none',
	'replicate kling-v3 imageToVideo pro': 'the versioned API page states none',
	'replicate kling-v3 imageToVideo std': 'the versioned API page states none',
	'fal kling-v2.6 motionControl pro': 'no fal page with a price found',
	'fal kling-v2.6 motionControl std': 'no fal page with a price found',
	'fal kling-v2.6 createVoice pro': 'no fal page with a price found',
	'fal kling-v3 textToVideo pro': 'fal\'s API reference page states none',
	'fal kling-v3 imageToVideo std': 'fal\'s API reference page states none',
	'fal kling-v3 motionControl pro': 'only third-party figures found',
	'fal kling-v3 motionControl std': 'only third-party figures found',
	'wavespeed kling-v2.6 imageToVideo std': 'no WaveSpeed page with a price found',
	'wavespeed kling-v2.6 motionControl pro': 'no WaveSpeed page with a price found',
	'wavespeed kling-v2.6 motionControl std': 'no WaveSpeed page with a price found',
	'wavespeed kling-v2.6 createVoice pro': 'the WaveSpeed page shows no figure',
	'wavespeed kling-v3 textToVideo std': 'the WaveSpeed doc page states none',
	'wavespeed kling-v3 imageToVideo pro': 'the WaveSpeed doc page states none',
	'wavespeed kling-v3 imageToVideo std': 'the WaveSpeed doc page states none',
	'wavespeed kling-v3 motionControl std': 'the WaveSpeed doc page states none',
	'kling kling-v2.6 textToVideo pro': 'v2.6 units per second: UNCONFIRMED (no first-party table)',
	'kling kling-v2.6 textToVideo std': 'v2.6 units per second: UNCONFIRMED (no first-party table)',
	'kling kling-v2.6 imageToVideo pro': 'v2.6 units per second: UNCONFIRMED (no first-party table)',
	'kling kling-v2.6 imageToVideo std': 'v2.6 units per second: UNCONFIRMED (no first-party table)',
	'kling kling-v2.6 motionControl pro': 'v2.6 units per second: UNCONFIRMED (no first-party table)',
	'kling kling-v2.6 motionControl std': 'v2.6 units per second: UNCONFIRMED (no first-party table)',
	'kling kling-v2.6 createVoice pro': 'only a third-party probe (0.05 units)',
};

describe('prices in the model tables', () => {
	it('lists every endpoint without a price', () => {
		const all = endpoints();
		expect(all).toHaveLength(43);
		expect(all.filter((endpoint) => !endpoint.price).map((endpoint) => endpoint.name).sort()).toEqual(Object.keys(UNPRICED).sort());
	});

	it('prices every endpoint the seeds and providers\' pages price', () => {
		const priced = Object.fromEntries(endpoints().filter((endpoint) => endpoint.price).map((endpoint) => [endpoint.name, endpoint.price!.usdPerSecond]));
		expect(priced).toEqual({
			// Seeds 000 (Replicate), 004 (fal), 002/003 (WaveSpeed): $0.07/s silent, $0.14/s with audio.
			'replicate kling-v2.6 textToVideo pro': { silent: 0.07, withAudio: 0.14 },
			'replicate kling-v2.6 imageToVideo pro': { silent: 0.07, withAudio: 0.14 },
			'fal kling-v2.6 textToVideo pro': { silent: 0.07, withAudio: 0.14 },
			'fal kling-v2.6 imageToVideo pro': { silent: 0.07, withAudio: 0.14, withVoices: 0.168 },
			'fal kling-v3 textToVideo std': { silent: 0.084, withAudio: 0.126, withVoices: 0.154 },
			'fal kling-v3 imageToVideo pro': { silent: 0.112, withAudio: 0.168, withVoices: 0.196 },
			'wavespeed kling-v2.6 textToVideo pro': { silent: 0.07, withAudio: 0.14 },
			// WaveSpeed's Standard makes no audio: 5 s $0.21, 10 s $0.42.
			'wavespeed kling-v2.6 textToVideo std': { silent: 0.042, withAudio: 0.042 },
			'wavespeed kling-v2.6 imageToVideo pro': { silent: 0.07, withAudio: 0.14 },
			// Kling v3: units at $0.14.
			'kling kling-v3 textToVideo pro': { silent: 0.112, withAudio: 0.168, withVoices: 0.196 },
			'kling kling-v3 textToVideo std': { silent: 0.084, withAudio: 0.126, withVoices: 0.154 },
			'kling kling-v3 imageToVideo pro': { silent: 0.112, withAudio: 0.168, withVoices: 0.196 },
			'kling kling-v3 imageToVideo std': { silent: 0.084, withAudio: 0.126, withVoices: 0.154 },
			'kling kling-v3 motionControl pro': { silent: 0.168, withAudio: 0.168 },
			'kling kling-v3 motionControl std': { silent: 0.126, withAudio: 0.126 },
		});
	});

	it('every price cites a first-party source (the provider\'s page or official SDK), none a guess', () => {
		const bad = endpoints()
			.filter((endpoint) => endpoint.price)
			.filter(({ price }) => isUnconfirmed(price!.source) || !['provider page', 'official SDK'].includes(sourceKind(price!.source)))
			.map((endpoint) => endpoint.name);
		expect(bad).toEqual([]);
	});

	it('orders the rates: silent ≤ with audio ≤ with voices, all positive', () => {
		const disordered = endpoints()
			.filter((endpoint) => endpoint.price)
			.filter(({ price }) => {
				const { silent, withAudio, withVoices } = price!.usdPerSecond;
				return !(silent > 0 && withAudio >= silent && (withVoices === undefined || withVoices >= withAudio));
			})
			.map((endpoint) => endpoint.name);
		expect(disordered).toEqual([]);
	});

	it('gives Kling\'s own API its rows in units (the 3.0 table), and only Kling', () => {
		const withUnits = endpoints().filter((endpoint) => endpoint.price?.unitsPerSecond);
		expect(withUnits.every((endpoint) => endpoint.provider === 'kling')).toBe(true);
		expect(Object.fromEntries(withUnits.map((endpoint) => [endpoint.name, endpoint.price!.unitsPerSecond]))).toEqual({
			'kling kling-v3 textToVideo pro': { silent: 0.8, withAudio: 1.2, withVoices: 1.4 },
			'kling kling-v3 textToVideo std': { silent: 0.6, withAudio: 0.9, withVoices: 1.1 },
			'kling kling-v3 imageToVideo pro': { silent: 0.8, withAudio: 1.2, withVoices: 1.4 },
			'kling kling-v3 imageToVideo std': { silent: 0.6, withAudio: 0.9, withVoices: 1.1 },
			'kling kling-v3 motionControl pro': { silent: 1.2, withAudio: 1.2 },
			'kling kling-v3 motionControl std': { silent: 0.9, withAudio: 0.9 },
		});
		// The dollars are the units at the list price, to the cent's fraction.
		for (const { name, price } of withUnits) {
			const units = price!.unitsPerSecond!;
			expect([name, price!.usdPerSecond.silent]).toEqual([name, Math.round(units.silent * KLING_LIST_PRICE_PER_UNIT_USD * 1e6) / 1e6]);
			expect([name, price!.usdPerSecond.withAudio]).toEqual([name, Math.round(units.withAudio * KLING_LIST_PRICE_PER_UNIT_USD * 1e6) / 1e6]);
		}
	});

	it('builds a Kling price row from units without floating-point dust', () => {
		expect(klingUnitPrice({ silent: 0.8, withAudio: 1.2, withVoices: 1.4 }, 'src')).toEqual({
			usdPerSecond: { silent: 0.112, withAudio: 0.168, withVoices: 0.196 },
			unitsPerSecond: { silent: 0.8, withAudio: 1.2, withVoices: 1.4 },
			source: 'src',
		});
		expect(klingUnitPrice({ silent: 1, withAudio: 2 }, 'src').usdPerSecond).toEqual({ silent: 0.14, withAudio: 0.28 });
	});

	it('reads final_unit_deduction as Kling types it (a string), and nothing else as units', () => {
		expect(parseUnits('4.5')).toBe(4.5);
		expect(parseUnits(' 12 ')).toBe(12);
		expect(parseUnits('0')).toBe(0);
		expect(parseUnits(3)).toBe(3);
		for (const bad of [undefined, null, '', '  ', 'n/a', '-1', -1, Number.NaN, Number.POSITIVE_INFINITY, {}, '1e999']) expect([bad, parseUnits(bad)]).toEqual([bad, null]);
	});
});
