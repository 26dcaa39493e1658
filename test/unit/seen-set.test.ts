/** SeenSet.restore and the delivery claims it is fed from: pure functions of their inputs. */
import { CLAIM_TTL_MS, claimDelivery, claimedKeys, resetDeliveryClaims, SeenSet } from '../../nodes/shared/dedupe';

beforeEach(() => resetDeliveryClaims());

describe('SeenSet.restore', () => {
	it('puts missing keys back in time order and marks the set changed', () => {
		const set = new SeenSet([['b', 20], ['d', 40]], 10);
		set.restore([['a', 10], ['c', 30], ['d', 40]]);
		expect(set.toJSON()).toEqual([['a', 10], ['b', 20], ['c', 30], ['d', 40]]);
		expect(set.changed).toBe(true);
	});

	it('changes nothing when every key is there', () => {
		const set = new SeenSet([['a', 10]], 10);
		set.restore([['a', 10]]);
		expect(set.changed).toBe(false);
	});

	it('keeps the bound: a restored key older than every kept one stays out and is no change', () => {
		const set = new SeenSet([['b', 20], ['c', 30]], 2);
		set.restore([['a', 10]]);
		expect(set.toJSON()).toEqual([['b', 20], ['c', 30]]);
		expect(set.changed).toBe(false);
		set.restore([['d', 40]]);
		expect(set.toJSON()).toEqual([['c', 30], ['d', 40]]);
		expect(set.changed).toBe(true);
	});
});

describe('delivery claims', () => {
	it('a claimed key is a duplicate within the claim time and free after it', () => {
		expect(claimDelivery('wf:node', 'job:succeeded', 1000)).toBe(true);
		expect(claimDelivery('wf:node', 'job:succeeded', 1000 + CLAIM_TTL_MS - 1)).toBe(false);
		expect(claimDelivery('wf:node', 'job:succeeded', 1000 + CLAIM_TTL_MS + 1)).toBe(true);
	});

	it('claimedKeys lists a scope\'s live claims with their times, and nothing of other scopes', () => {
		claimDelivery('wf:node', 'a', 100);
		claimDelivery('wf:node', 'b', 200);
		claimDelivery('other:node', 'c', 150);
		expect(claimedKeys('wf:node', 300)).toEqual([['a', 100], ['b', 200]]);
		expect(claimedKeys('wf:node', 150 + CLAIM_TTL_MS)).toEqual([['b', 200]]);
	});
});
