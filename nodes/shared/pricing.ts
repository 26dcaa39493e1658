/**
 * Cost estimates from the seed price pages. Only what a seed states is priced; everything else
 * (Kling's own API bills units, motion control and voices have no seed price) is null rather
 * than a guess.
 */
import type { GenerationOperation, ProviderId } from './job';

/** USD per output second: Replicate and fal model pages; WaveSpeed's 5 s / 10 s table gives the same rates. */
const PER_SECOND_USD = { silent: 0.07, withAudio: 0.14 };

const PRICED: Record<ProviderId, readonly GenerationOperation[]> = {
	replicate: ['textToVideo', 'imageToVideo'],
	fal: ['textToVideo', 'imageToVideo'],
	wavespeed: ['textToVideo', 'imageToVideo'],
	kling: [],
};

export function estimateCostUsd(
	provider: ProviderId,
	operation: GenerationOperation | null,
	durationSeconds: number | null,
	hasAudio: boolean | null,
): number | null {
	if (!operation || durationSeconds === null || hasAudio === null) return null;
	if (!PRICED[provider].includes(operation)) return null;
	const rate = hasAudio ? PER_SECOND_USD.withAudio : PER_SECOND_USD.silent;
	return Math.round(rate * durationSeconds * 100) / 100;
}
