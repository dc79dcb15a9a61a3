// codesign::maxpool -- KH x KW max pooling with stride (SY, SX), VALID (no padding) on NHWC.
//
// Input : IFM_H x IFM_W x C frame, PE channels per beat, ap_uint<PE*BITS>, raster order.
// Output: OFM_H x OFM_W x C frame, OFM = (IFM - K)/S + 1, same beat format;
//         out[oy][ox][c] = max_{ky,kx} in[oy*SY+ky][ox*SX+kx][c], compared as KIND values
//         (DT_BIPOLAR: max of +-1, i.e. the OR of the bits).
// Any kernel/stride combination (overlapping windows included).  For padded pooling put
// codesign::pad in front with PAD_VAL = the smallest value of the type.
//
// Implementation, chosen at compile time by maxpool<>:
//   * SY >= KH and SX >= KW (non-overlapping windows, e.g. k == stride; FINN StreamingMaxPool's
//     case): maxpool_nonoverlap, a single II=1 pass; each output beat leaves in the cycle that reads
//     the last beat of its window: exactly IFM_H*IFM_W*C/PE cycles per frame; memory
//     OFM_W*C/PE + C/PE words of PE*BITS bits.
//   * otherwise: maxpool_swg, a DATAFLOW region of swg<..., SIMD=PE, DEPTHWISE=true> (line buffer;
//     per output pixel, for cf, for k, the PE channels of kernel position k) followed by pool_reduce
//     (running max over the KH*KW kernel positions, II=1); cycles as the swg.
//     pool_reduce can also be used on its own after a depthwise swg.
#ifndef CODESIGN_MAXPOOL_H
#define CODESIGN_MAXPOOL_H

#include "cs_common.h"
#include "swg.h"

namespace codesign {

// Max over K consecutive beats (per lane).  Input: NUM_PIX*C/PE groups of K beats (order of a
// depthwise swg: per pixel, for cf, for k); output: one beat per group.
template <int NUM_PIX, int C, int K, int PE, int BITS, int KIND>
void pool_reduce(hls::stream<ap_uint<PE * BITS> >& in, hls::stream<ap_uint<PE * BITS> >& out,
                 unsigned num_frames) {
#pragma HLS INLINE off
    static_assert(C % PE == 0, "pool_reduce: PE must divide C");
    static_assert(KIND != DT_BIPOLAR || BITS == 1, "pool_reduce: bipolar elements are 1 bit");
    constexpr unsigned BEATS = NUM_PIX * (C / PE) * K;
    const unsigned total = num_frames * BEATS;
    ap_uint<BITS> best[PE];  // raw codes of the running maxima
#pragma HLS ARRAY_PARTITION variable=best complete dim=1
    unsigned k = 0;
    for (unsigned it = 0; it < total; it++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=BEATS max=BEATS
        const ap_uint<PE * BITS> x = in.read();
        ap_uint<PE * BITS> y = 0;
        for (int p = 0; p < PE; p++) {
#pragma HLS UNROLL
            const ap_uint<BITS> r = get_lane<BITS>(x, p);
            const bool take = (k == 0) || (Elem<KIND, BITS>::decode(r) > Elem<KIND, BITS>::decode(best[p]));
            const ap_uint<BITS> m = take ? r : best[p];
            best[p] = m;
            y.range((p + 1) * BITS - 1, p * BITS) = m;
        }
        if (k == K - 1) {
            out.write(y);
            k = 0;
        } else {
            k++;
        }
    }
}

// Non-overlapping windows (SY >= KH and SX >= KW, e.g. k == stride): one pass over the input, one
// input beat per cycle (II=1); an output beat is written in the cycle that reads the last beat of
// its window, so a frame takes exactly IFM_H*IFM_W*C/PE cycles.  Memory: OFM_W*C/PE partial maxima
// (maxima over the window rows seen so far) plus C/PE running maxima of the current row segment.
template <int IFM_H, int IFM_W, int C, int KH, int KW, int SY, int SX, int PE, int BITS, int KIND>
void maxpool_nonoverlap(hls::stream<ap_uint<PE * BITS> >& in, hls::stream<ap_uint<PE * BITS> >& out,
                        unsigned num_frames) {
#pragma HLS INLINE off
    static_assert(SY >= KH && SX >= KW, "maxpool_nonoverlap: windows overlap");
    static_assert(C % PE == 0, "maxpool: PE must divide C");
    static_assert(KIND != DT_BIPOLAR || BITS == 1, "maxpool: bipolar elements are 1 bit");
    constexpr unsigned CF = C / PE;
    constexpr unsigned OFM_H = (IFM_H - KH) / SY + 1;
    constexpr unsigned OFM_W = (IFM_W - KW) / SX + 1;
    constexpr unsigned BEATS = IFM_H * IFM_W * CF;
    typedef ap_uint<PE * BITS> word_t;
    word_t colmax[OFM_W * CF];  // per (ox, cf): max over the window rows already finished
    word_t rowmax[CF];          // per cf: max over the current window row so far

    const unsigned total = num_frames * BEATS;
    unsigned iy = 0, ky = 0, oy = 0, ix = 0, kx = 0, ox = 0, cf = 0;
    for (unsigned it = 0; it < total; it++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=BEATS max=BEATS
        const word_t x = in.read();
        const bool in_win = (ky < (unsigned)KH) && (kx < (unsigned)KW) && (oy < OFM_H) && (ox < OFM_W);
        if (in_win) {
            const word_t rm = rowmax[cf];
            const word_t cm = colmax[ox * CF + cf];
            word_t r = 0;  // running max of this row segment
            word_t m = 0;  // max of the whole window so far
            for (int p = 0; p < PE; p++) {
#pragma HLS UNROLL
                const ap_uint<BITS> xv = get_lane<BITS>(x, p);
                const ap_uint<BITS> rv = get_lane<BITS>(rm, p);
                const ap_uint<BITS> cv = get_lane<BITS>(cm, p);
                const ap_uint<BITS> r_p =
                    (kx == 0 || Elem<KIND, BITS>::decode(xv) > Elem<KIND, BITS>::decode(rv)) ? xv : rv;
                const ap_uint<BITS> m_p =
                    (ky == 0 || Elem<KIND, BITS>::decode(r_p) > Elem<KIND, BITS>::decode(cv)) ? r_p : cv;
                r.range((p + 1) * BITS - 1, p * BITS) = r_p;
                m.range((p + 1) * BITS - 1, p * BITS) = m_p;
            }
            rowmax[cf] = r;
            if (kx == KW - 1) {
                colmax[ox * CF + cf] = m;
                if (ky == KH - 1) out.write(m);
            }
        }
        // advance the input position (cf fastest, then x, then y); ix = ox*SX + kx, iy = oy*SY + ky
        if (cf == CF - 1) {
            cf = 0;
            if (ix == IFM_W - 1) {  // end of an input row
                ix = 0;
                kx = 0;
                ox = 0;
                if (iy == IFM_H - 1) {  // end of the frame
                    iy = 0;
                    ky = 0;
                    oy = 0;
                } else {
                    iy++;
                    if (ky == SY - 1) {
                        ky = 0;
                        oy++;
                    } else {
                        ky++;
                    }
                }
            } else {
                ix++;
                if (kx == SX - 1) {
                    kx = 0;
                    ox++;
                } else {
                    kx++;
                }
            }
        } else {
            cf++;
        }
    }
}

// Any windows: DATAFLOW of a depthwise swg and pool_reduce.
template <int IFM_H, int IFM_W, int C, int KH, int KW, int SY, int SX, int PE, int BITS, int KIND>
void maxpool_swg(hls::stream<ap_uint<PE * BITS> >& in, hls::stream<ap_uint<PE * BITS> >& out,
                 unsigned num_frames) {
#pragma HLS INLINE off
#pragma HLS DATAFLOW
    constexpr int OFM_H = (IFM_H - KH) / SY + 1;
    constexpr int OFM_W = (IFM_W - KW) / SX + 1;
    hls::stream<ap_uint<PE * BITS> > windows("maxpool_windows");
#pragma HLS STREAM variable=windows depth=2
    swg<IFM_H, IFM_W, C, KH, KW, SY, SX, PE, BITS, true>(in, windows, num_frames);
    pool_reduce<OFM_H * OFM_W, C, KH * KW, PE, BITS, KIND>(windows, out, num_frames);
}

template <bool NONOVERLAP>
struct MaxpoolImpl;

template <>
struct MaxpoolImpl<true> {
    template <int IFM_H, int IFM_W, int C, int KH, int KW, int SY, int SX, int PE, int BITS, int KIND>
    static void run(hls::stream<ap_uint<PE * BITS> >& in, hls::stream<ap_uint<PE * BITS> >& out, unsigned n) {
#pragma HLS INLINE
        maxpool_nonoverlap<IFM_H, IFM_W, C, KH, KW, SY, SX, PE, BITS, KIND>(in, out, n);
    }
};

template <>
struct MaxpoolImpl<false> {
    template <int IFM_H, int IFM_W, int C, int KH, int KW, int SY, int SX, int PE, int BITS, int KIND>
    static void run(hls::stream<ap_uint<PE * BITS> >& in, hls::stream<ap_uint<PE * BITS> >& out, unsigned n) {
#pragma HLS INLINE
        maxpool_swg<IFM_H, IFM_W, C, KH, KW, SY, SX, PE, BITS, KIND>(in, out, n);
    }
};

// Public entry point: picks maxpool_nonoverlap when SY >= KH and SX >= KW, else maxpool_swg.
template <int IFM_H, int IFM_W, int C, int KH, int KW, int SY, int SX, int PE, int BITS, int KIND>
void maxpool(hls::stream<ap_uint<PE * BITS> >& in, hls::stream<ap_uint<PE * BITS> >& out,
             unsigned num_frames) {
#pragma HLS INLINE
    static_assert(IFM_H >= KH && IFM_W >= KW, "maxpool: kernel larger than input");
    MaxpoolImpl<(SY >= KH && SX >= KW)>::template run<IFM_H, IFM_W, C, KH, KW, SY, SX, PE, BITS, KIND>(
        in, out, num_frames);
}

}  // namespace codesign

#endif  // CODESIGN_MAXPOOL_H
