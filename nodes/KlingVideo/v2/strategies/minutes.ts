/** The wait modes' time limits, read one way. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { InvalidParameterError } from '../errors/invalidParameter';

/**
 * A positive number of minutes, at most `max`, as milliseconds. A zero, negative or non-numeric
 * limit would give up on a job the moment it is paid for.
 */
export function minutesParameter(context: IExecuteFunctions, name: string, label: string, fallback: number, max = Infinity): number {
	const raw = context.getNodeParameter(name, 0, fallback);
	const minutes = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
	if (!Number.isFinite(minutes) || minutes <= 0 || minutes > max) {
		const bound = Number.isFinite(max) ? ` and at most ${max}` : '';
		throw new InvalidParameterError(name, `${label} is ${JSON.stringify(raw)}: allowed is a number of minutes above 0${bound}`);
	}
	return minutes * 60_000;
}
