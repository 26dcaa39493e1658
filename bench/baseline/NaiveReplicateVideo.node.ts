/**
 * The naive baseline the benchmark compares the package with: what most existing video nodes
 * do. One Replicate Kling v2.6 job per input item, the items one after another, a status call
 * every 5 s (fixed), and the finished video read whole into memory (`arrayBuffer()`) before it
 * is handed to n8n's binary store. Plain `fetch`, no retries, no credentials type (the token is a
 * parameter), so the node is self-contained: the benchmark runs it in n8n-core's engine (the
 * harness) and, transpiled to JavaScript, in the real n8n as a custom extension.
 *
 * Deliberately not imported by anything in nodes/: it is the "before", not part of the package.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Prediction {
	id: string;
	status: string;
	output?: string | string[] | null;
	error?: unknown;
	urls?: { get?: string };
}

export class NaiveReplicateVideo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Naive Replicate Video (benchmark baseline)',
		name: 'naiveReplicateVideo',
		group: ['transform'],
		version: 1,
		description: 'Baseline: sequential items, fixed 5 s polling, video buffered in memory',
		defaults: { name: 'Naive Replicate Video' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'https://api.replicate.com/v1' },
			{ displayName: 'API Token', name: 'apiToken', type: 'string', typeOptions: { password: true }, default: '' },
			{ displayName: 'Prompt', name: 'prompt', type: 'string', default: '' },
			{ displayName: 'Aspect Ratio', name: 'aspectRatio', type: 'string', default: '16:9' },
			{ displayName: 'Duration', name: 'duration', type: 'number', default: 5 },
			{ displayName: 'Generate Audio', name: 'generateAudio', type: 'boolean', default: false },
			{ displayName: 'Poll Interval (Seconds)', name: 'pollSeconds', type: 'number', default: 5 },
			{ displayName: 'Download Video', name: 'downloadVideo', type: 'boolean', default: true },
		],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const baseUrl = String(this.getNodeParameter('baseUrl', i));
			const headers = { authorization: `Bearer ${String(this.getNodeParameter('apiToken', i))}`, 'content-type': 'application/json' };
			const pollMs = Number(this.getNodeParameter('pollSeconds', i)) * 1000;
			const created = await fetch(`${baseUrl}/models/kwaivgi/kling-v2.6/predictions`, {
				method: 'POST',
				headers,
				body: JSON.stringify({
					input: {
						prompt: String(this.getNodeParameter('prompt', i)),
						aspect_ratio: String(this.getNodeParameter('aspectRatio', i)),
						duration: Number(this.getNodeParameter('duration', i)),
						generate_audio: Boolean(this.getNodeParameter('generateAudio', i)),
					},
				}),
			});
			if (!created.ok) throw new Error(`submit failed: HTTP ${created.status} ${await created.text()}`);
			let prediction = (await created.json()) as Prediction;
			while (!['succeeded', 'failed', 'canceled'].includes(prediction.status)) {
				await sleep(pollMs);
				const polled = await fetch(prediction.urls?.get ?? `${baseUrl}/predictions/${prediction.id}`, { headers });
				if (!polled.ok) throw new Error(`status failed: HTTP ${polled.status}`);
				prediction = (await polled.json()) as Prediction;
			}
			if (prediction.status !== 'succeeded') throw new Error(`job ${prediction.id} ${prediction.status}: ${JSON.stringify(prediction.error)}`);
			const videoUrl = Array.isArray(prediction.output) ? prediction.output[0] : prediction.output;
			const item: INodeExecutionData = { json: { jobId: prediction.id, status: prediction.status, videoUrl }, pairedItem: { item: i } };
			if (this.getNodeParameter('downloadVideo', i) && videoUrl) {
				const video = await fetch(videoUrl);
				if (!video.ok) throw new Error(`download failed: HTTP ${video.status}`);
				// The whole file in memory, as most nodes do.
				const buffer = Buffer.from(await video.arrayBuffer());
				item.binary = { data: await this.helpers.prepareBinaryData(buffer, `${prediction.id}.mp4`, 'video/mp4') };
			}
			out.push(item);
		}
		return [out];
	}
}
