/** Small readers the adapters share for answers whose shape is not yet trusted. */
import type { HttpResponse } from '../http';

export const isOk = (response: HttpResponse) => response.status >= 200 && response.status < 300;

/** The body as JSON when it is JSON, else as text (error answers are not always JSON). */
export const bodyOf = (response: HttpResponse): unknown => response.json() ?? response.text();

/** The `id` of an answer that may not have the expected shape. */
export function idOf(raw: unknown): string | undefined {
	const id = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).id : undefined;
	return typeof id === 'string' && id ? id : undefined;
}

/** A number from a number or a numeric string (providers send both), else null. */
export function numberOrNull(value: unknown): number | null {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
	return null;
}

export function addSeconds(iso: string, seconds: number): string | null {
	const time = Date.parse(iso);
	return Number.isNaN(time) ? null : new Date(time + seconds * 1000).toISOString();
}
