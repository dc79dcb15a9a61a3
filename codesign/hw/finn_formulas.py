"""FINN's published cycle and resource-estimation formulas, as pure functions of plain numbers.

These are our own re-implementations of the analytical estimates in FINN
(https://github.com/Xilinx/finn, ``src/finn/custom_op/fpgadataflow/``), written so that a layer
described by plain numbers (MW, MH, PE, SIMD, bit widths, memory styles, ...) gets the number FINN
would print for it. Each function names the FINN file and method it mirrors. The formulas are kept
exactly as FINN has them, including the places where FINN is known to be crude or inconsistent;
those are marked ``QUIRK`` in the comments. Do not "fix" them here: refined models belong elsewhere
and should be validated against these and against post-synthesis numbers.

Reference version: FINN ``main`` after the 2024 HW/HLS/RTL split (``HWCustomOp`` base classes with
``hls/*_hls.py`` and ``rtl/*_rtl.py`` backends; ``mem_mode`` values ``internal_embedded``,
``internal_decoupled``, ``external``). The pre-2024 names ``const`` and ``decoupled`` are accepted
as aliases.

Conventions: MW/MH = matrix width/height, P = PE, Q = SIMD, W = weight bits, A = input
(activation) bits. BRAM counts are RAMB18 (FINN's ``BRAM_18K``). All estimates return ``int``
except the ``*_efficiency`` functions (fractions).
"""

from __future__ import annotations

import math
from typing import Sequence

__all__ = [
    # helpers
    "ramb18_aspect_width",
    "acc_bits_bound",
    "compute_conv_output_dim",
    "compute_pool_output_dim",
    # MVAU
    "mvau_calc_wmem",
    "mvau_calc_tmem",
    "mvau_exp_cycles",
    "mvau_lut_estimation",
    "mvau_bram_estimation",
    "mvau_bram_efficiency",
    "mvau_uram_estimation",
    "mvau_uram_efficiency",
    "mvau_dsp_estimation",
    "mvau_rtl_dsp_estimation",
    # VVAU
    "vvau_calc_wmem",
    "vvau_calc_tmem",
    "vvau_exp_cycles",
    "vvau_lut_estimation",
    "vvau_bram_estimation",
    "vvau_uram_estimation",
    "vvau_dsp_estimation",
    "vvau_rtl_dsp_estimation",
    # sliding window generator
    "swg_hls_exp_cycles",
    "swg_hls_bram_estimation",
    "swg_hls_lut_estimation",
    "swg_hls_uram_estimation",
    "swg_hls_1d_variant",
    "swg_hls_1d_exp_cycles",
    "swg_hls_1d_bram_estimation",
    "swg_hls_1d_lut_estimation",
    "swg_hls_1d_uram_estimation",
    "swg_rtl_buffer_depth",
    "swg_rtl_exp_cycles",
    "swg_rtl_bram_estimation",
    "swg_rtl_lut_estimation",
    "swg_rtl_uram_estimation",
    # thresholding and the simple streaming ops
    "thresholding_exp_cycles",
    "thresholding_bram_estimation",
    "thresholding_lut_estimation",
    "streamingmaxpool_exp_cycles",
    "fmpadding_exp_cycles",
    "labelselect_exp_cycles",
    "addstreams_exp_cycles",
    "duplicatestreams_exp_cycles",
    "dwc_exp_cycles",
    "dwc_lut_estimation",
    "fifo_adjusted_depth",
    "fifo_bram_estimation",
    "fifo_uram_estimation",
    "fifo_lut_estimation",
    "fifo_bram_efficiency",
]

MEM_MODES = ("internal_embedded", "internal_decoupled", "external")
_MEM_MODE_ALIASES = {"const": "internal_embedded", "decoupled": "internal_decoupled"}
RAM_STYLES = ("auto", "block", "distributed", "ultra")
RES_TYPES = ("auto", "lut", "dsp")


# --------------------------------------------------------------------------- argument checks



def _finn_ramb18_table(omega: float, mem_width: int, div9: int, div18: int, div36: int) -> int:
    """FINN's RAMB18 count for a memory of depth omega and width mem_width, by the RAMB18 aspect
    ratios 16Kx1, 8Kx2, 4Kx4, 2Kx9, 1Kx18, 512x36. The width divisors of the 9/18/36-bit shapes are
    parameters because FINN's MVAU uses 9/18/36 and its VVAU drifted to 8/16/32 (both kept)."""
    if mem_width == 1:
        return math.ceil(omega / 16384)
    elif mem_width == 2:
        return math.ceil(omega / 8192)
    elif mem_width <= 4:
        return (math.ceil(omega / 4096)) * (math.ceil(mem_width / 4))
    elif mem_width <= 9:
        return (math.ceil(omega / 2048)) * (math.ceil(mem_width / div9))
    elif mem_width <= 18 or omega > 512:
        return (math.ceil(omega / 1024)) * (math.ceil(mem_width / div18))
    else:
        return (math.ceil(omega / 512)) * (math.ceil(mem_width / div36))

def _pos_int(name: str, v) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
        raise ValueError(f"{name} must be a positive integer, got {v!r}")
    return v


def _choice(name: str, v: str, allowed: Sequence[str]) -> str:
    if v not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)}, got {v!r}")
    return v


def _mem_mode(v: str) -> str:
    return _choice("mem_mode", _MEM_MODE_ALIASES.get(v, v), MEM_MODES)


def _pair(name: str, v) -> tuple[int, int]:
    """An int (square) or a length-2 sequence [H, W] -> (H, W)."""
    if isinstance(v, int) and not isinstance(v, bool):
        return (v, v)
    try:
        a, b = v
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an int or a pair [H, W], got {v!r}") from None
    return (a, b)


def _prod(xs) -> int:
    if isinstance(xs, int) and not isinstance(xs, bool):
        return xs
    return math.prod(xs)


# --------------------------------------------------------------------------- helpers


def ramb18_aspect_width(depth: float) -> int:
    """Data width of the RAMB18 aspect ratio FINN picks for a memory of ``depth`` words
    (<=512: 36, <=1024: 18, <=2048: 9, <=4096: 4, <=8192: 2, else 1).

    Mirrors the ``ram_depth -> ram_width`` ladder in
    hls/convolutioninputgenerator_hls.py ``bram_estimation`` and
    rtl/convolutioninputgenerator_rtl.py ``bram_estimation``.
    """
    if depth <= 512:
        return 36
    elif depth <= 1024:
        return 18
    elif depth <= 2048:
        return 9
    elif depth <= 4096:
        return 4
    elif depth <= 8192:
        return 2
    else:
        return 1


def acc_bits_bound(dot_len: int, weight_bits: int, input_bits: int, input_signed: bool) -> int:
    """FINN's data-type bound on the accumulator width used in the MVAU/VVAU LUT estimates
    (from https://arxiv.org/abs/2301.13376):
    ``ceil(alpha + log2(1 + 2**-alpha) + 1)``, ``alpha = log2(dot_len) + W + A - 1 - signed(input)``.

    Mirrors the ``alpha``/``acc_bits`` lines of hls/matrixvectoractivation_hls.py and
    hls/vectorvectoractivation_hls.py ``lut_estimation`` (dot_len = MW, resp. k_h*k_w).
    """
    alpha = math.log(dot_len, 2) + weight_bits + input_bits - 1 - int(bool(input_signed))
    return math.ceil(alpha + math.log(1 + pow(2, -alpha), 2) + 1)


def compute_conv_output_dim(ifm_dim: int, k: int, stride: int, total_pad: int = 0, dilation: int = 1) -> int:
    """Convolution output size, as qonnx.custom_op.general.im2col.compute_conv_output_dim:
    ``int((ifm + total_pad - dilation*(k-1) - 1) / stride + 1)``."""
    return int(((ifm_dim + total_pad - dilation * (k - 1) - 1) / stride) + 1)


def compute_pool_output_dim(ifm_dim: int, k: int, stride: int, pad: int = 0, ceil_mode: int = 0) -> int:
    """Pooling output size, as qonnx.custom_op.general.maxpoolnhwc.compute_pool_output_dim."""
    x = ((ifm_dim + 2 * pad - k) / stride) + 1
    return int(math.ceil(x)) if ceil_mode else int(math.floor(x))


# --------------------------------------------------------------------------- MVAU


def mvau_calc_wmem(mw: int, mh: int, pe: int, simd: int) -> int:
    """Weight memory depth MW*MH/(PE*SIMD). Mirrors matrixvectoractivation.py ``MVAU.calc_wmem``
    (including its asserts MH % PE == 0, MW % SIMD == 0, raised here as ValueError)."""
    _pos_int("mw", mw), _pos_int("mh", mh), _pos_int("pe", pe), _pos_int("simd", simd)
    if mh % pe:
        raise ValueError(f"MVAU requires MH % PE == 0 (MH={mh}, PE={pe})")
    if mw % simd:
        raise ValueError(f"MVAU requires MW % SIMD == 0 (MW={mw}, SIMD={simd})")
    return mw * mh // (pe * simd)


def mvau_calc_tmem(mh: int, pe: int, no_activation: bool = False) -> int:
    """Threshold memory depth MH/PE (0 without activation). Mirrors ``MVAU.calc_tmem``."""
    _pos_int("mh", mh), _pos_int("pe", pe)
    return 0 if no_activation else mh // pe


def mvau_exp_cycles(mw: int, mh: int, pe: int, simd: int, num_input_vectors: int | Sequence[int] = 1) -> int:
    """Expected cycles (MH/PE) * (MW/SIMD) * prod(numInputVectors).

    Mirrors matrixvectoractivation.py ``MVAU.get_exp_cycles`` (mmv fixed to 1; float arithmetic,
    then ``int()``, so non-divisible foldings truncate rather than raise, as in FINN).
    """
    _pos_int("mw", mw), _pos_int("mh", mh), _pos_int("pe", pe), _pos_int("simd", simd)
    mmv = 1
    return int((mh / pe) * (mw / simd) * _prod(num_input_vectors) / mmv)


def mvau_lut_estimation(
    mw: int,
    mh: int,
    pe: int,
    simd: int,
    weight_bits: int,
    input_bits: int,
    *,
    acc_bits: int = 32,
    input_signed: bool = False,
    output_bits: int | None = None,
    no_activation: bool = False,
    mem_mode: str = "internal_decoupled",
    ram_style: str = "auto",
    ram_style_thresholds: str = "auto",
    res_type: str = "auto",
) -> int:
    """FINN-R LUT estimate of an HLS MVAU.

    Mirrors hls/matrixvectoractivation_hls.py ``MVAU_hls.lut_estimation``::

        c0 = 300, c1 = 1.1, c2 = 0
        c2 = P*Q*W * ceil(WMEM/64)   if (decoupled and ram_style == distributed)
                                     or (embedded and WMEM <= 128)
        mult = 0 if resType == dsp else Q * (2*ceil((W+A)/6) - 1) * (W+A)
        addertree = (W+A) * (2Q - 1)
        acc = min(accDataType bits, acc_bits_bound(MW, W, A, signed))
        thr  = (2**B - 1) * acc * ceil(TMEM/64)   } only if activation and
        comp = (2**B - 1) * acc                   } ram_style_thresholds == distributed
        LUT = int(c0 + c1 * P * (mult + addertree + acc + thr + comp) + c2)

    ``acc_bits`` is the node's accDataType width (FINN's default INT32 = 32 before
    MinimizeAccumulatorWidth). ``output_bits`` (B) is needed only when the threshold terms apply.

    QUIRK: the threshold memory and comparator LUTs are counted only when
    ``ram_style_thresholds == "distributed"``; with FINN's default ``"auto"`` they are 0.
    QUIRK: ``input_bits``/``weight_bits`` for bipolar (1-bit, XNOR) layers go through the same
    multiplier formula, FINN has no separate XNOR-popcount LUT model.
    """
    mem_mode = _mem_mode(mem_mode)
    _choice("ram_style", ram_style, RAM_STYLES)
    _choice("ram_style_thresholds", ram_style_thresholds, ("auto", "block", "distributed"))
    _choice("res_type", res_type, RES_TYPES)
    _pos_int("weight_bits", weight_bits), _pos_int("input_bits", input_bits), _pos_int("acc_bits", acc_bits)
    P, Q, W, A, MW = pe, simd, weight_bits, input_bits, mw
    wmem = mvau_calc_wmem(mw, mh, pe, simd)
    # parameters from experiments in the FINN-R paper
    c0 = 300
    c1 = 1.1
    c2 = 0
    if (mem_mode == "internal_decoupled" and ram_style == "distributed") or (
        mem_mode == "internal_embedded" and wmem <= 128
    ):
        c2 = (P * Q * W) * math.ceil(wmem / 64)
    # multiplication
    if res_type == "dsp":
        mult_luts = 0
    else:
        mult_luts = Q * (2 * math.ceil((W + A) / 6) - 1) * (W + A)
    # adder tree
    addertree_luts = (W + A) * (2 * Q - 1)
    # accumulator
    acc = min(acc_bits, acc_bits_bound(MW, W, A, input_signed))
    acc_luts = acc
    # thresholds and threshold comparators
    thr_luts = 0
    comp_luts = 0
    if (not no_activation) and ram_style_thresholds == "distributed":
        if output_bits is None:
            raise ValueError("output_bits is required for the threshold LUT terms")
        B = _pos_int("output_bits", output_bits)
        thr_luts = (2**B - 1) * acc * math.ceil(mvau_calc_tmem(mh, pe) / 64)
        comp_luts = (2**B - 1) * acc
    return int(c0 + c1 * (P * (mult_luts + addertree_luts + acc_luts + thr_luts + comp_luts)) + c2)


def mvau_bram_estimation(
    mw: int,
    mh: int,
    pe: int,
    simd: int,
    weight_bits: int,
    *,
    mem_mode: str = "internal_decoupled",
    ram_style: str = "auto",
) -> int:
    """RAMB18 count of the MVAU weight memory (FINN-R, assuming SDP-mode RAMB18s, UG573).

    Mirrors matrixvectoractivation.py ``MVAU.bram_estimation``. With
    ``omega = MW*MH/(Q*P)`` (depth) and ``mem_width = Q*W*P``::

        0 if (decoupled and ram_style in {distributed, ultra}) or (embedded and WMEM <= 128)
             or external
        width == 1:           ceil(omega/16384)
        width == 2:           ceil(omega/8192)
        width <= 4:           ceil(omega/4096) * ceil(width/4)
        width <= 9:           ceil(omega/2048) * ceil(width/9)
        width <= 18 or omega > 512: ceil(omega/1024) * ceil(width/18)
        else:                 ceil(omega/512)  * ceil(width/36)

    QUIRK: any memory deeper than 512 uses the 18x1K aspect, even when it is wider than 18 bits
    (``or omega > 512``), so wide-and-deep memories are never costed in the 36x512 aspect.
    QUIRK: ``ram_style == "auto"`` is costed as BRAM (Vivado may choose LUTRAM for shallow ones).
    QUIRK: internal_embedded memories deeper than 128 count BRAM *and* (see
    :func:`mvau_uram_estimation`) URAM, whatever ``ram_style`` says.
    """
    mem_mode = _mem_mode(mem_mode)
    _choice("ram_style", ram_style, RAM_STYLES)
    _pos_int("weight_bits", weight_bits)
    P, Q, W = pe, simd, weight_bits
    wmem = mvau_calc_wmem(mw, mh, pe, simd)
    omega = (mw * mh) / (Q * P)
    mem_width = Q * W * P
    if (
        (mem_mode == "internal_decoupled" and ram_style in ["distributed", "ultra"])
        or (mem_mode == "internal_embedded" and wmem <= 128)
        or (mem_mode == "external")
    ):
        return 0
    return _finn_ramb18_table(omega, mem_width, 9, 18, 36)


def mvau_bram_efficiency(
    mw: int, mh: int, pe: int, simd: int, weight_bits: int, *, mem_mode: str = "internal_decoupled",
    ram_style: str = "auto",
) -> float:
    """Weight bits / allocated BRAM bits, ``W*MW*MH / (bram * 36 * 512)`` (1 when no BRAM).
    Mirrors ``MVAU.bram_efficiency_estimation``."""
    bram = mvau_bram_estimation(mw, mh, pe, simd, weight_bits, mem_mode=mem_mode, ram_style=ram_style)
    if bram == 0:
        return 1
    return (weight_bits * mw * mh) / (bram * 36 * 512)


def mvau_uram_estimation(
    mw: int,
    mh: int,
    pe: int,
    simd: int,
    weight_bits: int,
    *,
    mem_mode: str = "internal_decoupled",
    ram_style: str = "auto",
) -> int:
    """URAM count of the MVAU weight memory: ``ceil(Q*W*P / 72) * ceil(omega / 4096)``, 0 unless
    (decoupled and ram_style == ultra) or (embedded and WMEM > 128).

    Mirrors matrixvectoractivation.py ``MVAU.uram_estimation``.
    QUIRK: internal_embedded with WMEM > 128 is costed in URAM (and BRAM) regardless of ram_style.
    """
    mem_mode = _mem_mode(mem_mode)
    _choice("ram_style", ram_style, RAM_STYLES)
    _pos_int("weight_bits", weight_bits)
    P, Q, W = pe, simd, weight_bits
    wmem = mvau_calc_wmem(mw, mh, pe, simd)
    omega = (mw * mh) / (Q * P)
    mem_width = Q * W * P
    if (
        (mem_mode == "internal_decoupled" and ram_style != "ultra")
        or (mem_mode == "internal_embedded" and wmem <= 128)
        or (mem_mode == "external")
    ):
        return 0
    width_multiplier = math.ceil(mem_width / 72)
    depth_multiplier = math.ceil(omega / 4096)
    return width_multiplier * depth_multiplier


def mvau_uram_efficiency(
    mw: int, mh: int, pe: int, simd: int, weight_bits: int, *, mem_mode: str = "internal_decoupled",
    ram_style: str = "auto",
) -> float:
    """Weight bits / allocated URAM bits, ``W*MW*MH / (uram * 72 * 4096)`` (1 when no URAM).
    Mirrors ``MVAU.uram_efficiency_estimation``."""
    uram = mvau_uram_estimation(mw, mh, pe, simd, weight_bits, mem_mode=mem_mode, ram_style=ram_style)
    if uram == 0:
        return 1
    return (weight_bits * mw * mh) / (uram * 72 * 4096)


def mvau_dsp_estimation(pe: int, simd: int, weight_bits: int, input_bits: int, *, res_type: str = "auto") -> int:
    """DSPs of an HLS MVAU: ``P * Q * ceil((W+A)/48)`` when resType == dsp, else 0.

    Mirrors hls/matrixvectoractivation_hls.py ``MVAU_hls.dsp_estimation`` (FINN's own comment:
    "TODO: more accurate modelling"). QUIRK: with resType "auto" (FINN's default) the estimate is
    0 even though Vivado HLS usually maps wide multipliers to DSPs.
    """
    _choice("res_type", res_type, RES_TYPES)
    _pos_int("pe", pe), _pos_int("simd", simd), _pos_int("weight_bits", weight_bits), _pos_int("input_bits", input_bits)
    if res_type == "dsp":
        return int(pe * simd * math.ceil((weight_bits + input_bits) / 48))
    return 0


def mvau_rtl_dsp_estimation(pe: int, simd: int, dsp_block: str = "DSP48E2") -> int:
    """DSPs of the RTL MVU: DSP58 (Versal): ``P * ceil(Q/3)``; DSP48: ``ceil(P/4) * Q``.

    Mirrors rtl/matrixvectoractivation_rtl.py ``MVAU_rtl.dsp_estimation``.
    """
    _pos_int("pe", pe), _pos_int("simd", simd)
    _choice("dsp_block", dsp_block, ("DSP58", "DSP48E2", "DSP48E1"))
    if dsp_block == "DSP58":
        return int(pe * math.ceil(simd / 3))
    return int(math.ceil(pe / 4) * simd)


# --------------------------------------------------------------------------- VVAU


def vvau_calc_wmem(channels: int, kernel, pe: int, simd: int = 1) -> int:
    """Weight memory depth ``(k_h*k_w*C // PE) // SIMD``. Mirrors vectorvectoractivation.py
    ``VVAU.calc_wmem`` (with FINN's folding asserts C % PE == 0, (k_h*k_w) % SIMD == 0)."""
    k_h, k_w = _pair("kernel", kernel)
    _pos_int("channels", channels), _pos_int("pe", pe), _pos_int("simd", simd)
    if channels % pe:
        raise ValueError(f"VVAU requires Channels % PE == 0 (C={channels}, PE={pe})")
    if (k_h * k_w) % simd:
        raise ValueError(f"VVAU requires (k_h*k_w) % SIMD == 0 (k={k_h}x{k_w}, SIMD={simd})")
    return (k_h * k_w * channels // pe) // simd


def vvau_calc_tmem(channels: int, pe: int, no_activation: bool = False) -> int:
    """Threshold memory depth C/PE (0 without activation). Mirrors ``VVAU.calc_tmem``."""
    return 0 if no_activation else channels // pe


def vvau_exp_cycles(channels: int, kernel, dim, pe: int, simd: int = 1) -> int:
    """Expected cycles ``(C*k_h*k_w / PE / SIMD) * (H*W)`` (batch 1, mmv 1).
    Mirrors vectorvectoractivation.py ``VVAU.get_exp_cycles``; ``dim`` is the output [H, W]."""
    k_h, k_w = _pair("kernel", kernel)
    dim_h, dim_w = _pair("dim", dim)
    _pos_int("pe", pe), _pos_int("simd", simd)
    batch_size = 1
    mmv = 1
    return int(((channels * k_h * k_w) / pe / simd) * batch_size * (dim_h * dim_w) / mmv)


def vvau_lut_estimation(
    channels: int,
    kernel,
    pe: int,
    simd: int,
    weight_bits: int,
    input_bits: int,
    *,
    acc_bits: int = 32,
    input_signed: bool = False,
    output_bits: int | None = None,
    no_activation: bool = False,
    mem_mode: str = "internal_decoupled",
    ram_style: str = "auto",
    res_type: str = "auto",
) -> int:
    """FINN-R LUT estimate of an HLS VVAU. Same structure as :func:`mvau_lut_estimation` with
    the dot product length k_h*k_w in the accumulator bound.

    Mirrors hls/vectorvectoractivation_hls.py ``VVAU_hls.lut_estimation``.
    QUIRK (differs from MVAU): the threshold terms are added whenever there is an activation
    (no ram_style_thresholds condition), and the threshold memory term is
    ``(2**B-1) * acc * TMEM / 64`` with no ceil (fractional LUTs before the final int()).
    """
    mem_mode = _mem_mode(mem_mode)
    _choice("ram_style", ram_style, RAM_STYLES)
    _choice("res_type", res_type, RES_TYPES)
    _pos_int("weight_bits", weight_bits), _pos_int("input_bits", input_bits), _pos_int("acc_bits", acc_bits)
    k_h, k_w = _pair("kernel", kernel)
    P, Q, W, A = pe, simd, weight_bits, input_bits
    wmem = vvau_calc_wmem(channels, (k_h, k_w), pe, simd)
    c0 = 300
    c1 = 1.1
    c2 = 0
    if (mem_mode == "internal_decoupled" and ram_style == "distributed") or (
        mem_mode == "internal_embedded" and wmem <= 128
    ):
        c2 = (P * Q * W) * math.ceil(wmem / 64)
    if res_type == "dsp":
        mult_luts = 0
    else:
        mult_luts = Q * (2 * math.ceil((W + A) / 6) - 1) * (W + A)
    addertree_luts = (W + A) * (2 * Q - 1)
    acc = min(acc_bits, acc_bits_bound(k_h * k_w, W, A, input_signed))
    acc_luts = acc
    thr_luts = 0
    comp_luts = 0
    if not no_activation:
        if output_bits is None:
            raise ValueError("output_bits is required when the VVAU has an activation")
        B = _pos_int("output_bits", output_bits)
        thr_luts = (2**B - 1) * acc * vvau_calc_tmem(channels, pe) / 64
        comp_luts = (2**B - 1) * acc
    return int(c0 + c1 * (P * (mult_luts + addertree_luts + acc_luts + thr_luts + comp_luts)) + c2)


def vvau_bram_estimation(
    channels: int,
    kernel,
    pe: int,
    simd: int,
    weight_bits: int,
    *,
    mem_mode: str = "internal_decoupled",
    ram_style: str = "auto",
) -> int:
    """RAMB18 count of the VVAU weight memory, with ``omega = WMEM`` and ``width = Q*W*P``.

    Mirrors vectorvectoractivation.py ``VVAU.bram_estimation``::

        0 if (decoupled and ram_style in {distributed, ultra}) or (ram_style == auto and WMEM <= 128)
             or (embedded and WMEM <= 128) or external
        width == 1: ceil(omega/16384);  width == 2: ceil(omega/8192)
        width <= 4: ceil(omega/4096) * ceil(width/4)
        width <= 9: ceil(omega/2048) * ceil(width/8)
        width <= 18 or omega > 512: ceil(omega/1024) * ceil(width/16)
        else: ceil(omega/512) * ceil(width/32)

    QUIRK: the width divisors (8, 16, 32) drifted from the MVAU's RAMB18 widths (9, 18, 36), so
    e.g. a 9-bit-wide memory costs 2 RAMB18 here and 1 in the MVAU.
    QUIRK: ``ram_style == "auto"`` with WMEM <= 128 is assumed to go to LUTRAM (0 BRAM), a rule
    the MVAU does not have.
    """
    mem_mode = _mem_mode(mem_mode)
    _choice("ram_style", ram_style, RAM_STYLES)
    _pos_int("weight_bits", weight_bits)
    P, Q, W = pe, simd, weight_bits
    wmem = vvau_calc_wmem(channels, kernel, pe, simd)
    omega = wmem
    mem_width = Q * W * P
    if (
        (mem_mode == "internal_decoupled" and ram_style in ["distributed", "ultra"])
        or (ram_style == "auto" and wmem <= 128)
        or (mem_mode == "internal_embedded" and wmem <= 128)
        or (mem_mode == "external")
    ):
        return 0
    return _finn_ramb18_table(omega, mem_width, 8, 16, 32)


def vvau_uram_estimation(
    channels: int,
    kernel,
    pe: int,
    simd: int,
    weight_bits: int,
    *,
    mem_mode: str = "internal_decoupled",
    ram_style: str = "auto",
) -> int:
    """URAM count of the VVAU weight memory, ``ceil(Q*W*P/72) * ceil(WMEM/4096)`` only for
    decoupled + ultra. Mirrors vectorvectoractivation.py ``VVAU.uram_estimation`` (unlike the MVAU,
    internal_embedded never counts URAM)."""
    mem_mode = _mem_mode(mem_mode)
    _choice("ram_style", ram_style, RAM_STYLES)
    _pos_int("weight_bits", weight_bits)
    omega = vvau_calc_wmem(channels, kernel, pe, simd)
    mem_width = simd * weight_bits * pe
    if (
        (mem_mode == "internal_decoupled" and ram_style != "ultra")
        or (mem_mode == "internal_embedded")
        or (mem_mode == "external")
    ):
        return 0
    return math.ceil(mem_width / 72) * math.ceil(omega / 4096)


def vvau_dsp_estimation(pe: int, weight_bits: int, input_bits: int, *, simd: int = 1, res_type: str = "auto") -> int:
    """DSPs of an HLS VVAU: ``P * ceil((W+A)/48)`` when resType == dsp, else 0.

    Mirrors hls/vectorvectoractivation_hls.py ``VVAU_hls.dsp_estimation``.
    QUIRK: SIMD is ignored (``simd`` is accepted only to make that visible), so a VVAU with
    SIMD > 1 is under-counted by a factor SIMD relative to the MVAU formula.
    """
    _choice("res_type", res_type, RES_TYPES)
    _pos_int("pe", pe), _pos_int("simd", simd)
    if res_type == "dsp":
        return int(pe * math.ceil((weight_bits + input_bits) / 48))
    return 0


def vvau_rtl_dsp_estimation(pe: int, simd: int) -> int:
    """DSPs of the RTL VVU (DSP58 only): ``P * ceil(Q/3)``.
    Mirrors rtl/vectorvectoractivation_rtl.py ``VVAU_rtl.dsp_estimation``."""
    _pos_int("pe", pe), _pos_int("simd", simd)
    return int(pe * math.ceil(simd / 3))


# --------------------------------------------------------------------------- sliding window (HLS)


def swg_hls_exp_cycles(ifm_ch: int, kernel, ifm_dim, ofm_dim, simd: int, stride=1, dilation=1) -> int:
    """Expected cycles of the 2D HLS ConvolutionInputGenerator (finn-hlslib slidingwindow.h)::

        write = OFM_w * k_w * k_h * (C/SIMD);  read = stride_w * IFM_w * (C/SIMD)
        cycles = IFM_w * k_h * dilation_h * (C/SIMD) + OFM_h * max(write, read)

    Mirrors hls/convolutioninputgenerator_hls.py ``get_exp_cycles`` (2D branch, mmv 1).
    NOTE: the buffer-fill term is IFM_w*k_h*dil_h*CF (k_h full rows), not the
    ((k_h-1)*IFM_w + k_w)*CF of the RTL generator (:func:`swg_rtl_exp_cycles`).
    """
    k_h, k_w = _pair("kernel", kernel)
    ifm_dim_h, ifm_dim_w = _pair("ifm_dim", ifm_dim)
    ofm_dim_h, ofm_dim_w = _pair("ofm_dim", ofm_dim)
    stride_h, stride_w = _pair("stride", stride)
    dilation_h, dilation_w = _pair("dilation", dilation)
    _pos_int("simd", simd)
    mmv = 1
    cycles_write_block = (ofm_dim_w * k_w * k_h * (ifm_ch / simd)) / mmv
    cycles_read_block = stride_w * ifm_dim_w * (ifm_ch / simd)
    max_cycles = max(cycles_write_block, cycles_read_block)
    exp_cycles = ifm_dim_w * k_h * dilation_h * (ifm_ch / simd) + ofm_dim_h * max_cycles
    return int(exp_cycles)


def swg_hls_bram_estimation(
    ifm_ch: int, kernel, ifm_dim, simd: int, input_bits: int, stride=1, *, ram_style: str = "auto"
) -> int:
    """RAMB18 of the 2D HLS sliding window buffer (block/auto only)::

        depth = IFMDim[0] * C / SIMD;  width = ramb18_aspect_width(depth)
        (k + stride) * ceil(SIMD*A / width) * ceil(IFMDim[0]*C/SIMD / depth)

    Mirrors hls/convolutioninputgenerator_hls.py ``bram_estimation`` (2D branch).
    QUIRK: uses only ConvKernelDim[0], Stride[0] and IFMDim[0] (square assumption); the buffer is
    k+stride lines of IFMDim[0]*C/SIMD words; the depth multiplier is always 1.
    """
    _choice("ram_style", ram_style, RAM_STYLES)
    k = _pair("kernel", kernel)[0]
    ifm = _pair("ifm_dim", ifm_dim)[0]
    s = _pair("stride", stride)[0]
    _pos_int("simd", simd)
    if ram_style == "block" or ram_style == "auto":
        ram_depth = ifm * ifm_ch / simd
        ram_width = ramb18_aspect_width(ram_depth)
        width_mul = math.ceil(simd * input_bits / ram_width)
        depth_mul = math.ceil(ifm * ifm_ch / simd / ram_depth)
        return int((k + s) * width_mul * depth_mul)
    return 0


def swg_hls_lut_estimation(
    ifm_ch: int, kernel, ifm_dim, simd: int, input_bits: int, stride=1, *, ram_style: str = "auto"
) -> int:
    """LUTs of the 2D HLS sliding window: ``300 + ram_luts``, with
    ``ram_luts = (k + stride) * SIMD*A * ceil(IFMDim[0]*C/SIMD / 64)`` for distributed RAM, else 0.
    Mirrors hls/convolutioninputgenerator_hls.py ``lut_estimation`` (2D branch)."""
    _choice("ram_style", ram_style, RAM_STYLES)
    k = _pair("kernel", kernel)[0]
    ifm = _pair("ifm_dim", ifm_dim)[0]
    s = _pair("stride", stride)[0]
    _pos_int("simd", simd)
    if ram_style == "distributed":
        ram_luts = int((k + s) * (simd * input_bits * math.ceil(ifm * ifm_ch / simd / 64)))
    else:
        ram_luts = 0
    return 300 + ram_luts


def swg_hls_uram_estimation(
    ifm_ch: int, kernel, ifm_dim, simd: int, input_bits: int, stride=1, *, ram_style: str = "auto"
) -> int:
    """URAM of the 2D HLS sliding window (ultra only):
    ``(k + stride) * ceil(SIMD*A / 64) * ceil(IFMDim[0]*C/SIMD / 4096)``.
    Mirrors hls/convolutioninputgenerator_hls.py ``uram_estimation`` (2D branch).
    QUIRK: divides the width by 64, while every other URAM formula in FINN uses 72."""
    _choice("ram_style", ram_style, RAM_STYLES)
    k = _pair("kernel", kernel)[0]
    ifm = _pair("ifm_dim", ifm_dim)[0]
    s = _pair("stride", stride)[0]
    _pos_int("simd", simd)
    if ram_style == "ultra":
        return int((k + s) * (math.ceil(simd * input_bits / 64) * math.ceil(ifm * ifm_ch / simd / 4096)))
    return 0


_SWG_1D_VARIANTS = ("1D_parallel", "1D", "1D_dws", "1D_dws_stride", "1D_dws_naive")


def _norm_1d(ifm_dim, ofm_dim, kernel, stride, dilation):
    """FINN's get_1d_conv_attrs_normalized: [D, 1] attributes are flipped to [1, D]."""
    ifm = _pair("ifm_dim", ifm_dim)
    ofm = _pair("ofm_dim", ofm_dim)
    k = _pair("kernel", kernel)
    s = _pair("stride", stride)
    d = _pair("dilation", dilation)
    if ifm[1] == 1:
        ifm, ofm, k, s, d = ifm[::-1], ofm[::-1], k[::-1], s[::-1], d[::-1]
    return ifm, ofm, k, s, d


def swg_hls_1d_variant(
    *,
    depthwise: bool,
    stride=1,
    dilation=1,
    parallel_window: bool = False,
    simd: int = 1,
    ifm_ch: int = 1,
    ram_style: str = "auto",
) -> str:
    """Which finn-hlslib 1D sliding window FINN instantiates (without the
    ``ConvolutionInputGenerator_`` prefix): ``1D_parallel``, ``1D``, ``1D_dws``, ``1D_dws_stride``
    or ``1D_dws_naive``.

    Mirrors hls/convolutioninputgenerator_hls.py ``get_swu_variant`` (1D branch) and
    ``use_parallel_window_output`` (parallel only if requested and SIMD == C, not depthwise,
    stride 1, dilation 1, ram_style auto/distributed).
    """
    s_h, s_w = _pair("stride", stride)
    d_h, d_w = _pair("dilation", dilation)
    if parallel_window:
        if (
            simd == ifm_ch
            and not depthwise
            and s_h == 1
            and s_w == 1
            and d_h == 1
            and d_w == 1
            and ram_style in ["auto", "distributed"]
        ):
            return "1D_parallel"
    is_strided = s_h * s_w > 1
    is_stride_2 = s_h * s_w == 2
    is_dilated = d_h * d_w > 1
    if not depthwise:
        return "1D"
    if (is_strided and not is_stride_2) or is_dilated:
        return "1D_dws_naive"
    elif is_stride_2:
        return "1D_dws_stride"
    return "1D_dws"


def swg_hls_1d_exp_cycles(variant: str, ifm_ch: int, kernel, ifm_dim, ofm_dim, simd: int) -> int:
    """Expected cycles of the 1D HLS sliding window variants (after [D,1] -> [1,D] normalisation)::

        1D_parallel:            k_w + OFM_w
        1D:                     1 + OFM_w * k_w * C/SIMD
        1D_dws, 1D_dws_stride:  1 + OFM_w*k_w*C/SIMD + (C/SIMD)*(k_w-1) - (k_w-1)
        1D_dws_naive:           IFM_w*C/SIMD + OFM_w*k_w*C/SIMD

    Mirrors hls/convolutioninputgenerator_hls.py ``get_exp_cycles`` (1D branch).
    """
    _choice("variant", variant, _SWG_1D_VARIANTS)
    _pos_int("simd", simd)
    (_, ifm_w), (_, ofm_w), (_, k_w), _, _ = _norm_1d(ifm_dim, ofm_dim, kernel, 1, 1)
    if variant == "1D_parallel":
        exp_cycles = k_w + ofm_w
    elif variant == "1D":
        exp_cycles = 1 + ofm_w * k_w * ifm_ch / simd
    elif variant in ("1D_dws", "1D_dws_stride"):
        exp_cycles = 1 + ofm_w * k_w * ifm_ch / simd + (ifm_ch / simd) * (k_w - 1) - (k_w - 1)
    else:  # 1D_dws_naive
        cycles_read_block = ifm_w * ifm_ch / simd
        cycles_write_block = ofm_w * k_w * ifm_ch / simd
        exp_cycles = cycles_read_block + cycles_write_block
    return int(exp_cycles)


def _swg_1d_depth(variant, ifm_ch, k_w, ifm_w, simd):
    if variant == "1D":
        return (k_w - 1) * ifm_ch / simd
    if variant == "1D_dws_naive":
        return ifm_w * ifm_ch / simd
    return k_w * ifm_ch / simd  # 1D_dws, 1D_dws_stride


def swg_hls_1d_bram_estimation(
    variant: str, ifm_ch: int, kernel, ifm_dim, simd: int, input_bits: int, *, ram_style: str = "auto"
) -> int:
    """RAMB18 of the 1D HLS sliding window (block/auto; 0 for 1D_parallel)::

        depth: 1D: (k_w-1)*C/SIMD;  1D_dws_naive: IFM_w*C/SIMD;  1D_dws(_stride): k_w*C/SIMD
        ceil(SIMD*A / ramb18_aspect_width(depth)) * ceil(depth / 18432)

    Mirrors hls/convolutioninputgenerator_hls.py ``bram_estimation`` (1D branch).
    QUIRK: the depth multiplier divides by 18432 (bits in a RAMB18), not by the aspect depth.
    """
    _choice("variant", variant, _SWG_1D_VARIANTS)
    _choice("ram_style", ram_style, RAM_STYLES)
    _pos_int("simd", simd)
    (_, ifm_w), _, (_, k_w), _, _ = _norm_1d(ifm_dim, ifm_dim, kernel, 1, 1)
    if variant == "1D_parallel":
        return 0
    if ram_style == "block" or ram_style == "auto":
        ram_depth = _swg_1d_depth(variant, ifm_ch, k_w, ifm_w, simd)
        ram_width = ramb18_aspect_width(ram_depth)
        width_mul = math.ceil(simd * input_bits / ram_width)
        depth_mul = math.ceil(ram_depth / 18432)
        return int(width_mul * depth_mul)
    return 0


def swg_hls_1d_lut_estimation(
    variant: str, ifm_ch: int, kernel, ifm_dim, simd: int, input_bits: int, *, ram_style: str = "auto"
) -> int:
    """LUTs of the 1D HLS sliding window: ``300 + ram_luts``; for distributed RAM
    ``ram_luts = ceil(A * depth_elems / 64)`` with depth_elems (k_w-1)*C, IFM_w*C or k_w*C by variant.

    Mirrors hls/convolutioninputgenerator_hls.py ``lut_estimation`` (1D branch).
    QUIRK: the 1D_parallel register cost ``ceil(SIMD*A*(k_w+1)/64)`` is computed first but then
    overwritten with 0 unless ram_style == "distributed", so with the default "auto" a parallel
    window costs 300 LUTs.
    """
    _choice("variant", variant, _SWG_1D_VARIANTS)
    _choice("ram_style", ram_style, RAM_STYLES)
    _pos_int("simd", simd)
    (_, ifm_w), _, (_, k_w), _, _ = _norm_1d(ifm_dim, ifm_dim, kernel, 1, 1)
    ram_luts = 0
    if variant == "1D_parallel":
        ram_luts = math.ceil(simd * input_bits * (k_w + 1) / 64)
    if ram_style == "distributed":
        if variant == "1D":
            ram_luts = math.ceil(input_bits * (k_w - 1) * ifm_ch / 64)
        elif variant == "1D_dws_naive":
            ram_luts = math.ceil(input_bits * ifm_w * ifm_ch / 64)
        elif variant in ("1D_dws", "1D_dws_stride"):
            ram_luts = math.ceil(input_bits * k_w * ifm_ch / 64)
    else:
        ram_luts = 0
    return 300 + ram_luts


def swg_hls_1d_uram_estimation(
    variant: str, ifm_ch: int, kernel, ifm_dim, simd: int, input_bits: int, *, ram_style: str = "auto"
) -> int:
    """URAM of the 1D HLS sliding window (ultra only; 0 for 1D_parallel):
    ``ceil(SIMD*A/72) * ceil(depth/4096)`` with the depth of :func:`swg_hls_1d_bram_estimation`.
    Mirrors hls/convolutioninputgenerator_hls.py ``uram_estimation`` (1D branch)."""
    _choice("variant", variant, _SWG_1D_VARIANTS)
    _choice("ram_style", ram_style, RAM_STYLES)
    _pos_int("simd", simd)
    (_, ifm_w), _, (_, k_w), _, _ = _norm_1d(ifm_dim, ifm_dim, kernel, 1, 1)
    if variant == "1D_parallel" or ram_style != "ultra":
        return 0
    width_mul = math.ceil(simd * input_bits / 72)
    depth_mul = math.ceil(_swg_1d_depth(variant, ifm_ch, k_w, ifm_w, simd) / 4096)
    return width_mul * depth_mul


# --------------------------------------------------------------------------- sliding window (RTL)


def swg_rtl_buffer_depth(impl_style: str, ifm_ch: int, kernel, ifm_dim, simd: int, stride=1, dilation=1) -> int:
    """Total buffer depth of the RTL sliding window generator::

        CF = C / SIMD
        default:  min = ((k_h-1)*dil_h*W + (k_w-1)*dil_w + 1) * CF
                  depth = min + max(0, (stride_w-1 - k_h*k_w)*CF) + max(0, ((stride_h-1)*W - k_h*k_w)*CF)
        parallel: depth = ((k_h-1)*dil_h*W + (k_w-1)*dil_w) * CF + 1 + 1

    Mirrors rtl/convolutioninputgenerator_rtl.py ``get_buffer_depth`` (mmv_in = mmv_out = 1).
    """
    _choice("impl_style", impl_style, ("default", "parallel"))
    k_h, k_w = _pair("kernel", kernel)
    _, w = _pair("ifm_dim", ifm_dim)
    stride_h, stride_w = _pair("stride", stride)
    dilation_h, dilation_w = _pair("dilation", dilation)
    _pos_int("simd", simd)
    mmv_in = 1
    mmv_out = 1
    channel_factor = int(ifm_ch / simd)
    if impl_style == "default":
        buffer_min_size = ((k_h - 1) * dilation_h * w + (k_w - 1) * dilation_w + 1) * channel_factor
        return (
            buffer_min_size
            + max(0, ((stride_w - 1) - (int(mmv_out * k_h * k_w / mmv_in))) * channel_factor)
            + max(0, ((stride_h - 1) * w - (int(mmv_out * k_h * k_w / mmv_in))) * channel_factor)
        )
    buffer_min_size = ((k_h - 1) * dilation_h * w + (k_w - 1) * dilation_w) * channel_factor + 1
    return buffer_min_size + 1


def swg_rtl_exp_cycles(
    impl_style: str,
    ifm_ch: int,
    kernel,
    ifm_dim,
    ofm_dim,
    simd: int,
    stride=1,
    dilation=1,
    *,
    depthwise: bool = False,
) -> int:
    """Expected cycles of the RTL sliding window generator.

    Mirrors rtl/convolutioninputgenerator_rtl.py ``get_exp_cycles``; CF = C/SIMD::

        parallel:    IFM_h * IFM_w * CF + 2   (number of input words + 2)
        default 1D (IFM_h == 1 or IFM_w == 1, normalised to [1, D]):
            depthwise:  OFM_w*k_w*CF + CF*(k_w-1)*(stride_w-1) - (k_w-1) + 2
            otherwise:  OFM_w*k_w*CF + 2
        default 2D:
            min = ((k_h-1)*dil_h*IFM_w + (k_w-1)*dil_w + 1) * CF
            m = max(OFM_w*k_w*k_h*CF, stride_w*IFM_w*CF) [+ OFM_w*(stride_w-1)*(CF-1) if depthwise]
            cycles = min + OFM_h * m [+ (stride_h-1)*IFM_w*CF if depthwise]

    This is the DESIGN.md "default style" formula ((k_h-1)*W + k_w)*CF + OFM_h*max(...).
    """
    _choice("impl_style", impl_style, ("default", "parallel"))
    _pos_int("simd", simd)
    ifm_dim_h, ifm_dim_w = _pair("ifm_dim", ifm_dim)
    channel_factor = int(ifm_ch / simd)
    if impl_style == "parallel":
        # get_number_input_values() = prod(folded input shape[:-1]) = 1 * H * W * (C/SIMD)
        return int(ifm_dim_h * ifm_dim_w * (ifm_ch // simd) + 2)
    if ifm_dim_h == 1 or ifm_dim_w == 1:
        _, (_, ofm_w), (_, k_w), (_, stride_w), _ = _norm_1d(ifm_dim, ofm_dim, kernel, stride, dilation)
        if depthwise:
            exp_cycles = (
                +ofm_w * k_w * channel_factor
                + channel_factor * (k_w - 1) * (stride_w - 1)
                - (k_w - 1)
                + 2
            )
        else:
            exp_cycles = ofm_w * k_w * channel_factor + 2
        return int(exp_cycles)
    k_h, k_w = _pair("kernel", kernel)
    ofm_dim_h, ofm_dim_w = _pair("ofm_dim", ofm_dim)
    stride_h, stride_w = _pair("stride", stride)
    dilation_h, dilation_w = _pair("dilation", dilation)
    buffer_min_size = ((k_h - 1) * dilation_h * ifm_dim_w + (k_w - 1) * dilation_w + 1) * channel_factor
    cycles_write_block = ofm_dim_w * k_w * k_h * channel_factor
    cycles_read_block = stride_w * ifm_dim_w * channel_factor
    max_cycles = max(cycles_write_block, cycles_read_block)
    if depthwise:
        max_cycles += ofm_dim_w * (stride_w - 1) * (channel_factor - 1)
    exp_cycles = buffer_min_size + ofm_dim_h * max_cycles
    if depthwise:
        exp_cycles += (stride_h - 1) * ifm_dim_w * channel_factor
    return int(exp_cycles)


def _swg_rtl_buffers(impl_style, ifm_ch, kernel, ifm_dim, simd, stride, dilation):
    """(buffer_depth, buffer_count) or None for the 1D parallel case (no line buffers)."""
    if impl_style == "default":
        return swg_rtl_buffer_depth("default", ifm_ch, kernel, ifm_dim, simd, stride, dilation), 1
    k_h, k_w = _pair("kernel", kernel)
    ifm_dim_h, ifm_dim_w = _pair("ifm_dim", ifm_dim)
    dilation_h, dilation_w = _pair("dilation", dilation)
    if ifm_dim_h == 1 or ifm_dim_w == 1:
        return None
    kernel_width = (k_w - 1) * dilation_w + 1
    buffer_depth = (ifm_dim_w - kernel_width) + ifm_dim_w * (dilation_h - 1)
    return buffer_depth, k_h - 1


def swg_rtl_bram_estimation(
    impl_style: str,
    ifm_ch: int,
    kernel,
    ifm_dim,
    simd: int,
    input_bits: int,
    stride=1,
    dilation=1,
    *,
    ram_style: str = "auto",
) -> int:
    """RAMB18 of the RTL sliding window buffer(s) (block/auto only).

    Mirrors rtl/convolutioninputgenerator_rtl.py ``bram_estimation``: default style has one buffer
    of :func:`swg_rtl_buffer_depth`; parallel style has k_h-1 line buffers of
    ``(IFM_w - ((k_w-1)*dil_w + 1)) + IFM_w*(dil_h-1)`` words (0 in 1D). With width = SIMD*A::

        cascade = ceil(depth/16384) * ceil(width / ramb18_aspect_width(depth)) - savings
        savings (depth > 16384) = ceil(width/aspect(depth)) - ceil(width/aspect(depth % 16384))
        total = cascade * buffer_count
    """
    _choice("impl_style", impl_style, ("default", "parallel"))
    _choice("ram_style", ram_style, RAM_STYLES)
    if ram_style not in ("block", "auto"):
        return 0
    bufs = _swg_rtl_buffers(impl_style, ifm_ch, kernel, ifm_dim, simd, stride, dilation)
    if bufs is None:
        return 0  # 1D case (no line buffers needed)
    buffer_depth, buffer_count = bufs
    buffer_width = simd * input_bits
    ram_width = ramb18_aspect_width(buffer_depth)
    ram_cascade_depth = math.ceil(buffer_depth / 16384)
    ram_cascade_width = math.ceil(buffer_width / ram_width)
    cascade_savings = 0
    if buffer_depth > 16384:
        remainder_depth = buffer_depth % 16384
        remainder_width = ramb18_aspect_width(remainder_depth)
        remainder_cascade_width = math.ceil(buffer_width / remainder_width)
        cascade_savings = ram_cascade_width - remainder_cascade_width
    return int((ram_cascade_depth * ram_cascade_width - cascade_savings) * buffer_count)


def swg_rtl_lut_estimation(
    impl_style: str,
    ifm_ch: int,
    kernel,
    ifm_dim,
    simd: int,
    input_bits: int,
    stride=1,
    dilation=1,
    *,
    ram_style: str = "auto",
) -> int:
    """LUTs of the RTL sliding window: ``300 + SIMD*A * ceil(buffer_depth/38)`` for distributed
    RAM, else 300. Mirrors rtl/convolutioninputgenerator_rtl.py ``lut_estimation``."""
    _choice("impl_style", impl_style, ("default", "parallel"))
    _choice("ram_style", ram_style, RAM_STYLES)
    buffer_width = simd * input_bits
    buffer_depth = swg_rtl_buffer_depth(impl_style, ifm_ch, kernel, ifm_dim, simd, stride, dilation)
    if ram_style == "distributed":
        ram_luts = int(buffer_width * math.ceil(buffer_depth / 38))
    else:
        ram_luts = 0
    return 300 + ram_luts


def swg_rtl_uram_estimation(
    impl_style: str,
    ifm_ch: int,
    kernel,
    ifm_dim,
    simd: int,
    input_bits: int,
    stride=1,
    dilation=1,
    *,
    ram_style: str = "auto",
) -> int:
    """URAM of the RTL sliding window (ultra only):
    ``ceil(depth/4096) * ceil(SIMD*A/72) * buffer_count`` with the buffers of
    :func:`swg_rtl_bram_estimation`. Mirrors rtl/convolutioninputgenerator_rtl.py ``uram_estimation``."""
    _choice("impl_style", impl_style, ("default", "parallel"))
    _choice("ram_style", ram_style, RAM_STYLES)
    if ram_style != "ultra":
        return 0
    bufs = _swg_rtl_buffers(impl_style, ifm_ch, kernel, ifm_dim, simd, stride, dilation)
    if bufs is None:
        return 0
    buffer_depth, buffer_count = bufs
    return int(math.ceil(buffer_depth / 4096) * math.ceil(simd * input_bits / 72) * buffer_count)


# --------------------------------------------------------------------------- thresholding


def thresholding_exp_cycles(num_channels: int, pe: int, num_input_vectors: int | Sequence[int] = 1) -> int:
    """Expected cycles = prod(folded output shape[:-1]) = prod(numInputVectors) * C/PE.
    Mirrors thresholding.py ``Thresholding.get_exp_cycles``."""
    _pos_int("num_channels", num_channels), _pos_int("pe", pe)
    return int(_prod(num_input_vectors) * (num_channels // pe))


def thresholding_bram_estimation(num_channels: int, pe: int, input_bits: int, *, ram_style: str = "distributed") -> int:
    """RAMB18 of the HLS thresholding memory: ``ceil(A*P/16) * ceil(TMEM/1024)`` if ram_style ==
    block and TMEM = C/PE > 1, else 0.

    Mirrors hls/thresholding_hls.py ``Thresholding_hls.bram_estimation`` (FINN's default ram_style
    for Thresholding_hls is "distributed").
    QUIRK: the memory width is taken as A*P (input bits), ignoring both the number of thresholds
    (2**B - 1) and the threshold data type width; an 8-threshold and a 255-threshold unit cost the
    same.
    """
    _choice("ram_style", ram_style, ("distributed", "block"))
    _pos_int("num_channels", num_channels), _pos_int("pe", pe), _pos_int("input_bits", input_bits)
    tmem = num_channels // pe
    if ram_style == "block" and tmem > 1:
        return int(math.ceil(input_bits * pe / 16)) * int(math.ceil(tmem / 1024))
    return 0


def thresholding_lut_estimation(num_channels: int, pe: int, input_bits: int, *, ram_style: str = "distributed") -> int:
    """LUTs of HLS thresholding: comparators ``A*P`` plus LUTRAM ``P*A*ceil(TMEM/64)`` when
    ram_style == distributed and TMEM > 1.

    Mirrors hls/thresholding_hls.py ``Thresholding_hls.lut_estimation``.
    QUIRK: as for BRAM, the number of thresholds does not appear (one comparator of A bits per PE).
    """
    _choice("ram_style", ram_style, ("distributed", "block"))
    _pos_int("num_channels", num_channels), _pos_int("pe", pe), _pos_int("input_bits", input_bits)
    tmem = num_channels // pe
    comparator_cost = input_bits * pe
    if ram_style == "distributed" and tmem > 1:
        lutram_cost = pe * input_bits * int(math.ceil(tmem / 64))
    else:
        lutram_cost = 0
    return comparator_cost + lutram_cost


# --------------------------------------------------------------------------- simple streaming ops


def streamingmaxpool_exp_cycles(img_dim, pool_dim, num_channels: int, pe: int = 1, ceil_mode: int = 0) -> int:
    """Expected cycles of StreamingMaxPool (stride = pool size).

    Mirrors streamingmaxpool.py ``StreamingMaxPool.get_exp_cycles`` (attributes normalised
    [D, 1] -> [1, D])::

        1D (ImgDim_h == 1 and PoolDim_h == 1): OFM * (C/PE) * (k + 1)
        2D: int(ImgDim_w * ImgDim_w * (1 + 1/(k_w*k_w)))

    QUIRK: the 2D formula (FINN: "TODO: adjust inaccurate formula", and it warns the estimate
    can be lower than the real latency) ignores the channels and the image height.
    """
    ifm = _pair("img_dim", img_dim)
    k = _pair("pool_dim", pool_dim)
    if ifm[1] == 1:
        ifm, k = ifm[::-1], k[::-1]
    if ifm[0] == 1 and k[0] == 1:
        _pos_int("pe", pe)
        nf = int(num_channels / pe)
        ofm_dim = compute_pool_output_dim(ifm[1], k[1], k[1], 0, ceil_mode)
        return int(ofm_dim * nf * (k[1] + 1))
    return int(ifm[1] * ifm[1] * (1 + 1 / (k[1] * k[1])))


def fmpadding_exp_cycles(img_dim, padding: Sequence[int], num_channels: int, simd: int = 1, num_input_vectors: int = 1) -> int:
    """Expected cycles ``(C/SIMD) * batch * OH * OW`` with OH = H + pad_top + pad_bottom,
    OW = W + pad_left + pad_right; ``padding`` = [H_begin, W_begin, H_end, W_end].
    Mirrors fmpadding.py ``FMPadding.get_exp_cycles``."""
    h, w = _pair("img_dim", img_dim)
    if len(padding) != 4:
        raise ValueError("padding must be [H_begin, W_begin, H_end, W_end]")
    _pos_int("simd", simd)
    odim_h = h + padding[0] + padding[2]
    odim_w = w + padding[1] + padding[3]
    return int((num_channels / simd) * num_input_vectors * odim_h * odim_w)


def labelselect_exp_cycles(labels: int, pe: int) -> int:
    """Expected cycles ``Labels / PE``. Mirrors labelselect.py ``LabelSelect.get_exp_cycles``.
    QUIRK: numInputVectors is ignored (one vector assumed)."""
    _pos_int("labels", labels), _pos_int("pe", pe)
    return int(labels / pe)


def addstreams_exp_cycles(num_channels: int, pe: int, num_input_vectors: int | Sequence[int] = 1) -> int:
    """Expected cycles = prod(numInputVectors) * C/PE.
    Mirrors addstreams.py ``AddStreams.get_exp_cycles``."""
    _pos_int("num_channels", num_channels), _pos_int("pe", pe)
    if num_channels % pe:
        raise ValueError(f"AddStreams requires NumChannels % PE == 0 (C={num_channels}, PE={pe})")
    return int(_prod(num_input_vectors) * (num_channels // pe))


def duplicatestreams_exp_cycles(num_channels: int, pe: int, num_input_vectors: int | Sequence[int] = 1) -> int:
    """Expected cycles = prod(numInputVectors) * C/PE (independent of the number of outputs).
    Mirrors duplicatestreams.py ``DuplicateStreams.get_exp_cycles``."""
    _pos_int("num_channels", num_channels), _pos_int("pe", pe)
    if num_channels % pe:
        raise ValueError(f"DuplicateStreams requires NumChannels % PE == 0 (C={num_channels}, PE={pe})")
    return int(_prod(num_input_vectors) * (num_channels // pe))


def dwc_exp_cycles(shape: Sequence[int], in_width: int, out_width: int, elem_bits: int) -> int:
    """Expected cycles of the data width converter = prod(folded input shape) +
    prod(folded output shape), folded shapes being ``shape[:-1] + [C/elems, elems]`` with
    ``elems = width/elem_bits``.

    Mirrors streamingdatawidthconverter.py ``StreamingDataWidthConverter.get_exp_cycles``.
    QUIRK: the products include the innermost (elements-per-word) axis, so the result is
    2 * number of elements, independent of both widths, rather than the number of words moved.
    """
    _pos_int("in_width", in_width), _pos_int("out_width", out_width), _pos_int("elem_bits", elem_bits)
    shape = list(shape)
    ch = shape[-1]
    total = 0
    for width in (in_width, out_width):
        if width % elem_bits:
            raise ValueError(f"DWC width {width} must be divisible by the element width {elem_bits}")
        elems = width // elem_bits
        if ch % elems:
            raise ValueError(f"innermost dimension {ch} is not divisible by {elems} elements per word")
        folded = shape[:-1] + [ch // elems, elems]
        total += math.prod(folded)
    return int(total)


def dwc_lut_estimation(in_width: int, out_width: int) -> int:
    """LUTs of the data width converter (shift-based, via the LCM width)::

        intw = lcm(in, out)
        if in  != intw: cnt += |ceil(log2(in/intw))|;  cset += intw
        if intw != out: cnt += |ceil(log2(intw/out))|; cset += out
        LUT = cnt + cset

    Mirrors streamingdatawidthconverter.py ``StreamingDataWidthConverter.lut_estimation``.
    """
    inw = _pos_int("in_width", in_width)
    outw = _pos_int("out_width", out_width)
    minw = min(inw, outw)
    maxw = max(inw, outw)
    intw = abs(maxw * minw) // math.gcd(maxw, minw)
    cnt_luts = 0
    cset_luts = 0
    if inw != intw:
        cnt_luts += abs(math.ceil(math.log(inw / intw, 2)))
        cset_luts += intw
    if intw != outw:
        cnt_luts += abs(math.ceil(math.log(intw / outw, 2)))
        cset_luts += outw
    return int(cnt_luts + cset_luts)


# --------------------------------------------------------------------------- FIFO


def fifo_adjusted_depth(depth: int, impl_style: str = "rtl") -> int:
    """FIFO depth as built: vivado-style FIFOs are rounded up to a power of two.
    Mirrors streamingfifo.py ``StreamingFIFO.get_adjusted_depth``."""
    _choice("impl_style", impl_style, ("rtl", "vivado"))
    _pos_int("depth", depth)
    if impl_style == "vivado":
        return 1 << (depth - 1).bit_length()
    return depth


def fifo_bram_estimation(depth: int, width: int, *, impl_style: str = "rtl", ram_style: str = "auto") -> int:
    """RAMB18 of a FIFO: 0 unless impl_style == vivado and ram_style == block; then the MVAU
    RAMB18 table over (adjusted depth, width): ==1: ceil(d/16384); ==2: ceil(d/8192);
    <=4: ceil(d/4096)*ceil(w/4); <=9: ceil(d/2048)*ceil(w/9); <=18 or d > 512: ceil(d/1024)*ceil(w/18);
    else ceil(d/512)*ceil(w/36).

    Mirrors streamingfifo.py ``StreamingFIFO.bram_estimation``.
    QUIRK: with vivado + "auto" (which Vivado may well map to BRAM for deep FIFOs) the estimate is 0.
    """
    _choice("ram_style", ram_style, RAM_STYLES)
    depth = fifo_adjusted_depth(depth, impl_style)
    W = _pos_int("width", width)
    if impl_style == "rtl" or (impl_style == "vivado" and ram_style != "block"):
        return 0
    if W == 1:
        return math.ceil(depth / 16384)
    elif W == 2:
        return math.ceil(depth / 8192)
    elif W <= 4:
        return (math.ceil(depth / 4096)) * (math.ceil(W / 4))
    elif W <= 9:
        return (math.ceil(depth / 2048)) * (math.ceil(W / 9))
    elif W <= 18 or depth > 512:
        return (math.ceil(depth / 1024)) * (math.ceil(W / 18))
    else:
        return (math.ceil(depth / 512)) * (math.ceil(W / 36))


def fifo_uram_estimation(depth: int, width: int, *, impl_style: str = "rtl", ram_style: str = "auto") -> int:
    """URAM of a FIFO: ``ceil(d/4096) * ceil(w/72)`` for impl_style == vivado and ram_style ==
    ultra, else 0. Mirrors streamingfifo.py ``StreamingFIFO.uram_estimation``."""
    _choice("ram_style", ram_style, RAM_STYLES)
    depth = fifo_adjusted_depth(depth, impl_style)
    W = _pos_int("width", width)
    if impl_style == "rtl" or (impl_style == "vivado" and ram_style != "ultra"):
        return 0
    return (math.ceil(depth / 4096)) * (math.ceil(W / 72))


def fifo_lut_estimation(depth: int, width: int, *, impl_style: str = "rtl", ram_style: str = "auto") -> int:
    """LUTs of a FIFO: address logic ``2*ceil(log2(d))`` plus, for the RTL (SRL) FIFO or a
    vivado distributed FIFO, storage ``ceil(d/32) * ceil(w/2)``.

    Mirrors streamingfifo.py ``StreamingFIFO.lut_estimation``.
    QUIRK: vivado FIFOs in BRAM/URAM/"auto" still count the address LUTs only; the AXI-Stream
    FIFO IP's own control logic is not modelled.
    """
    _choice("ram_style", ram_style, RAM_STYLES)
    depth = fifo_adjusted_depth(depth, impl_style)
    W = _pos_int("width", width)
    address_luts = 2 * math.ceil(math.log(depth, 2))
    if impl_style == "rtl" or (impl_style == "vivado" and ram_style == "distributed"):
        ram_luts = (math.ceil(depth / 32)) * (math.ceil(W / 2))
    else:
        ram_luts = 0
    return int(address_luts + ram_luts)


def fifo_bram_efficiency(depth: int, width: int, *, impl_style: str = "rtl", ram_style: str = "auto") -> float:
    """``width*depth / (bram * 36 * 512)`` (1 when no BRAM).
    Mirrors streamingfifo.py ``StreamingFIFO.bram_efficiency_estimation``."""
    bram = fifo_bram_estimation(depth, width, impl_style=impl_style, ram_style=ram_style)
    if bram == 0:
        return 1
    return width * fifo_adjusted_depth(depth, impl_style) / (bram * 36 * 512)
