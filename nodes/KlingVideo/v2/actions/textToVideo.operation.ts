/** Text to Video: a prompt becomes a video; Aspect Ratio Variants make one job per frame shape of each item. */
import { operationFieldProperties } from '../description/fields';
import { executeGeneration } from '../generation/generate';
import { planItem } from '../generation/plan';
import type { RunScope } from './action';

export const description = operationFieldProperties('textToVideo');

export const prepare = async (scope: RunScope, itemIndex: number) => await planItem(scope, itemIndex, 'textToVideo');

export const execute = executeGeneration;
