"""Top-k label select (FINN LabelSelect): indices of the k largest inputs, ties to the lowest index."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType


@dataclass
class LabelSelect(HWOp):
    labels: int = 0
    k: int = 1
    idt: DataType = None
    pe: int = 1
    OP_TYPE: ClassVar[str] = "LabelSelect"

    @property
    def odt(self) -> DataType:
        return DataType.for_range(0, self.labels - 1)

    def legal_folding(self):
        return {"pe": divisors(self.labels)}

    def out_shapes(self):
        return [(self.k,)]

    def out_dtypes(self):
        return [self.odt]

    def in_stream_bits(self) -> int:
        return self.pe * self.idt.bits

    def out_stream_bits(self) -> int:
        return self.odt.bits

    def execute(self, x):
        order = np.argsort(-x.astype(np.int64), axis=-1, kind="stable")
        return [order[..., : self.k].astype(np.int64)]
