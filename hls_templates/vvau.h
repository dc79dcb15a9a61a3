// codesign::vvau / codesign::vvau_thr -- depthwise vector-vector activation unit.
//
// For every output pixel (NUM_PIX per frame) and channel c < C:
//   acc[c] = sum_{k < K} x[k][c] * W[c][k]          (K = KH*KW kernel positions, exact integer)
// output acc (vvau: ACC_BITS two's complement lanes) or its multi-threshold code (vvau_thr).
// Bipolar x bipolar uses XNOR-popcount; bipolar weights with integer inputs use +x / -x.
//
// Folding: PE channels and SIMD kernel positions per cycle; CF = C/PE, KF = K/SIMD.
//   in : ap_uint<SIMD*PE*IN_BITS>; per pixel, for cf < CF, for kf < KF one beat whose lane
//        s*PE + p holds x[k = kf*SIMD + s][c = cf*PE + p].
//        With SIMD == 1 this is exactly swg<..., SIMD=PE, DEPTHWISE=true>'s output; for SIMD > 1
//        put dwc<PE*IN_BITS, SIMD*PE*IN_BITS, ...> between swg and vvau.
//   out: ap_uint<PE*OUT_LANE_BITS>; per pixel, for cf < CF one beat, lane p = channel cf*PE + p
//        (plain NHWC channel order).  One output beat per KF input beats.
// Weight memory:
//   const ap_uint<PE*SIMD*W_BITS> weights[CF*KF];
//   word index cf*KF + kf; the W_BITS field at bit offset (p*SIMD + s)*W_BITS holds the raw
//   encoding of W[c = cf*PE + p][k = kf*SIMD + s].   (note: p-major here, s-major in the input)
// Threshold memory (vvau_thr): const ap_int<T_BITS> thresholds[PE][CF][NT],
//   thresholds[p][cf][j] = T[c = cf*PE + p][j], ascending; output = low OUT_BITS of
//   OUT_BIAS + #{j : acc >= T[c][j]}.
#ifndef CODESIGN_VVAU_H
#define CODESIGN_VVAU_H

#include "cs_common.h"

namespace codesign {

template <int C, int K, int PE, int SIMD, int NUM_PIX, int IN_BITS, int IN_KIND, int W_BITS,
          int W_KIND, int ACC_BITS, bool HAS_THR, int NT, int T_BITS, int OUT_BITS, int OUT_BIAS>
void vvau_core(hls::stream<ap_uint<SIMD * PE * IN_BITS> >& in,
               hls::stream<ap_uint<PE*(HAS_THR ? OUT_BITS : ACC_BITS)> >& out,
               const ap_uint<PE * SIMD * W_BITS> weights[(C / PE) * (K / SIMD)],
               const ap_int<T_BITS> thresholds[PE][C / PE][NT], unsigned num_frames) {
#pragma HLS INLINE
    static_assert(C % PE == 0, "vvau: PE must divide C");
    static_assert(K % SIMD == 0, "vvau: SIMD must divide K = KH*KW");
    static_assert(NUM_PIX >= 1, "vvau: NUM_PIX >= 1");
    static_assert(W_KIND != DT_BIPOLAR || W_BITS == 1, "vvau: bipolar weights are 1 bit");
    static_assert(IN_KIND != DT_BIPOLAR || IN_BITS == 1, "vvau: bipolar inputs are 1 bit");
    constexpr int CF = C / PE;
    constexpr int KF = K / SIMD;
    constexpr int OLB = HAS_THR ? OUT_BITS : ACC_BITS;
    typedef SimdDot<IN_KIND, W_KIND, SIMD, IN_BITS, W_BITS> dot_t;

    ap_int<ACC_BITS> acc[PE];
#pragma HLS ARRAY_PARTITION variable=acc complete dim=1
#pragma HLS ARRAY_PARTITION variable=thresholds complete dim=1
#pragma HLS ARRAY_PARTITION variable=thresholds complete dim=3

    constexpr unsigned BEATS = NUM_PIX * CF * KF;
    const unsigned total = num_frames * BEATS;
    unsigned cf = 0, kf = 0, widx = 0;
    for (unsigned it = 0; it < total; it++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=BEATS max=BEATS
        const ap_uint<SIMD * PE * IN_BITS> x = in.read();
        const ap_uint<PE * SIMD * W_BITS> wword = weights[widx];
        ap_uint<PE * OLB> oword = 0;
        for (int p = 0; p < PE; p++) {
#pragma HLS UNROLL
            ap_uint<SIMD * IN_BITS> xp;  // the SIMD kernel positions of channel p
            for (int s = 0; s < SIMD; s++) {
#pragma HLS UNROLL
                xp.range((s + 1) * IN_BITS - 1, s * IN_BITS) = get_lane<IN_BITS>(x, s * PE + p);
            }
            ap_uint<SIMD * W_BITS> wp = wword.range((p + 1) * SIMD * W_BITS - 1, p * SIMD * W_BITS);
            typename dot_t::ret_t d = dot_t::dot(xp, wp);
            ap_int<ACC_BITS> a = (kf == 0) ? ap_int<ACC_BITS>(d) : ap_int<ACC_BITS>(acc[p] + d);
            acc[p] = a;
            if (HAS_THR) {
                set_lane<OLB>(oword, p, threshold_code<NT, T_BITS, OLB, OUT_BIAS>(a, thresholds[p][cf]));
            } else {
                set_lane<OLB>(oword, p, a);
            }
        }
        if (kf == KF - 1) {
            out.write(oword);
        }
        widx = (widx == CF * KF - 1) ? 0 : widx + 1;
        if (kf == KF - 1) {
            kf = 0;
            cf = (cf == CF - 1) ? 0 : cf + 1;
        } else {
            kf++;
        }
    }
}

// Plain VVAU: output lanes are the ACC_BITS-bit two's complement accumulators.
template <int C, int K, int PE, int SIMD, int NUM_PIX, int IN_BITS, int IN_KIND, int W_BITS,
          int W_KIND, int ACC_BITS>
void vvau(hls::stream<ap_uint<SIMD * PE * IN_BITS> >& in, hls::stream<ap_uint<PE * ACC_BITS> >& out,
          const ap_uint<PE * SIMD * W_BITS> weights[(C / PE) * (K / SIMD)], unsigned num_frames) {
#pragma HLS INLINE off
    static const ap_int<2> no_thresholds[PE][C / PE][1] = {};
    vvau_core<C, K, PE, SIMD, NUM_PIX, IN_BITS, IN_KIND, W_BITS, W_KIND, ACC_BITS, false, 1, 2,
              ACC_BITS, 0>(in, out, weights, no_thresholds, num_frames);
}

// VVAU with fused multi-threshold activation: output lanes are OUT_BITS-bit threshold codes.
template <int C, int K, int PE, int SIMD, int NUM_PIX, int IN_BITS, int IN_KIND, int W_BITS,
          int W_KIND, int ACC_BITS, int NT, int T_BITS, int OUT_BITS, int OUT_BIAS>
void vvau_thr(hls::stream<ap_uint<SIMD * PE * IN_BITS> >& in,
              hls::stream<ap_uint<PE * OUT_BITS> >& out,
              const ap_uint<PE * SIMD * W_BITS> weights[(C / PE) * (K / SIMD)],
              const ap_int<T_BITS> thresholds[PE][C / PE][NT], unsigned num_frames) {
#pragma HLS INLINE off
    vvau_core<C, K, PE, SIMD, NUM_PIX, IN_BITS, IN_KIND, W_BITS, W_KIND, ACC_BITS, true, NT, T_BITS,
              OUT_BITS, OUT_BIAS>(in, out, weights, thresholds, num_frames);
}

}  // namespace codesign

#endif  // CODESIGN_VVAU_H
