/**
 * What the emulator received and sent, so tests can assert "no request was sent", "exactly one
 * submit" or "the webhook was retried twice".
 */
import type {
	EmulatorCounters,
	RequestFilter,
	RequestRecord,
	WebhookFilter,
	WebhookRecord,
} from './types';

const matches = <T extends object>(record: T, filter: Partial<T>) =>
	(Object.keys(filter) as (keyof T)[]).every(
		(key) => filter[key] === undefined || record[key] === filter[key],
	);

export class CounterLog {
	private requests: RequestRecord[] = [];
	private webhooks: WebhookRecord[] = [];

	/** The record is live: the server fills in status, fault and job id as the answer is made. */
	addRequest(record: RequestRecord): RequestRecord {
		this.requests.push(record);
		return record;
	}

	addWebhook(record: WebhookRecord): void {
		this.webhooks.push(record);
	}

	reset(): void {
		this.requests = [];
		this.webhooks = [];
	}

	/** A frozen copy: later traffic does not change a snapshot a test holds. */
	snapshot(): EmulatorCounters {
		const requests = this.requests.map((r) => ({ ...r }));
		const webhooksSent = this.webhooks.map((w) => ({ ...w, headers: { ...w.headers } }));
		const totals: Record<string, number> = {};
		for (const r of requests) {
			const key = `${r.provider ?? 'none'} ${r.route}`;
			totals[key] = (totals[key] ?? 0) + 1;
		}
		return {
			requests,
			webhooksSent,
			totals,
			count: (filter: RequestFilter = {}) =>
				requests.filter((r) => matches(r, normaliseMethod(filter))).length,
			webhookCount: (filter: WebhookFilter = {}) =>
				webhooksSent.filter((w) => matches(w, filter)).length,
		};
	}
}

const normaliseMethod = (filter: RequestFilter): RequestFilter =>
	filter.method ? { ...filter, method: filter.method.toUpperCase() } : filter;
