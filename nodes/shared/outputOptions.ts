/** Output options every node of the package offers the same way. */
import type { INodeProperties } from 'n8n-workflow';

export const BINARY_PROPERTY_OPTION: INodeProperties = {
	displayName: 'Binary Property',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	description: 'Name of the output binary property that receives the video',
};

export const DOWNLOAD_VIDEO_OPTION: INodeProperties = {
	displayName: 'Download Video',
	name: 'downloadVideo',
	type: 'boolean',
	default: true,
	description:
		'Whether to put the MP4 of a succeeded job into a binary property (streamed to n8n, never held whole in memory)',
};
