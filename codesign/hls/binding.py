"""How an op appears in the generated C++: which engine template, its arguments, its constant
arrays and the lane format of its streams. Each op class builds its own HLSBinding
(`op.hls_binding()`); the helpers here pack numpy arrays into the templates' memory layouts."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..ir.datatypes import DataType
from .packing import encode, pack_words


def kind(dt: DataType) -> str:
    return "codesign::DT_BIPOLAR" if dt.bipolar else ("codesign::DT_INT" if dt.signed else "codesign::DT_UINT")


@dataclass
class ConstArray:
    """A constant array the engine reads: C++ element type, dimensions and flat values."""

    name: str
    ctype: str
    dims: tuple
    values: list  # flat, row-major; ints (words may exceed 64 bits)


@dataclass
class HLSBinding:
    header: str
    func: str
    template: list  # template arguments, rendered with str()
    in_lanes: list[int]  # per input stream: elements per beat
    in_bits: list[int]
    out_lanes: list[int]
    out_bits: list[int]
    arrays: list[ConstArray] = field(default_factory=list)  # passed after the streams, in order


def weight_words(w_rows: np.ndarray, wdt: DataType) -> list[int]:
    """(words, lanes) raw weights -> one packed integer per word, lane 0 in the LSBs."""
    return pack_words(w_rows, wdt.bits, wdt)


def mvau_weight_array(name: str, weights: np.ndarray, pe: int, simd: int, wdt: DataType) -> ConstArray:
    """W (MW, MH) -> word nf*SF + sf, field p*SIMD + s = W[sf*SIMD + s, nf*PE + p] (mvau.h)."""
    mw, mh = weights.shape
    sf, nf = mw // simd, mh // pe
    rows = weights.reshape(sf, simd, nf, pe).transpose(2, 0, 3, 1).reshape(nf * sf, pe * simd)
    return ConstArray(name, f"ap_uint<{pe * simd * wdt.bits}>", (nf * sf,), weight_words(rows, wdt))


def vvau_weight_array(name: str, weights: np.ndarray, pe: int, simd: int, wdt: DataType) -> ConstArray:
    """W (C, K) -> word cf*KF + kf, field p*SIMD + s = W[cf*PE + p, kf*SIMD + s] (vvau.h)."""
    c, k = weights.shape
    cf, kf = c // pe, k // simd
    rows = weights.reshape(cf, pe, kf, simd).transpose(0, 2, 1, 3).reshape(cf * kf, pe * simd)
    return ConstArray(name, f"ap_uint<{pe * simd * wdt.bits}>", (cf * kf,), weight_words(rows, wdt))


def threshold_bits(thresholds: np.ndarray) -> int:
    """Bits of the signed (ap_int) threshold type: a negative lower bound forces a signed range."""
    return max(2, DataType.for_range(min(-1, int(thresholds.min())), max(0, int(thresholds.max()))).bits)


def threshold_array(name: str, thresholds: np.ndarray, pe: int) -> ConstArray:
    """T (C, NT) -> [PE][C/PE][NT] with [p][nf][k] = T[nf*PE + p][k] (thresholding.h, mvau.h)."""
    c, nt = thresholds.shape
    arr = thresholds.reshape(c // pe, pe, nt).transpose(1, 0, 2)
    return ConstArray(name, f"ap_int<{threshold_bits(thresholds)}>", (pe, c // pe, nt), [int(v) for v in arr.reshape(-1)])


def raw_code(value: int, dt: DataType) -> int:
    return int(encode(np.array([value]), dt)[0])
