/**
 * Kling Video, a versioned node: a saved workflow runs the version it was made with, and a new
 * node is version 2. Parameter names are a public contract: version 1 (v1/) is version 2 (v2/)
 * under the names version 1 saved.
 */
import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { VersionedNodeType } from 'n8n-workflow';
import { ACTION_NODE_DESCRIPTION } from '../shared/nodeTexts';
import { KlingVideoV1 } from './v1/KlingVideoV1.node';
import { KlingVideoV2 } from './v2/KlingVideoV2.node';

export class KlingVideo extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'Kling Video',
			name: 'klingVideo',
			icon: { light: 'file:klingVideo.svg', dark: 'file:klingVideo.dark.svg' },
			group: ['transform'],
			description: ACTION_NODE_DESCRIPTION,
			defaultVersion: 2,
		};
		const nodeVersions: IVersionedNodeType['nodeVersions'] = {
			1: new KlingVideoV1(),
			2: new KlingVideoV2(),
		};
		super(nodeVersions, baseDescription);
	}
}
