// codesign::add_streams -- elementwise sum of two streams (residual add).
//
// Inputs: a: ap_uint<PE*A_BITS> (A_KIND), b: ap_uint<PE*B_BITS> (B_KIND), NUM_BEATS beats per
//         frame each, lanes aligned (same tensor shape and folding).
// Output: ap_uint<PE*OUT_BITS>; lane = low OUT_BITS (two's complement) of value(a) + value(b).
// One beat per cycle (II=1).
#ifndef CODESIGN_ADD_STREAMS_H
#define CODESIGN_ADD_STREAMS_H

#include "cs_common.h"

namespace codesign {

template <int PE, int NUM_BEATS, int A_BITS, int A_KIND, int B_BITS, int B_KIND, int OUT_BITS>
void add_streams(hls::stream<ap_uint<PE * A_BITS> >& a, hls::stream<ap_uint<PE * B_BITS> >& b,
                 hls::stream<ap_uint<PE * OUT_BITS> >& out, unsigned num_frames) {
#pragma HLS INLINE off
    const unsigned total = num_frames * NUM_BEATS;
    for (unsigned it = 0; it < total; it++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=NUM_BEATS max=NUM_BEATS
        const ap_uint<PE * A_BITS> xa = a.read();
        const ap_uint<PE * B_BITS> xb = b.read();
        ap_uint<PE * OUT_BITS> y = 0;
        for (int p = 0; p < PE; p++) {
#pragma HLS UNROLL
            const ap_int<cs_max(A_BITS, B_BITS) + 2> s =
                lane_value<A_KIND, A_BITS>(xa, p) + lane_value<B_KIND, B_BITS>(xb, p);
            set_lane<OUT_BITS>(y, p, s);
        }
        out.write(y);
    }
}

}  // namespace codesign

#endif  // CODESIGN_ADD_STREAMS_H
