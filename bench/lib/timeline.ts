/**
 * When n8n started and ran each node of stored executions, read from its SQLite database with
 * the Node 24 that runs n8n (`node:sqlite`, read-only) and n8n's own `flatted`: used to split a
 * webhook-to-next-node latency into n8n's own steps.
 */
import { join } from 'node:path';
import { run } from '../../scripts/lib/processes';
import type { N8nInstance } from '../../scripts/lib/n8n';

export interface ExecutionTimeline {
	id: string;
	workflowId: string;
	status: string;
	createdAt: number;
	startedAt: number | null;
	stoppedAt: number | null;
	/** node → [startTime, executionTime] of each run. */
	nodes: Record<string, Array<{ start: number; ms: number; jobId?: string }>>;
}

const READER = `
const { DatabaseSync } = require('node:sqlite');
const flatted = require(process.env.FLATTED);
const [file, prefix] = process.argv.slice(1);
const db = new DatabaseSync(file, { readOnly: true });
db.exec('PRAGMA busy_timeout = 5000');
const rows = db.prepare("SELECT e.id, e.workflowId, e.status, e.createdAt, e.startedAt, e.stoppedAt, d.data FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id WHERE e.workflowId LIKE ? ORDER BY e.id").all(prefix + '%');
const t = (v) => (v ? Date.parse(String(v).replace(' ', 'T') + (/[zZ+]/.test(String(v).slice(-6)) ? '' : 'Z')) : null);
const out = rows.map((row) => {
  const data = row.data ? flatted.parse(row.data) : {};
  const runData = (data.resultData && data.resultData.runData) || {};
  const nodes = {};
  for (const [node, runs] of Object.entries(runData)) {
    nodes[node] = runs.map((r) => {
      const item = r.data && r.data.main && r.data.main[0] && r.data.main[0][0];
      const json = (item && item.json) || {};
      return { start: r.startTime, ms: r.executionTime, jobId: json.jobId || (json.body && json.body.id) };
    });
  }
  return { id: String(row.id), workflowId: row.workflowId, status: row.status, createdAt: t(row.createdAt), startedAt: t(row.startedAt), stoppedAt: t(row.stoppedAt), nodes };
});
process.stdout.write(JSON.stringify(out));
`;

export async function executionTimelines(instance: N8nInstance, workflowIdPrefix: string): Promise<ExecutionTimeline[]> {
	const file = join(instance.userFolder, '.n8n', 'database.sqlite');
	const { stdout } = await run(instance.runtime.node, ['--no-warnings', '-e', READER, file, workflowIdPrefix], {
		env: { ...process.env, FLATTED: join(instance.runtime.home, 'node_modules', 'flatted') },
		quiet: true,
	});
	return JSON.parse(stdout) as ExecutionTimeline[];
}
