/**
 * `npm run bench:scale`: how the package scales (issue 14, part 4), apart from `npm run bench`.
 *
 * 1. The Kling Video node in a real n8n 2.x (bench/scale/itemRuns.ts): one execution of N items
 *    (100, 300, 1,000), Text to Video on Replicate, in Submit Only and in Wait for Completion
 *    (Max Concurrent Jobs 20, 20 s jobs, Download Video on): wall time against the ideal,
 *    requests per job, n8n's peak RSS and the stored execution's size, with a least-squares line
 *    over N for each.
 * 2. The Kling Video Jobs Trigger against a provider list of 10,000 jobs
 *    (bench/scale/jobsTrigger.ts): time, requests and static data size of each poll.
 * Writes bench/results-scale.json and bench/results-scale.md and prints the markdown.
 *
 *   npm run bench:scale                 about 29 minutes (Wait for Completion alone is ~1,400 s)
 *   BENCH_QUICK=1 npm run bench:scale   10 / 30 / 100 items, 2 s jobs: about 3 minutes, written to bench/out/
 *   BENCH_SCALE_PART=trigger npm run bench:scale
 *                                       only part 2, its result put in place of the one in the
 *                                       results file (after a change to the trigger; part 1 is kept,
 *                                       with its own run time and load, which the markdown shows)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { stopAll } from '../scripts/lib/processes';
import { round } from './lib/stats';
import { runItemScale, type ItemRunSettings } from './scale/itemRuns';
import { runJobsTriggerScale, type TriggerSettings } from './scale/jobsTrigger';
import { fitsOf, renderMarkdown, type ScaleResults } from './scale/report';

const QUICK = process.env.BENCH_QUICK === '1';
const TRIGGER_ONLY = process.env.BENCH_SCALE_PART === 'trigger';

const settings: { items: ItemRunSettings; trigger: TriggerSettings } = QUICK
	? {
			items: { items: [10, 30, 100], queuedMs: 200, runningMs: 1800, maxConcurrentJobs: 20, concurrencyLimit: 100 },
			trigger: { history: 10_000, steadyPolls: 3, churnPerPoll: 250, churnPolls: 22, burst: 1000, burstPolls: 2 },
		}
	: {
			// 20 s jobs (1 s queued + 19 s running), unscaled; the limit lets Submit Only's N jobs all run at once.
			items: { items: [100, 300, 1000], queuedMs: 1000, runningMs: 19_000, maxConcurrentJobs: 20, concurrencyLimit: 1000 },
			// 250 jobs finishing before each churn poll fill the remembered set (bound 5,000) in 18 polls; six more show it stays there.
			trigger: { history: 10_000, steadyPolls: 5, churnPerPoll: 250, churnPolls: 24, burst: 1000, burstPolls: 3 },
		};

const started = Date.now();
const log = (line: string) => console.log(`[bench:scale ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const loads = () => loadavg().map((v) => round(v, 2));

async function main(): Promise<void> {
	const loadAverageStart = loads();
	log(`${QUICK ? 'quick smoke run' : 'scale benchmark'}: Jobs Trigger polls, then the Kling Video node in a real n8n`);
	const dir = QUICK ? join(__dirname, 'out') : __dirname;
	const base = QUICK ? 'results-scale-quick' : 'results-scale';
	try {
		// The trigger part first: it runs in this process and is short; the n8n part then has the machine to itself.
		const jobsTrigger = await runJobsTriggerScale(settings.trigger, log);
		if (TRIGGER_ONLY) {
			const kept = JSON.parse(readFileSync(join(dir, `${base}.json`), 'utf8')) as ScaleResults;
			kept.jobsTrigger = jobsTrigger;
			kept.jobsTriggerRun = { at: new Date(started).toISOString(), loadAverageStart, loadAverageEnd: loads() };
			write(dir, base, kept);
			return;
		}
		const items = await runItemScale(settings.items, log);
		const cpu = cpus();
		const results: ScaleResults = {
			generatedAt: new Date(started).toISOString(),
			wallSeconds: round((Date.now() - started) / 1000),
			quick: QUICK,
			machine: {
				cpus: cpu.length,
				cpuModel: cpu[0]?.model ?? 'unknown',
				ramGiB: round(totalmem() / 1024 ** 3, 1),
				os: `${type()} ${release()}`,
				node: process.versions.node,
				n8nNode: items.n8nNode,
				n8n: items.n8nVersion,
				loadAverageStart,
				loadAverageEnd: loads(),
			},
			items,
			fits: fitsOf(items.runs),
			jobsTrigger,
		};
		write(dir, base, results);
	} finally {
		await stopAll();
	}
}

function write(dir: string, base: string, results: ScaleResults): void {
	const markdown = renderMarkdown(results);
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, `${base}.json`), `${JSON.stringify(results, null, 2)}\n`);
	writeFileSync(join(dir, `${base}.md`), `${markdown}\n`);
	console.log(`\n${markdown}`);
	log(`written ${join(dir, `${base}.json`)} and ${base}.md`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
