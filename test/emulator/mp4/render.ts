/**
 * The picture of one job: a background colour taken from a hash of the label (so two jobs differ
 * at a glance), a strip of hash colours along the top (so they differ even when the text looks
 * alike), the label in black or white (whichever contrasts), wrapped and as large as fits, and a
 * small caption band at the bottom (the caller's text: frame size, ratio, duration).
 */
import { createHash } from 'node:crypto';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from './font';
import { brightness, Canvas, type Rgb } from './picture';

const MARGIN = 3;
const STRIP_HEIGHT = 3;
const STRIP_SEGMENTS = 8;
/** One empty column between glyphs, one empty row between lines (times the scale). */
const ADVANCE = GLYPH_WIDTH + 1;
const LINE_HEIGHT = GLYPH_HEIGHT + 1;
/** Glyph scales, largest first (see the choice in renderPicture). */
const SCALES = [3, 2, 1];
/** The caption stays a small band even on a tiny frame. */
const CAPTION_MAX_LINES = 2;

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [16, 16, 16];

export interface RenderSpec {
	width: number;
	height: number;
	label: string;
	caption: string;
}

export function renderPicture({ width, height, label, caption }: RenderSpec): Canvas {
	const hash = createHash('sha256').update(label, 'utf8').digest();
	const background = hsv((hash.readUInt16BE(0) / 65536) * 360, 0.55 + (hash[2] / 255) * 0.3, 0.35 + (hash[3] / 255) * 0.4);
	const text = brightness(background) > 0.5 ? INK : WHITE;
	const canvas = new Canvas(width, height, background);

	for (let i = 0; i < STRIP_SEGMENTS; i++) {
		const x0 = Math.floor((i * width) / STRIP_SEGMENTS);
		const x1 = Math.floor(((i + 1) * width) / STRIP_SEGMENTS);
		const colour = hsv((hash[4 + i] / 256) * 360, 0.8, 0.9);
		canvas.fillRect(x0, 0, x1 - x0, STRIP_HEIGHT, colour);
	}

	// Caption: background-coloured text on a band of the text colour, at the smallest scale.
	const captionLines = wrap(caption, charsPerLine(width, 1), CAPTION_MAX_LINES).lines;
	const bandHeight = captionLines.length > 0 ? captionLines.length * LINE_HEIGHT + 3 : 0;
	const bandTop = height - bandHeight;
	if (bandHeight > 0) {
		canvas.fillRect(0, bandTop, width, bandHeight, text);
		drawLines(canvas, captionLines, 1, bandTop + 2, background);
	}

	// Label, in the space between strip and band: the largest scale where it fits with no word
	// cut in two, else the largest where it fits at all (a job id may be longer than any line),
	// else the smallest scale, truncated.
	const top = STRIP_HEIGHT + MARGIN;
	const areaHeight = bandTop - MARGIN - top;
	const layouts = SCALES.map((scale) => ({
		scale,
		...wrap(label, charsPerLine(width, scale), Math.floor((areaHeight + scale) / (LINE_HEIGHT * scale))),
	})).filter(({ lines }) => lines.length > 0);
	const chosen =
		layouts.find(({ truncated, cut }) => !truncated && !cut) ??
		layouts.find(({ truncated }) => !truncated) ??
		layouts[layouts.length - 1];
	if (chosen) {
		const { scale, lines } = chosen;
		const blockHeight = lines.length * LINE_HEIGHT * scale - scale;
		drawLines(canvas, lines, scale, top + Math.max(0, Math.floor((areaHeight - blockHeight) / 2)), text);
	}
	return canvas;
}

const charsPerLine = (width: number, scale: number) => Math.floor((width - 2 * MARGIN + scale) / (ADVANCE * scale));

/** Lines centred horizontally, from `top` down. */
function drawLines(canvas: Canvas, lines: string[], scale: number, top: number, colour: Rgb): void {
	lines.forEach((line, index) => {
		const lineWidth = line.length * ADVANCE * scale - scale;
		const left = Math.floor((canvas.width - lineWidth) / 2);
		[...line].forEach((char, column) =>
			drawGlyph(canvas, char, left + column * ADVANCE * scale, top + index * LINE_HEIGHT * scale, scale, colour),
		);
	});
}

function drawGlyph(canvas: Canvas, char: string, x: number, y: number, scale: number, colour: Rgb): void {
	const rows = glyph(char);
	for (let row = 0; row < GLYPH_HEIGHT; row++) {
		for (let col = 0; col < GLYPH_WIDTH; col++) {
			if (rows[row] & (1 << (GLYPH_WIDTH - 1 - col))) canvas.fillRect(x + col * scale, y + row * scale, scale, scale, colour);
		}
	}
}

export interface Wrapped {
	lines: string[];
	/** The text did not fit in `maxLines`; the last line ends with "..". */
	truncated: boolean;
	/** A word longer than a line was split across lines. */
	cut: boolean;
}

/**
 * Word wrap to `width` characters and at most `maxLines` lines. Explicit newlines are kept; a
 * word may also break after - _ / . : , (job ids such as UUIDs break at their dashes), and only a
 * piece longer than a whole line is cut.
 */
export function wrap(text: string, width: number, maxLines: number): Wrapped {
	const lines: string[] = [];
	let cut = false;
	if (width < 1 || maxLines < 1) return { lines, truncated: text.trim() !== '', cut };
	for (const paragraph of text.split(/\r?\n/)) {
		let line = '';
		for (const word of paragraph.split(/\s+/).filter(Boolean)) {
			word.split(/(?<=[-_/.:,])/).forEach((piece, index) => {
				const joined = line ? `${line}${index === 0 ? ' ' : ''}${piece}` : piece;
				if (joined.length <= width) {
					line = joined;
					return;
				}
				if (line) lines.push(line);
				for (; piece.length > width; piece = piece.slice(width)) {
					lines.push(piece.slice(0, width));
					cut = true;
				}
				line = piece;
			});
		}
		if (line) lines.push(line);
	}
	if (lines.length <= maxLines) return { lines, truncated: false, cut };
	const kept = lines.slice(0, maxLines);
	kept[maxLines - 1] = `${kept[maxLines - 1].slice(0, Math.max(0, width - 2))}..`.slice(0, width);
	return { lines: kept, truncated: true, cut };
}

/** HSV (hue in degrees, s and v 0..1) → 8-bit RGB. */
function hsv(hue: number, saturation: number, value: number): Rgb {
	const chromaValue = value * saturation;
	const sector = (hue / 60) % 6;
	const x = chromaValue * (1 - Math.abs((sector % 2) - 1));
	const [r, g, b] = [
		[chromaValue, x, 0],
		[x, chromaValue, 0],
		[0, chromaValue, x],
		[0, x, chromaValue],
		[x, 0, chromaValue],
		[chromaValue, 0, x],
	][Math.floor(sector)];
	const m = value - chromaValue;
	return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}
