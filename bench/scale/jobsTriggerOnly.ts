/**
 * The Jobs Trigger part of the scale bench alone, with bench/scale.ts's full settings, printed as
 * a table (nothing written: bench/results-scale.* stay the whole bench's).
 *
 *   node --require ts-node/register/transpile-only bench/scale/jobsTriggerOnly.ts [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { round } from '../lib/stats';
import { runJobsTriggerScale, type TriggerPoll, type TriggerSettings } from './jobsTrigger';

/** The same as bench/scale.ts's full run. */
const SETTINGS: TriggerSettings = { history: 10_000, steadyPolls: 5, churnPerPoll: 250, churnPolls: 24, burst: 1000, burstPolls: 3 };

const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? 0;

async function main(): Promise<void> {
	const started = Date.now();
	const result = await runJobsTriggerScale(SETTINGS, (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`));
	const phases = [...new Set(result.polls.map((p) => p.phase))];
	console.log(`\n${result.listLength} jobs in the ${result.provider} list; Max Pages per Poll ${result.options.maxPages}, look-back ${result.options.lookbackMinutes} min\n`);
	console.log('| phase | polls | ms per poll (p50 / max) | list requests per poll (max) | emitted | static data KiB (max) | remembered ids (max) |');
	console.log('|---|---|---|---|---|---|---|');
	for (const phase of phases) {
		const polls: TriggerPoll[] = result.polls.filter((p) => p.phase === phase);
		const ms = polls.map((p) => p.ms);
		console.log(
			`| ${phase} | ${polls.length} | ${p50(ms)} / ${Math.max(...ms)} | ${Math.max(...polls.map((p) => p.listRequests))} | ${polls.reduce((s, p) => s + p.emitted, 0)} | ` +
				`${round(Math.max(...polls.map((p) => p.staticDataBytes)) / 1024, 1)} | ${Math.max(...polls.map((p) => p.handledJobs))} |`,
		);
	}
	console.log(`\nchurn: ${result.churn?.finished} finished, ${result.churn?.emitted} emitted by the end; duplicates: ${result.duplicates}`);
	console.log(`burst: ${result.burst.finished} finished, ${result.burst.emitted} emitted, ${result.burst.missed} missed, over ${result.burst.polls} polls`);
	console.log(`late finisher (place ${result.lateFinisher.listPosition} of ${result.listLength + SETTINGS.churnPerPoll * SETTINGS.churnPolls + SETTINGS.burst}): emitted ${result.lateFinisher.emitted} after ${result.lateFinisher.polls} poll(s)`);
	const out = process.argv.indexOf('--json');
	if (out > 0 && process.argv[out + 1]) writeFileSync(process.argv[out + 1], JSON.stringify(result, null, 2));
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
