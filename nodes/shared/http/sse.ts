/**
 * A reader of server-sent events (`text/event-stream`) for streamed responses of the HTTP client
 * (fal's status stream uses it). It follows the WHATWG event-stream format for the fields a
 * provider sends: `event:`, `data:` (several lines join with `\n`), `:` comments, and a blank
 * line to dispatch; `id:` and `retry:` only matter to a reconnecting EventSource, so they are
 * skipped. Lines may end in LF, CR or CRLF, and chunks may split lines, events and UTF-8
 * characters anywhere.
 */

/** One server-sent event. `event` is "message" when the server named none. */
export interface SseEvent {
	event: string;
	data: string;
}

const LINE_END = /\r\n|\r|\n/;

/**
 * The events of a byte stream, as they complete. Unlike a browser's EventSource, an event the
 * server closed the stream on without its blank line is still delivered: a status stream that
 * ends after its last event must not lose it, and a caller that needs whole payloads checks them
 * (a cut-off JSON payload does not parse).
 */
export async function* sseEvents(source: AsyncIterable<Buffer | string>): AsyncGenerator<SseEvent> {
	const decoder = new TextDecoder('utf-8');
	const parser = new SseParser();
	let buffer = '';
	/** Complete lines of the buffer; at the end of the stream, also the last unterminated one. */
	const takeLines = function* (final: boolean): Generator<string> {
		for (;;) {
			const match = LINE_END.exec(buffer);
			// A trailing \r may be the first half of \r\n: wait for the next chunk unless there is none.
			if (!match || (!final && match[0] === '\r' && match.index === buffer.length - 1)) break;
			yield buffer.slice(0, match.index);
			buffer = buffer.slice(match.index + match[0].length);
		}
		if (final && buffer !== '') {
			yield buffer;
			buffer = '';
		}
	};
	for await (const chunk of source) {
		// `stream: true` keeps a UTF-8 character split between chunks for the next one.
		buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
		for (const line of takeLines(false)) {
			const event = parser.line(line);
			if (event) yield event;
		}
	}
	buffer += decoder.decode();
	for (const line of takeLines(true)) {
		const event = parser.line(line);
		if (event) yield event;
	}
	const last = parser.line('');
	if (last) yield last;
}

/** The state between lines: the event being built. */
class SseParser {
	private data: string[] = [];
	private event = 'message';

	/** Takes one line (without its line end); returns the event a blank line completes. */
	line(line: string): SseEvent | undefined {
		if (line === '') return this.dispatch();
		if (line.startsWith(':')) return undefined;
		const colon = line.indexOf(':');
		const name = colon === -1 ? line : line.slice(0, colon);
		// One space after the colon belongs to the syntax, not to the value.
		const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
		if (name === 'data') this.data.push(value);
		else if (name === 'event') this.event = value;
		return undefined;
	}

	private dispatch(): SseEvent | undefined {
		const event = this.data.length > 0 ? { event: this.event || 'message', data: this.data.join('\n') } : undefined;
		this.data = [];
		this.event = 'message';
		return event;
	}
}
