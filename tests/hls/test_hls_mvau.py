"""C simulation of hls_templates/mvau.h (mvau, mvau_thr) against numpy dot products."""

from __future__ import annotations

import numpy as np

from hls_harness import (BIPOLAR, INT, UINT, Case, assert_stream, cpp_kind, encode, hex_tokens,
                         pack_mvau_weights, rand_vals, run_cases, stream_tokens, wrap)


def random_thresholds(rng, mh: int, nt: int, lo: int, hi: int) -> np.ndarray:
    return np.sort(rng.integers(lo, hi + 1, size=(mh, nt)), axis=1)


def mvau_case(rng, name, mw, mh, simd, pe, nvec, ib, ik, wb, wk, acc_bits, frames=2, thr=None):
    """thr: None or dict(nt=, t_bits=, out_bits=, out_bias=)."""
    nf_n, sf_n = mh // pe, mw // simd
    W = rand_vals(rng, wk, wb, (mw, mh))
    X = rand_vals(rng, ik, ib, (frames * nvec, mw))
    acc = X @ W  # exact
    words = pack_mvau_weights(W, wk, wb, pe, simd)
    tokens = hex_tokens(words)
    if thr is None:
        out_bits = acc_bits
        expected = wrap(acc, acc_bits)
        call = (f"codesign::mvau<{mw}, {mh}, {simd}, {pe}, {nvec}, {ib}, {cpp_kind(ik)}, {wb}, "
                f"{cpp_kind(wk)}, {acc_bits}>(s_in, s_out, w, {frames});")
        thr_decl = ""
    else:
        nt, tb, out_bits, bias = thr["nt"], thr["t_bits"], thr["out_bits"], thr["out_bias"]
        lim = int(np.abs(acc).max()) + 2
        T = random_thresholds(rng, mh, nt, -lim, lim)
        cnt = (acc[:, :, None] >= T[None, :, :]).sum(axis=-1)
        expected = wrap(bias + cnt, out_bits)
        # thresholds[p][nf][k] = T[nf*PE + p][k]
        for p in range(pe):
            for nf in range(nf_n):
                tokens += [str(int(v)) for v in T[nf * pe + p]]
        thr_decl = (f"    static ap_int<{tb}> t[{pe}][{nf_n}][{nt}];\n"
                    f"    for (int p = 0; p < {pe}; p++) for (int n = 0; n < {nf_n}; n++)"
                    f" for (int k = 0; k < {nt}; k++) t[p][n][k] = in.num();\n")
        call = (f"codesign::mvau_thr<{mw}, {mh}, {simd}, {pe}, {nvec}, {ib}, {cpp_kind(ik)}, {wb}, "
                f"{cpp_kind(wk)}, {acc_bits}, {nt}, {tb}, {out_bits}, {bias}>(s_in, s_out, w, t, {frames});")
    tokens += stream_tokens(encode(X, ik, ib), simd, ib)
    wbits = pe * simd * wb
    body = f"""
    static ap_uint<{wbits}> w[{nf_n * sf_n}];
    for (int i = 0; i < {nf_n * sf_n}; i++) w[i] = in.word<{wbits}>();
{thr_decl}
    hls::stream<ap_uint<{simd * ib}> > s_in("in");
    hls::stream<ap_uint<{pe * out_bits}> > s_out("out");
    tb_feed(in, s_in, {frames * nvec * sf_n});
    {call}
    tb_expect_empty(s_in, "in");
    tb_drain(out, s_out);
"""

    def check(out_tokens, expected=expected, pe=pe, out_bits=out_bits):
        assert_stream(out_tokens, expected, pe, out_bits)

    return Case(name, body, tokens, check)


def test_mvau_csim(tmp_path):
    rng = np.random.default_rng(1234)
    cases = [
        # name, MW, MH, SIMD, PE, NVEC, IN_BITS, IN_KIND, W_BITS, W_KIND, ACC_BITS
        mvau_case(rng, "u4 x s3, SIMD3 PE2", 12, 8, 3, 2, 3, 4, UINT, 3, INT, 12),
        mvau_case(rng, "s5 x s4, full fold", 9, 4, 9, 4, 2, 5, INT, 4, INT, 14),
        mvau_case(rng, "s8 x s8, SIMD1 PE1", 6, 3, 1, 1, 2, 8, INT, 8, INT, 20),
        mvau_case(rng, "wide weight word 128b", 16, 8, 8, 4, 2, 3, UINT, 4, INT, 12),
        mvau_case(rng, "bipolar x bipolar (xnor)", 32, 6, 8, 3, 3, 1, BIPOLAR, 1, BIPOLAR, 8),
        mvau_case(rng, "bipolar x bipolar PE=MH SIMD=MW", 20, 5, 20, 5, 2, 1, BIPOLAR, 1, BIPOLAR, 7),
        mvau_case(rng, "s4 x bipolar W", 12, 6, 4, 3, 2, 4, INT, 1, BIPOLAR, 9),
        mvau_case(rng, "bipolar x x s3 W", 10, 4, 5, 2, 2, 1, BIPOLAR, 3, INT, 8),
        mvau_case(rng, "u2 x u2 W", 8, 4, 2, 2, 2, 2, UINT, 2, UINT, 7),
        mvau_case(rng, "narrow acc wraps", 16, 4, 4, 2, 2, 4, UINT, 4, UINT, 6),
        mvau_case(rng, "thr u2 x s2, NT=3 -> u2", 18, 6, 3, 2, 4, 2, UINT, 2, INT, 10,
                  thr=dict(nt=3, t_bits=11, out_bits=2, out_bias=0)),
        mvau_case(rng, "thr s4 x s4, NT=7 bias -4 -> s3", 12, 4, 6, 4, 3, 4, INT, 4, INT, 12,
                  thr=dict(nt=7, t_bits=13, out_bits=3, out_bias=-4)),
        mvau_case(rng, "thr bipolar -> bipolar out", 16, 8, 4, 2, 3, 1, BIPOLAR, 1, BIPOLAR, 6,
                  thr=dict(nt=1, t_bits=7, out_bits=1, out_bias=0)),
    ]
    run_cases(tmp_path, ["mvau.h"], cases)
