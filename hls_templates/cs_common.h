// codesign HLS template library: common helpers.
//
// Everything in hls_templates/ is written for Vitis HLS 2022.2+ and for plain g++ C simulation
// against any ap_int.h / hls_stream.h implementation.  Include our headers (which include this
// one) *before* anything else that includes ap_int.h, so that AP_INT_MAX_W below takes effect.
//
// Stream conventions (shared by every engine):
//   * Tensors are NHWC, one frame after another.  A stream of width LANES*BITS carries LANES
//     consecutive elements per beat; element i of a beat sits in bits [i*BITS, (i+1)*BITS)
//     (lane 0 in the LSBs).
//   * Element kinds (template argument *_KIND):
//       DT_UINT    unsigned integer of BITS bits,
//       DT_INT     two's complement signed integer of BITS bits,
//       DT_BIPOLAR BITS == 1, bit 1 encodes +1 and bit 0 encodes -1.
//   * Every engine takes `unsigned num_frames` as its last argument and processes that many
//     frames; the per-frame sizes are template arguments.
#ifndef CODESIGN_CS_COMMON_H
#define CODESIGN_CS_COMMON_H

// Weight words (PE*SIMD*W_BITS) can exceed the vendor default of 1024 bits.
#ifndef AP_INT_MAX_W
#define AP_INT_MAX_W 4096
#endif

// The vendor simulation headers read uninitialised members in their own default constructors
// and use enum constants in boolean context; g++ reports those at -O1 -Wall even when the
// headers come in through -isystem (the code is inlined into ours).  Silence exactly those
// diagnostics for the vendor lines only; our own code is still checked.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wint-in-bool-context"
#endif
#include <ap_int.h>
#include <hls_stream.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace codesign {

// ---------------------------------------------------------------- element kinds
constexpr int DT_UINT = 0;
constexpr int DT_INT = 1;
constexpr int DT_BIPOLAR = 2;

// ---------------------------------------------------------------- compile-time arithmetic
// Number of bits needed to hold the unsigned value x (cs_bits_for(0) == 1).
constexpr int cs_bits_for(unsigned long long x) { return x < 2 ? 1 : 1 + cs_bits_for(x >> 1); }
// ceil(log2(x)) for x >= 1.
constexpr int cs_clog2(unsigned long long x) { return x <= 1 ? 0 : 1 + cs_clog2((x + 1) >> 1); }
constexpr int cs_max(int a, int b) { return a > b ? a : b; }
constexpr int cs_min(int a, int b) { return a < b ? a : b; }
constexpr unsigned long long cs_gcd(unsigned long long a, unsigned long long b) {
    return b == 0 ? a : cs_gcd(b, a % b);
}
constexpr unsigned long long cs_lcm(unsigned long long a, unsigned long long b) {
    return a / cs_gcd(a, b) * b;
}

// ---------------------------------------------------------------- lane access
// Lane i (BITS wide) of a packed word.
template <int BITS, int W>
inline ap_uint<BITS> get_lane(const ap_uint<W>& word, unsigned i) {
#pragma HLS INLINE
    static_assert(BITS >= 1 && BITS <= W, "lane wider than word");
    return word.range(i * BITS + BITS - 1, i * BITS);
}

// Overwrite lane i (BITS wide) of a packed word with the low BITS bits of v.
template <int BITS, int W, int VW, bool VS>
inline void set_lane(ap_uint<W>& word, unsigned i, const ap_int_base<VW, VS>& v) {
#pragma HLS INLINE
    static_assert(BITS >= 1 && BITS <= W, "lane wider than word");
    word.range(i * BITS + BITS - 1, i * BITS) = ap_uint<BITS>(v);
}

// ---------------------------------------------------------------- element decoding
// Elem<KIND, BITS>::decode(raw) returns the integer value of a raw lane as ap_int<BITS+1>;
// Elem<KIND, BITS>::encode(v) returns the raw lane code of value v (low BITS bits of its two's
// complement; bipolar: 1 for v > 0, else 0).
template <int KIND, int BITS>
struct Elem;

template <int BITS>
struct Elem<DT_UINT, BITS> {
    typedef ap_int<BITS + 1> val_t;
    static val_t decode(const ap_uint<BITS>& raw) {
#pragma HLS INLINE
        return val_t(raw);
    }
    template <int VW, bool VS>
    static ap_uint<BITS> encode(const ap_int_base<VW, VS>& v) {
#pragma HLS INLINE
        return ap_uint<BITS>(v);
    }
};

template <int BITS>
struct Elem<DT_INT, BITS> {
    typedef ap_int<BITS + 1> val_t;
    static val_t decode(const ap_uint<BITS>& raw) {
#pragma HLS INLINE
        return val_t(ap_int<BITS>(raw));
    }
    template <int VW, bool VS>
    static ap_uint<BITS> encode(const ap_int_base<VW, VS>& v) {
#pragma HLS INLINE
        return ap_uint<BITS>(v);
    }
};

template <int BITS>
struct Elem<DT_BIPOLAR, BITS> {
    static_assert(BITS == 1, "bipolar elements are 1 bit wide");
    typedef ap_int<BITS + 1> val_t;
    static val_t decode(const ap_uint<BITS>& raw) {
#pragma HLS INLINE
        return raw[0] ? val_t(1) : val_t(-1);
    }
    template <int VW, bool VS>
    static ap_uint<BITS> encode(const ap_int_base<VW, VS>& v) {
#pragma HLS INLINE
        return v > 0 ? ap_uint<BITS>(1) : ap_uint<BITS>(0);
    }
};

// Decoded value of lane i of a packed word.
template <int KIND, int BITS, int W>
inline typename Elem<KIND, BITS>::val_t lane_value(const ap_uint<W>& word, unsigned i) {
#pragma HLS INLINE
    return Elem<KIND, BITS>::decode(get_lane<BITS>(word, i));
}

// ---------------------------------------------------------------- popcount
template <int W>
inline ap_uint<cs_bits_for(W)> popcount(const ap_uint<W>& x) {
#pragma HLS INLINE
    ap_uint<cs_bits_for(W)> n = 0;
    for (int i = 0; i < W; i++) {
#pragma HLS UNROLL
        n += x[i];
    }
    return n;
}

// ---------------------------------------------------------------- SIMD dot products
// SimdDot<IN_KIND, W_KIND, SIMD, IN_BITS, W_BITS>::dot(x, w): sum over s < SIMD of
// value(x lane s) * value(w lane s), exact, as ap_int<SimdDot::BITS>.
template <int IN_KIND, int W_KIND, int SIMD, int IN_BITS, int W_BITS>
struct SimdDot {
    static constexpr int PROD_BITS = IN_BITS + W_BITS + 2;
    static constexpr int BITS = PROD_BITS + cs_clog2(SIMD);
    typedef ap_int<BITS> ret_t;
    static ret_t dot(const ap_uint<SIMD * IN_BITS>& x, const ap_uint<SIMD * W_BITS>& w) {
#pragma HLS INLINE
        ret_t sum = 0;
        for (int s = 0; s < SIMD; s++) {
#pragma HLS UNROLL
            typename Elem<IN_KIND, IN_BITS>::val_t xv = lane_value<IN_KIND, IN_BITS>(x, s);
            typename Elem<W_KIND, W_BITS>::val_t wv = lane_value<W_KIND, W_BITS>(w, s);
            ap_int<PROD_BITS> prod;
            if (W_KIND == DT_BIPOLAR) {
                prod = w[s] ? ap_int<PROD_BITS>(xv) : ap_int<PROD_BITS>(-xv);  // +x / -x
            } else if (IN_KIND == DT_BIPOLAR) {
                prod = x[s] ? ap_int<PROD_BITS>(wv) : ap_int<PROD_BITS>(-wv);  // +w / -w
            } else {
                prod = xv * wv;
            }
            sum += prod;
        }
        return sum;
    }
};

// Bipolar x bipolar: XNOR-popcount, dot = 2 * popcount(xnor(x, w)) - SIMD.
template <int SIMD>
struct SimdDot<DT_BIPOLAR, DT_BIPOLAR, SIMD, 1, 1> {
    static constexpr int BITS = cs_bits_for(SIMD) + 1;
    typedef ap_int<BITS> ret_t;
    static ret_t dot(const ap_uint<SIMD>& x, const ap_uint<SIMD>& w) {
#pragma HLS INLINE
        ap_uint<SIMD> agree = ~(x ^ w);
        ret_t pc = popcount<SIMD>(agree);
        return ret_t(2 * pc - SIMD);
    }
};

// ---------------------------------------------------------------- multi-threshold activation
// Returns the raw OUT_BITS output code for value v: the low OUT_BITS bits (two's complement) of
//   OUT_BIAS + #{k < NT : v >= t[k]}.
// The bits are the correct encoding for an unsigned or a signed output type alike.
template <int NT, int T_BITS, int OUT_BITS, int OUT_BIAS, int VW>
inline ap_uint<OUT_BITS> threshold_code(const ap_int<VW>& v, const ap_int<T_BITS> t[NT]) {
#pragma HLS INLINE
    ap_uint<cs_bits_for(NT)> n = 0;
    for (int k = 0; k < NT; k++) {
#pragma HLS UNROLL
        n += (v >= t[k]) ? 1 : 0;
    }
    ap_int<cs_max(cs_bits_for(NT), 32) + 2> r = n;
    r += OUT_BIAS;
    return ap_uint<OUT_BITS>(r);
}

}  // namespace codesign

#endif  // CODESIGN_CS_COMMON_H
