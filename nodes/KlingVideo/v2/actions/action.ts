/**
 * What every operation of the node is: its panel fields, how one input item becomes the units
 * of work it asks for (read and checked before anything is sent), and how those units run. The
 * router (router.ts) owns everything around that: the item loop, Continue On Fail, turning
 * errors into n8n's, the output options and the order of the output items.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { Job, JobRef, ProviderId } from '../../../shared/job';
import type { OutputOptions } from '../../../shared/outputOptions';
import type { ProviderClient } from '../../../shared/providers/types';

/** What an operation may use of the run it is part of. */
export interface RunScope {
	context: IExecuteFunctions;
	provider: ProviderId;
	client: ProviderClient;
	signal?: AbortSignal;
	continueOnFail: boolean;
	/** Each input item's output options, read once by the router. */
	outputOptions: readonly OutputOptions[];
}

/** A unit of work and the input item it came from (its output item is paired to it). */
export interface Prepared<Unit> {
	itemIndex: number;
	unit: Unit;
}

export type Outcome =
	/** `job` is set when the run created the job (it was submitted and maybe paid for), `ref` when at least its id is known. */
	| { ok: true; itemIndex: number; item: INodeExecutionData; job: Job | null }
	| { ok: false; itemIndex: number; error: unknown; job: Job | null; ref?: JobRef };

export interface ActionResult {
	outcomes: Outcome[];
	/** The node's output once every item is assembled (Wait for Webhook pauses the execution here). */
	finish?: (items: INodeExecutionData[]) => Promise<INodeExecutionData[][]>;
}

export interface NodeAction<Unit> {
	/** The action's own fields of the panel. */
	description: INodeProperties[];
	/** The units one input item asks for; throws an input error for that item. */
	prepare(scope: RunScope, itemIndex: number): Promise<Unit[]>;
	/** Runs the prepared units of every item; a unit's failure is an outcome, not a throw. */
	execute(scope: RunScope, units: Array<Prepared<Unit>>): Promise<ActionResult>;
}
