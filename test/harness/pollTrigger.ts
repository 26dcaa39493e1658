/**
 * The Kling Video Jobs Trigger as an active workflow polls it: `PollContext` on one `Workflow`
 * kept across polls (an activation), emissions collected, and `restart()` reloading the
 * workflow from the static data n8n last saved, as a process restart would.
 */
import { PollContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeExecutionData, IWorkflowBase, Workflow, WorkflowExecuteMode } from 'n8n-workflow';

import type { ProviderId } from '../../nodes/shared/job';
import { ensureEnvironment } from './environment';
import { pollAdditionalData } from './poll';
import type { RunSetup } from './setup';
import { plain, TriggerWorkflow, type TriggerNodeSpec } from './triggerWorkflow';
import { KLING_VIDEO_JOBS_TRIGGER_NODE_TYPE } from './workflow';

/** The poll trigger node of the harness's workflow. */
const POLL_NODE: TriggerNodeSpec = {
	type: KLING_VIDEO_JOBS_TRIGGER_NODE_TYPE,
	nodeName: 'Kling Video Jobs Trigger',
	nodeId: 'poll-node-1',
	workflowName: 'Kling Video Jobs Trigger test',
};

export class PollTriggerHarness {
	readonly nodeName = POLL_NODE.nodeName;
	readonly emitted: INodeExecutionData[][] = [];
	readonly emittedErrors: Error[] = [];
	private readonly trigger: TriggerWorkflow;
	private readonly setup: RunSetup;
	private workflowData!: IWorkflowBase;
	private workflow!: Workflow;
	private node!: INode;
	private saved: IDataObject = {};
	private polls = 0;

	constructor(
		readonly provider: ProviderId,
		credentials: ICredentialDataDecryptedObject,
		parameters: IDataObject = {},
		readonly workflowId = 'wf-poll',
	) {
		this.trigger = new TriggerWorkflow(provider, credentials, parameters, workflowId, POLL_NODE);
		this.setup = this.trigger.setup();
		this.load({});
	}

	private load(staticData: IDataObject): void {
		({ workflowData: this.workflowData, workflow: this.workflow, node: this.node } = this.trigger.load(staticData));
	}

	/** The node's static data as n8n would store it. */
	staticData(): IDataObject {
		return plain(this.workflow.getStaticData('node', this.node));
	}

	/** Whether n8n would save the static data now (as after an emission), then marks it saved. */
	takeDirty(): boolean {
		const staticData = this.workflow.staticData as { __dataChanged?: boolean };
		const dirty = staticData.__dataChanged === true;
		staticData.__dataChanged = false;
		return dirty;
	}

	/**
	 * A restart (or a change of leader): the workflow is rebuilt from the static data n8n last
	 * saved. n8n saves a poller's static data after its activation poll and when a poll emits; a
	 * poll that emits nothing changes it only in memory, and that is lost.
	 */
	restart(): void {
		this.load(plain(this.saved));
		this.polls = 0;
	}

	/** One poll as n8n's poll executor runs it: emitted data goes to `emitted`. */
	async poll(mode: WorkflowExecuteMode = 'trigger', budgetMs?: number): Promise<INodeExecutionData[][] | null> {
		await ensureEnvironment();
		const context = new PollContext(
			this.workflow,
			this.node,
			pollAdditionalData(this.setup, this.workflowData, mode),
			mode,
			mode === 'manual' ? 'manual' : 'activate',
			(emitted) => this.emitted.push(...emitted),
			(error) => this.emittedErrors.push(error),
			undefined,
			undefined,
			undefined,
			budgetMs === undefined ? undefined : () => budgetMs,
		);
		const nodeType = this.workflow.nodeTypes.getByNameAndVersion(this.node.type, this.node.typeVersion);
		const result = await (nodeType.poll as NonNullable<typeof nodeType.poll>).call(context);
		if (result !== null && mode !== 'manual') context.__emit(result);
		if (mode !== 'manual' && (result !== null || this.polls === 0)) this.saved = plain(this.workflow.staticData);
		this.polls += 1;
		return result;
	}
}
