/**
 * What the two triggers use to emit each job once.
 *
 * - `SeenSet`: a bounded record of keys, kept in the node's static data (n8n persists it with
 *   the workflow), so a redelivery or a re-listed job is recognised after a restart too. Stored
 *   as `[key, time]` pairs, oldest first; the oldest fall off past `max` and, where the caller
 *   knows a time before which no key can come back, before that time.
 * - Delivery claims: an in-process record of keys being (or just) handled. n8n loads a webhook's
 *   static data per request and saves it after the node answers, so two deliveries of the same
 *   job arriving together both see it unseen; the claim makes the second one a duplicate.
 *
 * No n8n runtime import: static data is a plain object here.
 */

export type SeenEntry = [key: string, at: number];

export class SeenSet {
	private readonly entries = new Map<string, number>();
	private dirty = false;

	constructor(
		stored: unknown,
		private readonly max: number,
	) {
		if (!Array.isArray(stored)) return;
		for (const entry of stored) {
			if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number') {
				this.entries.set(entry[0], entry[1]);
			}
		}
	}

	has(key: string): boolean {
		return this.entries.has(key);
	}

	get size(): number {
		return this.entries.size;
	}

	/** Whether anything was added or dropped since it was read: only then is it worth storing. */
	get changed(): boolean {
		return this.dirty;
	}

	/** Records a key (moving it to the newest end), then drops the oldest past the bound. */
	add(key: string, at: number): void {
		this.entries.delete(key);
		this.entries.set(key, at);
		this.dirty = true;
		while (this.entries.size > this.max) {
			const oldest = this.entries.keys().next().value as string;
			this.entries.delete(oldest);
		}
	}

	delete(key: string): void {
		if (this.entries.delete(key)) this.dirty = true;
	}

	/** Drops every key recorded with a time before `time`: keys that can no longer come back. */
	pruneBefore(time: number): void {
		for (const [key, at] of this.entries) {
			if (at < time) this.delete(key);
		}
	}

	/** A fresh array for static data (assigned whole, so n8n notices the change). */
	toJSON(): SeenEntry[] {
		return [...this.entries];
	}
}

/** How long a claim outlives its delivery: well past the time n8n needs to save static data. */
export const CLAIM_TTL_MS = 10 * 60_000;
const MAX_CLAIMS = 10_000;

const claims = new Map<string, number>();

/**
 * Claims `key` within `scope` (workflow and node) for this process. False when it is already
 * claimed and the claim has not expired: the caller is a duplicate.
 */
export function claimDelivery(scope: string, key: string, now = Date.now()): boolean {
	const id = `${scope}\0${key}`;
	const until = claims.get(id);
	if (until !== undefined && until > now) return false;
	claims.delete(id);
	claims.set(id, now + CLAIM_TTL_MS);
	// Oldest first: expired claims and, past the bound, the oldest live ones go.
	for (const [claimed, expiry] of claims) {
		if (expiry > now && claims.size <= MAX_CLAIMS) break;
		claims.delete(claimed);
	}
	return true;
}

/** Forgets every claim, as a process restart would (tests use it to exercise static data alone). */
export function resetDeliveryClaims(): void {
	claims.clear();
}
