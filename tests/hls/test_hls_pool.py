"""C simulation of maxpool.h, global_acc_pool.h and label_select.h against numpy."""

from __future__ import annotations

import numpy as np

from hls_harness import (BIPOLAR, INT, UINT, Case, assert_stream, cpp_kind, encode, rand_vals,
                         run_cases, stream_tokens, wrap)


def maxpool_case(rng, name, h, w, c, kh, kw, sy, sx, pe, bits, kind, frames=2):
    X = rand_vals(rng, kind, bits, (frames, h, w, c))
    oh, ow = (h - kh) // sy + 1, (w - kw) // sx + 1
    ref = np.empty((frames, oh, ow, c), dtype=np.int64)
    for oy in range(oh):
        for ox in range(ow):
            ref[:, oy, ox, :] = X[:, oy * sy: oy * sy + kh, ox * sx: ox * sx + kw, :].max(axis=(1, 2))
    body = f"""
    hls::stream<ap_uint<{pe * bits}> > s_in("in"), s_out("out");
    tb_feed(in, s_in, {frames * h * w * c // pe});
    codesign::maxpool<{h}, {w}, {c}, {kh}, {kw}, {sy}, {sx}, {pe}, {bits}, {cpp_kind(kind)}>(s_in, s_out, {frames});
    tb_expect_empty(s_in, "in");
    tb_drain(out, s_out);
"""
    return Case(name, body, stream_tokens(encode(X, kind, bits), pe, bits),
                lambda t, e=encode(ref, kind, bits), p=pe, b=bits: assert_stream(t, e, p, b))


def gap_case(rng, name, npix, c, pe, bits, kind, acc_bits, frames=3):
    X = rand_vals(rng, kind, bits, (frames, npix, c))
    ref = wrap(X.sum(axis=1), acc_bits)
    body = f"""
    hls::stream<ap_uint<{pe * bits}> > s_in("in");
    hls::stream<ap_uint<{pe * acc_bits}> > s_out("out");
    tb_feed(in, s_in, {frames * npix * c // pe});
    codesign::global_acc_pool<{npix}, {c}, {pe}, {bits}, {cpp_kind(kind)}, {acc_bits}>(s_in, s_out, {frames});
    tb_expect_empty(s_in, "in");
    tb_drain(out, s_out);
"""
    return Case(name, body, stream_tokens(encode(X, kind, bits), pe, bits),
                lambda t, e=ref, p=pe, b=acc_bits: assert_stream(t, e, p, b))


def label_case(rng, name, nl, pe, bits, kind, idx_bits, frames=8, value_range=None):
    if value_range is None:
        X = rand_vals(rng, kind, bits, (frames, nl))
    else:  # few distinct values -> many ties
        X = rng.integers(value_range[0], value_range[1] + 1, size=(frames, nl))
    ref = np.argmax(X, axis=1)  # numpy returns the first maximum
    body = f"""
    hls::stream<ap_uint<{pe * bits}> > s_in("in");
    hls::stream<ap_uint<{idx_bits}> > s_out("out");
    tb_feed(in, s_in, {frames * nl // pe});
    codesign::label_select<{nl}, {pe}, {bits}, {cpp_kind(kind)}, {idx_bits}>(s_in, s_out, {frames});
    tb_expect_empty(s_in, "in");
    tb_drain(out, s_out);
"""
    return Case(name, body, stream_tokens(encode(X, kind, bits), pe, bits),
                lambda t, e=ref, b=idx_bits: assert_stream(t, e, 1, b))


def test_pool_csim(tmp_path):
    rng = np.random.default_rng(31)
    cases = [
        # name, H, W, C, KH, KW, SY, SX, PE, BITS, KIND
        maxpool_case(rng, "2x2 s2 u4 PE2", 6, 6, 4, 2, 2, 2, 2, 2, 4, UINT),
        maxpool_case(rng, "3x3 s3 s4 PE1, 8x7 (dropped row/cols)", 8, 7, 2, 3, 3, 3, 3, 1, 4, INT),
        maxpool_case(rng, "2x2 s3 (gaps) s6 PE=C", 8, 9, 3, 2, 2, 3, 3, 3, 6, INT),
        maxpool_case(rng, "3x2 s(3,2) u3 PE2 CF=3", 7, 6, 6, 3, 2, 3, 2, 2, 3, UINT),
        maxpool_case(rng, "k = image 4x4 s4 u5 PE1", 4, 4, 2, 4, 4, 4, 4, 1, 5, UINT),
        maxpool_case(rng, "3x3 s2 overlapping s5 PE3", 7, 7, 3, 3, 3, 2, 2, 3, 5, INT),
        maxpool_case(rng, "3x2 s(1,2) s3 PE1", 5, 6, 2, 3, 2, 1, 2, 1, 3, INT),
        maxpool_case(rng, "2x2 s2 bipolar PE8 odd size", 5, 5, 8, 2, 2, 2, 2, 8, 1, BIPOLAR),
        maxpool_case(rng, "3x3 s1 overlapping bipolar PE2", 4, 5, 4, 3, 3, 1, 1, 2, 1, BIPOLAR),
        maxpool_case(rng, "1D 1x8 k1x2 s(1,2)", 1, 8, 4, 1, 2, 1, 2, 4, 2, UINT),
        # name, NPIX, C, PE, BITS, KIND, ACC_BITS
        gap_case(rng, "gap 4x4 pix s4 PE2", 16, 6, 2, 4, INT, 9),
        gap_case(rng, "gap u8 PE=C", 9, 4, 4, 8, UINT, 12),
        gap_case(rng, "gap single pixel PE1", 1, 3, 1, 3, INT, 4),
        gap_case(rng, "gap narrow acc wraps", 10, 2, 1, 4, UINT, 5),
        gap_case(rng, "gap bipolar", 8, 4, 2, 1, BIPOLAR, 5),
        # name, NUM_LABELS, PE, BITS, KIND, IDX_BITS
        label_case(rng, "top1 10 labels s8 PE2", 10, 2, 8, INT, 4),
        label_case(rng, "top1 ties, u2 PE5", 10, 5, 2, UINT, 4, value_range=(0, 1), frames=20),
        label_case(rng, "top1 ties, s3 PE1", 6, 1, 3, INT, 3, value_range=(-4, -3), frames=20),
        label_case(rng, "top1 PE=all, u16", 8, 8, 16, UINT, 8),
        label_case(rng, "top1 all equal", 4, 2, 4, INT, 2, value_range=(-2, -2), frames=2),
    ]
    run_cases(tmp_path, ["maxpool.h", "global_acc_pool.h", "label_select.h"], cases)
