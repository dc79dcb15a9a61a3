"""Fork of one stream into identical copies (FINN DuplicateStreams), ahead of residual branches."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType


@dataclass
class DuplicateStreams(HWOp):
    shape: tuple = ()
    dt: DataType = None
    pe: int = 1
    OP_TYPE: ClassVar[str] = "DuplicateStreams"

    def legal_folding(self):
        return {"pe": divisors(self.shape[-1])}

    def out_shapes(self):
        return [tuple(self.shape)] * len(self.outputs)

    def out_dtypes(self):
        return [self.dt] * len(self.outputs)

    def in_stream_bits(self) -> int:
        return self.pe * self.dt.bits

    out_stream_bits = in_stream_bits

    def execute(self, x):
        return [np.array(x, dtype=np.int64) for _ in self.outputs]
