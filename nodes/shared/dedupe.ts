/**
 * What the two triggers use to emit each job once.
 *
 * - `SeenSet`: a bounded record of keys, kept in the node's static data (n8n persists it with
 *   the workflow), so a redelivery or a re-listed job is recognised after a restart too. Stored
 *   as `[key, time]` pairs, oldest first; the oldest fall off past `max` and, where the caller
 *   knows a time before which no key can come back, before that time.
 * - Delivery claims: an in-process record of keys this process handled. n8n loads a webhook's
 *   static data per request and saves it after the node answers, so two deliveries of the same
 *   job arriving together both see it unseen; the claim makes the second one a duplicate. n8n
 *   also writes static data back whole, with no version check: a delivery handled at the same
 *   time by another webhook process overwrites the keys this one recorded. The claims outlast
 *   the providers' retry windows and are written back into the seen set by every request this
 *   process handles (`SeenSet.restore`), so such a loss lasts only until its next request.
 *
 * No n8n runtime import: static data is a plain object here.
 */

export type SeenEntry = [key: string, at: number];

export class SeenSet {
	private readonly entries = new Map<string, number>();
	private dirty = false;
	private maxEvicted: number | undefined;

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
			const [oldest, oldestAt] = this.entries.entries().next().value as SeenEntry;
			this.entries.delete(oldest);
			if (this.maxEvicted === undefined || oldestAt > this.maxEvicted) this.maxEvicted = oldestAt;
		}
	}

	/**
	 * The latest time among the keys `add` dropped for the bound (undefined when none was): every
	 * key added with a later time is still here. (Keys `pruneBefore` drops do not count.)
	 */
	get evictedUpTo(): number | undefined {
		return this.maxEvicted;
	}

	delete(key: string): void {
		if (this.entries.delete(key)) this.dirty = true;
	}

	/**
	 * Puts back keys another writer's save dropped, in time order, within the bound; only keys
	 * that are missing and young enough to survive the bound count as a change.
	 */
	restore(entries: readonly SeenEntry[]): void {
		const missing = entries.filter(([key]) => !this.entries.has(key));
		if (!missing.length) return;
		const merged = [...this.entries, ...missing].sort((a, b) => a[1] - b[1]).slice(-this.max);
		const kept = new Set(merged.map(([key]) => key));
		if (!missing.some(([key]) => kept.has(key))) return;
		this.entries.clear();
		for (const [key, at] of merged) this.entries.set(key, at);
		this.dirty = true;
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

/**
 * How long this process holds a delivery it claimed: past the providers' retry windows (fal
 * retries a webhook for up to 2 hours), so a repeat reaching this process is caught even when
 * the static data lost the key.
 */
export const CLAIM_TTL_MS = 24 * 60 * 60_000;
const MAX_CLAIMS_PER_SCOPE = 5000;

/** scope (workflow and node) → key → when this process claimed it, oldest first. */
const claims = new Map<string, Map<string, number>>();

/**
 * Claims `key` within `scope` (workflow and node) for this process. False when it is already
 * claimed and the claim has not expired: the caller is a duplicate.
 */
export function claimDelivery(scope: string, key: string, now = Date.now()): boolean {
	let scoped = claims.get(scope);
	if (!scoped) claims.set(scope, (scoped = new Map()));
	const claimedAt = scoped.get(key);
	if (claimedAt !== undefined && claimedAt + CLAIM_TTL_MS > now) return false;
	scoped.delete(key);
	scoped.set(key, now);
	// Oldest first: expired claims and, past the bound, the oldest live ones go.
	for (const [claimed, at] of scoped) {
		if (at + CLAIM_TTL_MS > now && scoped.size <= MAX_CLAIMS_PER_SCOPE) break;
		scoped.delete(claimed);
	}
	return true;
}

/** The live claims of this process within `scope`, oldest first, as seen-set entries. */
export function claimedKeys(scope: string, now = Date.now()): SeenEntry[] {
	return [...(claims.get(scope) ?? [])].filter(([, at]) => at + CLAIM_TTL_MS > now);
}

/** Forgets every claim, as a process restart would (tests use it to exercise static data alone). */
export function resetDeliveryClaims(): void {
	claims.clear();
}
