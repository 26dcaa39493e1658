/** Image to Video: a start image (and optionally an end image) animated into a video; the image decides its shape. */
import { operationFieldProperties } from '../description/fields';
import { executeGeneration } from '../generation/generate';
import { planItem } from '../generation/plan';
import type { RunScope } from './action';

export const description = operationFieldProperties('imageToVideo');

export const prepare = async (scope: RunScope, itemIndex: number) => await planItem(scope, itemIndex, 'imageToVideo');

export const execute = executeGeneration;
