/**
 * Once per `npm run test:e2e:queue`: n8n and Node 24 from the cache (installed there when missing),
 * Debian's PostgreSQL and Redis (apt-get when missing), then `npm run build` and `npm pack` (or
 * KLING_E2E_PACKAGE). The test file starts its own PostgreSQL, Redis and n8n processes.
 */
import { ensureN8n } from '../../scripts/lib/n8n';
import { ensureServiceBinaries } from '../../scripts/lib/queue';
import { preparePackage } from '../e2e/prepareRun';

export default async function globalSetup(): Promise<void> {
	let started = Date.now();
	const runtime = await ensureN8n();
	const installSeconds = (Date.now() - started) / 1000;
	// Binary data in the database (the queue-mode store these tests read) and the deduplication
	// keys and resume claims the cases rely on are n8n 2.x.
	if (Number(runtime.version.split('.')[0]) < 2) throw new Error(`the queue-mode tests need n8n 2.x; got ${runtime.version} (unset KLING_N8N_VERSION)`);
	started = Date.now();
	const binaries = await ensureServiceBinaries((line) => console.log(`\n[e2e-queue] ${line}`));
	const servicesSeconds = (Date.now() - started) / 1000;
	const { runDir, buildSeconds } = await preparePackage(runtime, 'kling-e2e-queue-');
	process.env.KLING_E2E_SERVICES = JSON.stringify(binaries);
	console.log(
		`\n[e2e-queue] n8n ${runtime.version} ready in ${installSeconds.toFixed(1)} s; PostgreSQL (${binaries.pgBin}) and Redis (${binaries.redisServer}) in ${servicesSeconds.toFixed(1)} s; package built and packed in ${buildSeconds.toFixed(1)} s; run folder ${runDir}`,
	);
}
