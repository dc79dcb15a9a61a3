// codesign::thresholding -- standalone multi-threshold activation.
//
// Input : ap_uint<PE*IN_BITS>, NUM_PIX*C/PE beats per frame (NUM_PIX C-channel vectors, NHWC).
//         Lane p of beat i (counted from the start of the frame) is channel
//         c = (i*PE + p) mod C, i.e. c = nf*PE + p with nf = i mod (C/PE).
// Output: ap_uint<PE*OUT_BITS>, same beat count; lane = low OUT_BITS bits (two's complement) of
//         OUT_BIAS + #{j < NT : value(x) >= T[c][j]}     (value() per IN_KIND, see cs_common.h)
//         Bipolar output: NT = 1, OUT_BITS = 1, OUT_BIAS = 0 (bit 1 = +1).
// Threshold memory: const ap_int<T_BITS> thresholds[PE][C/PE][NT],
//         thresholds[p][nf][j] = T[c = nf*PE + p][j], each channel's row sorted ascending.
// One beat per cycle (II=1).
#ifndef CODESIGN_THRESHOLDING_H
#define CODESIGN_THRESHOLDING_H

#include "cs_common.h"

namespace codesign {

template <int NUM_PIX, int C, int PE, int IN_BITS, int IN_KIND, int NT, int T_BITS, int OUT_BITS,
          int OUT_BIAS>
void thresholding(hls::stream<ap_uint<PE * IN_BITS> >& in, hls::stream<ap_uint<PE * OUT_BITS> >& out,
                  const ap_int<T_BITS> thresholds[PE][C / PE][NT], unsigned num_frames) {
#pragma HLS INLINE off
    static_assert(C % PE == 0, "thresholding: PE must divide C");
    static_assert(NT >= 1, "thresholding: NT >= 1");
    static_assert(IN_KIND != DT_BIPOLAR || IN_BITS == 1, "thresholding: bipolar inputs are 1 bit");
#pragma HLS ARRAY_PARTITION variable=thresholds complete dim=1
#pragma HLS ARRAY_PARTITION variable=thresholds complete dim=3
    constexpr unsigned NF = C / PE;
    constexpr unsigned BEATS = NUM_PIX * NF;
    const unsigned total = num_frames * BEATS;
    unsigned nf = 0;
    for (unsigned it = 0; it < total; it++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=BEATS max=BEATS
        const ap_uint<PE * IN_BITS> x = in.read();
        ap_uint<PE * OUT_BITS> y = 0;
        for (int p = 0; p < PE; p++) {
#pragma HLS UNROLL
            typename Elem<IN_KIND, IN_BITS>::val_t v = lane_value<IN_KIND, IN_BITS>(x, p);
            set_lane<OUT_BITS>(y, p, threshold_code<NT, T_BITS, OUT_BITS, OUT_BIAS>(v, thresholds[p][nf]));
        }
        out.write(y);
        nf = (nf == NF - 1) ? 0 : nf + 1;
    }
}

}  // namespace codesign

#endif  // CODESIGN_THRESHOLDING_H
