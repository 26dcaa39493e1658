/**
 * What the Kling Video workflow tests share: a workflow of Start → Kling Video with the given
 * parameters, its credentials pointing each provider at the running emulator.
 */
import type { INodeParameters } from 'n8n-workflow';
import type { ProviderId } from '../../nodes/shared/job';
import type { Emulator } from '../emulator';
import { emulatorCredentialsByType } from '../support/emulatorCredentials';
import { chain, node, runWorkflow, startNode, type RunOptions, type RunResult } from '../harness';

export const PROVIDERS: ProviderId[] = ['replicate', 'fal', 'wavespeed', 'kling'];

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
		credentials: emulatorCredentialsByType(emulator),
		inputItems: [{ json: {} }],
		...rest,
	});
}

/** The parameters that make a valid text to video on every provider. */
export const TEXT_TO_VIDEO = { operation: 'textToVideo', prompt: 'A ceramic mug on a sunlit table, steam rising' };
