"""Zero padding of an NHWC feature map (FINN FMPadding), ahead of a sliding-window generator."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType


@dataclass
class FMPadding(HWOp):
    ifm: tuple = (1, 1, 1)
    pads: tuple = (0, 0, 0, 0)  # top, left, bottom, right
    dt: DataType = None
    simd: int = 1
    OP_TYPE: ClassVar[str] = "FMPadding"

    def legal_folding(self):
        return {"simd": divisors(self.ifm[2])}

    def out_shapes(self):
        h, w, c = self.ifm
        t, l, b, r = self.pads
        return [(h + t + b, w + l + r, c)]

    def out_dtypes(self):
        return [self.dt]

    def in_stream_bits(self) -> int:
        return self.simd * self.dt.bits

    out_stream_bits = in_stream_bits

    def execute(self, x):
        t, l, b, r = self.pads
        return [np.pad(x.astype(np.int64), ((0, 0), (t, b), (l, r), (0, 0)))]
