/**
 * An RGB canvas the renderer draws on, and its conversion to the YUV 4:2:0 planes H.264 carries.
 * Colours go through BT.601 limited range (Y 16–235, Cb/Cr 16–240), the default every player
 * assumes when the stream does not say otherwise, so what is drawn is what is shown.
 */

// Module-level aliases: under jest every lookup of the global `Math` goes through the sandbox's
// global object and costs ~20x more, which in the per-pixel loops below made a render 20 ms.
const { floor, max, min, round } = Math;

export type Rgb = readonly [number, number, number];

export interface Yuv420 {
	width: number;
	height: number;
	y: Uint8Array;
	/** Cb and Cr, each (width/2) x (height/2). */
	u: Uint8Array;
	v: Uint8Array;
}

export class Canvas {
	readonly pixels: Uint8Array;

	constructor(
		readonly width: number,
		readonly height: number,
		background: Rgb,
	) {
		this.pixels = new Uint8Array(width * height * 3);
		this.fillRect(0, 0, width, height, background);
	}

	/** A rectangle, clipped to the canvas. */
	fillRect(x: number, y: number, w: number, h: number, colour: Rgb): void {
		const x0 = max(0, floor(x));
		const y0 = max(0, floor(y));
		const x1 = min(this.width, floor(x + w));
		const y1 = min(this.height, floor(y + h));
		for (let row = y0; row < y1; row++) {
			for (let col = x0; col < x1; col++) {
				const at = (row * this.width + col) * 3;
				this.pixels[at] = colour[0];
				this.pixels[at + 1] = colour[1];
				this.pixels[at + 2] = colour[2];
			}
		}
	}

	/**
	 * The planes at `codedWidth` x `codedHeight` (whole macroblocks). The canvas sits top-left;
	 * the margin the decoder crops away repeats the edge pixels, so it never bleeds into the
	 * chroma of the visible border.
	 */
	toYuv420(codedWidth: number, codedHeight: number): Yuv420 {
		const y = new Uint8Array(codedWidth * codedHeight);
		const cw = codedWidth / 2;
		const ch = codedHeight / 2;
		const u = new Uint8Array(cw * ch);
		const v = new Uint8Array(cw * ch);
		const px = this.pixels;
		// Plain index loops, no per-pixel allocation: this runs for every rendered output.
		const lastRow = this.height - 1;
		const lastCol = this.width - 1;
		const width = this.width;
		const at = (col: number, row: number) => ((row < lastRow ? row : lastRow) * width + (col < lastCol ? col : lastCol)) * 3;
		for (let row = 0; row < codedHeight; row++) {
			for (let col = 0; col < codedWidth; col++) {
				const i = at(col, row);
				y[row * codedWidth + col] = luma(px[i], px[i + 1], px[i + 2]);
			}
		}
		for (let row = 0; row < ch; row++) {
			for (let col = 0; col < cw; col++) {
				// Average the 2x2 block the chroma sample covers.
				const a = at(2 * col, 2 * row);
				const b = at(2 * col + 1, 2 * row);
				const c = at(2 * col, 2 * row + 1);
				const d = at(2 * col + 1, 2 * row + 1);
				const r = (px[a] + px[b] + px[c] + px[d]) / 4;
				const g = (px[a + 1] + px[b + 1] + px[c + 1] + px[d + 1]) / 4;
				const bl = (px[a + 2] + px[b + 2] + px[c + 2] + px[d + 2]) / 4;
				u[row * cw + col] = cb(r, g, bl);
				v[row * cw + col] = cr(r, g, bl);
			}
		}
		return { width: codedWidth, height: codedHeight, y, u, v };
	}
}

const clamp = (value: number, low: number, high: number) => min(high, max(low, round(value)));

/** BT.601 limited range: never 0, so the samples themselves never make a 00 00 run. */
export function luma(r: number, g: number, b: number): number {
	return clamp(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255, 16, 235);
}

export function cb(r: number, g: number, b: number): number {
	return clamp(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255, 16, 240);
}

export function cr(r: number, g: number, b: number): number {
	return clamp(128 + (112 * r - 93.786 * g - 18.214 * b) / 255, 16, 240);
}

/** Relative brightness 0..1, to pick black or white text over a background. */
export const brightness = ([r, g, b]: Rgb) => (0.299 * r + 0.587 * g + 0.114 * b) / 255;
