/**
 * What the node creator says the package's nodes do. n8n's node creator shows Kling Video and
 * Kling Video Trigger as one entry (a trigger named after an action node is merged into it) and
 * gives that entry the trigger's description, so the trigger's text starts with the action
 * node's: the entry then says what the node does, not only what the trigger does.
 */
export const ACTION_NODE_DESCRIPTION =
	'Generate videos from text, images or a motion reference with Kling, and create voices, on Replicate, fal.ai, WaveSpeed or the Kling API';

export const WEBHOOK_TRIGGER_DESCRIPTION = `${ACTION_NODE_DESCRIPTION}; the trigger starts a workflow when a job finishes`;
