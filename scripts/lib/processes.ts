/**
 * Child processes for the demo and the end-to-end tests: started in their own process group
 * (so one signal stops n8n, its task runner and npm's children together), output kept in a
 * log file, stopped in reverse start order. Nothing here kills by name.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';

export interface Service {
	name: string;
	child: ChildProcess;
	logFile: string;
	/** Resolves with the exit code (or the signal name) once the process has ended. */
	exited: Promise<number | string>;
	stop(): Promise<void>;
}

const running = new Set<Service>();

/** Starts `command` in the background, its stdout and stderr appended to `logFile`. */
export function startService(name: string, command: string, args: string[], options: SpawnOptions & { logFile: string }): Service {
	mkdirSync(dirname(options.logFile), { recursive: true });
	const log = createWriteStream(options.logFile, { flags: 'a' });
	const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	child.stdout?.pipe(log, { end: false });
	child.stderr?.pipe(log, { end: false });
	const exited = new Promise<number | string>((resolve) => {
		child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
		child.once('error', (error) => resolve(`spawn error: ${error.message}`));
	});
	const service: Service = {
		name,
		child,
		logFile: options.logFile,
		exited,
		async stop() {
			running.delete(service);
			if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
				signalGroup(child.pid, 'SIGTERM');
				const timer = setTimeout(() => child.pid !== undefined && signalGroup(child.pid, 'SIGKILL'), 15_000);
				await exited;
				clearTimeout(timer);
			}
			log.end();
		},
	};
	running.add(service);
	return service;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

/** Stops every service still running, newest first. */
export async function stopAll(): Promise<void> {
	for (const service of [...running].reverse()) await service.stop();
}

/** The last `lines` lines of a service's log, for error messages. */
export function tailLog(logFile: string, lines = 40): string {
	try {
		return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

/** Runs a command to completion; rejects with its output when it fails. */
export function run(
	command: string,
	args: string[],
	options: SpawnOptions & { quiet?: boolean; echoStderr?: boolean } = {},
): Promise<{ stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout?.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
			if (!options.quiet) process.stdout.write(chunk);
		});
		child.stderr?.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
			if (!options.quiet || options.echoStderr) process.stderr.write(chunk);
		});
		child.once('error', reject);
		child.once('close', (code) => {
			if (code === 0) resolve({ stdout, stderr });
			else reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${stderr.slice(-4000) || stdout.slice(-4000)}`));
		});
	});
}

/** A TCP port nobody listens on right now (on 127.0.0.1). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

/** Whether something already listens on `port` of 127.0.0.1. */
export function portInUse(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(true));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
	});
}

/** Polls `url` until it answers 2xx, the service dies, or `timeoutMs` passes. */
export async function waitForHttp(url: string, service: Service | null, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let dead = false;
	void service?.exited.then(() => (dead = true));
	while (Date.now() < deadline) {
		if (dead) throw new Error(`${service?.name} exited before ${url} answered:\n${tailLog(service!.logFile)}`);
		try {
			const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
			if (response.ok) return;
		} catch {
			// not up yet
		}
		await sleep(250);
	}
	throw new Error(`${url} did not answer within ${timeoutMs / 1000} s${service ? `:\n${tailLog(service.logFile)}` : ''}`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something other than undefined. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 500): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await sleep(everyMs);
	}
}
