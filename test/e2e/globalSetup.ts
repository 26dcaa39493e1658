/**
 * Once per `npm run test:e2e`: n8n and Node 24 from the cache (installed there when missing,
 * several minutes the first time), then `npm run build` and `npm pack` (or KLING_E2E_PACKAGE). The test files install
 * the tarball into their own n8n user folders, as users install the package.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndPack, ensureN8n } from '../../scripts/lib/n8n';

export default async function globalSetup(): Promise<void> {
	let started = Date.now();
	const runtime = await ensureN8n();
	const installSeconds = (Date.now() - started) / 1000;
	started = Date.now();
	const runDir = mkdtempSync(join(tmpdir(), 'kling-e2e-'));
	// KLING_E2E_PACKAGE=<file.tgz> tests that tarball (a release candidate, a published version) instead.
	const tarball =
		process.env.KLING_E2E_PACKAGE ??
		(await buildAndPack(join(runDir, 'pack')).catch((error: unknown) => {
			rmSync(runDir, { recursive: true, force: true });
			throw error;
		}));
	const buildSeconds = (Date.now() - started) / 1000;
	process.env.KLING_E2E_RUNTIME = JSON.stringify(runtime);
	process.env.KLING_E2E_TARBALL = tarball;
	process.env.KLING_E2E_RUN_DIR = runDir;
	console.log(
		`\n[e2e] n8n ${runtime.version} ready in ${installSeconds.toFixed(1)} s (${runtime.home}); package built and packed in ${buildSeconds.toFixed(1)} s; run folder ${runDir}`,
	);
}
