// codesign::label_select -- top-1 label selection (arg max), ties resolved to the lowest index.
//
// Input : NUM_LABELS values per frame, PE per beat, ap_uint<PE*BITS> (lane p of beat i is label
//         i*PE + p), compared as KIND values.
// Output: one beat per frame, ap_uint<IDX_BITS>, the index of the first maximum.
// II=1 per input beat.
#ifndef CODESIGN_LABEL_SELECT_H
#define CODESIGN_LABEL_SELECT_H

#include "cs_common.h"

namespace codesign {

template <int NUM_LABELS, int PE, int BITS, int KIND, int IDX_BITS>
void label_select(hls::stream<ap_uint<PE * BITS> >& in, hls::stream<ap_uint<IDX_BITS> >& out,
                  unsigned num_frames) {
#pragma HLS INLINE off
    static_assert(NUM_LABELS % PE == 0, "label_select: PE must divide NUM_LABELS");
    static_assert(cs_bits_for(NUM_LABELS - 1) <= IDX_BITS, "label_select: IDX_BITS too small");
    static_assert(KIND != DT_BIPOLAR || BITS == 1, "label_select: bipolar values are 1 bit");
    typedef typename Elem<KIND, BITS>::val_t val_t;
    constexpr unsigned NF = NUM_LABELS / PE;
    const unsigned total = num_frames * NF;
    val_t best = 0;
    ap_uint<IDX_BITS> best_idx = 0;
    unsigned nf = 0;
    for (unsigned it = 0; it < total; it++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=NF max=NF
        const ap_uint<PE * BITS> x = in.read();
        // best lane of this beat; strict '>' keeps the lowest lane on ties
        val_t lbest = lane_value<KIND, BITS>(x, 0);
        unsigned lidx = 0;
        for (int p = 1; p < PE; p++) {
#pragma HLS UNROLL
            const val_t v = lane_value<KIND, BITS>(x, p);
            if (v > lbest) {
                lbest = v;
                lidx = p;
            }
        }
        if (nf == 0 || lbest > best) {  // strict '>' keeps the earlier beat on ties
            best = lbest;
            best_idx = nf * PE + lidx;
        }
        if (nf == NF - 1) {
            out.write(best_idx);
            nf = 0;
        } else {
            nf++;
        }
    }
}

}  // namespace codesign

#endif  // CODESIGN_LABEL_SELECT_H
