/**
 * What n8n's editor loads of the package, on any n8n version (the browser-driven panel checks
 * in editor.e2e.test.ts are for n8n 2.x): the editor's node and credential type lists served by
 * a running n8n include the package's three nodes and four credentials, with the panel the
 * package builds, and the editor page itself is served.
 */
import { join } from 'node:path';
import { startEmulator, type EmulatorProcess } from '../../scripts/lib/emulator';
import { packageLoadProblems, startN8n, type N8nInstance } from '../../scripts/lib/n8n';
import { N8nRest } from '../../scripts/lib/n8nRest';
import { freePort, stopAll } from '../../scripts/lib/processes';
import { KlingVideo } from '../../nodes/KlingVideo/KlingVideo.node';
import { prepareN8n, setupResult } from './harness';

let emulator: EmulatorProcess;
let n8n: N8nInstance;
let rest: N8nRest;
const logs = () => join(setupResult().runDir, 'logs-editor-load');

beforeAll(async () => {
	emulator = await startEmulator({ port: await freePort(), logFile: join(logs(), 'emulator.log') });
	n8n = await prepareN8n('editor-load', emulator, []);
	await startN8n(n8n, join(logs(), 'n8n.log'));
	// The editor's type lists are for a logged-in user.
	rest = new N8nRest(n8n.url);
	await rest.setupOwner({ email: 'owner@example.com', password: 'Kling-e2e-Passw0rd', firstName: 'E2E' });
});

afterAll(async () => await stopAll());

interface TypeDescription {
	name: string;
	displayName?: string;
	properties?: Array<{ name: string }>;
	version?: number | number[];
}

const fetchJson = async <T>(path: string): Promise<T> => (await (await rest.request('GET', path)).json()) as T;

test('n8n loads the package: its nodes with their panels, its credentials, and the editor page', async () => {
	expect(packageLoadProblems(join(logs(), 'n8n.log'))).toBeNull();
	const nodes = await fetchJson<TypeDescription[]>('/types/nodes.json');
	const ours = nodes.filter((node) => node.name.startsWith('n8n-nodes-kling-video.'));
	// A versioned node is listed once per version.
	expect([...new Set(ours.map((node) => node.name))].sort()).toEqual([
		'n8n-nodes-kling-video.klingVideo',
		'n8n-nodes-kling-video.klingVideoJobsTrigger',
		// n8n's AI-agent tool variant of the action node (usableAsTool).
		'n8n-nodes-kling-video.klingVideoTool',
		'n8n-nodes-kling-video.klingVideoTrigger',
	]);
	// The panel n8n serves is the one the package builds (every property, the kept-value copies included).
	const served = ours.filter((node) => node.name.endsWith('.klingVideo'));
	expect(served.flatMap((node) => node.version).sort()).toEqual([1, 2]);
	for (const version of [1, 2]) {
		const panel = served.find((node) => [node.version].flat().includes(version));
		expect({ version, properties: panel?.properties?.length }).toEqual({ version, properties: new KlingVideo().getNodeType(version).description.properties.length });
	}

	const credentials = await fetchJson<TypeDescription[]>('/types/credentials.json');
	expect(credentials.map((credential) => credential.name).filter((name) => name.startsWith('klingVideo')).sort()).toEqual([
		'klingVideoFalApi',
		'klingVideoKlingApi',
		'klingVideoReplicateApi',
		'klingVideoWavespeedApi',
	]);

	const page = await fetch(`${n8n.url}/`);
	expect(page.status).toBe(200);
	expect(await page.text()).toMatch(/<div id="app"/);
});
