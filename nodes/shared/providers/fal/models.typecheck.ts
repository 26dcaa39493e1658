/**
 * Type-level check of fal's model table against the input types of fal's official client
 * (`@fal-ai/client/endpoints`, a dev dependency used for its types only). Every endpoint id must
 * exist, every mapped name must be an input of that endpoint, and every duration must be one of
 * its values: a misspelled or removed field fails `npm run typecheck`. Not part of the build.
 */
import type { EndpointTypeMap } from '@fal-ai/client/endpoints';
import type { FAL_MODELS } from './models';

type Rows<Table> = { [Model in keyof Table]: Table[Model][keyof Table[Model]] }[keyof Table];
type PathsOf<Row> = Row extends { endpoints: infer Endpoints } ? { [Mode in keyof Endpoints]: Endpoints[Mode] extends { path: infer Path } ? Path : never }[keyof Endpoints] : never;
type NamesOf<Row> = Row extends { fields: infer Fields } ? { [Field in keyof Fields]: Fields[Field] extends { name: infer Name } ? Name : never }[keyof Fields] : never;
type DurationsOf<Row> = Row extends { durations: { values: readonly (infer Seconds extends number)[] } } ? `${Seconds}` : never;
type InputOf<Path> = Path extends keyof EndpointTypeMap ? EndpointTypeMap[Path]['input'] : never;

/** What is wrong with a row (each row of a union on its own), per endpoint id: `never` when nothing is. */
export type FalRowProblems<Row> = Row extends unknown ? RowProblems<Row> : never;

type RowProblems<Row> = {
	[Path in PathsOf<Row> & string]: Path extends keyof EndpointTypeMap
		?
				| (Exclude<NamesOf<Row>, keyof InputOf<Path>> extends never ? never : { unknownField: Exclude<NamesOf<Row>, keyof InputOf<Path>>; endpoint: Path })
				| (Exclude<DurationsOf<Row>, InputOf<Path> extends { duration?: infer Duration } ? Duration : never> extends never
						? never
						: { unknownDuration: Exclude<DurationsOf<Row>, InputOf<Path> extends { duration?: infer Duration } ? Duration : never>; endpoint: Path })
		: { unknownEndpoint: Path };
}[PathsOf<Row> & string];

/** Compiles only when its argument is `never`; otherwise the error shows what is wrong. */
export type MustBeNever<Problems extends never> = Problems;

export type FalTableProblems = FalRowProblems<Rows<typeof FAL_MODELS>>;
export type FalTableIsRight = MustBeNever<FalTableProblems>;
