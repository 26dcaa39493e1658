/** What the per-provider mapping tests (test/unit/*-mapping.test.ts) share. */
import type { ModelId } from '../../nodes/shared/providers/models';
import { rowOf, type ModelTable, type OperationRow } from '../../nodes/shared/providers/table';

/** The error `run` throws; fails if it returns. */
export function caught(run: () => unknown): Error {
	try {
		run();
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected an error');
}

/** A lookup of the table's rows that fails, naming the provider, where the table has no such row. */
export function rowsOf(table: ModelTable, provider: string): (model: ModelId, operation: Parameters<typeof rowOf>[2]) => OperationRow {
	return (model, operation) => {
		const found = rowOf(table, model, operation);
		if (!found) throw new Error(`${provider} has no ${model} ${operation} row`);
		return found;
	};
}

/** A sorted copy, for comparing field lists. */
export const sorted = (fields: readonly string[]) => [...fields].sort();
