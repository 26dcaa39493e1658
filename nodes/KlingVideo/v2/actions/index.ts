/** Every operation of the node by its value; the router runs the one chosen. */
import type { JobRef } from '../../../shared/job';
import type { PlannedJob } from '../generation/plan';
import type { NodeAction } from './action';
import * as cancelJob from './cancelJob.operation';
import * as createVoice from './createVoice.operation';
import * as getJob from './getJob.operation';
import * as imageToVideo from './imageToVideo.operation';
import * as motionControl from './motionControl.operation';
import type { NodeOperation } from './operationSelector';
import * as textToVideo from './textToVideo.operation';

export const ACTIONS: Record<NodeOperation, NodeAction<PlannedJob> | NodeAction<JobRef>> = { textToVideo, imageToVideo, motionControl, createVoice, getJob, cancelJob };

/** The generation operations in the order their fields are declared (the panel's order). */
export const GENERATION_ACTIONS = [textToVideo, imageToVideo, motionControl, createVoice];
