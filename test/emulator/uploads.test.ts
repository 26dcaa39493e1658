/**
 * The upload routes the official SDKs use: fal's multipart upload (initiate-multipart, parts,
 * complete) and WaveSpeed's ticket upload (ticket, PUT, download).
 */
import type { Emulator } from './index';
import { download, falAuth, postJson, useEmulator, wavespeedAuth } from './testHelpers';

let emulator: Emulator;
useEmulator({}, (started) => (emulator = started));

/** fal-js's part and complete URLs: `${origin}${pathname}/${n}${search}` (storage.ts). */
const partUrl = (uploadUrl: string, suffix: string | number) => {
	const url = new URL(uploadUrl);
	return `${url.origin}${url.pathname}/${suffix}${url.search}`;
};

async function putPart(uploadUrl: string, n: number, bytes: Buffer) {
	const response = await fetch(partUrl(uploadUrl, n), { method: 'PUT', body: bytes });
	return { status: response.status, body: (await response.json()) as { partNumber: number; etag: string } };
}

const complete = (uploadUrl: string, parts: unknown) =>
	postJson(partUrl(uploadUrl, 'complete'), { 'content-type': 'application/json' }, { parts });

describe('fal multipart upload', () => {
	const initiate = () =>
		postJson(`${emulator.baseUrls.falRest}/storage/upload/initiate-multipart?storage_type=fal-cdn-v3`, falAuth, {
			content_type: 'video/mp4',
			file_name: 'reference.mp4',
		});
	const pieces = [Buffer.alloc(3000, 1), Buffer.alloc(3000, 2), Buffer.from('tail bytes')];

	it('initiate, PUT each part (no auth), complete: the file is served at file_url, parts in order', async () => {
		const started = await initiate();
		expect(started.status).toBe(200);
		const { upload_url: uploadUrl, file_url: fileUrl } = started.body;
		expect(fileUrl).toMatch(/\/files\/fal\/uploads\/[^/]+\/reference\.mp4$/);
		expect((await download(fileUrl)).status).toBe(404);
		const parts = [];
		for (const [i, bytes] of pieces.entries()) {
			const part = await putPart(uploadUrl, i + 1, bytes);
			expect(part.status).toBe(200);
			expect(part.body).toEqual({ partNumber: i + 1, etag: expect.stringMatching(/^[0-9a-f]{32}$/) });
			parts.push(part.body);
		}
		expect(new Set(parts.map((p) => p.etag)).size).toBe(3);
		const done = await complete(uploadUrl, parts.map(({ partNumber, etag }) => ({ partNumber, etag })));
		expect(done.status).toBe(200);
		const file = await download(fileUrl);
		expect(file.status).toBe(200);
		expect(file.headers.get('content-type')).toBe('video/mp4');
		expect(file.bytes.equals(Buffer.concat(pieces))).toBe(true);
		// Closed once complete.
		expect((await fetch(partUrl(uploadUrl, 4), { method: 'PUT', body: 'more' })).status).toBe(400);
		expect(emulator.counters().count({ provider: 'fal', route: 'uploadPut' })).toBe(4);
		expect(emulator.counters().count({ provider: 'fal', route: 'uploadComplete' })).toBe(1);
	});

	it('refuses a complete with a wrong etag, a part left out, a part never uploaded, or a wrong token', async () => {
		const { upload_url: uploadUrl, file_url: fileUrl } = (await initiate()).body;
		const parts = [];
		for (const [i, bytes] of pieces.entries()) parts.push((await putPart(uploadUrl, i + 1, bytes)).body);
		const badEtag = await complete(uploadUrl, [parts[0], { ...parts[1], etag: parts[0].etag }, parts[2]]);
		expect(badEtag.status).toBe(400);
		expect(badEtag.body.detail).toMatch(/etag of part 2/);
		const leftOut = await complete(uploadUrl, [parts[0], parts[2]]);
		expect([leftOut.status, leftOut.body.detail]).toEqual([400, expect.stringMatching(/leaves out .*2/)]);
		const never = await complete(uploadUrl, [...parts, { partNumber: 4, etag: parts[0].etag }]);
		expect([never.status, never.body.detail]).toEqual([400, expect.stringMatching(/part 4 was never uploaded/)]);
		expect((await complete(uploadUrl, [])).status).toBe(400);
		const forged = uploadUrl.replace(/token=[^&]+/, 'token=forged');
		expect((await complete(forged, parts)).status).toBe(403);
		expect((await fetch(partUrl(forged, 1), { method: 'PUT', body: 'x' })).status).toBe(403);
		expect((await download(fileUrl)).status).toBe(404);
		// A part sent again replaces the first try; the right list then completes.
		const retried = await putPart(uploadUrl, 2, pieces[1]);
		expect(retried.body.etag).toBe(parts[1].etag);
		expect((await complete(uploadUrl, parts)).status).toBe(200);
		expect((await download(fileUrl)).bytes.length).toBe(6010);
	});

	it('a gap in the part numbers is a missing part', async () => {
		const { upload_url: uploadUrl } = (await initiate()).body;
		const one = (await putPart(uploadUrl, 1, pieces[0])).body;
		const three = (await putPart(uploadUrl, 3, pieces[2])).body;
		const response = await complete(uploadUrl, [one, three]);
		expect([response.status, response.body.detail]).toEqual([400, 'part 2 is missing']);
	});

	it('refuses an initiate without file_name in fal\'s 422 shape, and without the key', async () => {
		const missing = await postJson(`${emulator.baseUrls.falRest}/storage/upload/initiate-multipart?storage_type=fal-cdn-v3`, falAuth, {});
		expect(missing.status).toBe(422);
		expect(missing.body.detail).toEqual([expect.objectContaining({ type: 'missing', loc: ['body', 'file_name'] })]);
		const anonymous = await postJson(`${emulator.baseUrls.falRest}/storage/upload/initiate-multipart`, { 'content-type': 'application/json' }, {
			file_name: 'x.mp4',
		});
		expect(anonymous.status).toBe(401);
	});
});

describe('WaveSpeed ticket upload', () => {
	const ticket = (body: object) => postJson(`${emulator.baseUrls.wavespeed}/media/uploads`, wavespeedAuth, body);
	const bytes = Buffer.from('a small png, honestly');

	it('ticket → PUT with exactly upload.headers and no Authorization → download_url serves the bytes', async () => {
		const answer = await ticket({ filename: 'start.png', size: bytes.length, content_type: 'image/png' });
		expect(answer.body).toEqual({
			code: 200,
			message: 'success',
			data: {
				type: 'image',
				download_url: expect.stringMatching(/\/files\/wavespeed\/uploads\/[^/]+\/start\.png$/),
				filename: 'start.png',
				size: bytes.length,
				upload: { method: 'PUT', url: expect.stringContaining('token='), headers: { 'Content-Type': 'image/png' } },
			},
		});
		const { upload, download_url: downloadUrl } = answer.body.data;
		expect((await download(downloadUrl)).status).toBe(404);
		const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
		expect(put.status).toBe(200);
		const served = await download(downloadUrl);
		expect(served.bytes.equals(bytes)).toBe(true);
		expect(served.headers.get('content-type')).toBe('image/png');
	});

	it('refuses a PUT whose length is not the ticket size, or whose Content-Type is not the signed one', async () => {
		const { upload, download_url: downloadUrl } = (await ticket({ filename: 'a.png', size: bytes.length, content_type: 'image/png' })).body.data;
		const longer = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: Buffer.concat([bytes, bytes]) });
		expect(longer.status).toBe(400);
		expect(((await longer.json()) as { detail: string }).detail).toContain(`the upload ticket says ${bytes.length}`);
		const otherType = await fetch(upload.url, { method: 'PUT', headers: { 'content-type': 'image/jpeg' }, body: bytes });
		expect(otherType.status).toBe(403);
		expect((await download(downloadUrl)).status).toBe(404);
		expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes })).status).toBe(200);
	});

	it('without content_type the ticket signs no headers; filename and an integer size are required', async () => {
		const answer = await ticket({ filename: 'blob.bin', size: 4 });
		expect(answer.body.data).toMatchObject({ type: 'file', upload: { headers: {} } });
		expect((await fetch(answer.body.data.upload.url, { method: 'PUT', body: Buffer.from('abcd') })).status).toBe(200);
		expect((await download(answer.body.data.download_url)).bytes.toString()).toBe('abcd');
		for (const bad of [{ size: 4 }, { filename: 'x' }, { filename: 'x', size: '4' }]) {
			const refused = await ticket(bad);
			expect([refused.status, refused.body.code, refused.body.data]).toEqual([400, 400, null]);
		}
		expect((await postJson(`${emulator.baseUrls.wavespeed}/media/uploads`, { 'content-type': 'application/json' }, { filename: 'x', size: 1 })).status).toBe(401);
	});

	it('keeps the legacy binary route', async () => {
		const form = new FormData();
		form.append('file', new Blob([bytes], { type: 'image/png' }), 'legacy.png');
		const response = await fetch(`${emulator.baseUrls.wavespeed}/media/upload/binary`, {
			method: 'POST',
			headers: { authorization: wavespeedAuth.authorization },
			body: form,
		});
		const answer = (await response.json()) as any;
		expect(answer).toMatchObject({ code: 200, data: { type: 'image', filename: 'legacy.png', size: bytes.length } });
		expect((await download(answer.data.download_url)).bytes.equals(bytes)).toBe(true);
	});
});
