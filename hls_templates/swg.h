// codesign::swg -- sliding-window generator (ConvolutionInputGenerator), no padding.
//
// Padding is NOT done here: put codesign::pad (pad.h) in front when the convolution pads.
// Input : an IFM_H x IFM_W x C NHWC frame (already padded), SIMD channels per beat,
//         ap_uint<SIMD*BITS>, IFM_H*IFM_W*C/SIMD beats per frame, raster order.
// Output: for every output pixel (oy, ox) in raster order, OFM_H = (IFM_H-KH)/SY + 1,
//         OFM_W = (IFM_W-KW)/SX + 1, the KH x KW x C window x[ky][kx][c] =
//         in[oy*SY + ky][ox*SX + kx][c], SIMD channels per beat (same width as the input),
//         in one of two orders:
//   DEPTHWISE == false (standard conv, feeds mvau):  for ky, for kx, for cf < C/SIMD
//         -> beat lanes s hold c = cf*SIMD + s.  Element order (ky, kx, c), c fastest, i.e.
//         MVAU input index w = (ky*KW + kx)*C + c.
//   DEPTHWISE == true  (feeds vvau / pool_reduce):     for cf < C/SIMD, for ky, for kx
//         -> beat lanes s hold c = cf*SIMD + s of kernel position k = ky*KW + kx.
//         Here SIMD plays the role of the consumer's PE.  To feed a vvau with SIMD_V > 1 kernel
//         positions per beat, put a codesign::dwc from SIMD*BITS to SIMD_V*SIMD*BITS in between:
//         concatenating SIMD_V consecutive beats (LSB first) gives exactly the vvau input order.
// Per frame: KH*KW*C/SIMD*OFM_H*OFM_W output beats.  The non-covered bottom rows / right columns
// (when (IFM-K) % S != 0) are read and dropped.
//
// Implementation: circular line buffer of ROWS = min(KH+SY, IFM_H) rows x IFM_W*C/SIMD words;
// one pipelined loop (II=1) that per cycle may both read one input beat and write one output
// beat, so a frame takes about max(input beats, output beats) + line-buffer fill cycles.
// An output beat is only read from the buffer if it was written at least two iterations earlier
// (so the inter-iteration DEPENDENCE false below is safe).
#ifndef CODESIGN_SWG_H
#define CODESIGN_SWG_H

#include "cs_common.h"

namespace codesign {

template <int IFM_H, int IFM_W, int C, int KH, int KW, int SY, int SX, int SIMD, int BITS,
          bool DEPTHWISE>
void swg(hls::stream<ap_uint<SIMD * BITS> >& in, hls::stream<ap_uint<SIMD * BITS> >& out,
         unsigned num_frames) {
#pragma HLS INLINE off
    static_assert(C % SIMD == 0, "swg: SIMD must divide C");
    static_assert(KH >= 1 && KW >= 1 && SY >= 1 && SX >= 1, "swg: bad kernel/stride");
    static_assert(IFM_H >= KH && IFM_W >= KW, "swg: kernel larger than (padded) input");
    constexpr unsigned CF = C / SIMD;
    constexpr unsigned OFM_H = (IFM_H - KH) / SY + 1;
    constexpr unsigned OFM_W = (IFM_W - KW) / SX + 1;
    constexpr unsigned ROWS = cs_min(KH + SY, IFM_H);
    constexpr unsigned ROW_WORDS = IFM_W * CF;
    constexpr unsigned IN_BEATS = IFM_H * IFM_W * CF;
    constexpr unsigned OUT_BEATS = OFM_H * OFM_W * KH * KW * CF;
    constexpr unsigned TRIP = IN_BEATS > OUT_BEATS ? IN_BEATS : OUT_BEATS;  // for LOOP_TRIPCOUNT
    (void)TRIP;

    ap_uint<SIMD * BITS> buf[ROWS * ROW_WORDS];

    for (unsigned f = 0; f < num_frames; f++) {
        // read side
        unsigned rd = 0, rd_prev = 0;  // beats read so far / at start of previous iteration
        unsigned rrow = 0, rslot = 0, rpos = 0;
        // write side
        unsigned wr = 0;
        unsigned oy = 0, ox = 0, ky = 0, kx = 0, cf = 0;
        unsigned oslot = 0;  // buffer slot of input row oy*SY
        while (rd < IN_BEATS || wr < OUT_BEATS) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=TRIP max=TRIP
#pragma HLS DEPENDENCE variable=buf inter false
            const unsigned iy = oy * SY + ky;
            const unsigned ix = ox * SX + kx;
            const unsigned need = (iy * IFM_W + ix) * CF + cf;
            const bool do_wr = (wr < OUT_BEATS) && (need < rd_prev);
            const bool do_rd = (rd < IN_BEATS) && (wr >= OUT_BEATS || rrow < oy * SY + ROWS);
            rd_prev = rd;
            if (do_wr) {
                unsigned slot = oslot + ky;
                if (slot >= ROWS) slot -= ROWS;
                out.write(buf[slot * ROW_WORDS + ix * CF + cf]);
                wr++;
                bool next_pixel = false;
                if (DEPTHWISE) {  // order: cf, ky, kx (kx fastest)
                    if (kx == KW - 1) {
                        kx = 0;
                        if (ky == KH - 1) {
                            ky = 0;
                            if (cf == CF - 1) {
                                cf = 0;
                                next_pixel = true;
                            } else {
                                cf++;
                            }
                        } else {
                            ky++;
                        }
                    } else {
                        kx++;
                    }
                } else {  // order: ky, kx, cf (cf fastest)
                    if (cf == CF - 1) {
                        cf = 0;
                        if (kx == KW - 1) {
                            kx = 0;
                            if (ky == KH - 1) {
                                ky = 0;
                                next_pixel = true;
                            } else {
                                ky++;
                            }
                        } else {
                            kx++;
                        }
                    } else {
                        cf++;
                    }
                }
                if (next_pixel) {
                    if (ox == OFM_W - 1) {
                        ox = 0;
                        oy++;
                        oslot += SY;
                        if (oslot >= ROWS) oslot -= ROWS;
                    } else {
                        ox++;
                    }
                }
            }
            if (do_rd) {
                buf[rslot * ROW_WORDS + rpos] = in.read();
                rd++;
                if (rpos == ROW_WORDS - 1) {
                    rpos = 0;
                    rrow++;
                    rslot = (rslot == ROWS - 1) ? 0 : rslot + 1;
                } else {
                    rpos++;
                }
            }
        }
    }
}

}  // namespace codesign

#endif  // CODESIGN_SWG_H
