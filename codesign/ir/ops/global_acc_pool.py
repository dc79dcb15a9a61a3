"""Global accumulating pool (FINN GlobalAccPool): per-channel sum over all pixels. The division of
an average pool is folded into the next activation's thresholds, so the engine only adds."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType


@dataclass
class GlobalAccPool(HWOp):
    ifm: tuple = (1, 1, 1)
    idt: DataType = None
    odt: DataType = None
    pe: int = 1
    OP_TYPE: ClassVar[str] = "GlobalAccPool"

    def legal_folding(self):
        return {"pe": divisors(self.ifm[2])}

    def out_shapes(self):
        return [(self.ifm[2],)]

    def out_dtypes(self):
        return [self.odt]

    def in_stream_bits(self) -> int:
        return self.pe * self.idt.bits

    def out_stream_bits(self) -> int:
        return self.pe * self.odt.bits

    def execute(self, x):
        return [x.astype(np.int64).sum(axis=(1, 2))]
