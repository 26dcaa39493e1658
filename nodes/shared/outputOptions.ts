/** Output options every node of the package offers the same way, and their one reading. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

export interface OutputOptions {
	downloadVideo: boolean;
	binaryPropertyName: string;
}

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

/**
 * The output options of an Options collection as set in the panel. Download Video defaults to
 * on, except where the option's own default says otherwise (Get Job reads a job, it does not
 * expect a file).
 */
export function readOutputOptions(options: IDataObject | undefined, downloadByDefault = true): OutputOptions {
	const name = typeof options?.binaryPropertyName === 'string' ? options.binaryPropertyName.trim() : '';
	const download = options?.downloadVideo;
	return {
		downloadVideo: typeof download === 'boolean' ? download : downloadByDefault,
		binaryPropertyName: name || 'data',
	};
}
