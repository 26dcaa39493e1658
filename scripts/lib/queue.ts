/**
 * n8n in queue mode on one machine, for the queue-mode end-to-end tests (`npm run test:e2e:queue`):
 * Debian's PostgreSQL and Redis (installed with apt-get when missing) started on free ports of
 * 127.0.0.1 with data folders of their own under the run folder (never the system services), and
 * n8n's main (`n8n start`), workers (`n8n worker`) and webhook processes (`n8n webhook`) sharing
 * one user folder, one encryption key, the database and the queue.
 *
 * What n8n stored is read straight from PostgreSQL (executions, and the binary data store, which
 * is the database in queue mode) with the `pg` client and `flatted` of the n8n install, in Node 24.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { n8nInstance, type N8nInstance, type N8nRuntime } from './n8n';
import { freePort, run, sleep, startService, tailLog, waitForHttp, type Service } from './processes';

// ---------------------------------------------------------------------------------------------
// PostgreSQL and Redis binaries

export interface ServiceBinaries {
	/** The folder holding initdb, postgres and pg_ctl. */
	pgBin: string;
	redisServer: string;
}

function findPgBin(): string | null {
	const root = '/usr/lib/postgresql';
	if (existsSync(root)) {
		const versions = readdirSync(root)
			.filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'postgres')) && existsSync(join(root, name, 'bin', 'initdb')))
			.sort((a, b) => Number(b) - Number(a));
		if (versions.length) return join(root, versions[0], 'bin');
	}
	for (const dir of ['/usr/local/bin', '/usr/bin']) {
		if (existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
	}
	return null;
}

function findRedis(): string | null {
	for (const file of ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/usr/sbin/redis-server']) if (existsSync(file)) return file;
	return null;
}

/**
 * Finds PostgreSQL and Redis; installs Debian's `postgresql` / `redis-server` packages with
 * apt-get (one `apt-get update` first) when missing. Debian's policy-rc.d in containers keeps
 * the packages' own system services from starting; this never starts them either.
 */
export async function ensureServiceBinaries(log: (line: string) => void = () => undefined): Promise<ServiceBinaries> {
	let pgBin = findPgBin();
	let redisServer = findRedis();
	const missing = [...(pgBin ? [] : ['postgresql']), ...(redisServer ? [] : ['redis-server'])];
	if (missing.length) {
		log(`installing ${missing.join(' and ')} with apt-get`);
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		await run('apt-get', ['update'], { env, quiet: true });
		await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, quiet: true });
		pgBin = findPgBin();
		redisServer = findRedis();
	}
	if (!pgBin) throw new Error('PostgreSQL binaries (initdb, postgres) not found after installing postgresql');
	if (!redisServer) throw new Error('redis-server not found after installing redis-server');
	return { pgBin, redisServer };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

export interface Postgres {
	host: string;
	port: number;
	user: string;
	password: string;
	database: string;
	dataDir: string;
	service: Service;
	stop(): Promise<void>;
}

/** Postgres refuses to run as root: as root, run it as the `postgres` user (runuser). */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
	if (process.getuid?.() !== 0) return [command, args];
	return ['runuser', ['-u', 'postgres', '--', command, ...args]];
}

function postgresUid(): { uid: number; gid: number } | null {
	if (process.getuid?.() !== 0) return null;
	try {
		const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
		const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
		return { uid, gid };
	} catch {
		throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as (install the postgresql package)');
	}
}

/** A fresh cluster (initdb) in `<dir>/data`, started on a free port of 127.0.0.1, with database `n8n`. */
export async function startPostgres(pgBin: string, dir: string, logFile: string): Promise<Postgres> {
	const owner = postgresUid();
	mkdirSync(dir, { recursive: true });
	if (owner) {
		chownSync(dir, owner.uid, owner.gid);
		// The postgres user must be able to reach the folder through the run folder (mkdtemp makes it 0700).
		const tmp = tmpdir();
		for (let up = join(dir, '..'); up.startsWith(`${tmp}/`); up = join(up, '..')) chmodSync(up, 0o755);
	}
	const password = randomBytes(12).toString('hex');
	const pwFile = join(dir, 'pwfile');
	writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
	if (owner) chownSync(pwFile, owner.uid, owner.gid);
	const dataDir = join(dir, 'data');
	const socketDir = join(dir, 'socket');
	mkdirSync(socketDir, { recursive: true });
	if (owner) chownSync(socketDir, owner.uid, owner.gid);
	const [initCommand, initArgs] = asPostgresUser(join(pgBin, 'initdb'), [
		'-D', dataDir, '-U', 'postgres', '--pwfile', pwFile, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync',
	]);
	await run(initCommand, initArgs, { quiet: true, cwd: dir });
	const port = await freePort();
	const [command, args] = asPostgresUser(join(pgBin, 'postgres'), [
		'-D', dataDir, '-p', String(port),
		'-c', 'listen_addresses=127.0.0.1',
		'-c', `unix_socket_directories=${socketDir}`,
		'-c', 'max_connections=200',
		'-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
	]);
	const service = startService('postgres', command, args, { cwd: dir, env: process.env, logFile });
	const pg: Postgres = {
		host: '127.0.0.1',
		port,
		user: 'postgres',
		password,
		database: 'n8n',
		dataDir,
		service,
		async stop() {
			if (service.child.exitCode === null && service.child.signalCode === null) {
				// Fast shutdown (SIGINT to the postmaster): what `pg_ctl stop -m fast` does.
				const [stopCommand, stopArgs] = asPostgresUser(join(pgBin, 'pg_ctl'), ['-D', dataDir, 'stop', '-m', 'fast', '-w', '-t', '30']);
				await run(stopCommand, stopArgs, { quiet: true, cwd: dir }).catch(() => undefined);
			}
			await service.stop();
		},
	};
	const deadline = Date.now() + 60_000;
	for (;;) {
		try {
			await psql(pg, 'postgres', 'SELECT 1');
			break;
		} catch (error) {
			if (service.child.exitCode !== null || Date.now() > deadline) {
				throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${tailLog(logFile)}`);
			}
			await sleep(300);
		}
	}
	await psql(pg, 'postgres', 'CREATE DATABASE n8n');
	return pg;
}

/** Runs SQL with psql over TCP (the cluster's password), returns stdout. */
export async function psql(pg: Pick<Postgres, 'host' | 'port' | 'user' | 'password'>, database: string, sql: string): Promise<string> {
	const { stdout } = await run('psql', ['-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', database, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], {
		env: { ...process.env, PGPASSWORD: pg.password, PGCONNECT_TIMEOUT: '5' },
		quiet: true,
	});
	return stdout;
}

// ---------------------------------------------------------------------------------------------
// Redis

export interface Redis {
	host: string;
	port: number;
	service: Service;
	stop(): Promise<void>;
}

/** Sends PING; resolves with the reply. */
function redisPing(port: number): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = connect({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
		socket.setTimeout(2000, () => socket.destroy(new Error('timeout')));
		socket.once('data', (data) => {
			resolve(data.toString().trim());
			socket.end();
		});
		socket.once('error', reject);
	});
}

/** redis-server on a free port of 127.0.0.1, its folder `dir`, nothing persisted. */
export async function startRedis(redisServer: string, dir: string, logFile: string): Promise<Redis> {
	mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const service = startService(
		'redis',
		redisServer,
		['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--protected-mode', 'yes'],
		{ cwd: dir, env: process.env, logFile },
	);
	const deadline = Date.now() + 30_000;
	for (;;) {
		const reply = await redisPing(port).catch((error: Error) => error.message);
		if (reply === '+PONG') break;
		if (service.child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start (${reply})\n${tailLog(logFile)}`);
		await sleep(200);
	}
	return { host: '127.0.0.1', port, service, stop: () => service.stop() };
}

// ---------------------------------------------------------------------------------------------
// n8n in queue mode

export type N8nRole = 'main' | 'worker' | 'webhook';

export interface QueueProcess {
	name: string;
	role: N8nRole;
	instance: N8nInstance;
	/** Where it listens: the main's and webhook processes' HTTP port, a worker's health port. */
	port: number;
	url: string;
	logFile: string;
	service: Service;
	/** Milliseconds from spawn to ready, for the last start. */
	readyMs: number;
}

export interface QueueCluster {
	runtime: N8nRuntime;
	userFolder: string;
	encryptionKey: string;
	pg: Postgres;
	redis: Redis;
	webhookUrl: string;
	/** The environment every n8n process shares (the CLI too). */
	sharedEnv: NodeJS.ProcessEnv;
	/** An instance for `n8n import:*` and other CLI commands against the same database. */
	cli: N8nInstance;
}

/** The environment of one process of the cluster (its own user folder, or the cluster's). */
export function queueInstance(cluster: Omit<QueueCluster, 'cli'>, port: number, brokerPort: number, userFolder = cluster.userFolder): N8nInstance {
	const instance = n8nInstance(cluster.runtime, { userFolder, port, brokerPort });
	Object.assign(instance.env, cluster.sharedEnv);
	return instance;
}

/**
 * The shared settings: one key, queue mode, PostgreSQL, Redis, binary data in the database (the
 * queue-mode default), webhook URLs at webhook process 1, manual runs offloaded to workers.
 */
export function queueCluster(options: { runtime: N8nRuntime; userFolder: string; pg: Postgres; redis: Redis; webhookPort: number }): QueueCluster {
	const encryptionKey = randomBytes(24).toString('hex');
	const webhookUrl = `http://127.0.0.1:${options.webhookPort}/`;
	const sharedEnv: NodeJS.ProcessEnv = {
		N8N_ENCRYPTION_KEY: encryptionKey,
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: options.pg.host,
		DB_POSTGRESDB_PORT: String(options.pg.port),
		DB_POSTGRESDB_DATABASE: options.pg.database,
		DB_POSTGRESDB_USER: options.pg.user,
		DB_POSTGRESDB_PASSWORD: options.pg.password,
		DB_POSTGRESDB_POOL_SIZE: '4',
		QUEUE_BULL_REDIS_HOST: options.redis.host,
		QUEUE_BULL_REDIS_PORT: String(options.redis.port),
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		WEBHOOK_URL: webhookUrl,
		N8N_WEBHOOK_URL: webhookUrl,
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		// Jobs of a killed worker: Bull's lock runs out and the stalled check hands them on.
		QUEUE_WORKER_LOCK_DURATION: '30000',
		QUEUE_WORKER_STALLED_INTERVAL: '15000',
	};
	const base = { runtime: options.runtime, userFolder: options.userFolder, encryptionKey, pg: options.pg, redis: options.redis, webhookUrl, sharedEnv };
	return { ...base, cli: queueInstance(base, 0, 0) };
}

/** Starts one n8n process of the cluster and waits until it is ready. */
export async function startQueueProcess(
	cluster: QueueCluster,
	options: {
		name: string;
		role: N8nRole;
		port: number;
		brokerPort?: number;
		logFile: string;
		concurrency?: number;
		timeoutMs?: number;
		/**
		 * The process's own user folder (with the package in its .n8n/nodes), as separate hosts or
		 * containers have. Default: the cluster's shared folder. A shared folder also shares n8n's
		 * event log and crash marker: a restarted process then marks every unfinished execution
		 * of the cluster as crashed, including those other workers are running.
		 */
		userFolder?: string;
	},
): Promise<QueueProcess> {
	const brokerPort = options.brokerPort ?? (await freePort());
	const userFolder = options.userFolder ?? cluster.userFolder;
	const instance = queueInstance(cluster, options.role === 'worker' ? await freePort() : options.port, brokerPort, userFolder);
	if (options.role === 'worker') {
		instance.env.QUEUE_HEALTH_CHECK_ACTIVE = 'true';
		instance.env.QUEUE_HEALTH_CHECK_PORT = String(options.port);
	}
	const args = [instance.runtime.n8n, options.role === 'main' ? 'start' : options.role];
	if (options.role === 'worker') args.push(`--concurrency=${options.concurrency ?? 10}`);
	const started = Date.now();
	const service = startService(options.name, instance.runtime.node, args, { env: instance.env, cwd: userFolder, logFile: options.logFile });
	const url = `http://127.0.0.1:${options.port}`;
	await waitForHttp(`${url}/healthz/readiness`, service, options.timeoutMs ?? 240_000);
	return { name: options.name, role: options.role, instance, port: options.port, url, logFile: options.logFile, service, readyMs: Date.now() - started };
}

/** Kills a process (and its task runner) with SIGKILL, as a crash would; resolves when it is gone. */
export async function killProcess(process_: QueueProcess): Promise<void> {
	const pid = process_.service.child.pid;
	if (pid !== undefined) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}
	await process_.service.exited;
	await process_.service.stop();
}

// ---------------------------------------------------------------------------------------------
// What n8n stored, read from PostgreSQL

export interface QueueStoredItem {
	json: Record<string, unknown>;
	binary?: Record<string, { mimeType?: string; fileName?: string; fileSize?: string; id?: string; fileExtension?: string }>;
	pairedItem?: unknown;
	error?: unknown;
}

export interface QueueStoredExecution {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	finished: boolean;
	createdAt: string | null;
	startedAt: string | null;
	stoppedAt: string | null;
	waitTill: string | null;
	outputs: Record<string, QueueStoredItem[]>;
	/** Node name → number of runs. */
	runs: Record<string, number>;
	error: string | null;
	nodeErrors: Record<string, string>;
	lastNodeExecuted: string | null;
}

const PG_READER = `
const { Client } = require(process.env.PG_MODULE);
const flatted = require(process.env.FLATTED);
const [what, arg] = process.argv.slice(1);
(async () => {
  const client = new Client({ host: process.env.PGHOST, port: Number(process.env.PGPORT), user: process.env.PGUSER,
    password: process.env.PGPASSWORD, database: process.env.PGDATABASE });
  await client.connect();
  try {
    if (what === 'binary') {
      const { rows } = await client.query('SELECT data, "mimeType", "fileSize" FROM binary_data WHERE "fileId" = $1', [arg]);
      process.stdout.write(JSON.stringify(rows.map((row) => ({ base64: Buffer.from(row.data).toString('base64'), mimeType: row.mimeType, fileSize: row.fileSize }))));
      return;
    }
    const { rows } = await client.query(\`SELECT e.id, e."workflowId", e.status, e.mode, e.finished, e."createdAt", e."startedAt", e."stoppedAt", e."waitTill", d.data
      FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id
      WHERE ($1 = '' OR e."workflowId" = $1) AND e."deletedAt" IS NULL ORDER BY e.id\`, [arg || '']);
    const iso = (value) => (value ? new Date(value).toISOString() : null);
    const out = rows.map((row) => {
      let data = {};
      try { data = row.data ? flatted.parse(row.data) : {}; } catch { data = {}; }
      const runData = (data.resultData && data.resultData.runData) || {};
      const outputs = {}, nodeErrors = {}, runs = {};
      for (const [node, list] of Object.entries(runData)) {
        const last = list[list.length - 1] || {};
        runs[node] = list.length;
        outputs[node] = (last.data && last.data.main && last.data.main[0]) || [];
        if (last.error) nodeErrors[node] = last.error.message + (last.error.description ? ': ' + last.error.description : '');
      }
      const error = data.resultData && data.resultData.error;
      return { id: String(row.id), workflowId: row.workflowId, status: row.status, mode: row.mode, finished: !!row.finished,
        createdAt: iso(row.createdAt), startedAt: iso(row.startedAt), stoppedAt: iso(row.stoppedAt), waitTill: iso(row.waitTill), outputs, runs, nodeErrors,
        lastNodeExecuted: (data.resultData && data.resultData.lastNodeExecuted) || null,
        error: error ? (error.message || String(error)) + (error.description ? ': ' + error.description : '') : null };
    });
    process.stdout.write(JSON.stringify(out));
  } finally { await client.end(); }
})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`;

async function readPg(cluster: QueueCluster, what: 'executions' | 'binary', arg: string): Promise<string> {
	const { runtime, pg } = cluster;
	const { stdout } = await run(runtime.node, ['--no-warnings', '-e', PG_READER, what, arg], {
		env: {
			...process.env,
			PG_MODULE: join(runtime.home, 'node_modules', 'pg'),
			FLATTED: join(runtime.home, 'node_modules', 'flatted'),
			PGHOST: pg.host,
			PGPORT: String(pg.port),
			PGUSER: pg.user,
			PGPASSWORD: pg.password,
			PGDATABASE: pg.database,
		},
		quiet: true,
	});
	return stdout;
}

/** The executions of one workflow (or all), oldest first, with their last run's outputs per node. */
export async function queueExecutions(cluster: QueueCluster, workflowId = ''): Promise<QueueStoredExecution[]> {
	return JSON.parse(await readPg(cluster, 'executions', workflowId)) as QueueStoredExecution[];
}

/** A workflow's static data as n8n last saved it (the whole blob, every node's part). */
export async function queueStaticData(cluster: QueueCluster, workflowId: string): Promise<Record<string, unknown>> {
	if (!/^[\w-]+$/.test(workflowId)) throw new Error(`Not a workflow id: ${workflowId}`);
	const text = (await psql(cluster.pg, cluster.pg.database, `SELECT "staticData" FROM workflow_entity WHERE id = '${workflowId}'`)).trim();
	return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** The bytes of a binary item in n8n's database binary store (id `database:<fileId>` or similar). */
export async function queueBinary(cluster: QueueCluster, binaryId: string): Promise<{ bytes: Buffer; mimeType: string | null } | null> {
	const fileId = binaryId.split(/[:/]+/).pop() as string;
	const rows = JSON.parse(await readPg(cluster, 'binary', fileId)) as Array<{ base64: string; mimeType: string | null }>;
	return rows.length ? { bytes: Buffer.from(rows[0].base64, 'base64'), mimeType: rows[0].mimeType } : null;
}
