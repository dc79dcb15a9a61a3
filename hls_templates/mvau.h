// codesign::mvau / codesign::mvau_thr -- matrix-vector activation unit (FINN MVAU semantics).
//
// Computes, for every input vector x (length MW) of every frame (NUM_VECS vectors per frame),
//   acc[h] = sum_{w < MW} x[w] * W[w][h]          h < MH   (exact integer dot product)
// and outputs acc (mvau: ACC_BITS two's complement per lane) or a multi-threshold code of acc
// (mvau_thr, see threshold_code in cs_common.h).  Bipolar x bipolar uses XNOR-popcount,
// bipolar weights with integer inputs use +x / -x.
//
// Folding: NF = MH/PE neuron folds, SF = MW/SIMD synapse folds.
//   in : ap_uint<SIMD*IN_BITS>, one beat carries x[sf*SIMD + s] in lane s; MW/SIMD beats/vector.
//   out: ap_uint<PE*OUT_LANE_BITS>, one beat carries out[nf*PE + p] in lane p; MH/PE beats/vector.
// Schedule per vector: for nf < NF, for sf < SF (one beat each, II=1).  The input vector is read
// during nf == 0 and buffered for the later folds.
//
// Weight memory (packed constant array, one word per cycle):
//   const ap_uint<PE*SIMD*W_BITS> weights[NF*SF];
//   word index nf*SF + sf; the W_BITS-bit field at bit offset (p*SIMD + s)*W_BITS holds the raw
//   encoding of W[w = sf*SIMD + s][h = nf*PE + p].
// Threshold memory (mvau_thr):
//   const ap_int<T_BITS> thresholds[PE][NF][NT];  thresholds[p][nf][k] = T[c = nf*PE + p][k],
//   each row sorted ascending.  Output lane = low OUT_BITS of OUT_BIAS + #{k : acc >= T[c][k]}.
//   (Bipolar output: NT = 1, OUT_BITS = 1, OUT_BIAS = 0, bit 1 = +1.)
#ifndef CODESIGN_MVAU_H
#define CODESIGN_MVAU_H

#include "cs_common.h"

namespace codesign {

template <int MW, int MH, int SIMD, int PE, int NUM_VECS, int IN_BITS, int IN_KIND, int W_BITS,
          int W_KIND, int ACC_BITS, bool HAS_THR, int NT, int T_BITS, int OUT_BITS, int OUT_BIAS>
void mvau_core(hls::stream<ap_uint<SIMD * IN_BITS> >& in,
               hls::stream<ap_uint<PE*(HAS_THR ? OUT_BITS : ACC_BITS)> >& out,
               const ap_uint<PE * SIMD * W_BITS> weights[(MH / PE) * (MW / SIMD)],
               const ap_int<T_BITS> thresholds[PE][MH / PE][NT], unsigned num_frames) {
#pragma HLS INLINE
    static_assert(MW % SIMD == 0, "mvau: SIMD must divide MW");
    static_assert(MH % PE == 0, "mvau: PE must divide MH");
    static_assert(NUM_VECS >= 1, "mvau: NUM_VECS >= 1");
    static_assert(W_KIND != DT_BIPOLAR || W_BITS == 1, "mvau: bipolar weights are 1 bit");
    static_assert(IN_KIND != DT_BIPOLAR || IN_BITS == 1, "mvau: bipolar inputs are 1 bit");
    constexpr int NF = MH / PE;
    constexpr int SF = MW / SIMD;
    constexpr int OLB = HAS_THR ? OUT_BITS : ACC_BITS;
    typedef SimdDot<IN_KIND, W_KIND, SIMD, IN_BITS, W_BITS> dot_t;

    ap_uint<SIMD * IN_BITS> inbuf[SF];
    ap_int<ACC_BITS> acc[PE];
#pragma HLS ARRAY_PARTITION variable=acc complete dim=1
#pragma HLS ARRAY_PARTITION variable=thresholds complete dim=1
#pragma HLS ARRAY_PARTITION variable=thresholds complete dim=3

    constexpr unsigned BEATS = NUM_VECS * NF * SF;  // cycles per frame
    const unsigned total = num_frames * BEATS;
    unsigned nf = 0, sf = 0, widx = 0;
    for (unsigned it = 0; it < total; it++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=BEATS max=BEATS
        ap_uint<SIMD * IN_BITS> x;
        if (nf == 0) {
            x = in.read();
            inbuf[sf] = x;
        } else {
            x = inbuf[sf];
        }
        const ap_uint<PE * SIMD * W_BITS> wword = weights[widx];
        ap_uint<PE * OLB> oword = 0;
        for (int p = 0; p < PE; p++) {
#pragma HLS UNROLL
            ap_uint<SIMD * W_BITS> wp = wword.range((p + 1) * SIMD * W_BITS - 1, p * SIMD * W_BITS);
            typename dot_t::ret_t d = dot_t::dot(x, wp);
            ap_int<ACC_BITS> a = (sf == 0) ? ap_int<ACC_BITS>(d) : ap_int<ACC_BITS>(acc[p] + d);
            acc[p] = a;
            if (HAS_THR) {
                set_lane<OLB>(oword, p, threshold_code<NT, T_BITS, OLB, OUT_BIAS>(a, thresholds[p][nf]));
            } else {
                set_lane<OLB>(oword, p, a);
            }
        }
        if (sf == SF - 1) {
            out.write(oword);
        }
        // advance (sf fastest, then nf; wrap per vector)
        widx = (widx == NF * SF - 1) ? 0 : widx + 1;
        if (sf == SF - 1) {
            sf = 0;
            nf = (nf == NF - 1) ? 0 : nf + 1;
        } else {
            sf++;
        }
    }
}

// Plain MVAU: output lanes are the ACC_BITS-bit two's complement accumulators.
template <int MW, int MH, int SIMD, int PE, int NUM_VECS, int IN_BITS, int IN_KIND, int W_BITS,
          int W_KIND, int ACC_BITS>
void mvau(hls::stream<ap_uint<SIMD * IN_BITS> >& in, hls::stream<ap_uint<PE * ACC_BITS> >& out,
          const ap_uint<PE * SIMD * W_BITS> weights[(MH / PE) * (MW / SIMD)], unsigned num_frames) {
#pragma HLS INLINE off
    static const ap_int<2> no_thresholds[PE][MH / PE][1] = {};
    mvau_core<MW, MH, SIMD, PE, NUM_VECS, IN_BITS, IN_KIND, W_BITS, W_KIND, ACC_BITS, false, 1, 2,
              ACC_BITS, 0>(in, out, weights, no_thresholds, num_frames);
}

// MVAU with fused multi-threshold activation: output lanes are OUT_BITS-bit threshold codes.
template <int MW, int MH, int SIMD, int PE, int NUM_VECS, int IN_BITS, int IN_KIND, int W_BITS,
          int W_KIND, int ACC_BITS, int NT, int T_BITS, int OUT_BITS, int OUT_BIAS>
void mvau_thr(hls::stream<ap_uint<SIMD * IN_BITS> >& in, hls::stream<ap_uint<PE * OUT_BITS> >& out,
              const ap_uint<PE * SIMD * W_BITS> weights[(MH / PE) * (MW / SIMD)],
              const ap_int<T_BITS> thresholds[PE][MH / PE][NT], unsigned num_frames) {
#pragma HLS INLINE off
    mvau_core<MW, MH, SIMD, PE, NUM_VECS, IN_BITS, IN_KIND, W_BITS, W_KIND, ACC_BITS, true, NT,
              T_BITS, OUT_BITS, OUT_BIAS>(in, out, weights, thresholds, num_frames);
}

}  // namespace codesign

#endif  // CODESIGN_MVAU_H
