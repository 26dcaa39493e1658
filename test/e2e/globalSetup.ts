/**
 * Once per `npm run test:e2e`: n8n and Node 24 from the cache (installed there when missing,
 * several minutes the first time), then `npm run build` and `npm pack` (or KLING_E2E_PACKAGE). The test files install
 * the tarball into their own n8n user folders, as users install the package.
 */
import { ensureN8n } from '../../scripts/lib/n8n';
import { preparePackage } from './prepareRun';

export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	const runtime = await ensureN8n();
	const installSeconds = (Date.now() - started) / 1000;
	const { runDir, buildSeconds } = await preparePackage(runtime, 'kling-e2e-');
	console.log(
		`\n[e2e] n8n ${runtime.version} ready in ${installSeconds.toFixed(1)} s (${runtime.home}); package built and packed in ${buildSeconds.toFixed(1)} s; run folder ${runDir}`,
	);
}
