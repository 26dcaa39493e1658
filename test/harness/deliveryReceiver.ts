/**
 * A local HTTP endpoint the emulator delivers its webhooks to; each request goes, bytes as
 * received, through a WebhookTriggerHarness, and the node's answer goes back to the emulator.
 */
import { startEndpoint, type Endpoint } from './endpoint';
import type { DeliveryResult, WebhookTriggerHarness } from './webhookTrigger';

export class DeliveryReceiver {
	private endpoint: Endpoint | undefined;
	url = '';
	readonly results: DeliveryResult[] = [];

	constructor(private readonly harness: () => WebhookTriggerHarness) {}

	async start(): Promise<void> {
		this.endpoint = await startEndpoint(
			async ({ headers, body }) => {
				const result = await this.harness().deliver({ headers, body });
				this.results.push(result);
				return { status: result.status, body: result.body };
			},
			(error) => ({ status: 599, body: undefined, text: error.message }),
		);
		this.url = `${this.endpoint.origin}/webhook/c0ffee00/webhook`;
	}

	async stop(): Promise<void> {
		await this.endpoint?.stop();
	}
}
