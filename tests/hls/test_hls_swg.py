"""C simulation of hls_templates/swg.h (sliding-window generator) and pad.h against numpy."""

from __future__ import annotations

import numpy as np

from hls_harness import (BIPOLAR, INT, UINT, Case, assert_stream, cpp_kind, encode, rand_vals,
                         run_cases, stream_tokens)


def window_stream(imgs: np.ndarray, kh: int, kw: int, sy: int, sx: int, simd: int, depthwise: bool) -> np.ndarray:
    """Reference SWG output (flat, stream order) for frames imgs (N, H, W, C)."""
    n, h, w, c = imgs.shape
    oh, ow = (h - kh) // sy + 1, (w - kw) // sx + 1
    out = []
    for img in imgs:
        for oy in range(oh):
            for ox in range(ow):
                win = img[oy * sy: oy * sy + kh, ox * sx: ox * sx + kw, :]  # (kh, kw, C)
                if depthwise:  # for cf, for (ky, kx), SIMD channels
                    out.append(win.reshape(kh * kw, c // simd, simd).transpose(1, 0, 2).reshape(-1))
                else:  # (ky, kx, c), c fastest
                    out.append(win.reshape(-1))
    return np.concatenate(out)


def swg_case(rng, name, h, w, c, kh, kw, sy, sx, simd, bits, depthwise, frames=2):
    imgs = rng.integers(0, 1 << bits, size=(frames, h, w, c), dtype=np.int64)
    expected = window_stream(imgs, kh, kw, sy, sx, simd, depthwise)
    width = simd * bits
    body = f"""
    hls::stream<ap_uint<{width}> > s_in("in"), s_out("out");
    tb_feed(in, s_in, {frames * h * w * c // simd});
    codesign::swg<{h}, {w}, {c}, {kh}, {kw}, {sy}, {sx}, {simd}, {bits}, {str(depthwise).lower()}>(s_in, s_out, {frames});
    tb_expect_empty(s_in, "in");
    tb_drain(out, s_out);
"""
    return Case(name, body, stream_tokens(imgs, simd, bits),
                lambda toks, e=expected, s=simd, b=bits: assert_stream(toks, e, s, b))


def pad_case(rng, name, h, w, c, pads, simd, ib, ik, ob, ok, pad_val, frames=2, func="pad_convert"):
    """pads = (top, bottom, left, right) as in the template; pad_val is a value of the output type.
    func="pad" uses the same-type engine (PAD_VAL passed as the raw code)."""
    pt, pb, pl, pr = pads
    X = rand_vals(rng, ik, ib, (frames, h, w, c))
    expected = encode(np.pad(X, ((0, 0), (pt, pb), (pl, pr), (0, 0)), constant_values=pad_val), ok, ob)
    if func == "pad_convert":
        call = (f"codesign::pad_convert<{h}, {w}, {c}, {pt}, {pb}, {pl}, {pr}, {simd}, {ib}, {cpp_kind(ik)}, "
                f"{ob}, {cpp_kind(ok)}, {pad_val}>(s_in, s_out, {frames});")
    else:
        assert func == "pad" and (ib, ik) == (ob, ok)
        raw = int(encode(np.array([pad_val]), ok, ob)[0])
        call = f"codesign::pad<{h}, {w}, {c}, {pt}, {pb}, {pl}, {pr}, {simd}, {ib}, {raw}>(s_in, s_out, {frames});"
    body = f"""
    hls::stream<ap_uint<{simd * ib}> > s_in("in");
    hls::stream<ap_uint<{simd * ob}> > s_out("out");
    tb_feed(in, s_in, {frames * h * w * c // simd});
    {call}
    tb_expect_empty(s_in, "in");
    tb_drain(out, s_out);
"""
    return Case(name, body, stream_tokens(encode(X, ik, ib), simd, ib),
                lambda toks, e=expected, s=simd, b=ob: assert_stream(toks, e, s, b))


def test_swg_and_pad_csim(tmp_path):
    rng = np.random.default_rng(7)
    cases = [
        # name, H, W, C, KH, KW, SY, SX, SIMD, BITS, DEPTHWISE
        swg_case(rng, "5x5x4 k3 s1 simd2", 5, 5, 4, 3, 3, 1, 1, 2, 4, False),
        swg_case(rng, "7x6x3 k3x2 s(2,1) simd3", 7, 6, 3, 3, 2, 2, 1, 3, 3, False),
        swg_case(rng, "6x6x2 k3 s2, trailing row/col dropped", 6, 6, 2, 3, 3, 2, 2, 1, 2, False),
        swg_case(rng, "8x8x4 k2 s2 simd4", 8, 8, 4, 2, 2, 2, 2, 4, 1, False),
        swg_case(rng, "1D 1x10x2 k1x3 s(1,2)", 1, 10, 2, 1, 3, 1, 2, 1, 5, False),
        swg_case(rng, "k=whole image 3x3x2", 3, 3, 2, 3, 3, 1, 1, 2, 2, False),
        swg_case(rng, "stride > kernel 9x9x1 k2 s3", 9, 9, 1, 2, 2, 3, 3, 1, 3, False),
        swg_case(rng, "4x5x6 k2x3 s1 simd6 ", 4, 5, 6, 2, 3, 1, 1, 6, 2, False),
        swg_case(rng, "dw 6x6x4 k3 s2 pe2", 6, 6, 4, 3, 3, 2, 2, 2, 4, True),
        swg_case(rng, "dw 5x7x6 k3x2 s(1,2) pe3", 5, 7, 6, 3, 2, 1, 2, 3, 2, True),
        swg_case(rng, "dw 4x4x3 k2 s2 pe1", 4, 4, 3, 2, 2, 2, 2, 1, 8, True),
        # name, H, W, C, (T, B, L, R), SIMD, IN_BITS, IN_KIND, OUT_BITS, OUT_KIND, PAD_VAL
        pad_case(rng, "pad 1 all sides u4", 4, 4, 4, (1, 1, 1, 1), 2, 4, UINT, 4, UINT, 0, func="pad"),
        pad_case(rng, "pad asymmetric s3, value -1", 3, 5, 3, (2, 0, 0, 1), 3, 3, INT, 3, INT, -1, func="pad"),
        pad_case(rng, "pad top/left only s5, value -16", 3, 2, 2, (1, 0, 2, 0), 1, 5, INT, 5, INT, -16, func="pad"),
        pad_case(rng, "pad bottom/right only, bipolar with -1", 2, 3, 8, (0, 1, 0, 2), 4, 1, BIPOLAR, 1, BIPOLAR, -1,
                 func="pad"),
        pad_case(rng, "pad nothing", 2, 2, 2, (0, 0, 0, 0), 1, 6, UINT, 6, UINT, 5, func="pad"),
        pad_case(rng, "convert: s3 asymmetric, value -2", 3, 4, 2, (0, 2, 1, 0), 2, 3, INT, 3, INT, -2),
        pad_case(rng, "convert: bipolar padded with 0 -> INT2", 3, 3, 4, (1, 1, 1, 1), 2, 1, BIPOLAR, 2, INT, 0),
        pad_case(rng, "convert: bipolar with +1 stays bipolar", 2, 2, 2, (1, 0, 0, 1), 2, 1, BIPOLAR, 1, BIPOLAR, 1),
        pad_case(rng, "convert: u3 -> s4 widening, pad -8", 2, 2, 2, (1, 0, 0, 1), 2, 3, UINT, 4, INT, -8),
        pad_case(rng, "convert: bipolar -> INT2, SIMD4 asymmetric", 3, 4, 4, (1, 2, 0, 1), 4, 1, BIPOLAR, 2, INT, 0),
    ]
    run_cases(tmp_path, ["pad.h", "swg.h"], cases)
