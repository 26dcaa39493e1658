/** Get Job: the status and result of a job, its video downloaded when asked. */
import type { INodeProperties } from 'n8n-workflow';
import type { JobRef } from '../../../shared/job';
import { BINARY_PROPERTY_OPTION } from '../../../shared/outputOptions';
import type { Prepared, RunScope } from './action';
import { runJobCalls } from './jobCall';
import { readJobRef } from './jobReference';

export const description: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['getJob'] } },
		options: [
			BINARY_PROPERTY_OPTION,
			{
				displayName: 'Download Video',
				name: 'downloadVideo',
				type: 'boolean',
				default: false,
				description: 'Whether to put the MP4 of a finished job into a binary property',
			},
		],
	},
];

export const prepare = readJobRef;

export async function execute(scope: RunScope, units: Array<Prepared<JobRef>>) {
	return await runJobCalls(scope, units, async () => undefined);
}
