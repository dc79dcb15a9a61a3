"""C simulation of hls_templates/vvau.h (vvau, vvau_thr) and of the depthwise chain
pad -> swg(DEPTHWISE) -> dwc -> vvau against a numpy depthwise convolution."""

from __future__ import annotations

import numpy as np

from hls_harness import (BIPOLAR, INT, UINT, Case, assert_stream, cpp_kind, encode, hex_tokens,
                         pack_vvau_weights, rand_vals, run_cases, stream_tokens, thr_tokens, wrap)


def vvau_input_order(X: np.ndarray, pe: int, simd: int) -> np.ndarray:
    """X (pixels, K, C) -> flat stream: per pixel, for cf, for kf, lanes s*PE + p."""
    n, k, c = X.shape
    return X.reshape(n, k // simd, simd, c // pe, pe).transpose(0, 3, 1, 2, 4).reshape(-1)


def thr_decl(pe, cf_n, nt, tb):
    return (f"    static ap_int<{tb}> t[{pe}][{cf_n}][{nt}];\n"
            f"    for (int p = 0; p < {pe}; p++) for (int n = 0; n < {cf_n}; n++)"
            f" for (int k = 0; k < {nt}; k++) t[p][n][k] = in.num();\n")


def vvau_case(rng, name, c, k, pe, simd, npix, ib, ik, wb, wk, acc_bits, frames=2, thr=None):
    cf_n, kf_n = c // pe, k // simd
    Wck = rand_vals(rng, wk, wb, (c, k))
    X = rand_vals(rng, ik, ib, (frames * npix, k, c))
    acc = np.einsum("nkc,ck->nc", X, Wck)
    tokens = hex_tokens(pack_vvau_weights(Wck, wk, wb, pe, simd))
    args = f"{c}, {k}, {pe}, {simd}, {npix}, {ib}, {cpp_kind(ik)}, {wb}, {cpp_kind(wk)}, {acc_bits}"
    decl = ""
    if thr is None:
        out_bits, expected = acc_bits, wrap(acc, acc_bits)
        call = f"codesign::vvau<{args}>(s_in, s_out, w, {frames});"
    else:
        nt, tb, out_bits, bias = thr["nt"], thr["t_bits"], thr["out_bits"], thr["out_bias"]
        lim = int(np.abs(acc).max()) + 2
        T = np.sort(rng.integers(-lim, lim + 1, size=(c, nt)), axis=1)
        expected = wrap(bias + (acc[:, :, None] >= T[None]).sum(-1), out_bits)
        tokens += thr_tokens(T, pe)
        decl = thr_decl(pe, cf_n, nt, tb)
        call = f"codesign::vvau_thr<{args}, {nt}, {tb}, {out_bits}, {bias}>(s_in, s_out, w, t, {frames});"
    tokens += stream_tokens(vvau_input_order(encode(X, ik, ib), pe, simd), simd * pe, ib)
    wbits = pe * simd * wb
    body = f"""
    static ap_uint<{wbits}> w[{cf_n * kf_n}];
    for (int i = 0; i < {cf_n * kf_n}; i++) w[i] = in.word<{wbits}>();
{decl}
    hls::stream<ap_uint<{simd * pe * ib}> > s_in("in");
    hls::stream<ap_uint<{pe * out_bits}> > s_out("out");
    tb_feed(in, s_in, {frames * npix * cf_n * kf_n});
    {call}
    tb_expect_empty(s_in, "in");
    tb_drain(out, s_out);
"""
    return Case(name, body, tokens, lambda toks, e=expected, p=pe, b=out_bits: assert_stream(toks, e, p, b))


def dwconv_chain_case(rng, name, h, w, c, kh, kw, sy, sx, pads, pe, simd, ib, ik, wb, wk, acc_bits,
                      pad_val, frames=2):
    """pad -> swg<DEPTHWISE> (PE lanes) -> dwc (PE -> SIMD*PE lanes) -> vvau, vs numpy dwconv.
    pads = (top, bottom, left, right); pad_val is a value of the input type (same type after pad)."""
    pt, pb, pl, pr = pads
    ph, pw = h + pt + pb, w + pl + pr
    oh, ow = (ph - kh) // sy + 1, (pw - kw) // sx + 1
    k = kh * kw
    X = rand_vals(rng, ik, ib, (frames, h, w, c))
    Xp = np.pad(X, ((0, 0), (pt, pb), (pl, pr), (0, 0)), constant_values=pad_val)
    Wdw = rand_vals(rng, wk, wb, (c, kh, kw))  # PyTorch depthwise weight (C, 1, KH, KW) squeezed
    ref = np.zeros((frames, oh, ow, c), dtype=np.int64)
    for oy in range(oh):
        for ox in range(ow):
            win = Xp[:, oy * sy: oy * sy + kh, ox * sx: ox * sx + kw, :]  # (N, kh, kw, C)
            ref[:, oy, ox, :] = np.einsum("nyxc,cyx->nc", win, Wdw)
    tokens = hex_tokens(pack_vvau_weights(Wdw.reshape(c, k), wk, wb, pe, simd))
    tokens += stream_tokens(encode(X, ik, ib), pe, ib)
    frame_bits = oh * ow * k * c * ib
    wbits = pe * simd * wb
    body = f"""
    static ap_uint<{wbits}> w[{(c // pe) * (k // simd)}];
    for (int i = 0; i < {(c // pe) * (k // simd)}; i++) w[i] = in.word<{wbits}>();
    hls::stream<ap_uint<{pe * ib}> > s_in("in"), s_pad("pad"), s_win("win");
    hls::stream<ap_uint<{simd * pe * ib}> > s_vec("vec");
    hls::stream<ap_uint<{pe * acc_bits}> > s_out("out");
    tb_feed(in, s_in, {frames * h * w * c // pe});
    codesign::pad_convert<{h}, {w}, {c}, {pt}, {pb}, {pl}, {pr}, {pe}, {ib}, {cpp_kind(ik)}, {ib}, {cpp_kind(ik)}, {pad_val}>(s_in, s_pad, {frames});
    codesign::swg<{ph}, {pw}, {c}, {kh}, {kw}, {sy}, {sx}, {pe}, {ib}, true>(s_pad, s_win, {frames});
    codesign::dwc<{pe * ib}, {simd * pe * ib}, {frame_bits}>(s_win, s_vec, {frames});
    codesign::vvau<{c}, {k}, {pe}, {simd}, {oh * ow}, {ib}, {cpp_kind(ik)}, {wb}, {cpp_kind(wk)}, {acc_bits}>(s_vec, s_out, w, {frames});
    tb_expect_empty(s_in, "in"); tb_expect_empty(s_pad, "pad"); tb_expect_empty(s_win, "win");
    tb_expect_empty(s_vec, "vec");
    tb_drain(out, s_out);
"""
    return Case(name, body, tokens,
                lambda toks, e=wrap(ref, acc_bits), p=pe, b=acc_bits: assert_stream(toks, e, p, b))


def test_vvau_csim(tmp_path):
    rng = np.random.default_rng(99)
    cases = [
        # name, C, K, PE, SIMD, NPIX, IN_BITS, IN_KIND, W_BITS, W_KIND, ACC_BITS
        vvau_case(rng, "s4 x s3 PE2 SIMD3", 6, 9, 2, 3, 3, 4, INT, 3, INT, 10),
        vvau_case(rng, "u4 x s4 PE1 SIMD1", 3, 4, 1, 1, 2, 4, UINT, 4, INT, 11),
        vvau_case(rng, "u8 x u8 full fold", 4, 9, 4, 9, 2, 8, UINT, 8, UINT, 21),
        vvau_case(rng, "bipolar x bipolar PE4 SIMD2", 8, 4, 4, 2, 3, 1, BIPOLAR, 1, BIPOLAR, 5),
        vvau_case(rng, "u2 x bipolar W", 6, 6, 3, 2, 2, 2, UINT, 1, BIPOLAR, 6),
        vvau_case(rng, "bipolar x x s4 W", 4, 9, 2, 3, 2, 1, BIPOLAR, 4, INT, 8),
        vvau_case(rng, "thr s3 x s3 NT=3 -> u2", 6, 9, 3, 3, 3, 3, INT, 3, INT, 9,
                  thr=dict(nt=3, t_bits=10, out_bits=2, out_bias=0)),
        vvau_case(rng, "thr bipolar -> bipolar", 4, 9, 2, 9, 2, 1, BIPOLAR, 1, BIPOLAR, 5,
                  thr=dict(nt=1, t_bits=6, out_bits=1, out_bias=0)),
        # name, H, W, C, KH, KW, SY, SX, (PT, PB, PL, PR), PE, SIMD, IB, IK, WB, WK, ACC, PAD_VAL
        dwconv_chain_case(rng, "dwconv 5x5x4 k3 s1 pad1 PE2 SIMD3", 5, 5, 4, 3, 3, 1, 1, (1, 1, 1, 1),
                          2, 3, 4, UINT, 3, INT, 12, 0),
        dwconv_chain_case(rng, "dwconv 6x5x3 k3x2 s2 pad(t1,r1) PE3 SIMD1", 6, 5, 3, 3, 2, 2, 2,
                          (1, 0, 0, 1), 3, 1, 3, INT, 2, INT, 9, -1),
        dwconv_chain_case(rng, "dwconv bipolar 4x4x2 k3 s1 pad1 (+1) PE1 SIMD9", 4, 4, 2, 3, 3, 1, 1,
                          (1, 1, 1, 1), 1, 9, 1, BIPOLAR, 1, BIPOLAR, 6, 1),
    ]
    run_cases(tmp_path, ["pad.h", "swg.h", "dwc.h", "vvau.h"], cases)
