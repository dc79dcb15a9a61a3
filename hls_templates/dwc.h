// codesign::dwc -- data-width converter: re-packs a stream of IN_W-bit beats into OUT_W-bit beats
// preserving the bit (and so element) order, LSB first.
//
// A frame is FRAME_BITS bits: FRAME_BITS/IN_W input beats and FRAME_BITS/OUT_W output beats (both
// must divide FRAME_BITS).  Output bit j of the frame's bit string = input bit j, where the bit
// string of a stream is beat 0 bits 0..W-1, then beat 1, ...
// Cases (chosen at compile time):
//   IN_W == OUT_W        pass-through;
//   OUT_W % IN_W == 0    up-converter:   R = OUT_W/IN_W input beats -> 1 output beat, beat r of a
//                                        group lands in bits [r*IN_W, (r+1)*IN_W);
//   IN_W % OUT_W == 0    down-converter: 1 input beat -> R = IN_W/OUT_W output beats, LSBs first;
//   otherwise            up-convert to L = lcm(IN_W, OUT_W), then down-convert (DATAFLOW of the two).
// Every stage moves one beat per cycle (II=1); cycles per frame ~ max(input beats, output beats).
#ifndef CODESIGN_DWC_H
#define CODESIGN_DWC_H

#include "cs_common.h"

namespace codesign {

template <int W, int FRAME_BITS>
void dwc_pass(hls::stream<ap_uint<W> >& in, hls::stream<ap_uint<W> >& out, unsigned num_frames) {
#pragma HLS INLINE off
    static_assert(FRAME_BITS % W == 0, "dwc: width must divide FRAME_BITS");
    constexpr unsigned BEATS = FRAME_BITS / W;
    const unsigned total = num_frames * BEATS;
    for (unsigned it = 0; it < total; it++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=BEATS max=BEATS
        out.write(in.read());
    }
}

template <int IN_W, int OUT_W, int FRAME_BITS>
void dwc_up(hls::stream<ap_uint<IN_W> >& in, hls::stream<ap_uint<OUT_W> >& out, unsigned num_frames) {
#pragma HLS INLINE off
    static_assert(OUT_W % IN_W == 0, "dwc_up: IN_W must divide OUT_W");
    static_assert(FRAME_BITS % OUT_W == 0, "dwc_up: OUT_W must divide FRAME_BITS");
    constexpr unsigned R = OUT_W / IN_W;
    constexpr unsigned BEATS = FRAME_BITS / IN_W;
    const unsigned total = num_frames * BEATS;
    ap_uint<OUT_W> acc = 0;
    unsigned r = 0;
    for (unsigned it = 0; it < total; it++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=BEATS max=BEATS
        acc.range((r + 1) * IN_W - 1, r * IN_W) = in.read();
        if (r == R - 1) {
            out.write(acc);
            r = 0;
        } else {
            r++;
        }
    }
}

template <int IN_W, int OUT_W, int FRAME_BITS>
void dwc_down(hls::stream<ap_uint<IN_W> >& in, hls::stream<ap_uint<OUT_W> >& out, unsigned num_frames) {
#pragma HLS INLINE off
    static_assert(IN_W % OUT_W == 0, "dwc_down: OUT_W must divide IN_W");
    static_assert(FRAME_BITS % IN_W == 0, "dwc_down: IN_W must divide FRAME_BITS");
    constexpr unsigned R = IN_W / OUT_W;
    constexpr unsigned BEATS = FRAME_BITS / OUT_W;
    const unsigned total = num_frames * BEATS;
    ap_uint<IN_W> word = 0;
    unsigned r = 0;
    for (unsigned it = 0; it < total; it++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=BEATS max=BEATS
        if (r == 0) word = in.read();
        out.write(ap_uint<OUT_W>(word.range((r + 1) * OUT_W - 1, r * OUT_W)));
        r = (r == R - 1) ? 0 : r + 1;
    }
}

constexpr int dwc_mode(int in_w, int out_w) {
    return in_w == out_w ? 0 : (out_w % in_w == 0 ? 1 : (in_w % out_w == 0 ? 2 : 3));
}

template <int MODE>
struct DwcImpl;

template <>
struct DwcImpl<0> {
    template <int IN_W, int OUT_W, int FRAME_BITS>
    static void run(hls::stream<ap_uint<IN_W> >& in, hls::stream<ap_uint<OUT_W> >& out, unsigned n) {
#pragma HLS INLINE
        dwc_pass<IN_W, FRAME_BITS>(in, out, n);
    }
};

template <>
struct DwcImpl<1> {
    template <int IN_W, int OUT_W, int FRAME_BITS>
    static void run(hls::stream<ap_uint<IN_W> >& in, hls::stream<ap_uint<OUT_W> >& out, unsigned n) {
#pragma HLS INLINE
        dwc_up<IN_W, OUT_W, FRAME_BITS>(in, out, n);
    }
};

template <>
struct DwcImpl<2> {
    template <int IN_W, int OUT_W, int FRAME_BITS>
    static void run(hls::stream<ap_uint<IN_W> >& in, hls::stream<ap_uint<OUT_W> >& out, unsigned n) {
#pragma HLS INLINE
        dwc_down<IN_W, OUT_W, FRAME_BITS>(in, out, n);
    }
};

template <>
struct DwcImpl<3> {
    template <int IN_W, int OUT_W, int FRAME_BITS>
    static void run(hls::stream<ap_uint<IN_W> >& in, hls::stream<ap_uint<OUT_W> >& out, unsigned n) {
#pragma HLS INLINE off
#pragma HLS DATAFLOW
        constexpr int L = (int)cs_lcm(IN_W, OUT_W);
        hls::stream<ap_uint<L> > mid("dwc_lcm");
#pragma HLS STREAM variable=mid depth=2
        dwc_up<IN_W, L, FRAME_BITS>(in, mid, n);
        dwc_down<L, OUT_W, FRAME_BITS>(mid, out, n);
    }
};

template <int IN_W, int OUT_W, int FRAME_BITS>
void dwc(hls::stream<ap_uint<IN_W> >& in, hls::stream<ap_uint<OUT_W> >& out, unsigned num_frames) {
#pragma HLS INLINE
    static_assert(FRAME_BITS % IN_W == 0, "dwc: IN_W must divide FRAME_BITS");
    static_assert(FRAME_BITS % OUT_W == 0, "dwc: OUT_W must divide FRAME_BITS");
    DwcImpl<dwc_mode(IN_W, OUT_W)>::template run<IN_W, OUT_W, FRAME_BITS>(in, out, num_frames);
}

}  // namespace codesign

#endif  // CODESIGN_DWC_H
