/**
 * A most-significant-bit-first writer for H.264 syntax elements: fixed-width `u(n)`, exp-Golomb
 * `ue(v)`/`se(v)`, and a byte-aligned fast path for the raw I_PCM samples (which are the bulk of
 * every picture, so they must not go through the bit loop).
 */
// A module-level alias: under jest each lookup of the global `Math` is slow (sandbox global).
const { clz32 } = Math;

export class BitWriter {
	private buffer: Buffer;
	private byteLength = 0;
	/** Bits already used in the byte at `byteLength` (0..7). */
	private bitOffset = 0;

	constructor(initialBytes = 256) {
		this.buffer = Buffer.alloc(initialBytes);
	}

	get aligned(): boolean {
		return this.bitOffset === 0;
	}

	/** `u(n)`: the low `count` bits of `value` (taken as a uint32), count ≤ 32. */
	u(count: number, value: number): this {
		if (count < 0 || count > 32) throw new RangeError(`u(${count}) out of range`);
		for (let bit = count - 1; bit >= 0; bit--) this.bit((value >>> bit) & 1);
		return this;
	}

	flag(value: boolean): this {
		return this.bit(value ? 1 : 0);
	}

	/** `ue(v)`: unsigned exp-Golomb, `leadingZeros` zeros then `value + 1` in binary. */
	ue(value: number): this {
		if (!Number.isInteger(value) || value < 0 || value > 0xfffffffe) throw new RangeError(`ue(${value}) out of range`);
		const codeNum = value + 1;
		const length = 32 - clz32(codeNum); // bits in codeNum
		this.u(length - 1, 0);
		return this.u(length, codeNum);
	}

	/** `se(v)`: signed exp-Golomb, mapped 0, 1, -1, 2, -2, … onto ue. */
	se(value: number): this {
		return this.ue(value > 0 ? 2 * value - 1 : -2 * value);
	}

	/** Zero bits up to the next byte boundary (`pcm_alignment_zero_bit`). */
	alignZero(): this {
		while (this.bitOffset !== 0) this.bit(0);
		return this;
	}

	/** `rbsp_trailing_bits()`: a stop bit, then zeros to the byte boundary. */
	trailingBits(): this {
		this.bit(1);
		return this.alignZero();
	}

	/** Whole bytes; the writer must be byte-aligned (I_PCM samples always are). */
	bytes(data: Uint8Array): this {
		if (this.bitOffset !== 0) throw new Error('bytes() needs a byte-aligned writer');
		this.reserve(data.length);
		this.buffer.set(data, this.byteLength);
		this.byteLength += data.length;
		return this;
	}

	/** The bytes written so far; the writer must be byte-aligned. */
	finish(): Buffer {
		if (this.bitOffset !== 0) throw new Error('finish() needs a byte-aligned writer (add trailing bits)');
		return Buffer.from(this.buffer.subarray(0, this.byteLength));
	}

	private bit(value: number): this {
		if (this.bitOffset === 0) {
			this.reserve(1);
			this.buffer[this.byteLength] = 0;
		}
		if (value) this.buffer[this.byteLength] |= 0x80 >> this.bitOffset;
		this.bitOffset++;
		if (this.bitOffset === 8) {
			this.bitOffset = 0;
			this.byteLength++;
		}
		return this;
	}

	private reserve(extra: number): void {
		const needed = this.byteLength + extra + 1;
		if (needed <= this.buffer.length) return;
		const grown = Buffer.alloc(Math.max(needed, this.buffer.length * 2));
		this.buffer.copy(grown, 0, 0, this.byteLength + (this.bitOffset ? 1 : 0));
		this.buffer = grown;
	}
}
