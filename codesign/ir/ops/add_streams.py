"""Elementwise add of two integer streams of the same scale (FINN AddStreams): residual joins."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType


@dataclass
class AddStreams(HWOp):
    channels: int = 0
    spatial: tuple = ()
    idt0: DataType = None
    idt1: DataType = None
    odt: DataType = None
    pe: int = 1
    OP_TYPE: ClassVar[str] = "AddStreams"

    def legal_folding(self):
        return {"pe": divisors(self.channels)}

    def out_shapes(self):
        return [(*self.spatial, self.channels)]

    def out_dtypes(self):
        return [self.odt]

    def in_stream_bits(self) -> int:
        return self.pe * max(self.idt0.bits, self.idt1.bits)

    def out_stream_bits(self) -> int:
        return self.pe * self.odt.bits

    def execute(self, a, b):
        return [a.astype(np.int64) + b.astype(np.int64)]
