/**
 * A stand-in for the place the example workflows post videos to (a social network's upload API,
 * a CMS, a storage bucket): every POST body is written to `dir` as a file, named from the
 * `X-Video-Name` header (or the query's `name`), and recorded. `GET /posts` lists what arrived.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface Post {
	path: string;
	file: string;
	bytes: number;
	contentType: string;
	headers: IncomingHttpHeaders;
	receivedAt: Date;
}

export interface Sink {
	url: string;
	posts: Post[];
	close(): Promise<void>;
}

const safeName = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120) || 'video';

export async function startSink(dir: string, port = 0): Promise<Sink> {
	mkdirSync(dir, { recursive: true });
	const posts: Post[] = [];
	let counter = 0;
	const server: Server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://sink');
		if (req.method === 'GET' && url.pathname === '/posts') {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(posts));
			return;
		}
		if (req.method !== 'POST') {
			res.writeHead(405).end();
			return;
		}
		const header = req.headers['x-video-name'];
		const name = safeName(String((Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('name') ?? 'video'));
		const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
		const file = join(dir, `${stamp}-${String(++counter).padStart(3, '0')}-${name}${name.endsWith('.mp4') ? '' : '.mp4'}`);
		let bytes = 0;
		req.on('data', (chunk: Buffer) => (bytes += chunk.length));
		pipeline(req, createWriteStream(file))
			.then(() => {
				posts.push({ path: url.pathname, file, bytes, contentType: String(req.headers['content-type'] ?? ''), headers: req.headers, receivedAt: new Date() });
				res.writeHead(201, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ posted: true, file, bytes }));
			})
			.catch((error: Error) => {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: error.message }));
			});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});
	const address = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${address.port}`,
		posts,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
