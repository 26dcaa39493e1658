/**
 * What the Kling Video workflow tests share: credentials that point each provider at the running
 * emulator, and a workflow of Start → Kling Video with the given parameters.
 */
import type { INodeParameters } from 'n8n-workflow';
import { CREDENTIAL_TYPES } from '../../nodes/shared/credentials';
import type { ProviderId } from '../../nodes/shared/job';
import { EMULATOR_CREDENTIALS, type Emulator } from '../emulator';
import { chain, node, runWorkflow, startNode, type RunOptions, type RunResult } from './harness';

export const PROVIDERS: ProviderId[] = ['replicate', 'fal', 'wavespeed', 'kling'];

export function emulatorCredentials(emulator: Emulator) {
	return {
		[CREDENTIAL_TYPES.replicate]: { apiToken: EMULATOR_CREDENTIALS.replicateToken, useCustomBaseUrl: true, baseUrl: emulator.baseUrls.replicate },
		[CREDENTIAL_TYPES.fal]: { apiKey: EMULATOR_CREDENTIALS.falKey, useCustomBaseUrl: true, baseUrl: emulator.baseUrls.falRoot },
		[CREDENTIAL_TYPES.wavespeed]: { apiKey: EMULATOR_CREDENTIALS.wavespeedKey, useCustomBaseUrl: true, baseUrl: emulator.baseUrls.wavespeed },
		[CREDENTIAL_TYPES.kling]: {
			accessKey: EMULATOR_CREDENTIALS.klingAccessKey,
			secretKey: EMULATOR_CREDENTIALS.klingSecretKey,
			region: 'singapore',
			useCustomBaseUrl: true,
			baseUrl: emulator.baseUrls.kling,
		},
	};
}

export const NODE_NAME = 'Kling Video';

export async function runKling(
	emulator: Emulator,
	parameters: INodeParameters,
	options: Partial<RunOptions> & { continueOnFail?: boolean } = {},
): Promise<RunResult> {
	const { continueOnFail, ...rest } = options;
	return await runWorkflow({
		nodes: [startNode(), node(NODE_NAME, parameters, continueOnFail ? { onError: 'continueRegularOutput' } : {})],
		connections: chain('Start', NODE_NAME),
		credentials: emulatorCredentials(emulator),
		inputItems: [{ json: {} }],
		...rest,
	});
}

/** The parameters that make a valid text to video on every provider. */
export const TEXT_TO_VIDEO = { operation: 'textToVideo', prompt: 'A ceramic mug on a sunlit table, steam rising' };
