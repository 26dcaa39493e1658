/**
 * The test harness: this package's nodes inside n8n's own engine and function contexts, with
 * what n8n's CLI gives them, reduced to a test's needs. One module per seam:
 *
 * - environment.ts: the n8n instance (temp folder, InstanceSettings, Logger, binary data on disk);
 * - nodeTypes.ts: the start node, the package's nodes from their sources, extra node types;
 * - credentials.ts: an `ICredentialsHelper` serving plain credential data as n8n would;
 * - workflow.ts: nodes, connections, the `Workflow` n8n builds; setup.ts: what one test set-up shares;
 * - additionalData.ts: the CLI's additionalData and the URLs n8n hands out;
 * - engine.ts, result.ts, executions.ts: engine runs, their results, the stored executions;
 * - resume.ts: waiting executions resumed by their webhook or once waitTill passes;
 * - webhooks.ts, responses.ts, http.ts, webhookCall.ts: a node's webhooks, n8n's answers, the
 *   express-like request and response, a trigger's production webhook starting a run;
 * - lifecycle.ts: a trigger's webhook checkExists / create / delete through HookContext;
 * - poll.ts: one poll starting a run; pollTrigger.ts: polls of an activation, with restart;
 * - webhookTrigger.ts, deliveryReceiver.ts, triggerWorkflow.ts: webhook deliveries with static
 *   data loaded and saved as n8n does, and a loopback endpoint the emulator delivers to;
 * - binary.ts: n8n's binary store.
 *
 * Everything n8n writes goes to one temp folder per test file, removed after the file's tests.
 */
import { disposeHarness } from './environment';

// One temp folder per test file; removed after its tests (jest's afterAll, when there is one).
if (typeof afterAll === 'function') afterAll(() => disposeHarness());

export { HARNESS_BASE_URL } from './additionalData';
export { binaryToBuffer, makeBinary } from './binary';
export { credentialIdFor, HarnessCredentialsHelper, loadPackageCredentialTypes, type CredentialRequest, type HarnessCredentials } from './credentials';
export { DeliveryReceiver } from './deliveryReceiver';
export { startWorkflow, runWorkflow } from './engine';
export { disposeHarness, ensureEnvironment, type HarnessEnvironment } from './environment';
export { forgetExecutions, storedExecution } from './executions';
export type { HarnessResponse, WebhookRequest } from './http';
export { runWebhookMethod, type WebhookMethod } from './lifecycle';
export { HARNESS_START_NODE_TYPE, HarnessNodeTypes, HarnessStart, loadPackageNode, PACKAGE_NAME } from './nodeTypes';
export { pollTrigger, type PollOptions } from './poll';
export { PollTriggerHarness } from './pollTrigger';
export { callWaitingWebhook, resumeAfterWaitTill } from './resume';
export type { AnyNodeType, ResumeOptions, RunningWorkflow, RunOptions, RunResult, WebhookCallResult } from './types';
export { callWebhook, type WebhookTriggerOptions } from './webhookCall';
export { WebhookTriggerHarness, type Delivery, type DeliveryResult } from './webhookTrigger';
export { chain, KLING_VIDEO_JOBS_TRIGGER_NODE_TYPE, KLING_VIDEO_NODE_TYPE, KLING_VIDEO_TRIGGER_NODE_TYPE, node, startNode } from './workflow';
