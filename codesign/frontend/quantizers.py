"""QONNX quantizers (Quant, BipolarQuant) as integer levels, and their thresholds on integers.

A quantizer after an affine map is a monotone step function of the integer it reads; its steps
are the multi-threshold activation's thresholds. They are derived exactly in float64 from the
graph's float32 constants, including round-half-to-even ties (QONNX's ROUND mode).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir.datatypes import BIPOLAR, DataType


@dataclass(frozen=True)
class Levels:
    """Integer levels qmin..qmax of a quantizer with a (per-tensor or per-channel) scale."""

    qmin: int
    qmax: int
    scale: np.ndarray
    bipolar: bool = False

    @property
    def dt(self) -> DataType:
        return BIPOLAR if self.bipolar else DataType.for_range(self.qmin, self.qmax)

    @property
    def out_bias(self) -> int:
        return 0 if self.bipolar else self.qmin

    @property
    def n_thresholds(self) -> int:
        return 1 if self.bipolar else self.qmax - self.qmin


def quant_levels(bits: float, signed: bool, narrow: bool, scale) -> Levels:
    b = int(bits)
    if b != bits or b < 1:
        raise ValueError(f"bit width {bits} is not a positive integer")
    if signed:
        qmin, qmax = -(1 << (b - 1)) + int(narrow), (1 << (b - 1)) - 1
    else:
        qmin, qmax = 0, (1 << b) - 1 - int(narrow)
    return Levels(qmin, qmax, np.asarray(scale, dtype=np.float64))


def quantize_const(value: np.ndarray, lv: Levels) -> np.ndarray:
    """Integer levels of a constant (weights) under a quantizer, as QONNX computes them."""
    if lv.bipolar:
        return np.where(value >= 0, 1, -1).astype(np.int64)
    return np.clip(np.round(value.astype(np.float64) / lv.scale), lv.qmin, lv.qmax).astype(np.int64)


def _is_integer(x: np.ndarray) -> np.ndarray:
    return np.abs(x - np.round(x)) <= 1e-9 * np.maximum(1.0, np.abs(x))


def thresholds_for(mul: np.ndarray, add: np.ndarray, relu: bool, lv: Levels, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Thresholds T (C, NT) such that level(acc) = qmin + #{k: acc >= T[c, k]} for integer acc in [lo, hi].

    Requires mul >= 0 per channel (the caller flips channels with a negative slope). Thresholds are
    clipped to [lo, hi + 1]: a threshold at lo always fires, one at hi + 1 never does.
    """
    mul = np.asarray(mul, dtype=np.float64)
    add = np.asarray(add, dtype=np.float64)
    scale = np.broadcast_to(lv.scale, mul.shape).astype(np.float64)
    c = len(mul)
    lo = np.asarray(lo, dtype=np.float64)
    hi = np.asarray(hi, dtype=np.float64)
    if lv.bipolar:
        # +1 iff v >= 0 with v = relu?(acc*mul + add)
        with np.errstate(divide="ignore", invalid="ignore"):
            x = -add / mul
        t = np.where(_is_integer(x), np.round(x), np.floor(x) + 1)
        const = np.where(add >= 0, lo, hi + 1)  # mul == 0: constant output
        t = np.where(mul > 0, t, const)
        if relu:
            t = np.full(c, -np.inf)
        return np.clip(t, lo, hi + 1).astype(np.int64)[:, None]
    js = np.arange(lv.qmin + 1, lv.qmax + 1, dtype=np.float64)  # level j is reached when round(v/s) >= j
    bound = (js[None, :] - 0.5) * scale[:, None]  # v > bound, or v == bound with j even
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (bound - add[:, None]) / mul[:, None]
    even = (js % 2 == 0)[None, :]
    t = np.where(_is_integer(x), np.round(x) + np.where(even, 0, 1), np.floor(x) + 1)
    # mul == 0: the level is constant, fire exactly the thresholds below it
    v0 = np.maximum(add, 0) if relu else add
    const_level = np.clip(np.round(v0 / scale), lv.qmin, lv.qmax)[:, None]
    const = np.where(js[None, :] <= const_level, lo[:, None], hi[:, None] + 1)
    t = np.where(mul[:, None] > 0, t, const)
    if relu:  # relu(v) >= 0: levels up to round(0) = 0 are always reached
        t = np.where(js[None, :] <= 0, -np.inf, t)
    return np.clip(t, lo[:, None], hi[:, None] + 1).astype(np.int64)
