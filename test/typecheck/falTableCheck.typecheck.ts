/**
 * Proof that the fal table check catches what it must: each `@ts-expect-error` below marks a row
 * the check has to refuse. Should the check stop refusing one, the directive is unused and
 * `npm run typecheck` fails.
 */
import type { FalRowProblems, MustBeNever } from '../../nodes/shared/providers/fal/models.typecheck';

type Misspelled = {
	endpoints: { pro: { path: 'fal-ai/kling-video/v2.6/pro/image-to-video' } };
	fields: { startImage: { name: 'start_image' } };
};
type WrongDuration = {
	endpoints: { pro: { path: 'fal-ai/kling-video/v2.6/pro/text-to-video' } };
	fields: { prompt: { name: 'prompt' } };
	durations: { values: readonly [5, 15] };
};
type UnknownEndpoint = {
	endpoints: { std: { path: 'fal-ai/kling-video/v2.6/standard/text-to-video' } };
	fields: { prompt: { name: 'prompt' } };
};
type Right = {
	endpoints: { pro: { path: 'fal-ai/kling-video/v2.6/pro/image-to-video' } };
	fields: { startImage: { name: 'start_image_url' }; voiceIds: { name: 'voice_ids' } };
	durations: { values: readonly [5, 10] };
};

// @ts-expect-error: `start_image` is not an input of fal-ai/kling-video/v2.6/pro/image-to-video (it is start_image_url)
export type RefusesMisspelledField = MustBeNever<FalRowProblems<Misspelled>>;
// @ts-expect-error: fal's v2.6 text to video takes "5" or "10", not "15"
export type RefusesWrongDuration = MustBeNever<FalRowProblems<WrongDuration>>;
// @ts-expect-error: fal publishes no v2.6 standard text-to-video endpoint
export type RefusesUnknownEndpoint = MustBeNever<FalRowProblems<UnknownEndpoint>>;
export type AcceptsRightRow = MustBeNever<FalRowProblems<Right>>;
