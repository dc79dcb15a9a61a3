// codesign::fifo -- an explicit FIFO of DEPTH beats between two engines.
//
// Usually the top level just declares the connecting hls::stream with
// `#pragma HLS STREAM variable=s depth=DEPTH`; this engine is for the cases where a FIFO has to be
// a process of its own (e.g. a deep FIFO that should map to BRAM/URAM with its own depth).
// Streams: ap_uint<WIDTH>, NUM_BEATS beats per frame, data passed through unchanged.
#ifndef CODESIGN_FIFO_H
#define CODESIGN_FIFO_H

#include "cs_common.h"

namespace codesign {

template <int WIDTH, int NUM_BEATS>
void stream_copy(hls::stream<ap_uint<WIDTH> >& in, hls::stream<ap_uint<WIDTH> >& out,
                 unsigned num_frames) {
#pragma HLS INLINE off
    const unsigned total = num_frames * NUM_BEATS;
    for (unsigned it = 0; it < total; it++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=NUM_BEATS max=NUM_BEATS
        out.write(in.read());
    }
}

template <int WIDTH, int DEPTH, int NUM_BEATS>
void fifo(hls::stream<ap_uint<WIDTH> >& in, hls::stream<ap_uint<WIDTH> >& out, unsigned num_frames) {
#pragma HLS INLINE off
#pragma HLS DATAFLOW
    static_assert(DEPTH >= 2, "fifo: DEPTH >= 2");
    hls::stream<ap_uint<WIDTH> > q("codesign_fifo");
#pragma HLS STREAM variable=q depth=DEPTH
    stream_copy<WIDTH, NUM_BEATS>(in, q, num_frames);
    stream_copy<WIDTH, NUM_BEATS>(q, out, num_frames);
}

}  // namespace codesign

#endif  // CODESIGN_FIFO_H
