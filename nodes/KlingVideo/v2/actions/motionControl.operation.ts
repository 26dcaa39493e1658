/** Motion Control: the character of an image performs the motion of a reference video. */
import { operationFieldProperties } from '../description/fields';
import { executeGeneration } from '../generation/generate';
import { planItem } from '../generation/plan';
import type { RunScope } from './action';

export const description = operationFieldProperties('motionControl');

export const prepare = async (scope: RunScope, itemIndex: number) => await planItem(scope, itemIndex, 'motionControl');

export const execute = executeGeneration;
