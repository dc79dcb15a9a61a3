"""A generated-style top level: constant weight / threshold arrays written as C++ initializers
(hex-string ap_uint words, nested-brace ap_int thresholds), engines chained in a DATAFLOW function,
the way the Python code generator emits them.  Small binarised-ish MLP + label select vs numpy."""

from __future__ import annotations

import numpy as np

from hls_harness import (BIPOLAR, INT, UINT, Case, assert_stream, encode, pack_mvau_weights,
                         rand_vals, run_cases, stream_tokens)


def words_initializer(words, width):
    return "{" + ", ".join(f'ap_uint<{width}>("{w:x}", 16)' for w in words) + "}"


def thresholds_initializer(T, pe):
    c, nt = T.shape
    arr = T.reshape(c // pe, pe, nt).transpose(1, 0, 2)  # [p][nf][k]
    return "{" + ", ".join("{" + ", ".join("{" + ", ".join(str(int(v)) for v in row) + "}" for row in plane)
                           + "}" for plane in arr) + "}"


def test_generated_style_top(tmp_path):
    rng = np.random.default_rng(11)
    frames = 6
    # layer 0: 16 u2 inputs -> 12 bipolar-weight neurons -> thresholds -> 2-bit unsigned (NT=3)
    # layer 1: 12 u2 -> 10 s3-weight neurons, accumulator out -> label select
    mw0, mh0, simd0, pe0, acc0 = 16, 12, 4, 3, 8
    mw1, mh1, simd1, pe1, acc1 = 12, 10, 6, 2, 10
    W0 = rand_vals(rng, BIPOLAR, 1, (mw0, mh0))
    W1 = rand_vals(rng, INT, 3, (mw1, mh1))
    X = rand_vals(rng, UINT, 2, (frames, mw0))
    a0 = X @ W0
    T0 = np.sort(rng.integers(int(a0.min()), int(a0.max()) + 1, size=(mh0, 3)), axis=1)
    h0 = (a0[:, :, None] >= T0[None]).sum(-1)
    a1 = h0 @ W1
    ref = np.argmax(a1, axis=1)

    w0 = pack_mvau_weights(W0, BIPOLAR, 1, pe0, simd0)
    w1 = pack_mvau_weights(W1, INT, 3, pe1, simd1)
    body = f"""
    hls::stream<ap_uint<{simd0 * 2}> > s_in("in");
    hls::stream<ap_uint<4> > s_out("out");
    tb_feed(in, s_in, {frames * mw0 // simd0});
    top(s_in, s_out, {frames});
    tb_expect_empty(s_in, "in");
    tb_drain(out, s_out);
"""
    top = f"""
#include "mvau.h"
#include "dwc.h"
#include "label_select.h"
static const ap_uint<{pe0 * simd0}> L0_W[{(mh0 // pe0) * (mw0 // simd0)}] = {words_initializer(w0, pe0 * simd0)};
static const ap_int<10> L0_T[{pe0}][{mh0 // pe0}][3] = {thresholds_initializer(T0, pe0)};
static const ap_uint<{pe1 * simd1 * 3}> L1_W[{(mh1 // pe1) * (mw1 // simd1)}] = {words_initializer(w1, pe1 * simd1 * 3)};

void top(hls::stream<ap_uint<{simd0 * 2}> >& in, hls::stream<ap_uint<4> >& out, unsigned n) {{
#pragma HLS INTERFACE axis port=in
#pragma HLS INTERFACE axis port=out
#pragma HLS DATAFLOW
    hls::stream<ap_uint<{pe0 * 2}> > s0("s0");
#pragma HLS STREAM variable=s0 depth=8
    hls::stream<ap_uint<{simd1 * 2}> > s0w("s0w");
    hls::stream<ap_uint<{pe1 * acc1}> > s1("s1");
#pragma HLS STREAM variable=s1 depth=4
    codesign::mvau_thr<{mw0}, {mh0}, {simd0}, {pe0}, 1, 2, codesign::DT_UINT, 1, codesign::DT_BIPOLAR, {acc0}, 3, 10, 2, 0>(in, s0, L0_W, L0_T, n);
    codesign::dwc<{pe0 * 2}, {simd1 * 2}, {mh0 * 2}>(s0, s0w, n);
    codesign::mvau<{mw1}, {mh1}, {simd1}, {pe1}, 1, 2, codesign::DT_UINT, 3, codesign::DT_INT, {acc1}>(s0w, s1, L1_W, n);
    codesign::label_select<{mh1}, {pe1}, {acc1}, codesign::DT_INT, 4>(s1, out, n);
}}
"""
    case = Case("generated-style MLP top", body, stream_tokens(encode(X, UINT, 2), simd0, 2),
                lambda t, e=ref: assert_stream(t, e, 1, 4))
    # the top (with its constant tables) goes in front of the testbench code
    run_cases(tmp_path, [], [case], prologue=top)
