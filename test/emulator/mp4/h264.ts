/**
 * An H.264 writer that needs no encoder. The first picture is an IDR slice whose macroblocks are
 * all I_PCM (raw 8-bit YUV 4:2:0 samples), so any picture is coded exactly and with no transform
 * or prediction code at all. Every later picture is a P slice made of one `mb_skip_run` covering
 * all macroblocks (P_Skip with zero motion copies the previous picture), a few bytes each, so a
 * 10 s clip costs one raw picture plus a handful of bytes per frame.
 *
 * Constrained Baseline, CAVLC, pic_order_cnt_type 2 (output order = decoding order, so there is
 * no POC to code and no reordering). Every picture is a reference picture: type-2 POC forbids two
 * consecutive non-reference pictures, and with max_num_ref_frames = 1 the sliding window simply
 * keeps the latest one.
 */
import { BitWriter } from './bits';
import { NAL_IDR, NAL_PPS, NAL_SLICE, NAL_SPS, nalUnit } from './nal';
import type { Yuv420 } from './picture';

export const PROFILE_BASELINE = 66;
/** constraint_set0 + constraint_set1: Constrained Baseline, which every decoder accepts. */
export const CONSTRAINT_FLAGS = 0xc0;
/**
 * Level 3.0: the I_PCM picture is ~260 kbit, above the level 1–2 CPB sizes; 3.0 is universally
 * supported and its frame-size limit (1620 macroblocks) covers 720x576.
 */
export const LEVEL_IDC = 30;
const LOG2_MAX_FRAME_NUM = 8;
/** Crop offsets are in units of 2 luma samples for 4:2:0 progressive video (H.264 7.4.2.1.1). */
const CROP_UNIT = 2;
/** mb_type of I_PCM in an I slice (Table 7-11). */
const MB_TYPE_I_PCM = 25;
const SLICE_TYPE_P = 5; // 5..9 = "all slices of the picture have this type"
const SLICE_TYPE_I = 7;

export interface H264Stream {
	/** SPS and PPS NAL units (header byte + escaped payload), for the avcC box. */
	sps: Buffer;
	pps: Buffer;
	/** One access unit per frame, each the NAL units of that frame (no start codes, no lengths). */
	frames: Buffer[][];
}

export const macroblocks = (size: number) => Math.ceil(size / 16);

export function sequenceParameterSet(width: number, height: number, fps: number): Buffer {
	const widthMbs = macroblocks(width);
	const heightMbs = macroblocks(height);
	const cropRight = (widthMbs * 16 - width) / CROP_UNIT;
	const cropBottom = (heightMbs * 16 - height) / CROP_UNIT;
	const w = new BitWriter(32)
		.u(8, PROFILE_BASELINE)
		.u(8, CONSTRAINT_FLAGS)
		.u(8, LEVEL_IDC)
		.ue(0) // seq_parameter_set_id
		.ue(LOG2_MAX_FRAME_NUM - 4)
		.ue(2) // pic_order_cnt_type
		.ue(1) // max_num_ref_frames
		.flag(false) // gaps_in_frame_num_value_allowed_flag
		.ue(widthMbs - 1)
		.ue(heightMbs - 1)
		.flag(true) // frame_mbs_only_flag
		.flag(true) // direct_8x8_inference_flag
		.flag(cropRight > 0 || cropBottom > 0); // frame_cropping_flag
	if (cropRight > 0 || cropBottom > 0) w.ue(0).ue(cropRight).ue(0).ue(cropBottom);
	// VUI: square pixels, the frame rate, and "no reordering" so players output each frame at once.
	w.flag(true) // vui_parameters_present_flag
		.flag(true) // aspect_ratio_info_present_flag
		.u(8, 1) // aspect_ratio_idc 1 = 1:1
		.flag(false) // overscan_info_present_flag
		.flag(false) // video_signal_type_present_flag
		.flag(false) // chroma_loc_info_present_flag
		.flag(true) // timing_info_present_flag
		.u(32, 1) // num_units_in_tick
		.u(32, 2 * fps) // time_scale (a frame is two ticks)
		.flag(true) // fixed_frame_rate_flag
		.flag(false) // nal_hrd_parameters_present_flag
		.flag(false) // vcl_hrd_parameters_present_flag
		.flag(false) // pic_struct_present_flag
		.flag(true) // bitstream_restriction_flag
		.flag(true) // motion_vectors_over_pic_boundaries_flag
		.ue(0) // max_bytes_per_pic_denom (no limit)
		.ue(0) // max_bits_per_mb_denom (no limit)
		.ue(16) // log2_max_mv_length_horizontal
		.ue(16) // log2_max_mv_length_vertical
		.ue(0) // max_num_reorder_frames
		.ue(1) // max_dec_frame_buffering
		.trailingBits();
	return nalUnit(NAL_SPS, 3, w.finish());
}

export function pictureParameterSet(): Buffer {
	const w = new BitWriter(16)
		.ue(0) // pic_parameter_set_id
		.ue(0) // seq_parameter_set_id
		.flag(false) // entropy_coding_mode_flag: CAVLC
		.flag(false) // bottom_field_pic_order_in_frame_present_flag
		.ue(0) // num_slice_groups_minus1
		.ue(0) // num_ref_idx_l0_default_active_minus1
		.ue(0) // num_ref_idx_l1_default_active_minus1
		.flag(false) // weighted_pred_flag
		.u(2, 0) // weighted_bipred_idc
		.se(0) // pic_init_qp_minus26
		.se(0) // pic_init_qs_minus26
		.se(0) // chroma_qp_index_offset
		.flag(true) // deblocking_filter_control_present_flag: lets slices switch the filter off
		.flag(false) // constrained_intra_pred_flag
		.flag(false) // redundant_pic_cnt_present_flag
		.trailingBits();
	return nalUnit(NAL_PPS, 3, w.finish());
}

/** Slice header fields shared by both slice kinds, up to `slice_qp_delta` and the filter switch. */
function sliceHeader(w: BitWriter, idr: boolean, frameNum: number): void {
	w.ue(0) // first_mb_in_slice
		.ue(idr ? SLICE_TYPE_I : SLICE_TYPE_P)
		.ue(0) // pic_parameter_set_id
		.u(LOG2_MAX_FRAME_NUM, frameNum % 2 ** LOG2_MAX_FRAME_NUM);
	if (idr) {
		w.ue(0); // idr_pic_id
	} else {
		w.flag(false) // num_ref_idx_active_override_flag
			.flag(false); // ref_pic_list_modification_flag_l0
	}
	// dec_ref_pic_marking(), since nal_ref_idc != 0
	if (idr) {
		w.flag(false) // no_output_of_prior_pics_flag
			.flag(false); // long_term_reference_flag
	} else {
		w.flag(false); // adaptive_ref_pic_marking_mode_flag: sliding window
	}
	w.se(0) // slice_qp_delta
		.ue(1); // disable_deblocking_filter_idc: off (PCM and skipped blocks need none)
}

/** The IDR picture: every macroblock I_PCM, in raster order, 256 Y then 64 Cb then 64 Cr bytes. */
export function idrSlice(picture: Yuv420): Buffer {
	const widthMbs = picture.width / 16;
	const heightMbs = picture.height / 16;
	const mbBytes = new Uint8Array(384);
	const w = new BitWriter(widthMbs * heightMbs * 386 + 64);
	sliceHeader(w, true, 0);
	for (let mbY = 0; mbY < heightMbs; mbY++) {
		for (let mbX = 0; mbX < widthMbs; mbX++) {
			w.ue(MB_TYPE_I_PCM).alignZero(); // pcm_alignment_zero_bit
			copyMacroblock(picture, mbX, mbY, mbBytes);
			w.bytes(mbBytes);
		}
	}
	w.trailingBits();
	return nalUnit(NAL_IDR, 3, w.finish());
}

/** A P picture that repeats the previous one: a single skip run over all macroblocks. */
export function skipSlice(frameNum: number, macroblockCount: number): Buffer {
	const w = new BitWriter(16);
	sliceHeader(w, false, frameNum);
	w.ue(macroblockCount).trailingBits(); // mb_skip_run, then no more slice data
	return nalUnit(NAL_SLICE, 2, w.finish());
}

function copyMacroblock(picture: Yuv420, mbX: number, mbY: number, out: Uint8Array): void {
	let at = 0;
	for (let row = 0; row < 16; row++) {
		const start = (mbY * 16 + row) * picture.width + mbX * 16;
		out.set(picture.y.subarray(start, start + 16), at);
		at += 16;
	}
	const chromaWidth = picture.width / 2;
	for (const plane of [picture.u, picture.v]) {
		for (let row = 0; row < 8; row++) {
			const start = (mbY * 8 + row) * chromaWidth + mbX * 8;
			out.set(plane.subarray(start, start + 8), at);
			at += 8;
		}
	}
}

/**
 * The whole stream for a still picture shown for `frameCount` frames. `picture` is the coded
 * size (multiples of 16); `width` x `height` is the displayed size, cropped from its top-left.
 */
export function encodeStill(picture: Yuv420, width: number, height: number, fps: number, frameCount: number): H264Stream {
	if (picture.width % 16 || picture.height % 16) throw new RangeError('the coded picture must be whole macroblocks');
	if (picture.width !== macroblocks(width) * 16 || picture.height !== macroblocks(height) * 16) {
		throw new RangeError('the coded picture does not match the display size');
	}
	const frames: Buffer[][] = [[idrSlice(picture)]];
	const count = (picture.width / 16) * (picture.height / 16);
	for (let n = 1; n < frameCount; n++) frames.push([skipSlice(n, count)]);
	return { sps: sequenceParameterSet(width, height, fps), pps: pictureParameterSet(), frames };
}
