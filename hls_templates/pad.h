// codesign::pad / codesign::pad_convert -- constant padding of an NHWC frame (FINN FMPadding; the
// SWG itself never pads).
//
// Input : IFM_H x IFM_W x C frame, SIMD channels per beat, raster order.
// Output: (PAD_T + IFM_H + PAD_B) x (PAD_L + IFM_W + PAD_R) x C frame, SIMD channels per beat;
//         out[y][x][c] = in[y-PAD_T][x-PAD_L][c] inside, the pad value elsewhere.
//         Template order of the pads: top, bottom, left, right.
// pad<..., SIMD, BITS, PAD_VAL>: ap_uint<SIMD*BITS> in and out, elements copied bit for bit;
//         PAD_VAL is the raw lane code: its low BITS bits (two's complement) fill every padded lane
//         (signed: pass the value, e.g. -1 = all ones; bipolar: 0 for -1, 1 for +1).
// pad_convert<..., SIMD, IN_BITS, IN_KIND, OUT_BITS, OUT_KIND, PAD_VAL>: also converts the
//         elements value-preservingly from (IN_BITS, IN_KIND) to (OUT_BITS, OUT_KIND); PAD_VAL is a
//         *value* of the output type.  E.g. a bipolar map padded with 0 becomes INT2:
//         pad_convert<..., 1, DT_BIPOLAR, 2, DT_INT, 0> (+1 -> 01, -1 -> 11, pad 00).
// One output beat per cycle (II=1): (PAD_T+IFM_H+PAD_B)*(PAD_L+IFM_W+PAD_R)*C/SIMD cycles per frame.
#ifndef CODESIGN_PAD_H
#define CODESIGN_PAD_H

#include "cs_common.h"

namespace codesign {

template <int IFM_H, int IFM_W, int C, int PAD_T, int PAD_B, int PAD_L, int PAD_R, int SIMD,
          int IN_BITS, int IN_KIND, int OUT_BITS, int OUT_KIND, int PAD_VAL>
void pad_convert(hls::stream<ap_uint<SIMD * IN_BITS> >& in, hls::stream<ap_uint<SIMD * OUT_BITS> >& out,
                 unsigned num_frames) {
#pragma HLS INLINE off
    static_assert(C % SIMD == 0, "pad: SIMD must divide C");
    static_assert(PAD_T >= 0 && PAD_B >= 0 && PAD_L >= 0 && PAD_R >= 0, "pad: negative padding");
    static_assert(IN_KIND != DT_BIPOLAR || IN_BITS == 1, "pad: bipolar inputs are 1 bit");
    static_assert(OUT_KIND != DT_BIPOLAR || OUT_BITS == 1, "pad: bipolar outputs are 1 bit");
    constexpr unsigned CF = C / SIMD;
    constexpr unsigned OH = PAD_T + IFM_H + PAD_B;
    constexpr unsigned OW = PAD_L + IFM_W + PAD_R;
    constexpr unsigned BEATS = OH * OW * CF;

    ap_uint<SIMD * OUT_BITS> pad_word = 0;
    for (int s = 0; s < SIMD; s++) {
#pragma HLS UNROLL
        set_lane<OUT_BITS>(pad_word, s, Elem<OUT_KIND, OUT_BITS>::encode(ap_int<33>(PAD_VAL)));
    }

    const unsigned total = num_frames * BEATS;
    unsigned y = 0, x = 0, cf = 0;
    for (unsigned it = 0; it < total; it++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=BEATS max=BEATS
        const bool inside = (y >= (unsigned)PAD_T) && (y < (unsigned)(PAD_T + IFM_H)) &&
                            (x >= (unsigned)PAD_L) && (x < (unsigned)(PAD_L + IFM_W));
        ap_uint<SIMD * OUT_BITS> o = pad_word;
        if (inside) {
            const ap_uint<SIMD * IN_BITS> i = in.read();
            for (int s = 0; s < SIMD; s++) {
#pragma HLS UNROLL
                set_lane<OUT_BITS>(o, s, Elem<OUT_KIND, OUT_BITS>::encode(lane_value<IN_KIND, IN_BITS>(i, s)));
            }
        }
        out.write(o);
        if (cf == CF - 1) {
            cf = 0;
            if (x == OW - 1) {
                x = 0;
                y = (y == OH - 1) ? 0 : y + 1;
            } else {
                x++;
            }
        } else {
            cf++;
        }
    }
}

// Same-type padding; bits copied unchanged, PAD_VAL is the raw lane code (low BITS bits).
template <int IFM_H, int IFM_W, int C, int PAD_T, int PAD_B, int PAD_L, int PAD_R, int SIMD, int BITS,
          int PAD_VAL>
void pad(hls::stream<ap_uint<SIMD * BITS> >& in, hls::stream<ap_uint<SIMD * BITS> >& out,
         unsigned num_frames) {
#pragma HLS INLINE
    // DT_UINT -> DT_UINT of the same width is the identity on the bits, and its encode() writes the
    // low BITS bits of PAD_VAL, i.e. the raw code.
    pad_convert<IFM_H, IFM_W, C, PAD_T, PAD_B, PAD_L, PAD_R, SIMD, BITS, DT_UINT, BITS, DT_UINT, PAD_VAL>(
        in, out, num_frames);
}

}  // namespace codesign

#endif  // CODESIGN_PAD_H
