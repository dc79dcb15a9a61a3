"""Standalone multi-threshold activation (FINN Thresholding): requantizes an integer stream,
e.g. after a residual add, a global pool, or on one branch of a fork."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType
from ..thresholds import apply_thresholds


@dataclass
class Thresholding(HWOp):
    channels: int = 0
    spatial: tuple = ()
    idt: DataType = None
    odt: DataType = None
    out_bias: int = 0
    thresholds: np.ndarray = None  # (channels, nt)
    pe: int = 1
    ram_style: str = "auto"
    OP_TYPE: ClassVar[str] = "Thresholding"
    ARRAYS: ClassVar[tuple] = ("thresholds",)
    STYLE_ATTRS: ClassVar[dict] = {"ram_style": ("auto", "block", "distributed")}

    def legal_folding(self):
        return {"pe": divisors(self.channels)}

    def out_shapes(self):
        return [(*self.spatial, self.channels)]

    def out_dtypes(self):
        return [self.odt]

    def in_stream_bits(self) -> int:
        return self.pe * self.idt.bits

    def out_stream_bits(self) -> int:
        return self.pe * self.odt.bits

    def execute(self, x):
        return [apply_thresholds(x.astype(np.int64), self.thresholds, self.odt, self.out_bias)]
