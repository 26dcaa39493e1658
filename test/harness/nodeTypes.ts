/**
 * The `INodeTypes` of a harness run: the harness's start node, the package's nodes (loaded
 * from their TypeScript sources on first use, so a node file that does not exist yet, or does
 * not compile, only fails the workflows that use it) and any extra node types of the test.
 *
 * Each node type gets the treatment n8n's DirectoryLoader gives a loaded node
 * (`applySpecialNodeParameters`: polling / CORS / declarative option parameters, and
 * `validateNodeDescription`), so a test sees the description n8n would.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import { DirectoryLoader } from 'n8n-core';
import {
	NodeConnectionTypes,
	NodeHelpers,
	UnexpectedError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IVersionedNodeType,
} from 'n8n-workflow';

export const PACKAGE_NAME = 'n8n-nodes-kling-video';
const PACKAGE_ROOT = path.resolve(__dirname, '../..');

/** Type of the harness's start node: it emits the run's `inputItems`. */
export const HARNESS_START_NODE_TYPE = 'n8n-harness.start';

/**
 * A manual-trigger-like start node. The engine puts the run's input items on the stack as this
 * node's input; it returns them unchanged. It has no inputs, so n8n treats it as a start node.
 */
export class HarnessStart implements INodeType {
	description = {
		displayName: 'Harness Start',
		name: 'start',
		group: ['trigger'],
		version: 1,
		description: 'Emits the items given to runWorkflow',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** The package's node files, by node type name. Loaded lazily; a missing file is simply not served. */
export const PACKAGE_NODE_FILES: Record<string, { file: string; className: string }> = {
	[`${PACKAGE_NAME}.klingVideo`]: { file: 'nodes/KlingVideo/KlingVideo.node.ts', className: 'KlingVideo' },
	[`${PACKAGE_NAME}.klingVideoTrigger`]: {
		file: 'nodes/KlingVideoTrigger/KlingVideoTrigger.node.ts',
		className: 'KlingVideoTrigger',
	},
	[`${PACKAGE_NAME}.klingVideoJobsTrigger`]: {
		file: 'nodes/KlingVideoJobsTrigger/KlingVideoJobsTrigger.node.ts',
		className: 'KlingVideoJobsTrigger',
	},
};

type AnyNodeType = INodeType | IVersionedNodeType;

const packageNodeCache = new Map<string, AnyNodeType>();
const prepared = new WeakSet<AnyNodeType>();

function prepareLoadedNode(nodeType: AnyNodeType): AnyNodeType {
	if (prepared.has(nodeType)) return nodeType;
	prepared.add(nodeType);
	// What DirectoryLoader.loadNodeFromFile does to every node it loads.
	const loader = DirectoryLoader.prototype as unknown as { applySpecialNodeParameters(node: INodeType): void };
	const versions = 'nodeVersions' in nodeType ? Object.values(nodeType.nodeVersions) : [nodeType];
	for (const version of versions) {
		if (version.methods?.loadOptions) {
			(version.description as unknown as IDataObject).__loadOptionsMethods = Object.keys(version.methods.loadOptions);
		}
		loader.applySpecialNodeParameters.call(undefined, version);
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { validateNodeDescription } = require('n8n-core/dist/nodes-loader/validate-node-description') as {
			validateNodeDescription(description: INodeType['description']): void;
		};
		validateNodeDescription(version.description);
	}
	return nodeType;
}

/** Loads one of the package's nodes from its TypeScript source, or returns undefined if its file does not exist. */
export function loadPackageNode(typeName: string): AnyNodeType | undefined {
	const cached = packageNodeCache.get(typeName);
	if (cached) return cached;
	const entry = PACKAGE_NODE_FILES[typeName];
	if (!entry) return undefined;
	const file = path.join(PACKAGE_ROOT, entry.file);
	if (!existsSync(file)) return undefined;
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(file) as Record<string, new () => AnyNodeType>;
	const NodeClass = exported[entry.className];
	if (typeof NodeClass !== 'function') {
		throw new UnexpectedError(`${entry.file} does not export a class ${entry.className}`);
	}
	const instance = prepareLoadedNode(new NodeClass());
	const described = `${PACKAGE_NAME}.${instance.description.name}`;
	if (described !== typeName) {
		throw new UnexpectedError(`${entry.file}: description.name gives type "${described}", expected "${typeName}"`);
	}
	packageNodeCache.set(typeName, instance);
	return instance;
}

export class HarnessNodeTypes implements INodeTypes {
	private readonly extra = new Map<string, AnyNodeType>();

	/** `extraNodeTypes`: full type name (e.g. `test.sink`) → node type instance. */
	constructor(extraNodeTypes: Record<string, AnyNodeType> = {}) {
		this.extra.set(HARNESS_START_NODE_TYPE, new HarnessStart());
		for (const [name, nodeType] of Object.entries(extraNodeTypes)) this.extra.set(name, prepareLoadedNode(nodeType));
	}

	getByName(nodeType: string): AnyNodeType {
		const found = this.extra.get(nodeType) ?? loadPackageNode(nodeType);
		if (!found) {
			throw new UnexpectedError(`Unrecognized node type: ${nodeType} (the harness serves ${this.knownTypeNames().join(', ')})`);
		}
		return found;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		const known: IDataObject = {};
		for (const name of this.knownTypeNames()) known[name] = { className: name, sourcePath: '' };
		return known;
	}

	private knownTypeNames(): string[] {
		const packaged = Object.keys(PACKAGE_NODE_FILES).filter((name) =>
			existsSync(path.join(PACKAGE_ROOT, PACKAGE_NODE_FILES[name].file)),
		);
		return [...this.extra.keys(), ...packaged];
	}
}
