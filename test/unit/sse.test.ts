/** The event-stream reader of the HTTP layer: how bytes, as they arrive in chunks, become events. */
import { Readable } from 'node:stream';
import { sseEvents, type SseEvent } from '../../nodes/shared/http';

async function collect(chunks: readonly (string | Buffer)[]): Promise<SseEvent[]> {
	const events: SseEvent[] = [];
	for await (const event of sseEvents(Readable.from(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk))))) {
		events.push(event);
	}
	return events;
}

describe('sseEvents', () => {
	it('dispatches one event per blank line, named "message" unless the server names it', async () => {
		expect(await collect(['data: one\n\nevent: status\ndata: two\n\n'])).toEqual([
			{ event: 'message', data: 'one' },
			{ event: 'status', data: 'two' },
		]);
	});

	it('puts together an event split across chunks at any byte', async () => {
		const text = 'event: status\ndata: {"status":"IN_QUEUE"}\n\ndata: {"status":"IN_PROGRESS"}\n\n';
		const expected = [
			{ event: 'status', data: '{"status":"IN_QUEUE"}' },
			{ event: 'message', data: '{"status":"IN_PROGRESS"}' },
		];
		for (let cut = 1; cut < text.length; cut++) {
			expect(await collect([text.slice(0, cut), text.slice(cut)])).toEqual(expected);
		}
		expect(await collect(text.split(''))).toEqual(expected);
	});

	it('joins the lines of a multi-line data field with \\n', async () => {
		expect(await collect(['data: first\ndata: second\ndata\ndata:third\n\n'])).toEqual([{ event: 'message', data: 'first\nsecond\n\nthird' }]);
	});

	it('drops only the one space after the colon', async () => {
		expect(await collect(['data:  indented\n\n'])).toEqual([{ event: 'message', data: ' indented' }]);
	});

	it('skips comments, keep-alives and fields it does not use', async () => {
		expect(await collect([': keep-alive\n\n:another\nid: 7\nretry: 1000\nfoo: bar\ndata: x\n: in between\n\n'])).toEqual([
			{ event: 'message', data: 'x' },
		]);
	});

	it('dispatches nothing for a blank line without data', async () => {
		expect(await collect(['\n\nevent: ping\n\n\n'])).toEqual([]);
	});

	it('reads CRLF, CR and LF line ends, also a CRLF split between chunks', async () => {
		expect(await collect(['data: a\r\n\r\ndata: b\r\rdata: c\n\n'])).toEqual([
			{ event: 'message', data: 'a' },
			{ event: 'message', data: 'b' },
			{ event: 'message', data: 'c' },
		]);
		// The \r ends one chunk and the \n starts the next: one line end, not a line end and a blank line.
		expect(await collect(['data: a\r', '\ndata: b\r', '\n\r', '\n'])).toEqual([{ event: 'message', data: 'a\nb' }]);
	});

	it('keeps a UTF-8 character split between chunks whole', async () => {
		const bytes = Buffer.from('data: é ✓\n\n');
		for (let cut = 1; cut < bytes.length; cut++) {
			expect(await collect([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual([{ event: 'message', data: 'é ✓' }]);
		}
	});

	it('delivers the last event of a stream that ends mid-event, with or without its line end', async () => {
		expect(await collect(['data: {"status":"COMPLETED"}'])).toEqual([{ event: 'message', data: '{"status":"COMPLETED"}' }]);
		expect(await collect(['data: 1\n\ndata: 2\n'])).toEqual([
			{ event: 'message', data: '1' },
			{ event: 'message', data: '2' },
		]);
		expect(await collect(['data: 1\n\ndata: 2\r'])).toEqual([
			{ event: 'message', data: '1' },
			{ event: 'message', data: '2' },
		]);
	});

	it('delivers a cut-off payload as it came, for the caller to refuse', async () => {
		expect(await collect(['data: {"status":"COMP'])).toEqual([{ event: 'message', data: '{"status":"COMP' }]);
	});

	it('ends without events for an empty stream or one of comments only', async () => {
		expect(await collect([])).toEqual([]);
		expect(await collect([': only a comment'])).toEqual([]);
	});

	it('takes string chunks as well as bytes', async () => {
		const events: SseEvent[] = [];
		for await (const event of sseEvents(Readable.from(['data: a\n', '\n'], { objectMode: true }))) events.push(event);
		expect(events).toEqual([{ event: 'message', data: 'a' }]);
	});
});
