/**
 * What n8n stored: executions read straight from its SQLite database (read-only, with the Node
 * that runs n8n: its `node:sqlite` on Node 24, else the `sqlite3` n8n itself installed, as for
 * n8n 1.x on Node 20), their run data decoded with n8n's own `flatted`.
 * Works whether or not `n8n start` is running.
 */
import { existsSync } from 'node:fs';
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

/** Runs in the Node that runs n8n: reads the executions of one workflow (or all) as JSON. */
const READER = `
const flatted = require(process.env.FLATTED);
const [file, workflowId] = process.argv.slice(1);
const SQL = \`SELECT e.id, e.workflowId, e.status, e.mode, e.finished, e.startedAt, e.stoppedAt, e.waitTill, d.data
  FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id
  WHERE (? = '' OR e.workflowId = ?) ORDER BY e.id\`;
function readRows() {
  let sqlite = null;
  try { sqlite = require('node:sqlite'); } catch {}
  if (sqlite) {
    const db = new sqlite.DatabaseSync(file, { readOnly: true });
    db.exec('PRAGMA busy_timeout = 5000');
    return Promise.resolve(db.prepare(SQL).all(workflowId, workflowId));
  }
  const sqlite3 = require(process.env.SQLITE3);
  const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY);
  db.configure('busyTimeout', 5000);
  return new Promise((resolve, reject) => db.all(SQL, [workflowId, workflowId], (error, rows) => (error ? reject(error) : resolve(rows))));
}
readRows().then((rows) => {
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
});
`;

export async function storedExecutions(instance: N8nInstance, workflowId = ''): Promise<StoredExecution[]> {
	const file = join(instance.userFolder, '.n8n', 'database.sqlite');
	const { stdout } = await run(instance.runtime.node, ['--no-warnings', '-e', READER, file, workflowId], {
		env: {
			...process.env,
			FLATTED: join(instance.runtime.home, 'node_modules', 'flatted'),
			SQLITE3: join(instance.runtime.home, 'node_modules', 'sqlite3'),
		},
		quiet: true,
	});
	return JSON.parse(stdout) as StoredExecution[];
}

/** Where n8n's filesystem binary store keeps the bytes of a binary item (`filesystem-v2:<path>`): `storage` in 2.x, `binaryData` in 1.x. */
export function binaryFilePath(instance: N8nInstance, binaryId: string): string {
	const [, relative] = binaryId.split(':', 2);
	const candidates = ['storage', 'binaryData'].map((folder) => join(instance.userFolder, '.n8n', folder, relative));
	return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
}
