/**
 * One n8n "instance" per jest module registry (one per test file): the DI container of
 * `@n8n/di` holds n8n-core's singletons (InstanceSettings, Logger, BinaryDataService, …), and
 * n8n's config classes read `process.env` when the container first builds them. So the
 * environment variables are set here, before the first `Container.get`, and point every
 * folder n8n wants (its user folder with the `config` file, the binary data store) into one
 * temporary directory, removed by `disposeHarness()` (test/harness/index.ts registers it with
 * jest's `afterAll`).
 *
 * Jest gives each test file its own copy of `process.env`, so nothing leaks to other files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { BinaryDataService, InstanceSettings } from 'n8n-core';

export interface HarnessEnvironment {
	/** The temporary root; n8n's user folder is `<root>/.n8n`, binary data `<root>/binaryData`. */
	root: string;
	binaryDataPath: string;
	binaryDataService: BinaryDataService;
	/** n8n's logger (tests spy on it). */
	logger: Logger;
}

let ready: Promise<HarnessEnvironment> | undefined;
let rootDir: string | undefined;

function setEnvDefault(name: string, value: string) {
	if (process.env[name] === undefined) process.env[name] = value;
}

/**
 * Sets up the n8n instance once: env, logger, instance settings, binary data service in
 * filesystem mode. Safe to call any number of times.
 *
 * `N8N_HARNESS_LOG_LEVEL` (error | warn | info | debug) makes n8n's own logger print; the
 * default is silent.
 */
export async function ensureEnvironment(): Promise<HarnessEnvironment> {
	ready ??= (async () => {
		const root = mkdtempSync(path.join(tmpdir(), 'n8n-harness-'));
		rootDir = root;
		const binaryDataPath = path.join(root, 'binaryData');
		// Forced, never inherited: a developer's ~/.n8n must not be read or written.
		process.env.N8N_USER_FOLDER = root;
		process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
		process.env.N8N_BINARY_DATA_STORAGE_PATH = binaryDataPath;
		setEnvDefault('N8N_ENCRYPTION_KEY', 'n8n-nodes-kling-video-harness-key');
		setEnvDefault('N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS', 'false');
		setEnvDefault('N8N_LOG_LEVEL', process.env.N8N_HARNESS_LOG_LEVEL ?? 'silent');
		setEnvDefault('N8N_LOG_OUTPUT', 'console');
		setEnvDefault('N8N_DIAGNOSTICS_ENABLED', 'false');

		// The Logger's constructor also initialises n8n-workflow's LoggerProxy.
		const logger = Container.get(Logger);
		// Built eagerly so its config file lands in the temp folder now, not mid-execution.
		Container.get(InstanceSettings);

		const binaryDataService = Container.get(BinaryDataService);
		await binaryDataService.init();
		return { root, binaryDataPath, binaryDataService, logger };
	})();
	return await ready;
}

/** Removes the temporary folder (binary data included). Registered with jest's afterAll by the harness. */
export function disposeHarness(): void {
	if (rootDir) rmSync(rootDir, { recursive: true, force: true });
	rootDir = undefined;
	ready = undefined;
}
