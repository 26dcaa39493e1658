/**
 * Building workflows: the package's node type names, nodes and connections for a test, and the
 * `Workflow` / workflow data n8n builds from them.
 */
import { randomUUID } from 'node:crypto';

import {
	UnexpectedError,
	Workflow,
	type IConnections,
	type IDataObject,
	type INode,
	type IWorkflowBase,
} from 'n8n-workflow';

import { credentialIdFor } from './credentials';
import { HARNESS_START_NODE_TYPE, PACKAGE_NAME, type HarnessNodeTypes } from './nodeTypes';
import type { RunOptions } from './types';

/** `n8n-nodes-kling-video.klingVideo` & co. */
export const KLING_VIDEO_NODE_TYPE = `${PACKAGE_NAME}.klingVideo`;
export const KLING_VIDEO_TRIGGER_NODE_TYPE = `${PACKAGE_NAME}.klingVideoTrigger`;
export const KLING_VIDEO_JOBS_TRIGGER_NODE_TYPE = `${PACKAGE_NAME}.klingVideoJobsTrigger`;

/** A node of the workflow. `type` defaults to the Kling Video node. */
export function node(
	name: string,
	parameters: INode['parameters'] = {},
	extra: Partial<INode> & { type?: string } = {},
): INode {
	return {
		id: randomUUID(),
		name,
		type: extra.type ?? KLING_VIDEO_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		...extra,
	};
}

/** The harness's start node (emits the run's inputItems). */
export function startNode(name = 'Start'): INode {
	return node(name, {}, { type: HARNESS_START_NODE_TYPE });
}

/** Connections of a straight chain: `chain('Start', 'Kling Video', 'Sink')`. An entry `['A', 1]` connects A's output 1. */
export function chain(...names: Array<string | [string, number]>): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i < names.length - 1; i++) {
		const [from, output] = Array.isArray(names[i]) ? (names[i] as [string, number]) : [names[i] as string, 0];
		const to = Array.isArray(names[i + 1]) ? (names[i + 1] as [string, number])[0] : (names[i + 1] as string);
		connections[from] ??= { main: [] };
		const main = connections[from].main;
		while (main.length <= output) main.push([]);
		(main[output] as NonNullable<(typeof main)[number]>).push({ node: to, type: 'main', index: 0 });
	}
	return connections;
}

/** The run's copy of the nodes: ids, parameters, and references to the credentials the test gives. */
export function prepareNodes(options: RunOptions, nodeTypes: HarnessNodeTypes): INode[] {
	const nodes = structuredClone(options.nodes);
	for (const node of nodes) {
		node.id ??= randomUUID();
		node.parameters ??= {};
		if (options.assignCredentials === false || node.credentials !== undefined || !options.credentials) continue;
		let declared: string[] = [];
		try {
			declared = (nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description.credentials ?? []).map((c) => c.name);
		} catch {
			continue; // unknown type: the engine reports it
		}
		const assigned = declared.filter((type) => options.credentials?.[type] !== undefined);
		if (assigned.length) {
			node.credentials = Object.fromEntries(
				assigned.map((type) => [type, { id: credentialIdFor(type, options.credentials?.[type]), name: type }]),
			);
		}
	}
	return nodes;
}

/** The workflow as n8n's database row holds it. */
export function workflowDataFor(options: RunOptions, nodes: INode[]): IWorkflowBase {
	const now = new Date();
	return {
		id: options.workflowId ?? 'harness-workflow',
		name: options.workflowName ?? 'Harness workflow',
		active: false,
		isArchived: false,
		createdAt: now,
		updatedAt: now,
		nodes,
		connections: options.connections,
		settings: options.settings ?? { executionOrder: 'v1' },
		staticData: options.staticData,
		pinData: options.pinData,
	} as IWorkflowBase;
}

/** The `Workflow` n8n builds from the stored workflow (static data loaded into its observable object). */
export function makeWorkflow(data: IWorkflowBase, nodeTypes: HarnessNodeTypes): Workflow {
	return new Workflow({
		id: data.id,
		name: data.name,
		nodes: data.nodes,
		connections: data.connections,
		active: data.active,
		nodeTypes,
		staticData: data.staticData as IDataObject | undefined,
		settings: data.settings,
		pinData: data.pinData,
	});
}

/** The node an execution starts at: the one asked for, the harness start node, or the first without input. */
export function findStartNode(workflow: Workflow, requested?: string): INode {
	if (requested) {
		const node = workflow.getNode(requested);
		if (!node) throw new UnexpectedError(`Start node "${requested}" is not in the workflow`);
		return node;
	}
	const nodes = Object.values(workflow.nodes);
	const start =
		nodes.find((node) => node.type === HARNESS_START_NODE_TYPE) ??
		nodes.find((node) => !workflow.connectionsByDestinationNode[node.name]?.main?.some((c) => c?.length));
	if (!start) throw new UnexpectedError('No start node: give options.startNode');
	return start;
}
