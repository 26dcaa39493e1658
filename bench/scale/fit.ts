/** Least-squares lines through (N, value) points: how a figure grows with the number of items. */
import { round } from '../lib/stats';

export interface LinearFit {
	/** value ≈ intercept + slope × N */
	intercept: number;
	slope: number;
	/** Coefficient of determination: 1 = every point on the line. */
	r2: number;
	/** Each step's value ratio against its N ratio (1 = proportional growth between the two). */
	steps: Array<{ from: number; to: number; nRatio: number; valueRatio: number }>;
}

export function linearFit(points: ReadonlyArray<readonly [n: number, value: number]>): LinearFit {
	const count = points.length;
	const meanN = points.reduce((sum, [n]) => sum + n, 0) / count;
	const meanV = points.reduce((sum, [, v]) => sum + v, 0) / count;
	let sxx = 0;
	let sxy = 0;
	let syy = 0;
	for (const [n, v] of points) {
		sxx += (n - meanN) ** 2;
		sxy += (n - meanN) * (v - meanV);
		syy += (v - meanV) ** 2;
	}
	const slope = sxx === 0 ? 0 : sxy / sxx;
	const intercept = meanV - slope * meanN;
	const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
	const sorted = [...points].sort((a, b) => a[0] - b[0]);
	const steps = sorted.slice(1).map(([n, v], i) => {
		const [n0, v0] = sorted[i];
		return { from: n0, to: n, nRatio: round(n / n0, 2), valueRatio: round(v0 === 0 ? NaN : v / v0, 2) };
	});
	return { intercept, slope, r2: round(r2, 4), steps };
}
