"""Max pooling on an NHWC stream (FINN StreamingMaxPool); floor mode, no padding."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType


@dataclass
class StreamingMaxPool(HWOp):
    ifm: tuple = (1, 1, 1)
    kernel: tuple = (2, 2)
    stride: tuple = (2, 2)
    dt: DataType = None
    pe: int = 1
    OP_TYPE: ClassVar[str] = "StreamingMaxPool"

    @property
    def ofm(self) -> tuple:
        h, w, _ = self.ifm
        return ((h - self.kernel[0]) // self.stride[0] + 1, (w - self.kernel[1]) // self.stride[1] + 1)

    def legal_folding(self):
        return {"pe": divisors(self.ifm[2])}

    def out_shapes(self):
        return [(*self.ofm, self.ifm[2])]

    def out_dtypes(self):
        return [self.dt]

    def in_stream_bits(self) -> int:
        return self.pe * self.dt.bits

    out_stream_bits = in_stream_bits

    def execute(self, x):
        (kh, kw), (sh, sw), (oh, ow) = self.kernel, self.stride, self.ofm
        out = None
        for ky in range(kh):
            for kx in range(kw):
                win = x[:, ky : ky + sh * (oh - 1) + 1 : sh, kx : kx + sw * (ow - 1) + 1 : sw, :]
                out = win if out is None else np.maximum(out, win)
        return [out.astype(np.int64)]
