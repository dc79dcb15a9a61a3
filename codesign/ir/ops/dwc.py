"""Data-width converter (FINN StreamingDataWidthConverter): re-packs a stream between a producer
and a consumer whose parallelism differs; values are unchanged."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp
from ..datatypes import DataType


@dataclass
class StreamingDataWidthConverter(HWOp):
    shape: tuple = ()
    dt: DataType = None
    in_width: int = 1  # bits per beat
    out_width: int = 1
    OP_TYPE: ClassVar[str] = "StreamingDataWidthConverter"

    def out_shapes(self):
        return [tuple(self.shape)]

    def out_dtypes(self):
        return [self.dt]

    def in_stream_bits(self) -> int:
        return self.in_width

    def out_stream_bits(self) -> int:
        return self.out_width

    def execute(self, x):
        return [x.astype(np.int64)]
