/**
 * How a provider's failure message is classified. The words are those the providers and Kling
 * itself use for a content-policy refusal; each adapter may add its own codes (Replicate's E005).
 */
import type { FailureKind } from '../job';

const CONTENT_POLICY_WORDS = /nsfw|sensitive|content[ _-]?polic|safety|moderation|inappropriate|violat|risk|违规|敏感|审核/i;

export function isContentPolicy(message: string, providerWords?: RegExp): boolean {
	return CONTENT_POLICY_WORDS.test(message) || (providerWords?.test(message) ?? false);
}

export function classifyFailure(message: string, providerWords?: RegExp): FailureKind {
	return isContentPolicy(message, providerWords) ? 'contentPolicy' : 'provider';
}
