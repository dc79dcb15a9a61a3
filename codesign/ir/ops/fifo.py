"""A stream FIFO (FINN StreamingFIFO) of a given depth in beats; values pass unchanged."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp
from ..datatypes import DataType


@dataclass
class StreamingFIFO(HWOp):
    shape: tuple = ()
    dt: DataType = None
    width: int = 1  # bits per beat
    depth: int = 2
    ram_style: str = "auto"
    OP_TYPE: ClassVar[str] = "StreamingFIFO"
    STYLE_ATTRS: ClassVar[dict] = {"ram_style": ("auto", "block", "distributed", "ultra")}

    def out_shapes(self):
        return [tuple(self.shape)]

    def out_dtypes(self):
        return [self.dt]

    def in_stream_bits(self) -> int:
        return self.width

    out_stream_bits = in_stream_bits

    def execute(self, x):
        return [x.astype(np.int64)]
