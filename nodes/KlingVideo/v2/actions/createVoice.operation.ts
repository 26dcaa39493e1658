/** Create Voice: a voice sample becomes a reusable voice ID (Voice IDs of Image to Video refer to it). */
import { operationFieldProperties } from '../description/fields';
import { executeGeneration } from '../generation/generate';
import { planItem } from '../generation/plan';
import type { RunScope } from './action';

export const description = operationFieldProperties('createVoice');

export const prepare = async (scope: RunScope, itemIndex: number) => await planItem(scope, itemIndex, 'createVoice');

export const execute = executeGeneration;
