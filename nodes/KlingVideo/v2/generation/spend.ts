/**
 * Estimate Only and Max Estimated Cost per Run (USD), read once per execution. Both run after
 * every item is planned and checked and before any upload or submit: an estimate sends
 * nothing, and a run over its cap is refused whole.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { ProviderId, VideoRequest } from '../../../shared/job';
import { CAP_FIELD, capFromOption, capProblem, UNIT_PRICE_FIELD, usdPerUnitFromOption } from '../../../shared/spend/cap';
import { binaryPlaceholder, estimateRun, type PlannedJob as SpendJob, type RunEstimate } from '../../../shared/spend/estimate';
import { KLING_LIST_PRICE_PER_UNIT_USD } from '../../../shared/spend/units';
import { InvalidParameterError } from '../errors/invalidParameter';
import type { ActionResult, Outcome, Prepared, RunScope } from '../actions/action';
import type { PlannedJob } from './plan';
import { plannedRequest, withoutEmpty } from './request';

export const SPEND_OPTIONS: INodeProperties[] = [
	{
		displayName: 'Estimate Only',
		name: 'estimateOnly',
		type: 'boolean',
		default: false,
		description:
			'Whether to send nothing and return, per planned job, the request as it would be sent and its estimated cost, with the total of the run',
	},
	{
		displayName: CAP_FIELD,
		name: 'maxEstimatedCostUsd',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 0,
		description:
			'Refuse the whole run, before anything is submitted, when its planned jobs together are estimated above this amount; a job without a known price is refused too. 0 means no cap.',
	},
	{
		displayName: UNIT_PRICE_FIELD,
		name: 'klingUsdPerUnit',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 4 },
		default: KLING_LIST_PRICE_PER_UNIT_USD,
		description: "Kling's own API bills units: what one unit costs your account, to turn units into dollars (Kling's list price is 0.14)",
		displayOptions: { show: { '/provider': ['kling'] } },
	},
];

export interface SpendSettings {
	estimateOnly: boolean;
	capUsd: number | null;
	klingUsdPerUnit: number;
}

/** The options, checked: a value that cannot be used throws, naming the option, the value and what is allowed. */
export function readSpendSettings(context: IExecuteFunctions): SpendSettings {
	return {
		estimateOnly: context.getNodeParameter('options.estimateOnly', 0, false) === true,
		capUsd: capFromOption(context.getNodeParameter('options.maxEstimatedCostUsd', 0, 0)),
		klingUsdPerUnit: usdPerUnitFromOption(context.getNodeParameter('options.klingUsdPerUnit', 0, KLING_LIST_PRICE_PER_UNIT_USD)),
	};
}

/** The unified request a planned job would submit, its binary inputs as placeholders (nothing is uploaded). */
function spendJobOf(planned: PlannedJob): SpendJob {
	const request = withoutEmpty(plannedRequest(planned, (property) => binaryPlaceholder({ property })));
	return { itemIndex: planned.itemIndex, variant: planned.variant, request: request as unknown as VideoRequest };
}

export function estimatePlannedRun(provider: ProviderId, jobs: readonly PlannedJob[], settings: SpendSettings): RunEstimate {
	return estimateRun(provider, jobs.map(spendJobOf), provider === 'kling' ? { klingUsdPerUnit: settings.klingUsdPerUnit } : {});
}

/** Estimate Only's output: one item per planned job, paired to its input item, each with the run's total. */
export function estimateItems(run: RunEstimate): INodeExecutionData[] {
	return run.jobs.map((job) => ({
		json: {
			estimateOnly: true,
			provider: job.provider,
			model: job.model,
			operation: job.operation,
			mode: job.mode,
			aspectRatio: job.aspectRatio,
			durationSeconds: job.durationSeconds,
			hasAudio: job.hasAudio,
			estimatedCostUsd: job.estimatedCostUsd,
			estimatedUnits: job.estimatedUnits,
			priceSource: job.priceSource,
			priceUnknownReason: job.priceUnknownReason,
			request: job.request as unknown as IDataObject,
			runTotal: run.total as unknown as IDataObject,
		},
		pairedItem: { item: job.itemIndex },
	}));
}

/** The cap's refusal of the run, as an input error on the cap option; null within the cap. */
export function capRefusal(run: RunEstimate, settings: SpendSettings): InvalidParameterError | null {
	const problem = capProblem(run, settings.capUsd);
	return problem ? new InvalidParameterError('maxEstimatedCostUsd', problem) : null;
}

/**
 * What the run returns instead of running, or null to run: Estimate Only's items, or the cap's
 * refusal (thrown, or under Continue On Fail one error outcome per input item).
 */
export function spendGate(scope: RunScope, units: ReadonlyArray<Prepared<PlannedJob>>): ActionResult | null {
	const settings = readSpendSettings(scope.context);
	if (!settings.estimateOnly && settings.capUsd === null) return null;
	const run = estimatePlannedRun(scope.provider, units.map(({ unit }) => unit), settings);
	if (settings.estimateOnly) {
		return { outcomes: estimateItems(run).map((item, index) => ({ ok: true, itemIndex: units[index].itemIndex, item, job: null })) };
	}
	const refusal = capRefusal(run, settings);
	if (!refusal) return null;
	if (!scope.continueOnFail) throw refusal;
	const items = [...new Set(units.map(({ itemIndex }) => itemIndex))];
	return { outcomes: items.map((itemIndex): Outcome => ({ ok: false, itemIndex, error: refusal, job: null })) };
}
