/**
 * The real n8n of scenarios 3–5, on top of scripts/lib (install, build and pack, package
 * install, CLI, start): what the benchmark needs beyond it — the baseline node as a custom
 * extension, timed start-ups, the REST calls that publish workflows, /proc memory sampling and
 * an endpoint that records when each downstream node called it.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import ts from 'typescript';
import type { Emulator } from '../../test/emulator';
import { CREDENTIAL_REF, CREDENTIAL_TYPE, emulatorCredentials, type EmulatorProcess, type Provider } from '../../scripts/lib/emulator';
import { installPackage, n8nCli, n8nInstance, startN8n, type N8nInstance, type N8nRuntime } from '../../scripts/lib/n8n';
import { freePort, type Service } from '../../scripts/lib/processes';

export const BASELINE_N8N_TYPE = 'CUSTOM.naiveReplicateVideo';

/** The baseline node transpiled to JavaScript in `dir`, for N8N_CUSTOM_EXTENSIONS. */
export function writeBaselineExtension(dir: string): string {
	mkdirSync(dir, { recursive: true });
	const source = readFileSync(join(__dirname, '..', 'baseline', 'NaiveReplicateVideo.node.ts'), 'utf8');
	const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
	writeFileSync(join(dir, 'NaiveReplicateVideo.node.js'), outputText);
	return dir;
}

/** What scripts/lib/emulator's credential helper needs of an emulator, for one running in this process. */
export function asEmulatorProcess(emulator: Emulator): EmulatorProcess {
	return {
		url: emulator.url,
		service: undefined as unknown as Service,
		control: async <T>() => ({ ...emulator.credentials, baseUrls: emulator.baseUrls }) as T,
	};
}

export interface Workflow {
	id: string;
	name: string;
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
	settings: Record<string, unknown>;
	active: boolean;
}

/** A fresh user folder: package installed (or not), emulator credentials and `workflows` imported. */
export async function prepareUserFolder(
	runtime: N8nRuntime,
	userFolder: string,
	options: { tarball?: string; emulator?: Emulator; workflows?: Workflow[] },
): Promise<N8nInstance> {
	mkdirSync(userFolder, { recursive: true });
	const instance = n8nInstance(runtime, { userFolder, port: await freePort(), brokerPort: await freePort(), logLevel: 'warn' });
	if (options.tarball) await installPackage(userFolder, options.tarball);
	if (options.emulator) {
		const file = join(userFolder, 'credentials.json');
		writeFileSync(file, JSON.stringify(await emulatorCredentials(asEmulatorProcess(options.emulator))));
		await n8nCli(instance, ['import:credentials', `--input=${file}`]);
	}
	if (options.workflows?.length) {
		const dir = join(userFolder, 'import-workflows');
		mkdirSync(dir, { recursive: true });
		for (const workflow of options.workflows) writeFileSync(join(dir, `${workflow.id}.json`), JSON.stringify(workflow));
		await n8nCli(instance, ['import:workflow', '--separate', `--input=${dir}`]);
	}
	return instance;
}

/** `n8n start` on fresh ports; the time from spawn until /healthz/readiness answers. */
export async function timedStart(instance: N8nInstance, logFile: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ service: Service; startMs: number; instance: N8nInstance }> {
	const port = await freePort();
	const fresh: N8nInstance = {
		...instance,
		port,
		url: `http://127.0.0.1:${port}`,
		env: { ...instance.env, ...extraEnv, N8N_PORT: String(port), N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`, N8N_RUNNERS_BROKER_PORT: String(await freePort()) },
	};
	const started = Date.now();
	const service = await startN8n(fresh, logFile);
	return { service, startMs: Date.now() - started, instance: fresh };
}

// ---------------------------------------------------------------------------------------------
// Memory of a process

/** VmRSS and VmHWM (peak RSS) of a process, in bytes. */
export function memoryOf(pid: number): { rss: number; hwm: number } {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
	return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/** Resets the process's peak RSS (VmHWM) to its current RSS (Linux `clear_refs` 5); false when not allowed. */
export function resetPeak(pid: number): boolean {
	try {
		writeFileSync(`/proc/${pid}/clear_refs`, '5');
		return true;
	} catch {
		return false;
	}
}

/** Samples VmRSS every `everyMs` until stopped; `peak` also reads VmHWM, which the kernel keeps between samples. */
export function sampleMemory(pid: number, everyMs = 20): { stop(): { peakRss: number; hwm: number; samples: number } } {
	let peakRss = 0;
	let samples = 0;
	const timer = setInterval(() => {
		try {
			peakRss = Math.max(peakRss, memoryOf(pid).rss);
			samples++;
		} catch {
			// the process ended
		}
	}, everyMs);
	return {
		stop() {
			clearInterval(timer);
			const { rss, hwm } = memoryOf(pid);
			return { peakRss: Math.max(peakRss, rss), hwm, samples };
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Package size

/** Bytes of every file under `dir`. */
export function directorySize(dir: string): number {
	let total = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) total += directorySize(path);
		else if (entry.isFile()) total += statSync(path).size;
	}
	return total;
}

/** The packages npm installed under a node_modules folder (scoped ones counted one by one). */
export function installedPackages(nodeModules: string): string[] {
	const names: string[] = [];
	for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
		if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
		if (entry.name.startsWith('@')) {
			for (const scoped of readdirSync(join(nodeModules, entry.name))) names.push(`${entry.name}/${scoped}`);
		} else {
			names.push(entry.name);
		}
		const nested = join(nodeModules, entry.name, 'node_modules');
		try {
			names.push(...installedPackages(nested));
		} catch {
			// no nested node_modules
		}
	}
	return names;
}

// ---------------------------------------------------------------------------------------------
// Arrivals: the HTTP endpoint the downstream node calls

export interface Arrival {
	mode: string;
	jobId: string;
	at: number;
}

export interface ArrivalSink {
	url: string;
	arrivals: Arrival[];
	close(): Promise<void>;
}

/** `POST /arrive/<mode>/<jobId>` records when the node after the trigger (or the paused node) started its request. */
export async function startArrivalSink(): Promise<ArrivalSink> {
	const arrivals: Arrival[] = [];
	const server: Server = createServer((req, res) => {
		const at = Date.now();
		const match = /^\/arrive\/([^/]+)\/([^/?]+)/.exec(req.url ?? '');
		if (match) arrivals.push({ mode: match[1], jobId: decodeURIComponent(match[2]), at });
		req.resume();
		req.on('end', () => {
			res.writeHead(match ? 200 : 404, { 'content-type': 'application/json' });
			res.end('{"ok":true}');
		});
	});
	server.keepAliveTimeout = 30_000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}`,
		arrivals,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

export { CREDENTIAL_REF, CREDENTIAL_TYPE, type Provider };
