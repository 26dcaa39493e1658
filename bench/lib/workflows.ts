/** The workflows the real-n8n scenarios import and publish. */
import { randomUUID } from 'node:crypto';
import type { Emulator } from '../../test/emulator';
import { BASELINE_N8N_TYPE, CREDENTIAL_REF, CREDENTIAL_TYPE, type Provider, type Workflow } from './realN8n';

let position = 0;
function n(name: string, type: string, typeVersion: number, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
	return { id: randomUUID(), name, type, typeVersion, position: [(position += 220), 0], parameters, ...extra };
}

const credentialsOf = (provider: Provider) => ({ [CREDENTIAL_TYPE[provider]]: CREDENTIAL_REF[provider] });

function workflow(id: string, name: string, nodes: Array<Record<string, unknown>>): Workflow {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name as string] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { id, name, nodes, connections, settings: { executionOrder: 'v1' }, active: false };
}

const webhookNode = (path: string, responseMode: 'onReceived' | 'lastNode', options: Record<string, unknown> = {}) =>
	n('Start', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path, responseMode, options }, { webhookId: randomUUID() });

const arriveNode = (sinkUrl: string, mode: string) =>
	n('Next node', 'n8n-nodes-base.httpRequest', 4.2, { method: 'POST', url: `=${sinkUrl}/arrive/${mode}/{{ $json.jobId }}`, options: {} });

export const ids = {
	trigger: (p: Provider) => `benchTrigger_${p}`,
	wait: (p: Provider) => `benchWait_${p}`,
	controlTrigger: 'benchTriggerControl',
	controlTriggerDownload: 'benchTriggerControlDownload',
	controlTriggerIsolate: 'benchTriggerControlIsolate',
	controlWait: 'benchWaitControl',
	controlWaitDownload: 'benchWaitControlDownload',
	memoryPackage: 'benchMemoryPackage',
	memoryBaseline: 'benchMemoryBaseline',
	memoryControl: 'benchMemoryControl',
};
export const paths = {
	wait: (p: Provider) => `bench-wait-${p}`,
	controlTrigger: 'bench-control-trigger',
	controlTriggerDownload: 'bench-control-trigger-download',
	controlTriggerIsolate: 'bench-control-trigger-isolate',
	controlWait: 'bench-control-wait',
	controlWaitDownload: 'bench-control-wait-download',
	memoryPackage: 'bench-memory-package',
	memoryBaseline: 'bench-memory-baseline',
	memoryControl: 'bench-memory-control',
};

/** Kling Video Trigger → downstream node; returns the workflow and the trigger's production path. */
export function triggerWorkflow(provider: Provider, sinkUrl: string): { workflow: Workflow; webhookPath: string } {
	const webhookId = randomUUID();
	const trigger = n('Kling Video Trigger', 'n8n-nodes-kling-video.klingVideoTrigger', 1, { provider, events: ['succeeded'], options: {} }, { webhookId, credentials: credentialsOf(provider) });
	return {
		workflow: workflow(ids.trigger(provider), `bench trigger ${provider}`, [trigger, arriveNode(sinkUrl, 'trigger')]),
		webhookPath: `webhook/${webhookId}/webhook`,
	};
}

/** Webhook → Kling Video (Wait for Webhook) → downstream node. */
export function waitWorkflow(provider: Provider, sinkUrl: string): Workflow {
	const kling = n(
		'Kling Video',
		'n8n-nodes-kling-video.klingVideo',
		1,
		{ provider, operation: 'textToVideo', prompt: `[wait:${provider}] a ceramic mug on a sunlit table`, duration: 5, generateAudio: false, waitMode: 'waitForWebhook', webhookTimeLimitMinutes: 30, options: {} },
		{ webhookId: randomUUID(), credentials: credentialsOf(provider) },
	);
	return workflow(ids.wait(provider), `bench wait ${provider}`, [webhookNode(paths.wait(provider), 'onReceived'), kling, arriveNode(sinkUrl, 'wait')]);
}

/** Webhook (answers when done) → Split Out `body.jobs` → Kling Video or the baseline, Replicate, Wait for Completion. */
export function memoryWorkflows(emulator: Emulator): Workflow[] {
	const split = () => n('Split jobs', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.jobs', options: {} });
	const kling = n(
		'Kling Video',
		'n8n-nodes-kling-video.klingVideo',
		1,
		{ provider: 'replicate', operation: 'textToVideo', prompt: '[memory:package] a ceramic mug', duration: 5, generateAudio: false, options: { maxConcurrentJobs: 10 } },
		{ credentials: credentialsOf('replicate') },
	);
	const baseline = n('Naive Replicate Video', BASELINE_N8N_TYPE, 1, {
		baseUrl: emulator.baseUrls.replicate,
		apiToken: emulator.credentials.replicateToken,
		prompt: '[memory:baseline] a ceramic mug',
		pollSeconds: 1,
	});
	return [
		workflow(ids.memoryPackage, 'bench memory package', [webhookNode(paths.memoryPackage, 'lastNode'), split(), kling]),
		workflow(ids.memoryBaseline, 'bench memory baseline', [webhookNode(paths.memoryBaseline, 'lastNode'), split(), baseline]),
		// n8n alone: its HTTP Request node downloads the same file into binary data (`body.url`, a finished job's output).
		workflow(ids.memoryControl, 'bench memory control: n8n HTTP Request node', [webhookNode(paths.memoryControl, 'lastNode'), downloadNode('={{ $json.body.url }}')]),
	];
}

/** n8n's HTTP Request node reading a URL into binary data, as a workflow built from n8n's own nodes would fetch the video. */
const downloadNode = (url: string) =>
	n('Download video', 'n8n-nodes-base.httpRequest', 4.2, { method: 'GET', url, options: { response: { response: { responseFormat: 'file' } } } });

/**
 * n8n alone, for comparison: the provider's webhook (a Replicate job's `completed` delivery)
 * received by n8n's own Webhook node, and by n8n's own Wait node ("resume on webhook call")
 * after an HTTP Request node submitted the job with `$execution.resumeUrl` as its webhook.
 */
export function controlWorkflows(emulator: Emulator, sinkUrl: string): Workflow[] {
	const submit = (tag: string) => n('Submit job', 'n8n-nodes-base.httpRequest', 4.2, {
		method: 'POST',
		url: `${emulator.baseUrls.replicate}/models/kwaivgi/kling-v2.6/predictions`,
		sendHeaders: true,
		headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${emulator.credentials.replicateToken}` }] },
		sendBody: true,
		specifyBody: 'json',
		jsonBody:
			`={{ JSON.stringify({ input: { prompt: "[${tag}:replicate] a ceramic mug", aspect_ratio: "16:9", duration: 5, generate_audio: false }, webhook: $execution.resumeUrl, webhook_events_filter: ["completed"] }) }}`,
		options: {},
	});
	const wait = () => n('Wait', 'n8n-nodes-base.wait', 1.1, { resume: 'webhook', httpMethod: 'POST', options: {} }, { webhookId: randomUUID() });
	// The job id from the node that received the provider's webhook (after a download, `$json` is the file's).
	const arriveById = (mode: string, source: string) =>
		n('Next node', 'n8n-nodes-base.httpRequest', 4.2, { method: 'POST', url: `=${sinkUrl}/arrive/${mode}/{{ $('${source}').item.json.body.id }}`, options: {} });
	const video = () => downloadNode('={{ $json.body.output }}');
	return [
		workflow(ids.controlTrigger, 'bench control: n8n Webhook node', [webhookNode(paths.controlTrigger, 'onReceived'), arriveById('control-trigger', 'Start')]),
		workflow(ids.controlTriggerDownload, 'bench control: n8n Webhook node + download', [
			webhookNode(paths.controlTriggerDownload, 'onReceived'),
			video(),
			arriveById('control-trigger-download', 'Start'),
		]),
		// The trigger's shape with n8n's own nodes: one expression in the Webhook node's options makes n8n take an
		// expression isolate in the webhook phase (LiveWebhooks.webhookPhaseNeedsIsolate: only a Webhook node v2+ whose
		// parameters are all static skips it), as it does for every community trigger.
		workflow(ids.controlTriggerIsolate, 'bench control: n8n Webhook node with an expression option + download', [
			webhookNode(paths.controlTriggerIsolate, 'onReceived', { ignoreBots: '={{ false }}' }),
			video(),
			arriveById('control-trigger-isolate', 'Start'),
		]),
		workflow(ids.controlWait, 'bench control: n8n Wait node', [webhookNode(paths.controlWait, 'onReceived'), submit('control-wait'), wait(), arriveById('control-wait', 'Wait')]),
		workflow(ids.controlWaitDownload, 'bench control: n8n Wait node + download', [
			webhookNode(paths.controlWaitDownload, 'onReceived'),
			submit('control-wait-download'),
			wait(),
			video(),
			arriveById('control-wait-download', 'Wait'),
		]),
	];
}
