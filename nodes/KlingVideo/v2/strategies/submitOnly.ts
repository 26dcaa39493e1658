/** Submit Only: the job is returned at once; the provider may call a URL (the Kling Video Trigger's) when it ends. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { jobToJson } from '../../../shared/jobOutput';
import type { RunScope } from '../actions/action';
import { InvalidParameterError } from '../errors/invalidParameter';
import { requestEcho } from '../generation/request';
import { urlScheme } from '../generation/mediaInput';
import { returnItems, type WaitStrategy } from './strategy';

export function startSubmitOnly(scope: RunScope): WaitStrategy {
	const url = callbackUrl(scope.context);
	return {
		callbackUrl: () => url,
		settle: async (job, planned) => ({ json: jobToJson(job, requestEcho(planned)), pairedItem: { item: planned.itemIndex } }),
		finish: returnItems,
	};
}

function callbackUrl(context: IExecuteFunctions): string | undefined {
	const url = String(context.getNodeParameter('callbackUrl', 0, '') ?? '').trim();
	if (!url) return undefined;
	const scheme = urlScheme(url);
	if (scheme === 'https:' || scheme === 'http:') return url;
	throw new InvalidParameterError('callbackUrl', `Callback URL is "${url}": allowed is an http(s) URL the provider can reach`);
}
