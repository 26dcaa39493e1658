/**
 * The one-node workflow the trigger harnesses run a trigger node in: the node with the
 * provider's credential (a reference whose id stays when the credential is edited, as in n8n),
 * rebuilt from stored static data whenever n8n would load the workflow anew.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INode, IWorkflowBase, Workflow } from 'n8n-workflow';

import { CREDENTIAL_TYPES } from '../../nodes/shared/credentials';
import type { ProviderId } from '../../nodes/shared/job';
import { credentialIdFor, HarnessCredentialsHelper, type HarnessCredentials } from './credentials';
import { HarnessNodeTypes } from './nodeTypes';
import type { RunSetup } from './setup';
import { makeWorkflow, node, workflowDataFor } from './workflow';

/** Static data as n8n stores it: plain JSON, loaded into a new Workflow's observable object. */
export function plain(data: IDataObject): IDataObject {
	return JSON.parse(JSON.stringify(data)) as IDataObject;
}

export interface TriggerNodeSpec {
	type: string;
	nodeName: string;
	nodeId: string;
	workflowName: string;
	webhookId?: string;
}

export class TriggerWorkflow {
	/** The credential data by type; edits show in every later read. */
	readonly credentials: HarnessCredentials;
	private readonly credentialRef: { id: string; name: string };
	private readonly nodeTypes = new HarnessNodeTypes();

	constructor(
		readonly provider: ProviderId,
		credentials: ICredentialDataDecryptedObject,
		private readonly parameters: IDataObject,
		readonly workflowId: string,
		private readonly spec: TriggerNodeSpec,
	) {
		const type = CREDENTIAL_TYPES[provider];
		this.credentials = { [type]: credentials };
		this.credentialRef = { id: credentialIdFor(type, credentials), name: `${provider} emulator` };
	}

	/** The user saves new data into the node's credential: same id, new content. */
	editCredential(data: ICredentialDataDecryptedObject): void {
		this.credentials[CREDENTIAL_TYPES[this.provider]] = data;
	}

	/** A set-up whose credentials helper records its own reads (each caller counts its own). */
	setup(): RunSetup {
		return { nodeTypes: this.nodeTypes, credentialsHelper: new HarnessCredentialsHelper(this.credentials), options: { nodes: [], connections: {} } };
	}

	/** The workflow as n8n loads it, with `staticData` as stored (an active workflow). */
	load(staticData: IDataObject): { workflowData: IWorkflowBase; workflow: Workflow; node: INode } {
		const { type, nodeName, nodeId, webhookId, workflowName } = this.spec;
		const triggerNode = node(nodeName, { provider: this.provider, ...this.parameters }, {
			id: nodeId,
			type,
			...(webhookId ? { webhookId } : {}),
			credentials: { [CREDENTIAL_TYPES[this.provider]]: this.credentialRef },
		});
		const workflowData = workflowDataFor({ nodes: [triggerNode], connections: {}, workflowId: this.workflowId, workflowName, staticData: plain(staticData) }, [triggerNode]);
		workflowData.active = true;
		const workflow = makeWorkflow(workflowData, this.nodeTypes);
		return { workflowData, workflow, node: workflow.getNode(nodeName) as INode };
	}
}
