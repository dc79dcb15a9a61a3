"""C simulation of thresholding.h, add_streams.h, duplicate_streams.h, concat.h, fifo.h and dwc.h."""

from __future__ import annotations

import numpy as np

from hls_harness import (BIPOLAR, INT, UINT, Case, assert_stream, assert_words, cpp_kind, encode,
                         hex_tokens, rand_vals, rand_words, run_cases, stream_tokens, thr_tokens, wrap)


def thresholding_case(rng, name, npix, c, pe, ib, ik, nt, t_bits, out_bits, out_bias, t_range=None,
                      frames=2):
    X = rand_vals(rng, ik, ib, (frames, npix, c))
    lo, hi = t_range if t_range is not None else (int(X.min()) - 1, int(X.max()) + 1)
    T = np.sort(rng.integers(lo, hi + 1, size=(c, nt)), axis=1)
    ref = wrap(out_bias + (X[..., None] >= T).sum(-1), out_bits)
    tokens = thr_tokens(T, pe) + stream_tokens(encode(X, ik, ib), pe, ib)
    body = f"""
    static ap_int<{t_bits}> t[{pe}][{c // pe}][{nt}];
    for (int p = 0; p < {pe}; p++) for (int n = 0; n < {c // pe}; n++)
        for (int k = 0; k < {nt}; k++) t[p][n][k] = in.num();
    hls::stream<ap_uint<{pe * ib}> > s_in("in");
    hls::stream<ap_uint<{pe * out_bits}> > s_out("out");
    tb_feed(in, s_in, {frames * npix * c // pe});
    codesign::thresholding<{npix}, {c}, {pe}, {ib}, {cpp_kind(ik)}, {nt}, {t_bits}, {out_bits}, {out_bias}>(s_in, s_out, t, {frames});
    tb_expect_empty(s_in, "in");
    tb_drain(out, s_out);
"""
    return Case(name, body, tokens, lambda t, e=ref, p=pe, b=out_bits: assert_stream(t, e, p, b))


def add_case(rng, name, pe, beats, ab, ak, bb, bk, out_bits, frames=2):
    A = rand_vals(rng, ak, ab, (frames * beats * pe,))
    B = rand_vals(rng, bk, bb, (frames * beats * pe,))
    ref = wrap(A + B, out_bits)
    tokens = stream_tokens(encode(A, ak, ab), pe, ab) + stream_tokens(encode(B, bk, bb), pe, bb)
    body = f"""
    hls::stream<ap_uint<{pe * ab}> > s_a("a");
    hls::stream<ap_uint<{pe * bb}> > s_b("b");
    hls::stream<ap_uint<{pe * out_bits}> > s_out("out");
    tb_feed(in, s_a, {frames * beats});
    tb_feed(in, s_b, {frames * beats});
    codesign::add_streams<{pe}, {beats}, {ab}, {cpp_kind(ak)}, {bb}, {cpp_kind(bk)}, {out_bits}>(s_a, s_b, s_out, {frames});
    tb_expect_empty(s_a, "a"); tb_expect_empty(s_b, "b");
    tb_drain(out, s_out);
"""
    return Case(name, body, tokens, lambda t, e=ref, p=pe, b=out_bits: assert_stream(t, e, p, b))


def dup_case(rng, name, width, beats, frames=2):
    words = rand_words(rng, width, frames * beats)
    body = f"""
    hls::stream<ap_uint<{width}> > s_in("in"), s_o0("o0"), s_o1("o1");
    tb_feed(in, s_in, {frames * beats});
    codesign::duplicate_streams<{width}, {beats}>(s_in, s_o0, s_o1, {frames});
    tb_expect_empty(s_in, "in");
    tb_drain(out, s_o0);
    tb_drain(out, s_o1);
"""
    exp = words + words
    return Case(name, body, hex_tokens(words),
                lambda t, e=exp: assert_words(t, e))


def fifo_case(rng, name, width, depth, beats, frames=3):
    words = rand_words(rng, width, frames * beats)
    body = f"""
    hls::stream<ap_uint<{width}> > s_in("in"), s_out("out");
    tb_feed(in, s_in, {frames * beats});
    codesign::fifo<{width}, {depth}, {beats}>(s_in, s_out, {frames});
    tb_expect_empty(s_in, "in");
    tb_drain(out, s_out);
"""
    return Case(name, body, hex_tokens(words), lambda t, e=words: assert_words(t, e))


def concat_case(rng, name, npix, c0, c1, simd, bits, frames=2):
    X0 = rng.integers(0, 1 << bits, size=(frames, npix, c0))
    X1 = rng.integers(0, 1 << bits, size=(frames, npix, c1))
    ref = np.concatenate([X0, X1], axis=-1)
    tokens = stream_tokens(X0, simd, bits) + stream_tokens(X1, simd, bits)
    body = f"""
    hls::stream<ap_uint<{simd * bits}> > s_0("in0"), s_1("in1"), s_out("out");
    tb_feed(in, s_0, {frames * npix * c0 // simd});
    tb_feed(in, s_1, {frames * npix * c1 // simd});
    codesign::concat_streams<{npix}, {c0}, {c1}, {simd}, {bits}>(s_0, s_1, s_out, {frames});
    tb_expect_empty(s_0, "in0"); tb_expect_empty(s_1, "in1");
    tb_drain(out, s_out);
"""
    return Case(name, body, tokens, lambda t, e=ref, s=simd, b=bits: assert_stream(t, e, s, b))


def dwc_case(rng, name, in_w, out_w, frame_bits, frames=3):
    """Reference: the frame's bit string (beat 0 LSB first) re-cut into out_w-bit words."""
    total = frames * frame_bits
    bits = rng.integers(0, 2, size=total)
    in_words = [int(sum(int(b) << i for i, b in enumerate(bits[j:j + in_w]))) for j in range(0, total, in_w)]
    out_words = [int(sum(int(b) << i for i, b in enumerate(bits[j:j + out_w]))) for j in range(0, total, out_w)]
    body = f"""
    hls::stream<ap_uint<{in_w}> > s_in("in");
    hls::stream<ap_uint<{out_w}> > s_out("out");
    tb_feed(in, s_in, {total // in_w});
    codesign::dwc<{in_w}, {out_w}, {frame_bits}>(s_in, s_out, {frames});
    tb_expect_empty(s_in, "in");
    tb_drain(out, s_out);
"""
    return Case(name, body, hex_tokens(in_words), lambda t, e=out_words: assert_words(t, e))


def test_stream_ops_csim(tmp_path):
    rng = np.random.default_rng(5)
    cases = [
        # name, NPIX, C, PE, IN_BITS, IN_KIND, NT, T_BITS, OUT_BITS, OUT_BIAS
        thresholding_case(rng, "s4 NT3 -> u2 PE3", 4, 6, 3, 4, INT, 3, 6, 2, 0),
        thresholding_case(rng, "u8 NT15 -> u4 PE1", 3, 3, 1, 8, UINT, 15, 10, 4, 0),
        thresholding_case(rng, "s6 NT1 -> bipolar PE2", 5, 4, 2, 6, INT, 1, 8, 1, 0),
        thresholding_case(rng, "u3 NT7 bias -4 -> s3 PE=C", 3, 4, 4, 3, UINT, 7, 5, 3, -4),
        thresholding_case(rng, "bipolar in NT2 -> u2", 4, 6, 2, 1, BIPOLAR, 2, 4, 2, 0, t_range=(-2, 2)),
        thresholding_case(rng, "u4 with out-of-range thresholds", 6, 2, 1, 4, UINT, 4, 8, 3, 0,
                          t_range=(-60, 70)),
        # name, PE, BEATS, A_BITS, A_KIND, B_BITS, B_KIND, OUT_BITS
        add_case(rng, "s4 + u3 -> 6b PE4", 4, 6, 4, INT, 3, UINT, 6),
        add_case(rng, "s8 + s8 -> 9b PE1", 1, 10, 8, INT, 8, INT, 9),
        add_case(rng, "u4 + u4 -> 3b wraps", 2, 5, 4, UINT, 4, UINT, 3),
        add_case(rng, "bipolar + bipolar -> 3b", 8, 3, 1, BIPOLAR, 1, BIPOLAR, 3),
        dup_case(rng, "dup 70b", 70, 5),
        dup_case(rng, "dup 3b", 3, 4),
        fifo_case(rng, "fifo 13b depth 4", 13, 4, 10),
        concat_case(rng, "concat 4+6 ch SIMD2", 5, 4, 6, 2, 3),
        concat_case(rng, "concat 1+3 ch SIMD1", 2, 1, 3, 1, 8),
        # name, IN_W, OUT_W, FRAME_BITS
        dwc_case(rng, "dwc up 8->24", 8, 24, 48),
        dwc_case(rng, "dwc down 24->8", 24, 8, 48),
        dwc_case(rng, "dwc lcm 12->20", 12, 20, 120),
        dwc_case(rng, "dwc lcm 20->12", 20, 12, 60),
        dwc_case(rng, "dwc same 16->16", 16, 16, 32),
        dwc_case(rng, "dwc lcm 6->4", 6, 4, 24),
        dwc_case(rng, "dwc lcm 3->5", 3, 5, 30),
        dwc_case(rng, "dwc up 1->96 (wide)", 1, 96, 192),
        dwc_case(rng, "dwc down 200->8 (wide)", 200, 8, 400),
    ]
    run_cases(tmp_path, ["thresholding.h", "add_streams.h", "duplicate_streams.h", "concat.h",
                         "fifo.h", "dwc.h"], cases)
