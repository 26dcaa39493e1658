/**
 * The package in n8n's editor, driven in Debian's Chromium by playwright-core: set up the owner
 * account, log in, find the nodes in the node creator, add Kling Video to a new workflow and,
 * for every provider and operation, compare the parameter panel with what the node description
 * says n8n must show, and take a screenshot (test/e2e/screenshots/, git-ignored). Also the
 * panel rules a new user meets: the node creator's entry describes the action node and lists
 * every action (Create Voice included), subtitles speak labels, Aspect Ratio Variants are
 * offered only for Text to Video in a mode that takes several jobs, and Wait for Webhook says
 * what it needs.
 * Fails on a console error or page error of the editor, and on a missing or unexpected field.
 *
 * KLING_E2E_UPDATE_DOCS=1 also writes docs/node-panel.png (the README's picture).
 * Chromium: `apt-get install -y chromium` (done here when missing and running as root).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { NodeHelpers, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CREDENTIAL_REF, startEmulator } from '../../scripts/lib/emulator';
import { REPO_ROOT, startN8n, type N8nInstance } from '../../scripts/lib/n8n';
import { freePort, stopAll } from '../../scripts/lib/processes';
import { ACTION_NODE_DESCRIPTION } from '../../nodes/shared/nodeTexts';
import { loadExample, prepareN8n, PROVIDERS, setupResult, type Provider, type Workflow } from './harness';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(REPO_ROOT, 'test', 'e2e', 'screenshots');
const EXAMPLES: Workflow[] = readdirSync(join(REPO_ROOT, 'examples'))
	.filter((file) => file.endsWith('.json'))
	.sort()
	.map(loadExample);
const OWNER = { email: 'owner@example.com', firstName: 'Kling', lastName: 'Owner', password: 'Owner-password-1' };

/** The node types as packed: the same description n8n loaded. */
const packageDist = join(REPO_ROOT, 'dist', 'nodes');
/** A node's description as n8n uses it: a versioned node's is its default version's. */
function describeNode(file: string, exportName: string): INodeTypeDescription {
	const nodeType = new (require(join(packageDist, file))[exportName])() as { description: INodeTypeDescription } | { getNodeType(): { description: INodeTypeDescription } };
	return 'getNodeType' in nodeType ? nodeType.getNodeType().description : nodeType.description;
}

/** The version a node of this description is: a new node's, the default version. */
const versionOf = (description: INodeTypeDescription) => (Array.isArray(description.version) ? Math.max(...description.version) : description.version);

const NODES = {
	klingVideo: { type: 'n8n-nodes-kling-video.klingVideo', description: () => describeNode('KlingVideo/KlingVideo.node.js', 'KlingVideo') },
	trigger: { type: 'n8n-nodes-kling-video.klingVideoTrigger', description: () => describeNode('KlingVideoTrigger/KlingVideoTrigger.node.js', 'KlingVideoTrigger') },
	jobsTrigger: {
		type: 'n8n-nodes-kling-video.klingVideoJobsTrigger',
		description: () => describeNode('KlingVideoJobsTrigger/KlingVideoJobsTrigger.node.js', 'KlingVideoJobsTrigger'),
	},
};

/**
 * The parameters n8n's editor shows for these values: every displayed property but `provider`,
 * which n8n 2.x treats as the node's authentication selector (the property the credentials'
 * displayOptions depend on) and sets from the chosen credential instead of showing it; and
 * notices, which have no label.
 */
function expectedFields(description: INodeTypeDescription, values: Record<string, unknown>): string[] {
	const node = { typeVersion: versionOf(description) };
	// Display rules are checked against every parameter's value or default, as n8n itself does (a
	// "Not Used Here" copy depends on its own value: at its default it is hidden).
	const resolved = NodeHelpers.getNodeParameters(description.properties, values as never, true, true, node, description, { onlySimpleTypes: true }) ?? {};
	const shown = description.properties.filter(
		(property: INodeProperties) => property.type !== 'notice' && property.type !== 'hidden' && property.name !== 'provider' && NodeHelpers.displayParameter(resolved, property, node, description),
	);
	const names = shown.map((property) => property.name);
	// n8n adds "Poll Times" (a list of `mode` entries, every minute by default) to polling nodes.
	if (description.polling) names.push('pollTimes', 'mode');
	return [...new Set(names)].sort();
}

/** The models the Model selector offers for a provider and operation (none where it is not shown). */
function modelsOf(description: INodeTypeDescription, provider: Provider, operation: string): string[] {
	const property = description.properties.find(
		(candidate) =>
			candidate.name === 'model' &&
			(candidate.displayOptions?.show?.provider as string[] | undefined)?.includes(provider) &&
			(candidate.displayOptions?.show?.operation as string[] | undefined)?.includes(operation),
	);
	return ((property?.options ?? []) as Array<{ value: string }>).map((option) => option.value);
}

/** The operations the node offers for a provider, with the labels the dropdown shows. */
function operationsOf(description: INodeTypeDescription, provider: Provider): Array<{ name: string; value: string }> {
	const property = description.properties.find(
		(candidate) => candidate.name === 'operation' && (candidate.displayOptions?.show?.provider as string[] | undefined)?.includes(provider),
	);
	return (property?.options ?? []) as Array<{ name: string; value: string }>;
}

function ensureChromium(): void {
	if (existsSync(CHROMIUM)) return;
	if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM} is missing: run \`sudo apt-get install -y chromium\``);
	const apt = (...args: string[]) => execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	try {
		apt('install', '-y', 'chromium');
	} catch {
		apt('update');
		apt('install', '-y', 'chromium');
	}
}

let n8n: N8nInstance;
let context: BrowserContext;
let page: Page;
let profile: string;
const problems: string[] = [];
let loggedIn = false;

beforeAll(async () => {
	ensureChromium();
	const logs = join(setupResult().runDir, 'logs');
	const emulator = await startEmulator({ port: await freePort(), logFile: join(logs, 'emulator-editor.log') });
	n8n = await prepareN8n('editor', emulator, EXAMPLES);
	await startN8n(n8n, join(logs, 'n8n-editor.log'));
	mkdirSync(SCREENSHOTS, { recursive: true });
	profile = mkdtempSync(join(setupResult().runDir, 'chromium-'));
	context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		viewport: { width: 1600, height: 1800 },
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	// Offline: whatever the editor asks outside this n8n (npm registry, api.n8n.io) fails at once.
	await context.route((url) => !url.href.startsWith(n8n.url), (route) => route.abort());
	page = context.pages()[0] ?? (await context.newPage());
	page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
	page.on('console', (message) => {
		if (message.type() !== 'error') return;
		const url = message.location().url ?? '';
		// Before login the editor asks who is logged in and gets a 401: n8n's normal start.
		if (!loggedIn && url === `${n8n.url}/rest/login` && message.text().includes('401')) return;
		// Requests outside n8n were aborted above (no internet here); not the package's doing.
		if (url && !url.startsWith(n8n.url)) return;
		problems.push(`console error: ${message.text()} (${url})`);
	});
});

afterAll(async () => {
	await context?.close();
	if (profile) rmSync(profile, { recursive: true, force: true });
	await stopAll();
});

afterEach(() => {
	const found = problems.splice(0);
	expect(found).toEqual([]);
});

async function newWorkflow(): Promise<void> {
	await page.goto(`${n8n.url}/workflow/new`, { waitUntil: 'networkidle' });
	await page.waitForSelector('[data-test-id=canvas-plus-button]', { timeout: 60_000 });
}

/** Pastes nodes onto the canvas, as a user pasting copied workflow JSON (Ctrl+V) does. */
async function pasteNode(type: string, name: string, parameters: Record<string, unknown> = {}): Promise<void> {
	const description = Object.values(NODES).find((candidate) => candidate.type === type)?.description();
	const typeVersion = description ? versionOf(description) : 1;
	const workflow = { nodes: [{ parameters, id: `${name}-id`, name, type, typeVersion, position: [0, 0] }], connections: {} };
	// Runs in the page (the tests compile without the DOM library, hence a string).
	await page.evaluate(`(() => {
		const data = new DataTransfer();
		data.setData('text/plain', ${JSON.stringify(JSON.stringify(workflow))});
		document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
	})()`);
	await page.locator('[data-test-id=canvas-node]', { hasText: name }).waitFor();
}

async function openNode(name: string): Promise<void> {
	await page.locator('[data-test-id=canvas-node]', { hasText: name }).first().dblclick();
	await page.waitForSelector('[data-test-id=ndv] [data-test-id=node-parameters]');
}

async function closeNode(): Promise<void> {
	await page.click('[data-test-id=ndv-close-button]');
	await page.waitForSelector('[data-test-id=ndv]', { state: 'hidden' });
}

/** The names of the parameters the panel shows (each label's `for`). */
async function shownFields(): Promise<string[]> {
	const names = await page.$$eval('[data-test-id=ndv] [data-test-id=node-parameters] label.n8n-input-label', (labels) =>
		labels.filter((label) => (label as unknown as { offsetParent: unknown }).offsetParent !== null).map((label) => label.getAttribute('for')),
	);
	return [...new Set(names.filter((name): name is string => !!name && name !== 'null'))].sort();
}

async function chooseCredential(provider: Provider): Promise<void> {
	await page.click('[data-test-id=ndv] [data-test-id=node-credentials-select]');
	// The visible list: a dropdown opened in an earlier panel of the page can linger, hidden, with the same items.
	await page.locator(`[data-test-id=node-credentials-select-item-${CREDENTIAL_REF[provider].id}]:visible`).first().click();
	await page.waitForTimeout(300);
}

async function chooseOption(parameter: string, label: string): Promise<void> {
	await page.click(`[data-test-id=ndv] [data-test-id=parameter-input-${parameter}]`);
	await page.locator('.el-select-dropdown__item:visible', { has: page.getByText(label, { exact: true }) }).first().click();
	await page.waitForTimeout(300);
}

/** Waits until the panel shows `expected` (n8n re-renders after a change), then compares. */
async function expectFields(expected: string[], what: string): Promise<void> {
	let shown: string[] = [];
	for (let attempt = 0; attempt < 20; attempt++) {
		shown = await shownFields();
		if (JSON.stringify(shown) === JSON.stringify(expected)) return;
		await page.waitForTimeout(150);
	}
	const missing = expected.filter((name) => !shown.includes(name));
	const unexpected = shown.filter((name) => !expected.includes(name));
	throw new Error(`${what}: missing fields ${JSON.stringify(missing)}, unexpected fields ${JSON.stringify(unexpected)}`);
}

const screenshot = (name: string) => page.locator('[data-test-id=ndv]').screenshot({ path: join(SCREENSHOTS, `${name}.png`) });

test('set up the owner account, then log in', async () => {
	await page.goto(`${n8n.url}/`, { waitUntil: 'networkidle' });
	await page.waitForURL(/\/setup/);
	for (const [field, value] of Object.entries(OWNER)) await page.fill(`input[name=${field}]`, value);
	await page.click('[data-test-id=form-submit-button]');
	await page.waitForURL((url) => !url.pathname.startsWith('/setup'));

	await context.clearCookies();
	loggedIn = false;
	await page.goto(`${n8n.url}/signin`, { waitUntil: 'networkidle' });
	await page.fill('input[name=emailOrLdapLoginId]', OWNER.email);
	await page.fill('input[name=password]', OWNER.password);
	await page.click('[data-test-id=form-submit-button]');
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	loggedIn = true;
});

test('the node creator finds Kling Video by name', async () => {
	await newWorkflow();
	await page.click('[data-test-id=canvas-plus-button]');
	await page.keyboard.type('Manual');
	await page.locator('[data-test-id=item-iterator-item]').first().waitFor();
	await page.keyboard.press('Enter');
	await page.locator('[data-test-id=canvas-node]').first().waitFor();
	// Adding a node may open its panel, or leave the node creator open: close whichever is there.
	await page.waitForTimeout(500);
	if (await page.locator('[data-test-id=ndv]').isVisible()) await closeNode();
	if (await page.locator('[data-test-id=node-creator]').isVisible()) await page.keyboard.press('Escape');
	await page.click('[data-test-id=node-creator-plus-button]');
	await page.keyboard.type('Kling Video');
	await page.waitForTimeout(1000);
	const found = await page.$$eval('[data-test-id=node-creator] [data-test-id=node-creator-item-name]', (items) => items.map((item) => item.textContent?.trim()));
	expect(found).toContain('Kling Video');
	const entry = page.locator('[data-test-id=item-iterator-item]', { has: page.getByText('Kling Video', { exact: true }) }).first();
	// The entry speaks of what the action node does (n8n shows the merged trigger's text there, which starts with it).
	expect(await entry.locator('[data-test-id=node-creator-item-description]').textContent()).toContain(ACTION_NODE_DESCRIPTION);
	await entry.click();
	await page.locator('[data-test-id=item-iterator-item]', { hasText: 'Generate a video from text' }).first().waitFor();
	const actions = await page.$$eval('[data-test-id=node-creator] [data-test-id=item-iterator-item]', (items) => items.map((item) => item.textContent?.trim() ?? ''));
	await page.locator('[data-test-id=node-creator]').screenshot({ path: join(SCREENSHOTS, 'node-creator-actions.png') });
	for (const action of ['Generate a video from text', 'Generate a video from an image', 'Transfer motion from a video to an image', 'Create a voice from a sample', 'Get a job', 'Cancel a job']) {
		expect({ action, listed: actions.some((text) => text.includes(action)) }).toEqual({ action, listed: true });
	}
	await page.locator('[data-test-id=item-iterator-item]', { hasText: 'Generate a video from text' }).first().click();
	await page.waitForSelector('[data-test-id=ndv] [data-test-id=node-parameters]');
	await screenshot('node-creator-added');
	await closeNode();
});

test('Kling Video: the panel of every provider and operation shows exactly its fields', async () => {
	const description = NODES.klingVideo.description();
	await newWorkflow();
	await pasteNode(NODES.klingVideo.type, 'Kling Video');
	await openNode('Kling Video');
	for (const provider of PROVIDERS) {
		await chooseCredential(provider);
		for (const { name: label, value: operation } of operationsOf(description, provider)) {
			await chooseOption('operation', label);
			await expectFields(expectedFields(description, { provider, operation }), `Kling Video, ${provider}, ${operation}`);
			await screenshot(`kling-video-${provider}-${operation}`);
			// Where the provider hosts Kling v3 for the operation, the Model selector shows v3's fields.
			if (modelsOf(description, provider, operation).includes('kling-v3')) {
				await chooseOption('model', 'Kling v3');
				await expectFields(expectedFields(description, { provider, operation, model: 'kling-v3' }), `Kling Video, ${provider}, ${operation}, Kling v3`);
				await screenshot(`kling-video-${provider}-${operation}-v3`);
				await chooseOption('model', 'Kling v2.6');
			}
		}
	}
	if (process.env.KLING_E2E_UPDATE_DOCS === '1') {
		await chooseCredential('replicate');
		await chooseOption('operation', 'Text to Video');
		await page.fill('[data-test-id=ndv] [data-test-id=parameter-input-prompt] textarea', 'A slow dolly shot of a ceramic mug on a sunlit kitchen table, steam rising');
		await page.locator('[data-test-id=ndv] [data-test-id=node-parameters]').click({ position: { x: 5, y: 5 } });
		mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
		await page.setViewportSize({ width: 1280, height: 820 });
		await page.waitForTimeout(500);
		await page.locator('[data-test-id=ndv]').screenshot({ path: join(REPO_ROOT, 'docs', 'node-panel.png') });
		await page.setViewportSize({ width: 1600, height: 1800 });
	}
	await closeNode();
});

test('Kling Video: a value the chosen provider does not take shows as "Not Used Here", and a default one does not', async () => {
	const description = NODES.klingVideo.description();
	await newWorkflow();
	// As imported workflow JSON can carry it: a CFG Scale set for fal.ai, on a Replicate node.
	await pasteNode(NODES.klingVideo.type, 'Kept Value', { provider: 'replicate', operation: 'textToVideo', prompt: 'a mug', cfgScale: 0.7 });
	await openNode('Kept Value');
	await chooseCredential('replicate');
	const expected = expectedFields(description, { provider: 'replicate', operation: 'textToVideo', cfgScale: 0.7 });
	expect(expected).toContain('cfgScale');
	await expectFields(expected, 'Kling Video, replicate, textToVideo with a kept CFG Scale');
	expect(await page.locator('[data-test-id=ndv] label.n8n-input-label[for=cfgScale]').first().textContent()).toContain('Not Used Here');
	await screenshot('kling-video-kept-value');
	await closeNode();
});

test('every example opens in the editor, each of its node types known to n8n', async () => {
	for (const example of EXAMPLES) {
		await page.goto(`${n8n.url}/workflow/${example.id}`, { waitUntil: 'networkidle' });
		await page.locator('[data-test-id=canvas-node]').first().waitFor();
		const types = example.nodes.map((node) => [node.type, node.typeVersion]);
		// Asks the editor's own node type store (runs in the page, hence a string).
		const unknown = await page.evaluate(`(() => {
			const store = document.querySelector('#app').__vue_app__.config.globalProperties.$pinia._s.get('nodeTypes');
			return ${JSON.stringify(types)}.filter(([type, version]) => !store.getNodeType(type, version)).map(([type, version]) => type + ' v' + version);
		})()`);
		expect({ example: example.name, unknown }).toEqual({ example: example.name, unknown: [] });
		await page.screenshot({ path: join(SCREENSHOTS, `example-${example.id}.png`) });
	}
});

test.each([
	['Kling Video Trigger', NODES.trigger],
	['Kling Video Jobs Trigger', NODES.jobsTrigger],
])('%s: the panel of every provider shows exactly its fields', async (name, node) => {
	const description = node.description();
	await newWorkflow();
	await pasteNode(node.type, name);
	await openNode(name);
	for (const provider of PROVIDERS) {
		await chooseCredential(provider);
		await expectFields(expectedFields(description, { provider }), `${name}, ${provider}`);
		await screenshot(`${node.type.split('.')[1]}-${provider}`);
	}
	await closeNode();
});

/** The options the Options collection offers to add, by label. */
async function offeredOptions(): Promise<string[]> {
	// The collection's Add Option control: a button labelled with the collection's `placeholder`.
	const ndv = page.locator('[data-test-id=ndv]');
	// An element-plus select whose placeholder is the collection's `placeholder`.
	const add = ndv.locator('input[placeholder="Add Option"], .el-select__placeholder:has-text("Add Option"), .el-select:has-text("Add Option")').locator('visible=true').first();
	await add.click({ timeout: 10_000 }).catch(async (error: unknown) => {
		await page.screenshot({ path: join(SCREENSHOTS, 'debug-add-option.png') });
		throw error;
	});
	await page.waitForTimeout(400);
	const labels = await page.$$eval('.el-select-dropdown__item, [role=menuitem], [role=option]', (items) =>
		items.filter((item) => (item as unknown as { offsetParent: unknown }).offsetParent !== null).map((item) => item.textContent?.trim() ?? ''),
	);
	await page.keyboard.press('Escape');
	await page.waitForTimeout(200);
	return labels;
}

const canvasText = async (name: string) => (await page.locator('[data-test-id=canvas-node]', { hasText: name }).first().textContent()) ?? '';

test('Kling Video: subtitles use labels, and Aspect Ratio Variants are offered only for Text to Video in a mode that takes several jobs', async () => {
	await newWorkflow();
	await pasteNode(NODES.klingVideo.type, 'Labels', { provider: 'fal', operation: 'textToVideo', prompt: 'a mug' });
	expect(await canvasText('Labels')).toContain('Text to Video · fal.ai');
	await openNode('Labels');
	await chooseCredential('fal');
	expect(await offeredOptions()).toContain('Aspect Ratio Variants');
	await chooseOption('waitMode', 'Submit Only');
	expect(await offeredOptions()).toContain('Aspect Ratio Variants');
	await chooseOption('waitMode', 'Wait for Webhook');
	const webhookOptions = await offeredOptions();
	expect(webhookOptions.some((label) => label.startsWith('Aspect Ratio Variants'))).toBe(false);
	// The notice says what the mode needs: a provider that reaches n8n, and one job per execution.
	const notice = page.locator('[data-test-id=ndv] [data-test-id=node-parameters]', { hasText: 'WEBHOOK_URL' });
	await notice.waitFor();
	expect(await notice.textContent()).toContain('One job per execution');
	await screenshot('kling-video-wait-for-webhook-notice');
	await chooseOption('waitMode', 'Wait for Completion');
	await chooseOption('operation', 'Image to Video');
	expect(await offeredOptions()).not.toContain('Aspect Ratio Variants');
	expect((await offeredOptions()).some((label) => label.startsWith('Aspect Ratio Variants'))).toBe(false);
	await screenshot('kling-video-image-to-video-options');
	await closeNode();
	expect(await canvasText('Labels')).toMatch(/Image to Video · (Replicate|fal\.ai|WaveSpeed|Kling API)/);
	await pasteNode(NODES.klingVideo.type, 'Voice', { provider: 'kling', operation: 'createVoice' });
	expect(await canvasText('Voice')).toContain('Create Voice · Kling API');
});

test('Kling Video: variants kept from Text to Video show as "Not Used Here" on Image to Video', async () => {
	await newWorkflow();
	await pasteNode(NODES.klingVideo.type, 'Kept Variants', { provider: 'fal', operation: 'imageToVideo', prompt: 'a mug', options: { aspectRatioVariants: ['16:9', '9:16'] } });
	await openNode('Kept Variants');
	await chooseCredential('fal');
	await page.locator('[data-test-id=ndv] [data-test-id=node-parameters]', { hasText: 'Aspect Ratio Variants (Not Used Here)' }).waitFor();
	await screenshot('kling-video-kept-variants');
	await closeNode();
});
