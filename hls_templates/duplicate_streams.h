// codesign::duplicate_streams -- fork: copies every beat of one stream to two output streams.
//
// Streams: ap_uint<WIDTH>, NUM_BEATS beats per frame.  One beat per cycle (II=1).
#ifndef CODESIGN_DUPLICATE_STREAMS_H
#define CODESIGN_DUPLICATE_STREAMS_H

#include "cs_common.h"

namespace codesign {

template <int WIDTH, int NUM_BEATS>
void duplicate_streams(hls::stream<ap_uint<WIDTH> >& in, hls::stream<ap_uint<WIDTH> >& out0,
                       hls::stream<ap_uint<WIDTH> >& out1, unsigned num_frames) {
#pragma HLS INLINE off
    const unsigned total = num_frames * NUM_BEATS;
    for (unsigned it = 0; it < total; it++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=NUM_BEATS max=NUM_BEATS
        const ap_uint<WIDTH> x = in.read();
        out0.write(x);
        out1.write(x);
    }
}

}  // namespace codesign

#endif  // CODESIGN_DUPLICATE_STREAMS_H
