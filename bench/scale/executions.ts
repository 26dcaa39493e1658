/**
 * The stored execution of a scale run, read from n8n's SQLite database with the Node 24 that
 * runs n8n (`node:sqlite`, read-only) and n8n's own `flatted`, as bench/lib/timeline.ts does:
 * the size of its data row (what n8n keeps of the run: every node's output items) and the
 * Kling Video node's own figures.
 */
import { join } from 'node:path';
import { run } from '../../scripts/lib/processes';
import type { N8nInstance } from '../../scripts/lib/n8n';

export interface ExecutionState {
	id: string;
	status: string;
	finished: boolean;
}

export interface StoredRun extends ExecutionState {
	startedAt: number | null;
	stoppedAt: number | null;
	/** Bytes of `execution_data.data` (the run data) and of `execution_data.workflowData`. */
	dataBytes: number;
	workflowDataBytes: number;
	/** The node's last run: its output items by `status`, how many carry a binary, its error. */
	node: { name: string; startTime: number | null; executionMs: number | null; items: number; statuses: Record<string, number>; withBinary: number; error: string | null };
}

const STATES = `
const { DatabaseSync } = require('node:sqlite');
const [file, workflowId] = process.argv.slice(1);
const db = new DatabaseSync(file, { readOnly: true });
db.exec('PRAGMA busy_timeout = 5000');
const rows = db.prepare('SELECT id, status, finished FROM execution_entity WHERE workflowId = ? ORDER BY id').all(workflowId);
process.stdout.write(JSON.stringify(rows.map((r) => ({ id: String(r.id), status: r.status, finished: !!r.finished }))));
`;

const RUN = `
const { DatabaseSync } = require('node:sqlite');
const flatted = require(process.env.FLATTED);
const [file, executionId, nodeName] = process.argv.slice(1);
const db = new DatabaseSync(file, { readOnly: true });
db.exec('PRAGMA busy_timeout = 5000');
const row = db.prepare('SELECT e.id, e.status, e.finished, e.startedAt, e.stoppedAt, length(CAST(d.data AS BLOB)) AS dataBytes, length(CAST(d.workflowData AS BLOB)) AS workflowDataBytes, d.data FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id WHERE e.id = ?').get(executionId);
const t = (v) => (v ? Date.parse(String(v).replace(' ', 'T') + (/[zZ+]/.test(String(v).slice(-6)) ? '' : 'Z')) : null);
const data = row.data ? flatted.parse(row.data) : {};
const runs = (data.resultData && data.resultData.runData && data.resultData.runData[nodeName]) || [];
const last = runs[runs.length - 1] || {};
const items = (last.data && last.data.main && last.data.main[0]) || [];
process.stdout.write(JSON.stringify({
  id: String(row.id), status: row.status, finished: !!row.finished, startedAt: t(row.startedAt), stoppedAt: t(row.stoppedAt),
  dataBytes: Number(row.dataBytes || 0), workflowDataBytes: Number(row.workflowDataBytes || 0),
  node: { name: nodeName, startTime: last.startTime ?? null, executionMs: last.executionTime ?? null, items: items.length,
    statuses: items.reduce((count, i) => { const s = String((i.json && i.json.status) || 'none'); count[s] = (count[s] || 0) + 1; return count; }, {}),
    withBinary: items.filter((i) => i.binary && Object.keys(i.binary).length > 0).length,
    error: last.error ? String(last.error.message) : (data.resultData && data.resultData.error ? String(data.resultData.error.message) : null) },
}));
`;

const database = (instance: N8nInstance) => join(instance.userFolder, '.n8n', 'database.sqlite');

async function read<T>(instance: N8nInstance, script: string, args: string[]): Promise<T> {
	const { stdout } = await run(instance.runtime.node, ['--no-warnings', '-e', script, database(instance), ...args], {
		env: { ...process.env, FLATTED: join(instance.runtime.home, 'node_modules', 'flatted') },
		quiet: true,
	});
	return JSON.parse(stdout) as T;
}

/** Id, status and whether it finished, of each execution of the workflow, oldest first. */
export const executionStates = (instance: N8nInstance, workflowId: string) => read<ExecutionState[]>(instance, STATES, [workflowId]);

/** One execution's row sizes and the named node's run. */
export const storedRun = (instance: N8nInstance, executionId: string, nodeName: string) => read<StoredRun>(instance, RUN, [executionId, nodeName]);
