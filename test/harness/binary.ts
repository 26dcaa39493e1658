/** Binary data in n8n's binary store (filesystem mode, in the harness's temp folder). */
import { Container } from '@n8n/di';
import { BinaryDataService, prepareBinaryData } from 'n8n-core';
import type { IBinaryData } from 'n8n-workflow';
import type { Readable } from 'node:stream';

import { ensureEnvironment } from './environment';

/** Reads a binary back from n8n's binary store (filesystem mode) or from its inline base64 data. */
export async function binaryToBuffer(binary: IBinaryData): Promise<Buffer> {
	await ensureEnvironment();
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

/**
 * Puts data into the binary store the way a node's `prepareBinaryData` does (n8n-core's own
 * prepareBinaryData), for use as input items' binary. Give a mime type: without one n8n
 * sniffs it with the ESM-only `file-type` package, which jest cannot import.
 */
export async function makeBinary(
	data: Buffer | Readable,
	fileName: string,
	mimeType: string,
	location: { executionId?: string; workflowId?: string } = {},
): Promise<IBinaryData> {
	await ensureEnvironment();
	return await prepareBinaryData(data, location.executionId ?? 'harness-input', location.workflowId ?? 'harness-workflow', fileName, mimeType);
}
