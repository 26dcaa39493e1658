/**
 * Scenarios 1 and 2 of `npm run bench` alone (phase A's engine scenarios, without the real n8n),
 * at the full settings of bench/run.ts: for measuring the status board (issue 14) quickly.
 *
 *   node --require ts-node/register/transpile-only bench/batchOnly.ts [batch|polling]
 *     both (side by side, as in phase A), or scenario 1 or 2 alone
 *   BENCH_QUICK=1 …   the scaled-down settings of `BENCH_QUICK=1 npm run bench`
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { disposeHarness } from '../test/harness';
import { runBatch, runPolling, type BatchSettings } from './scenarios/engine';

const QUICK = process.env.BENCH_QUICK === '1';
const BATCH: BatchSettings = QUICK
	? { items: 4, variants: 3, queuedMs: 200, runningMs: 1800, concurrencyLimit: 10, maxConcurrentJobs: 10, baselineJobs: 1 }
	: { items: 50, variants: 3, queuedMs: 1000, runningMs: 19_000, concurrencyLimit: 10, maxConcurrentJobs: 10, baselineJobs: 4 };
const POLLING = QUICK ? { queuedMs: 500, runningMs: 4500, jobsPerWave: 2, baselineJobs: 1 } : { queuedMs: 2000, runningMs: 58_000, jobsPerWave: 8, baselineJobs: 4 };

const started = Date.now();
const log = (line: string) => console.log(`[batchOnly ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

async function main(): Promise<void> {
	const which = process.argv[2] ?? 'both';
	const [batch, polling] = await Promise.all([
		which === 'polling' ? undefined : runBatch(BATCH, log),
		which === 'batch' ? undefined : runPolling(POLLING, log),
	]);
	disposeHarness();
	const results = { generatedAt: new Date(started).toISOString(), batch, polling };
	const dir = join(__dirname, 'out');
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, QUICK ? 'batchOnly-quick.json' : 'batchOnly.json'), `${JSON.stringify(results, null, 2)}\n`);
	console.log(JSON.stringify(results, null, 2));
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
