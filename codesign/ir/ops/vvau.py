"""Vector-vector activation unit (FINN VVAU): depthwise convolution, one kernel per channel.

Input per output pixel is the K = kh*kw window of C channels in (k, c) order (c fastest), as the
sliding-window generator emits it; PE channels and SIMD kernel positions per cycle.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType
from ..thresholds import apply_thresholds


@dataclass
class VVAU(HWOp):
    channels: int = 0
    kernel: tuple = (1, 1)
    spatial: tuple = ()  # output pixels (OH, OW)
    idt: DataType = None
    wdt: DataType = None
    acc_dt: DataType = None
    odt: DataType = None
    out_bias: int = 0
    weights: np.ndarray = None  # (channels, kh*kw)
    thresholds: np.ndarray = None
    pe: int = 1
    simd: int = 1
    ram_style: str = "auto"
    res_type: str = "auto"
    OP_TYPE: ClassVar[str] = "VVAU"
    ARRAYS: ClassVar[tuple] = ("weights", "thresholds")
    STYLE_ATTRS: ClassVar[dict] = {"ram_style": ("auto", "block", "distributed", "ultra"), "res_type": ("auto", "lut", "dsp")}

    @property
    def k(self) -> int:
        return int(self.kernel[0] * self.kernel[1])

    def legal_folding(self):
        return {"pe": divisors(self.channels), "simd": divisors(self.k)}

    def out_shapes(self):
        return [(*self.spatial, self.channels)]

    def out_dtypes(self):
        return [self.odt]

    def in_stream_bits(self) -> int:
        return self.pe * self.simd * self.idt.bits

    def out_stream_bits(self) -> int:
        return self.pe * self.odt.bits

    def execute(self, x):
        win = x.astype(np.int64).reshape(*x.shape[:-1], self.k, self.channels)
        if self.acc_dt.bits <= 52:  # exact in float64, and much faster than int64 einsum
            acc = np.rint(np.einsum("...kc,ck->...c", win.astype(np.float64), self.weights.astype(np.float64))).astype(np.int64)
        else:
            acc = np.einsum("...kc,ck->...c", win, self.weights.astype(np.int64))
        if self.thresholds is None:
            return [acc]
        return [apply_thresholds(acc, self.thresholds, self.odt, self.out_bias)]
