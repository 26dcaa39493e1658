/** Removes the run folder (database, Redis, n8n user folder, logs, posted videos) unless KLING_E2E_KEEP=1. */
import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
	const runDir = process.env.KLING_E2E_RUN_DIR;
	if (!runDir) return;
	if (process.env.KLING_E2E_KEEP === '1') console.log(`\n[e2e-queue] kept ${runDir}`);
	else rmSync(runDir, { recursive: true, force: true });
}
