/**
 * Kling Video, a versioned node: a saved workflow runs the version it was made with. Version 1
 * is the node as first published (v1/); its parameter names are a public contract.
 */
import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { VersionedNodeType } from 'n8n-workflow';
import { ACTION_NODE_DESCRIPTION } from '../shared/nodeTexts';
import { KlingVideoV1 } from './v1/KlingVideoV1.node';

export class KlingVideo extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'Kling Video',
			name: 'klingVideo',
			icon: { light: 'file:klingVideo.svg', dark: 'file:klingVideo.dark.svg' },
			group: ['transform'],
			description: ACTION_NODE_DESCRIPTION,
			defaultVersion: 1,
		};
		const nodeVersions: IVersionedNodeType['nodeVersions'] = {
			1: new KlingVideoV1(),
		};
		super(nodeVersions, baseDescription);
	}
}
