"""Matrix-vector activation unit (FINN MVAU): a fully connected layer or the matmul half of a conv.

PE output channels and SIMD input elements are processed per cycle; binary weights and inputs use
XNOR-popcount in hardware, but the golden model always computes the true integer dot product.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors, exact_matmul
from ..datatypes import DataType
from ..thresholds import apply_thresholds


@dataclass
class MVAU(HWOp):
    mw: int = 0
    mh: int = 0
    spatial: tuple = ()  # output pixels (OH, OW) for convolutions, () for a plain vector
    idt: DataType = None
    wdt: DataType = None
    acc_dt: DataType = None
    odt: DataType = None
    out_bias: int = 0
    weights: np.ndarray = None  # (mw, mh)
    thresholds: np.ndarray = None  # (mh, nt) or None: then the output is the accumulator
    pe: int = 1
    simd: int = 1
    ram_style: str = "auto"
    res_type: str = "auto"
    mem_mode: str = "internal_embedded"
    OP_TYPE: ClassVar[str] = "MVAU"
    ARRAYS: ClassVar[tuple] = ("weights", "thresholds")
    STYLE_ATTRS: ClassVar[dict] = {
        "ram_style": ("auto", "block", "distributed", "ultra"),
        "res_type": ("auto", "lut", "dsp"),
        "mem_mode": ("internal_embedded", "internal_decoupled", "external"),
    }

    def legal_folding(self):
        return {"pe": divisors(self.mh), "simd": divisors(self.mw)}

    @property
    def num_vectors(self) -> int:
        return int(np.prod(self.spatial)) if self.spatial else 1

    @property
    def binary_xnor(self) -> bool:
        return bool(self.wdt.bipolar and self.idt.bipolar)

    def out_shapes(self):
        return [(*self.spatial, self.mh)]

    def out_dtypes(self):
        return [self.odt]

    def in_stream_bits(self) -> int:
        return self.simd * self.idt.bits

    def out_stream_bits(self) -> int:
        return self.pe * self.odt.bits

    def execute(self, x):
        # a flattened feature map arrives in (H, W, C) stream order: only the view changes
        x = x.reshape(len(x), *self.spatial, self.mw)
        acc = exact_matmul(x, self.weights, self.acc_dt.bits)
        if self.thresholds is None:
            return [acc]
        return [apply_thresholds(acc, self.thresholds, self.odt, self.out_bias)]
