/**
 * The one way through an execution of Kling Video: pick the operation's action, prepare every
 * input item (all of them, before anything is sent, so a bad row never leaves half a batch
 * submitted), run the units, and turn the outcomes into output items, or into the one error
 * n8n shows. Continue On Fail, error conversion and the output options are decided here only.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { connectProvider } from '../../shared/connect';
import { readOutputOptions } from '../../shared/outputOptions';
import type { ProviderId } from '../../shared/job';
import { ACTIONS } from './actions';
import type { NodeAction, Outcome, Prepared, RunScope } from './actions/action';
import type { NodeOperation } from './actions/operationSelector';
import { errorItem, toNodeError } from './errors/nodeErrors';

export async function route(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const provider = context.getNodeParameter('provider', 0) as ProviderId;
	const operation = context.getNodeParameter('operation', 0) as NodeOperation;
	const action = ACTIONS[operation] as NodeAction<unknown>;
	try {
		const scope: RunScope = {
			context,
			provider,
			client: await connectProvider(context, provider),
			signal: context.getExecutionCancelSignal(),
			continueOnFail: context.continueOnFail(),
			outputOptions: context.getInputData().map((_item, itemIndex) => outputOptionsOf(context, operation, itemIndex)),
		};
		const { units, failures } = await prepareItems(scope, action);
		const result = await action.execute(scope, units);
		if (scope.signal?.aborted) throw new Error('The execution was cancelled; running jobs were cancelled at the provider');
		const items = assemble(scope, [...failures, ...result.outcomes]);
		return result.finish ? await result.finish(items) : [items];
	} catch (error) {
		throw toNodeError(context, error, 0);
	}
}

/** Get Job reads a job and downloads only when asked; a generation downloads its video by default. */
function outputOptionsOf(context: IExecuteFunctions, operation: NodeOperation, itemIndex: number) {
	if (operation === 'cancelJob') return { downloadVideo: false, binaryPropertyName: 'data' };
	return readOutputOptions(context.getNodeParameter('options', itemIndex, {}) as IDataObject, operation !== 'getJob');
}

/** Every item's units; without Continue On Fail the first bad item stops the run before anything is sent. */
async function prepareItems(scope: RunScope, action: NodeAction<unknown>) {
	const units: Array<Prepared<unknown>> = [];
	const failures: Outcome[] = [];
	for (let itemIndex = 0; itemIndex < scope.context.getInputData().length; itemIndex++) {
		try {
			for (const unit of await action.prepare(scope, itemIndex)) units.push({ itemIndex, unit });
		} catch (error) {
			if (!scope.continueOnFail) throw toNodeError(scope.context, error, itemIndex);
			failures.push({ ok: false, itemIndex, error, job: null });
		}
	}
	return { units, failures };
}

/**
 * The output items in input order (an item's variants stay together). A failure fails the run
 * unless Continue On Fail is on; its error then names every other job of the run, since each
 * may have been paid for.
 */
function assemble(scope: RunScope, outcomes: Outcome[]): INodeExecutionData[] {
	const failures = outcomes.filter((outcome): outcome is Extract<Outcome, { ok: false }> => !outcome.ok);
	if (failures.length && !scope.continueOnFail) {
		const [first] = failures;
		const error = toNodeError(scope.context, first.error, first.itemIndex, first.job?.ref ?? first.ref);
		const others = outcomes.flatMap((outcome) => jobsOf(outcome, first));
		if (others.length) error.description = `${error.description ?? ''}\nOther jobs of this run: ${others.join(', ')}`.trim();
		throw error;
	}
	const items = outcomes.map((outcome) => ({
		itemIndex: outcome.itemIndex,
		item: outcome.ok ? outcome.item : errorItem(scope.context, scope.provider, outcome),
	}));
	// A stable sort: within one input item, the units keep the order they were prepared in.
	return items.sort((a, b) => a.itemIndex - b.itemIndex).map(({ item }) => item);
}

/** A submitted job of the run other than the failure being reported, as "id (status)". */
function jobsOf(outcome: Outcome, reported: Outcome): string[] {
	if (outcome === reported) return [];
	return outcome.job ? [`${outcome.job.jobId} (${outcome.job.status})`] : [];
}
