/**
 * The panel of Kling Video version 1. Parameter names, defaults, option values and display
 * rules are what saved workflows hold, so they only change in a new version. Declaration
 * order matters: n8n resolves display rules in that order, so what a rule reads (provider,
 * operation, then the mode) is declared before what it shows.
 */
import type { INodeProperties } from 'n8n-workflow';
import { providerProperty } from '../../shared/providerSelector';
import { GENERATION_ACTIONS } from './actions';
import * as cancelJob from './actions/cancelJob.operation';
import * as getJob from './actions/getJob.operation';
import { jobReferenceProperties } from './actions/jobReference';
import { operationProperties } from './actions/operationSelector';
import { assembleGenerationFields } from './description/fields';
import { waitingProperties } from './description/waiting';

export const properties: INodeProperties[] = [
	providerProperty,
	...operationProperties(),
	...jobReferenceProperties,
	...assembleGenerationFields(GENERATION_ACTIONS.flatMap((action) => action.description)),
	...waitingProperties,
	...getJob.description,
	...cancelJob.description,
];
