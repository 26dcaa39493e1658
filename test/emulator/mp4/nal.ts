/**
 * NAL unit framing. A payload (RBSP) must never contain a start-code prefix, so wherever two
 * zero bytes are followed by a byte ≤ 3 an `emulation_prevention_three_byte` (0x03) goes in
 * between (H.264 7.4.1). Raw I_PCM samples can produce such runs, so this is not optional.
 */

export const NAL_SLICE = 1;
export const NAL_IDR = 5;
export const NAL_SPS = 7;
export const NAL_PPS = 8;

/** RBSP → escaped payload (the reverse of what a decoder does before parsing). */
export function escapeRbsp(rbsp: Uint8Array): Buffer {
	// Count first so the common case (nothing to escape) is one copy, and the rest one allocation.
	let inserts = 0;
	let zeros = 0;
	for (const byte of rbsp) {
		if (zeros >= 2 && byte <= 3) {
			inserts++;
			zeros = 0;
		}
		zeros = byte === 0 ? zeros + 1 : 0;
	}
	if (inserts === 0) return Buffer.from(rbsp);
	const out = Buffer.alloc(rbsp.length + inserts);
	let at = 0;
	zeros = 0;
	for (const byte of rbsp) {
		if (zeros >= 2 && byte <= 3) {
			out[at++] = 3;
			zeros = 0;
		}
		out[at++] = byte;
		zeros = byte === 0 ? zeros + 1 : 0;
	}
	return out;
}

/** The decoder's side, for tests: drops every 0x03 that follows two zero bytes. */
export function unescapeRbsp(payload: Uint8Array): Buffer {
	const out: number[] = [];
	let zeros = 0;
	for (const byte of payload) {
		if (zeros >= 2 && byte === 3) {
			zeros = 0;
			continue;
		}
		out.push(byte);
		zeros = byte === 0 ? zeros + 1 : 0;
	}
	return Buffer.from(out);
}

/** One NAL unit: header byte (forbidden_zero_bit, nal_ref_idc, nal_unit_type), escaped RBSP. */
export function nalUnit(type: number, refIdc: number, rbsp: Uint8Array): Buffer {
	return Buffer.concat([Buffer.from([((refIdc & 3) << 5) | (type & 0x1f)]), escapeRbsp(rbsp)]);
}

/** MP4 carries NAL units with a 4-byte big-endian length in front (avcC lengthSizeMinusOne = 3). */
export function lengthPrefixed(nal: Buffer): Buffer {
	const header = Buffer.alloc(4);
	header.writeUInt32BE(nal.length, 0);
	return Buffer.concat([header, nal]);
}
