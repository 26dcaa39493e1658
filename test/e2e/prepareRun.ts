/**
 * What both end-to-end suites prepare once per run: a run folder, and the package built and
 * packed (or KLING_E2E_PACKAGE, a release candidate or a published tarball), handed to the test
 * files through the environment (harness.ts `setupResult`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndPack, type N8nRuntime } from '../../scripts/lib/n8n';

export async function preparePackage(runtime: N8nRuntime, runDirPrefix: string): Promise<{ runDir: string; buildSeconds: number }> {
	const started = Date.now();
	const runDir = mkdtempSync(join(tmpdir(), runDirPrefix));
	const tarball =
		process.env.KLING_E2E_PACKAGE ??
		(await buildAndPack(join(runDir, 'pack')).catch((error: unknown) => {
			rmSync(runDir, { recursive: true, force: true });
			throw error;
		}));
	process.env.KLING_E2E_RUNTIME = JSON.stringify(runtime);
	process.env.KLING_E2E_TARBALL = tarball;
	process.env.KLING_E2E_RUN_DIR = runDir;
	return { runDir, buildSeconds: (Date.now() - started) / 1000 };
}
