"""A standard convolution as pad -> swg -> mvau / mvau_thr, checked against a numpy convolution.

This pins the contract between the engines and the Python code generator:
PyTorch conv weight Wc (OC, C, KH, KW) -> MVAU matrix W[w, h] with w = (ky*KW + kx)*C + c,
i.e. W = Wc.transpose(2, 3, 1, 0).reshape(KH*KW*C, OC).
"""

from __future__ import annotations

import numpy as np

from hls_harness import (BIPOLAR, INT, UINT, Case, assert_stream, cpp_kind, encode, hex_tokens,
                         pack_mvau_weights, rand_vals, run_cases, stream_tokens, thr_tokens, wrap)


def conv_ref(X, Wc, stride, pads, pad_value):
    """X (N, H, W, C), Wc (OC, C, KH, KW), pads (top, bottom, left, right) -> (N, OH, OW, OC)."""
    sy, sx = stride
    pt, pb, pl, pr = pads
    Xp = np.pad(X, ((0, 0), (pt, pb), (pl, pr), (0, 0)), constant_values=pad_value)
    oc, c, kh, kw = Wc.shape
    n, ph, pw, _ = Xp.shape
    oh, ow = (ph - kh) // sy + 1, (pw - kw) // sx + 1
    out = np.zeros((n, oh, ow, oc), dtype=np.int64)
    for oy in range(oh):
        for ox in range(ow):
            win = Xp[:, oy * sy: oy * sy + kh, ox * sx: ox * sx + kw, :]
            out[:, oy, ox, :] = np.einsum("nyxc,ocyx->no", win, Wc)
    return out


def conv_case(rng, name, h, w, c, oc, kh, kw, stride, pads, simd, pe, ib, ik, wb, wk, acc_bits,
              pad_val=0, thr=None, frames=2, pad_out=None):
    """pads (top, bottom, left, right); pad_val: value of the padded type; pad_out: (bits, kind) of
    the padded map when the pad engine changes the type (bipolar padded with 0 -> INT2)."""
    sy, sx = stride
    pt, pb, pl, pr = pads
    mb, mk = pad_out if pad_out is not None else (ib, ik)  # MVAU input type
    ph, pw = h + pt + pb, w + pl + pr
    oh, ow = (ph - kh) // sy + 1, (pw - kw) // sx + 1
    mw = kh * kw * c
    X = rand_vals(rng, ik, ib, (frames, h, w, c))
    Wc = rand_vals(rng, wk, wb, (oc, c, kh, kw))
    acc = conv_ref(X, Wc, stride, pads, pad_val)
    Wmat = Wc.transpose(2, 3, 1, 0).reshape(mw, oc)
    tokens = hex_tokens(pack_mvau_weights(Wmat, wk, wb, pe, simd))
    nf_n, sf_n = oc // pe, mw // simd
    args = (f"{mw}, {oc}, {simd}, {pe}, {oh * ow}, {mb}, {cpp_kind(mk)}, {wb}, {cpp_kind(wk)}, "
            f"{acc_bits}")
    decl = ""
    if thr is None:
        out_bits, expected = acc_bits, wrap(acc, acc_bits)
        call = f"codesign::mvau<{args}>(s_win, s_out, w, {frames});"
    else:
        nt, tb, out_bits, bias = thr["nt"], thr["t_bits"], thr["out_bits"], thr["out_bias"]
        lim = int(np.abs(acc).max()) + 1
        T = np.sort(rng.integers(-lim, lim + 1, size=(oc, nt)), axis=1)
        expected = wrap(bias + (acc[..., None] >= T).sum(-1), out_bits)
        tokens += thr_tokens(T, pe)
        decl = (f"    static ap_int<{tb}> t[{pe}][{nf_n}][{nt}];\n"
                f"    for (int p = 0; p < {pe}; p++) for (int n = 0; n < {nf_n}; n++)"
                f" for (int k = 0; k < {nt}; k++) t[p][n][k] = in.num();\n")
        call = f"codesign::mvau_thr<{args}, {nt}, {tb}, {out_bits}, {bias}>(s_win, s_out, w, t, {frames});"
    tokens += stream_tokens(encode(X, ik, ib), simd, ib)
    if pad_out is None:  # same-type padding, PAD_VAL as the raw lane code (what codegen emits)
        raw = int(encode(np.array([pad_val]), ik, ib)[0]) if any(pads) else 0
        pad_call = (f"codesign::pad<{h}, {w}, {c}, {pt}, {pb}, {pl}, {pr}, {simd}, {ib}, {raw}>"
                    f"(s_in, s_pad, {frames});")
    else:
        pad_call = (f"codesign::pad_convert<{h}, {w}, {c}, {pt}, {pb}, {pl}, {pr}, {simd}, {ib}, "
                    f"{cpp_kind(ik)}, {mb}, {cpp_kind(mk)}, {pad_val}>(s_in, s_pad, {frames});")
    wbits = pe * simd * wb
    body = f"""
    static ap_uint<{wbits}> w[{nf_n * sf_n}];
    for (int i = 0; i < {nf_n * sf_n}; i++) w[i] = in.word<{wbits}>();
{decl}
    hls::stream<ap_uint<{simd * ib}> > s_in("in");
    hls::stream<ap_uint<{simd * mb}> > s_pad("pad"), s_win("win");
    hls::stream<ap_uint<{pe * out_bits}> > s_out("out");
    tb_feed(in, s_in, {frames * h * w * c // simd});
    {pad_call}
    codesign::swg<{ph}, {pw}, {c}, {kh}, {kw}, {sy}, {sx}, {simd}, {mb}, false>(s_pad, s_win, {frames});
    {call}
    tb_expect_empty(s_in, "in"); tb_expect_empty(s_pad, "pad"); tb_expect_empty(s_win, "win");
    tb_drain(out, s_out);
"""
    return Case(name, body, tokens, lambda toks, e=expected, p=pe, b=out_bits: assert_stream(toks, e, p, b))


def test_conv_chain_csim(tmp_path):
    rng = np.random.default_rng(2024)
    cases = [
        # name, H, W, C, OC, KH, KW, stride, pads(T,B,L,R), SIMD, PE, IB, IK, WB, WK, ACC
        conv_case(rng, "3x3 s1 pad1 u4 x s4", 5, 5, 4, 6, 3, 3, (1, 1), (1, 1, 1, 1), 2, 3,
                  4, UINT, 4, INT, 14),
        conv_case(rng, "3x2 s(2,1) no pad s3 x s2", 7, 6, 3, 4, 3, 2, (2, 1), (0, 0, 0, 0), 3, 2,
                  3, INT, 2, INT, 10),
        conv_case(rng, "bipolar 3x3 s1 no pad (xnor)", 6, 6, 8, 8, 3, 3, (1, 1), (0, 0, 0, 0), 8, 4,
                  1, BIPOLAR, 1, BIPOLAR, 10),
        conv_case(rng, "bipolar in, pad 1 with -1, thresholds -> bipolar", 4, 4, 4, 4, 3, 3, (1, 1),
                  (1, 1, 1, 1), 4, 2, 1, BIPOLAR, 1, BIPOLAR, 8, pad_val=-1,
                  thr=dict(nt=1, t_bits=8, out_bits=1, out_bias=0)),
        conv_case(rng, "bipolar in padded with 0 -> INT2 x bipolar W", 5, 4, 4, 6, 3, 3, (1, 1),
                  (1, 1, 1, 1), 2, 3, 1, BIPOLAR, 1, BIPOLAR, 8, pad_val=0, pad_out=(2, INT)),
        conv_case(rng, "2x2 s2 u2 x s2 -> u2 thresholds", 6, 6, 2, 4, 2, 2, (2, 2), (0, 0, 0, 0), 1, 4,
                  2, UINT, 2, INT, 8, thr=dict(nt=3, t_bits=9, out_bits=2, out_bias=0)),
        conv_case(rng, "1D conv 1x9 k1x3 s1 pad(l1,r1)", 1, 9, 2, 3, 1, 3, (1, 1), (0, 0, 1, 1), 2, 1,
                  4, INT, 3, INT, 10),
    ]
    run_cases(tmp_path, ["pad.h", "swg.h", "mvau.h"], cases)
