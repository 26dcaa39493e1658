/**
 * The provider emulator (test/emulator) as a separate process, as `npm run emulator` starts it,
 * and the n8n credentials that point the four credential types at it.
 */
import { join } from 'node:path';
import { emulatorCredentialData, type EmulatorKeys } from '../../test/support/emulatorCredentials';
import { REPO_ROOT } from './n8n';
import { startService, waitForHttp, type Service } from './processes';

/** A job as the emulator's control API lists it (`GET /_emulator/jobs`). */
export interface EmulatorJob {
	provider: Provider;
	id: string;
	state: string;
	createdAt: string;
	operation: string;
}

/** The emulator's request and webhook counters (`GET /_emulator/counters`). */
export interface EmulatorCounters {
	totals: Record<string, number>;
	webhooksSent: Array<{ provider: Provider; jobId: string; url: string; status: number; event: string }>;
}

export interface EmulatorProcess {
	url: string;
	service: Service;
	control<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
}

export async function startEmulator(options: { port: number; logFile: string; queuedMs?: number; runningMs?: number }): Promise<EmulatorProcess> {
	const args = ['--require', 'ts-node/register/transpile-only', join('test', 'emulator', 'cli.ts'), '--port', String(options.port), '--host', '127.0.0.1'];
	if (options.queuedMs !== undefined) args.push('--queued-ms', String(options.queuedMs));
	if (options.runningMs !== undefined) args.push('--running-ms', String(options.runningMs));
	const service = startService('emulator', process.execPath, args, { cwd: REPO_ROOT, env: process.env, logFile: options.logFile });
	const url = `http://127.0.0.1:${options.port}`;
	await waitForHttp(`${url}/_emulator/config`, service, 60_000);
	return {
		url,
		service,
		async control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
			const response = await fetch(`${url}/_emulator${path}`, {
				method,
				headers: body === undefined ? {} : { 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await response.text();
			if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${text}`);
			return JSON.parse(text) as T;
		},
	};
}

export const PROVIDERS = ['replicate', 'fal', 'wavespeed', 'kling'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const CREDENTIAL_TYPE: Record<Provider, string> = {
	replicate: 'klingVideoReplicateApi',
	fal: 'klingVideoFalApi',
	wavespeed: 'klingVideoWavespeedApi',
	kling: 'klingVideoKlingApi',
};

/** The credential ids and names the examples refer to. */
export const CREDENTIAL_REF: Record<Provider, { id: string; name: string }> = {
	replicate: { id: 'klingEmulatorReplicate', name: 'Replicate (local emulator)' },
	fal: { id: 'klingEmulatorFal', name: 'fal.ai (local emulator)' },
	wavespeed: { id: 'klingEmulatorWavespeed', name: 'WaveSpeed (local emulator)' },
	kling: { id: 'klingEmulatorKling', name: 'Kling API (local emulator)' },
};

/** What `n8n import:credentials` takes: one credential per provider, aimed at the emulator. */
export async function emulatorCredentials(emulator: EmulatorProcess): Promise<object[]> {
	const keys = await emulator.control<EmulatorKeys>('GET', '/credentials');
	return PROVIDERS.map((provider) => ({
		...CREDENTIAL_REF[provider],
		type: CREDENTIAL_TYPE[provider],
		data: emulatorCredentialData(provider, { url: emulator.url, credentials: keys }),
	}));
}
