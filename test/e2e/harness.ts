/**
 * The end-to-end tests' view of a real n8n: a user folder with the packed package installed,
 * credentials aimed at the emulator, example workflows patched for one provider, `n8n start`
 * driven through its REST API, and what n8n stored read back from its database.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CREDENTIAL_REF, CREDENTIAL_TYPE, emulatorCredentials, type EmulatorProcess, type Provider } from '../../scripts/lib/emulator';
import { installPackage, n8nCli, n8nInstance, REPO_ROOT, type N8nInstance, type N8nRuntime } from '../../scripts/lib/n8n';
import { freePort } from '../../scripts/lib/processes';

export { PROVIDERS, type Provider } from '../../scripts/lib/emulator';

/** Set by globalSetup.ts. */
export function setupResult(): { runtime: N8nRuntime; tarball: string; runDir: string } {
	const { KLING_E2E_RUNTIME, KLING_E2E_TARBALL, KLING_E2E_RUN_DIR } = process.env;
	if (!KLING_E2E_RUNTIME || !KLING_E2E_TARBALL || !KLING_E2E_RUN_DIR) throw new Error('run the e2e tests with `npm run test:e2e` (globalSetup prepares n8n)');
	return { runtime: JSON.parse(KLING_E2E_RUNTIME) as N8nRuntime, tarball: KLING_E2E_TARBALL, runDir: KLING_E2E_RUN_DIR };
}

export const runDirectory = () => process.env.KLING_E2E_RUN_DIR ?? join(tmpdir(), 'kling-e2e');

/** A fresh user folder with the package, the emulator credentials and `workflows` imported. */
export async function prepareN8n(name: string, emulator: EmulatorProcess, workflows: Workflow[], port?: number): Promise<N8nInstance> {
	const { runtime, tarball, runDir } = setupResult();
	const userFolder = join(runDir, name);
	const instance = n8nInstance(runtime, { userFolder, port: port ?? (await freePort()), brokerPort: await freePort() });
	await installPackage(userFolder, tarball);
	const importDir = join(userFolder, 'import');
	mkdirSync(join(importDir, 'workflows'), { recursive: true });
	writeFileSync(join(importDir, 'credentials.json'), JSON.stringify(await emulatorCredentials(emulator)));
	for (const workflow of workflows) writeFileSync(join(importDir, 'workflows', `${workflow.id}.json`), JSON.stringify(workflow));
	await n8nCli(instance, ['import:credentials', `--input=${join(importDir, 'credentials.json')}`]);
	if (workflows.length) await n8nCli(instance, ['import:workflow', '--separate', `--input=${join(importDir, 'workflows')}`]);
	return instance;
}

// ---------------------------------------------------------------------------------------------
// Example workflows, patched for a test

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
}

export interface Workflow {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

export function loadExample(file: string): Workflow {
	return JSON.parse(readFileSync(join(REPO_ROOT, 'examples', file), 'utf8')) as Workflow;
}

/** The example's URLs are the demo's: the publishing sink on :4011, n8n on :5678. */
export const DEMO_URLS = { sink: 'http://127.0.0.1:4011', n8n: 'http://127.0.0.1:5678' };

/**
 * A copy of an example for one provider: every Kling Video node switched to `provider` and its
 * emulator credential, a new id (n8n allows 21 characters), new webhook ids, and the demo URLs
 * replaced (`urls`, plus any `replace` pairs).
 */
export function variant(
	example: Workflow,
	options: { id: string; provider: Provider; urls: { sink: string; n8n?: string }; replace?: Array<[string, string]> },
): Workflow {
	if (options.id.length > 21) throw new Error(`workflow id ${options.id} is longer than n8n's 21 characters`);
	let text = JSON.stringify(example).split(DEMO_URLS.sink).join(options.urls.sink);
	if (options.urls.n8n) text = text.split(DEMO_URLS.n8n).join(options.urls.n8n);
	for (const [from, to] of options.replace ?? []) text = text.split(from).join(to);
	const workflow = JSON.parse(text) as Workflow;
	workflow.id = options.id;
	workflow.name = `${workflow.name} [${options.provider}, e2e]`;
	for (const node of workflow.nodes) {
		if (!node.type.startsWith('n8n-nodes-kling-video.')) continue;
		node.parameters.provider = options.provider;
		node.credentials = { [CREDENTIAL_TYPE[options.provider]]: CREDENTIAL_REF[options.provider] };
		// Kling publishes no unit price for v2.6, so a cost cap refuses such a run (test/workflow/spend.test.ts).
		const runOptions = node.parameters.options as Record<string, unknown> | undefined;
		if (options.provider === 'kling' && runOptions?.maxEstimatedCostUsd) delete runOptions.maxEstimatedCostUsd;
	}
	return workflow;
}

export const nodeNamed = (workflow: Workflow, name: string) => {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`workflow ${workflow.id} has no node "${name}"`);
	return node;
};

export const newWebhookId = () => randomUUID();

// ---------------------------------------------------------------------------------------------
// Media

/** Whether the bytes start like an MP4 (an `ftyp` box). */
export const isMp4 = (bytes: Buffer) => bytes.length > 12 && bytes.subarray(4, 8).toString('latin1') === 'ftyp';

