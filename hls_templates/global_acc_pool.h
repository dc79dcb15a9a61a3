// codesign::global_acc_pool -- global accumulation pool: per channel sum over all H*W pixels.
//
// Input : NUM_PIX (= H*W) pixels x C channels per frame, PE channels per beat, ap_uint<PE*IN_BITS>.
// Output: one C-vector per frame, PE channels per beat, ap_uint<PE*ACC_BITS>;
//         lane = low ACC_BITS (two's complement) of sum_{pix} value(x[pix][c]).
//         (Global *average* pooling = this followed by a scale, folded into the next thresholds.)
// II=1; the sums are emitted while the last pixel streams in (no extra cycles per frame).
#ifndef CODESIGN_GLOBAL_ACC_POOL_H
#define CODESIGN_GLOBAL_ACC_POOL_H

#include "cs_common.h"

namespace codesign {

template <int NUM_PIX, int C, int PE, int IN_BITS, int IN_KIND, int ACC_BITS>
void global_acc_pool(hls::stream<ap_uint<PE * IN_BITS> >& in, hls::stream<ap_uint<PE * ACC_BITS> >& out,
                     unsigned num_frames) {
#pragma HLS INLINE off
    static_assert(C % PE == 0, "global_acc_pool: PE must divide C");
    static_assert(IN_KIND != DT_BIPOLAR || IN_BITS == 1, "global_acc_pool: bipolar inputs are 1 bit");
    constexpr unsigned CF = C / PE;
    constexpr unsigned BEATS = NUM_PIX * CF;
    ap_int<ACC_BITS> acc[PE][CF];
#pragma HLS ARRAY_PARTITION variable=acc complete dim=1
    const unsigned total = num_frames * BEATS;
    unsigned pix = 0, cf = 0;
    for (unsigned it = 0; it < total; it++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=BEATS max=BEATS
        const ap_uint<PE * IN_BITS> x = in.read();
        ap_uint<PE * ACC_BITS> y = 0;
        for (int p = 0; p < PE; p++) {
#pragma HLS UNROLL
            const ap_int<ACC_BITS> v = lane_value<IN_KIND, IN_BITS>(x, p);
            const ap_int<ACC_BITS> s = (pix == 0) ? v : ap_int<ACC_BITS>(acc[p][cf] + v);
            acc[p][cf] = s;
            set_lane<ACC_BITS>(y, p, s);
        }
        if (pix == NUM_PIX - 1) {
            out.write(y);
        }
        if (cf == CF - 1) {
            cf = 0;
            pix = (pix == NUM_PIX - 1) ? 0 : pix + 1;
        } else {
            cf++;
        }
    }
}

}  // namespace codesign

#endif  // CODESIGN_GLOBAL_ACC_POOL_H
