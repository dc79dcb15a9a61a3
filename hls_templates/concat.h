// codesign::concat_streams -- channel concatenation of two NHWC streams.
//
// Inputs: in0 with C0 channels, in1 with C1 channels, NUM_PIX pixels per frame each, SIMD
//         channels per beat, ap_uint<SIMD*BITS> (same element type).
// Output: NUM_PIX pixels of C0 + C1 channels: per pixel first C0/SIMD beats of in0, then C1/SIMD
//         beats of in1.  One beat per cycle (II=1).
#ifndef CODESIGN_CONCAT_H
#define CODESIGN_CONCAT_H

#include "cs_common.h"

namespace codesign {

template <int NUM_PIX, int C0, int C1, int SIMD, int BITS>
void concat_streams(hls::stream<ap_uint<SIMD * BITS> >& in0, hls::stream<ap_uint<SIMD * BITS> >& in1,
                    hls::stream<ap_uint<SIMD * BITS> >& out, unsigned num_frames) {
#pragma HLS INLINE off
    static_assert(C0 % SIMD == 0 && C1 % SIMD == 0, "concat_streams: SIMD must divide C0 and C1");
    constexpr unsigned F0 = C0 / SIMD;
    constexpr unsigned FT = (C0 + C1) / SIMD;
    constexpr unsigned BEATS = NUM_PIX * FT;
    const unsigned total = num_frames * BEATS;
    unsigned f = 0;
    for (unsigned it = 0; it < total; it++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=BEATS max=BEATS
        out.write(f < F0 ? in0.read() : in1.read());
        f = (f == FT - 1) ? 0 : f + 1;
    }
}

}  // namespace codesign

#endif  // CODESIGN_CONCAT_H
