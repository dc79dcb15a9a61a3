"""Sliding-window generator (FINN ConvolutionInputGenerator): turns an NHWC image stream into the
stream of kh x kw windows, each in (ky, kx, c) order, that an MVAU or VVAU consumes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType


@dataclass
class ConvolutionInputGenerator(HWOp):
    ifm: tuple = (1, 1, 1)  # (H, W, C), already padded
    kernel: tuple = (1, 1)
    stride: tuple = (1, 1)
    dt: DataType = None
    depthwise: bool = False
    simd: int = 1
    ram_style: str = "auto"
    OP_TYPE: ClassVar[str] = "ConvolutionInputGenerator"
    STYLE_ATTRS: ClassVar[dict] = {"ram_style": ("auto", "block", "distributed", "ultra")}

    @property
    def ofm(self) -> tuple:
        h, w, _ = self.ifm
        return ((h - self.kernel[0]) // self.stride[0] + 1, (w - self.kernel[1]) // self.stride[1] + 1)

    def legal_folding(self):
        return {"simd": divisors(self.ifm[2])}

    def out_shapes(self):
        return [(*self.ofm, self.kernel[0] * self.kernel[1] * self.ifm[2])]

    def out_dtypes(self):
        return [self.dt]

    def in_stream_bits(self) -> int:
        return self.simd * self.dt.bits

    def out_stream_bits(self) -> int:
        return self.simd * self.dt.bits

    def execute(self, x):
        kh, kw = self.kernel
        sh, sw = self.stride
        oh, ow = self.ofm
        rows = []
        for ky in range(kh):
            for kx in range(kw):
                rows.append(x[:, ky : ky + sh * (oh - 1) + 1 : sh, kx : kx + sw * (ow - 1) + 1 : sw, :])
        return [np.concatenate(rows, axis=-1).astype(np.int64)]
