/**
 * What every run of one test set-up shares: its node types, its credentials helper (which
 * records every credential lookup) and the options it was started with.
 */
import { UnexpectedError, type INode, type IWorkflowBase, type Workflow } from 'n8n-workflow';

import { HarnessCredentialsHelper } from './credentials';
import { HarnessNodeTypes } from './nodeTypes';
import type { ResumeOptions, RunOptions } from './types';
import { makeWorkflow, prepareNodes, workflowDataFor } from './workflow';

export interface RunSetup {
	nodeTypes: HarnessNodeTypes;
	credentialsHelper: HarnessCredentialsHelper;
	options: RunOptions;
}

/** Node types and credentials of a run, from its options. */
export function setupFor(options: RunOptions): RunSetup {
	return {
		nodeTypes: new HarnessNodeTypes(options.nodeTypes),
		credentialsHelper: new HarnessCredentialsHelper({ ...(options.credentials ?? {}) }, options.credentialTypes),
		options,
	};
}

/** The set-up of a resumed execution: the first run's, with what a new process would change. */
export function resumeSetup(setup: RunSetup, resume: ResumeOptions): RunSetup {
	return {
		...setup,
		options: {
			...setup.options,
			abortSignal: resume.abortSignal,
			configureHooks: resume.configureHooks ?? setup.options.configureHooks,
			timeoutMs: resume.timeoutMs ?? setup.options.timeoutMs,
		},
	};
}

/** A workflow built for one call of one of its nodes (a webhook, a poll, a lifecycle method). */
export interface PreparedWorkflow {
	setup: RunSetup;
	workflowData: IWorkflowBase;
	workflow: Workflow;
	node: INode;
}

/** Builds the options' workflow and finds the node the call is for (`role` names it in the error). */
export function prepareWorkflow(options: RunOptions, nodeName: string, role: string): PreparedWorkflow {
	const setup = setupFor(options);
	const nodes = prepareNodes(options, setup.nodeTypes);
	const workflowData = workflowDataFor(options, nodes);
	const workflow = makeWorkflow(workflowData, setup.nodeTypes);
	const node = workflow.getNode(nodeName);
	if (!node) throw new UnexpectedError(`${role} node "${nodeName}" is not in the workflow`);
	return { setup, workflowData, workflow, node };
}
