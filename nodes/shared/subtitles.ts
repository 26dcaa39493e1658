/**
 * Node subtitles on the canvas speak the panel's words ("Text to Video · Replicate"), not the
 * saved values: n8n evaluates the subtitle as an expression, so each value is looked up in a
 * table of labels built from the same names the dropdowns show.
 */
import { PROVIDER_IDS } from './job';
import { OPERATION_LABELS } from './labels';
import { PROVIDERS } from './providers';

/** An expression (without the braces) giving the label of a parameter's value, or the value itself if unknown. */
function labelOf(parameter: string, labels: Record<string, string>): string {
	return `(${JSON.stringify(labels)}[$parameter["${parameter}"]] || $parameter["${parameter}"])`;
}

const PROVIDER_LABELS = Object.fromEntries(PROVIDER_IDS.map((id) => [id, PROVIDERS[id].displayName]));

/** "Text to Video · Replicate". */
export const operationOnProviderSubtitle = (jobOperations: Record<string, string>) =>
	`={{ ${labelOf('operation', { ...OPERATION_LABELS, ...jobOperations })} + " · " + ${labelOf('provider', PROVIDER_LABELS)} }}`;

/** "on Replicate". */
export const onProviderSubtitle = `={{ "on " + ${labelOf('provider', PROVIDER_LABELS)} }}`;
