/** n8n's REST API as the editor uses it: owner setup and publishing workflows (the bench and the end-to-end tests). */
import { randomUUID } from 'node:crypto';

export interface OwnerAccount {
	email: string;
	password: string;
	firstName: string;
}

export class N8nRest {
	private cookie = '';
	/** n8n binds the session to a browser id header. */
	private readonly browserId = randomUUID();

	constructor(private readonly base: string) {}

	async setupOwner(owner: OwnerAccount): Promise<void> {
		const response = await this.request('POST', '/rest/owner/setup', { ...owner, lastName: 'Owner' });
		const setCookie = response.headers.getSetCookie().find((cookie) => cookie.startsWith('n8n-auth='));
		if (!setCookie) throw new Error('owner setup returned no n8n-auth cookie');
		this.cookie = setCookie.split(';')[0];
	}

	/** Publishes (activates) a workflow's current version; its webhooks and polls start. */
	async activate(workflowId: string): Promise<void> {
		const { data } = (await (await this.request('GET', `/rest/workflows/${workflowId}`)).json()) as { data: { versionId: string } };
		await this.request('POST', `/rest/workflows/${workflowId}/activate`, { versionId: data.versionId });
	}

	async request(method: string, path: string, body?: unknown): Promise<Response> {
		const response = await fetch(`${this.base}${path}`, {
			method,
			headers: {
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
		return response;
	}
}
