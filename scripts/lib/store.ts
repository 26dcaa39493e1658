/**
 * What n8n stored: executions read straight from its SQLite database (`node:sqlite` of the
 * Node 24 that runs n8n, read-only), their run data decoded with n8n's own `flatted`.
 * Works whether or not `n8n start` is running.
 */
import { join } from 'node:path';
import { run } from './processes';
import type { N8nInstance } from './n8n';

export interface StoredItem {
	json: Record<string, unknown>;
	binary?: Record<string, { mimeType?: string; fileName?: string; fileSize?: string; id?: string; fileExtension?: string }>;
	pairedItem?: unknown;
}

export interface StoredExecution {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	finished: boolean;
	startedAt: string | null;
	stoppedAt: string | null;
	waitTill: string | null;
	/** Node name → the items of its last run's first main output. */
	outputs: Record<string, StoredItem[]>;
	/** The execution's error message, when it failed. */
	error: string | null;
	/** Node name → error message, for nodes whose last run failed. */
	nodeErrors: Record<string, string>;
}

/** Runs in Node 24: reads the executions of one workflow (or all) as JSON. */
const READER = `
const { DatabaseSync } = require('node:sqlite');
const flatted = require(process.env.FLATTED);
const [file, workflowId] = process.argv.slice(1);
const db = new DatabaseSync(file, { readOnly: true });
db.exec('PRAGMA busy_timeout = 5000');
const rows = db.prepare(\`SELECT e.id, e.workflowId, e.status, e.mode, e.finished, e.startedAt, e.stoppedAt, e.waitTill, d.data
  FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id
  WHERE (? = '' OR e.workflowId = ?) ORDER BY e.id\`).all(workflowId, workflowId);
const out = rows.map((row) => {
  const data = row.data ? flatted.parse(row.data) : {};
  const runData = (data.resultData && data.resultData.runData) || {};
  const outputs = {}, nodeErrors = {};
  for (const [node, runs] of Object.entries(runData)) {
    const last = runs[runs.length - 1] || {};
    outputs[node] = (last.data && last.data.main && last.data.main[0]) || [];
    if (last.error) nodeErrors[node] = last.error.message + (last.error.description ? ': ' + last.error.description : '');
  }
  const error = data.resultData && data.resultData.error;
  return { id: String(row.id), workflowId: row.workflowId, status: row.status, mode: row.mode, finished: !!row.finished,
    startedAt: row.startedAt, stoppedAt: row.stoppedAt, waitTill: row.waitTill, outputs, nodeErrors,
    error: error ? (error.message || String(error)) + (error.description ? ': ' + error.description : '') : null };
});
process.stdout.write(JSON.stringify(out));
`;

export async function storedExecutions(instance: N8nInstance, workflowId = ''): Promise<StoredExecution[]> {
	const file = join(instance.userFolder, '.n8n', 'database.sqlite');
	const { stdout } = await run(instance.runtime.node, ['--no-warnings', '-e', READER, file, workflowId], {
		env: { ...process.env, FLATTED: join(instance.runtime.home, 'node_modules', 'flatted') },
		quiet: true,
	});
	return JSON.parse(stdout) as StoredExecution[];
}

/** Where n8n's filesystem binary store keeps the bytes of a binary item (`filesystem-v2:<path>`). */
export function binaryFilePath(instance: N8nInstance, binaryId: string): string {
	const [, relative] = binaryId.split(':', 2);
	return join(instance.userFolder, '.n8n', 'storage', relative);
}
