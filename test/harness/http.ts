/**
 * Just enough of express's Request and Response for a node's webhook(): what n8n's
 * WebhookContext hands out through getRequestObject() / getResponseObject() / getBodyData()…
 * The request carries `rawBody` (a Buffer), as n8n's raw body reader sets it.
 */
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

export interface WebhookRequest {
	/** Default 'POST'. */
	method?: IHttpRequestMethods;
	/** Full URL or path with query. */
	url?: string;
	/** Header names are lower-cased, as node's http module does. */
	headers?: Record<string, string | string[] | undefined>;
	/** Parsed body. Default: parsed from rawBody when it is JSON, else {}. */
	body?: unknown;
	/** Bytes as received (signature checks). Default: JSON of body. */
	rawBody?: Buffer | string;
	/** Extra query parameters (merged over the URL's). */
	query?: Record<string, string>;
	/** Path after the webhook's own (restart webhooks with a path). */
	suffix?: string;
}

export interface HarnessResponse {
	statusCode: number;
	headers: Record<string, string>;
	/** The parsed JSON body when the node sent JSON, else the raw value sent. */
	body: unknown;
}

export interface FakeRequest {
	method: string;
	url: string;
	originalUrl: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
	rawBody: Buffer;
	query: Record<string, string>;
	params: IDataObject;
	contentType?: string;
	ip: string;
	hostname: string;
	get(name: string): string | string[] | undefined;
	header(name: string): string | string[] | undefined;
}

/** The bytes as received and the parsed body: each from the other when only one is given. */
function bodyOf(request: WebhookRequest): { rawBody: Buffer; body: unknown } {
	if (request.rawBody === undefined) {
		const body = request.body;
		return { rawBody: Buffer.from(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)), body: body ?? {} };
	}
	const rawBody = Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.from(request.rawBody);
	if (request.body !== undefined) return { rawBody, body: request.body ?? {} };
	try {
		return { rawBody, body: JSON.parse(rawBody.toString('utf8')) ?? {} };
	} catch {
		return { rawBody, body: {} };
	}
}

export function makeRequest(request: WebhookRequest): FakeRequest {
	const headers: Record<string, string | string[] | undefined> = {};
	for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
	const { rawBody, body } = bodyOf(request);
	if (headers['content-type'] === undefined && rawBody.length) headers['content-type'] = 'application/json';
	if (headers['content-length'] === undefined) headers['content-length'] = String(rawBody.length);
	const url = new URL(request.url ?? '/', 'http://localhost:5678');
	const query: Record<string, string> = Object.fromEntries(url.searchParams.entries());
	Object.assign(query, request.query ?? {});
	const pathWithQuery = `${url.pathname}${url.search}`;
	const contentType = String(headers['content-type'] ?? '').split(';')[0].trim() || undefined;
	const get = (name: string) => headers[name.toLowerCase()];
	return {
		method: request.method ?? 'POST',
		url: pathWithQuery,
		originalUrl: pathWithQuery,
		path: url.pathname,
		headers,
		body,
		rawBody,
		query,
		params: {},
		contentType,
		ip: '127.0.0.1',
		hostname: 'localhost',
		get,
		header: get,
	};
}

/** Records what a node writes to the response. Chainable like express's. */
export class FakeResponse {
	statusCode = 200;
	headersSent = false;
	finished = false;
	private readonly headers: Record<string, string> = {};
	private chunks: Buffer[] = [];
	private value: unknown;

	status(code: number): this {
		this.statusCode = code;
		return this;
	}

	sendStatus(code: number): this {
		return this.status(code).send(String(code));
	}

	setHeader(name: string, value: string | number | readonly string[]): this {
		this.headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
		return this;
	}

	header(name: string | Record<string, string>, value?: string): this {
		if (typeof name === 'object') {
			for (const [key, v] of Object.entries(name)) this.setHeader(key, v);
			return this;
		}
		return this.setHeader(name, value ?? '');
	}

	set(name: string | Record<string, string>, value?: string): this {
		return this.header(name, value);
	}

	getHeader(name: string): string | undefined {
		return this.headers[name.toLowerCase()];
	}

	type(contentType: string): this {
		return this.setHeader('content-type', contentType);
	}

	contentType(contentType: string): this {
		return this.type(contentType);
	}

	writeHead(code: number, headers?: Record<string, string>): this {
		this.statusCode = code;
		for (const [key, v] of Object.entries(headers ?? {})) this.setHeader(key, v);
		this.headersSent = true;
		return this;
	}

	write(chunk: string | Buffer): boolean {
		this.headersSent = true;
		this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
		return true;
	}

	json(value: unknown): this {
		this.setHeader('content-type', 'application/json; charset=utf-8');
		this.value = value;
		return this.finish();
	}

	send(value?: unknown): this {
		if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) return this.json(value);
		this.value = value;
		return this.finish();
	}

	end(value?: string | Buffer): this {
		if (value !== undefined) this.write(value);
		return this.finish();
	}

	redirect(codeOrUrl: number | string, url?: string): this {
		this.statusCode = typeof codeOrUrl === 'number' ? codeOrUrl : 302;
		this.setHeader('location', typeof codeOrUrl === 'number' ? (url ?? '') : codeOrUrl);
		return this.finish();
	}

	render(view: string): this {
		this.value = `<rendered ${view}>`;
		return this.finish();
	}

	on(): this {
		return this;
	}

	once(): this {
		return this;
	}

	flushHeaders(): void {
		this.headersSent = true;
	}

	toResponse(): HarnessResponse {
		let body = this.value;
		if (body === undefined && this.chunks.length) {
			const text = Buffer.concat(this.chunks).toString('utf8');
			try {
				body = JSON.parse(text);
			} catch {
				body = text;
			}
		}
		return { statusCode: this.statusCode, headers: { ...this.headers }, body };
	}

	private finish(): this {
		this.headersSent = true;
		this.finished = true;
		return this;
	}
}
