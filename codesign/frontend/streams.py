"""What the frontend knows about each QONNX tensor while lowering.

A Stream is an integer hardware tensor plus the per-channel affine map (and pending ReLU) that
turns it back into the float the QONNX graph computes: float = relu?(int * mul + add). Affine
QONNX nodes (BatchNorm, Mul, Add of constants) only update mul/add; a quantizer turns the map into
thresholds on the integers. QConst is a quantized constant (weights), Const a plain constant.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from ..ir.datatypes import DataType


@dataclass
class Const:
    value: np.ndarray


@dataclass
class QConst:
    ints: np.ndarray
    scale: np.ndarray  # broadcastable to ints
    dt: DataType


@dataclass
class RawInput:
    """The float graph input before its quantizer; flattened if a Reshape came first."""

    shape: tuple
    flattened: bool = False


@dataclass
class Stream:
    tensor: str  # IR tensor name
    dt: DataType
    mul: np.ndarray  # per channel (C,) float64
    add: np.ndarray  # per channel (C,) float64
    onnx_rank: int  # 4: (N, C, H, W) in ONNX, (H, W, C) in the IR; 2: (N, C)
    hwc: tuple = ()  # for 4D: (H, W, C); for a flattened 4D tensor the (H, W, C) it came from
    relu: bool = False
    lo: np.ndarray = None  # per-channel bounds of the integers (accumulators are tighter than dt)
    hi: np.ndarray = None
    fusable: object = None  # the MVAU/VVAU whose raw accumulator this is, while nothing else reads it
    exclusive: bool = True  # the QONNX path from that op to here has no other reader

    @property
    def channels(self) -> int:
        return len(self.mul)

    def bounds(self):
        lo = self.lo if self.lo is not None else np.full(self.channels, self.dt.min, dtype=np.int64)
        hi = self.hi if self.hi is not None else np.full(self.channels, self.dt.max, dtype=np.int64)
        return lo, hi

    def with_affine(self, mul, add, exclusive: bool) -> "Stream":
        return replace(self, mul=np.asarray(mul, dtype=np.float64), add=np.asarray(add, dtype=np.float64),
                       exclusive=self.exclusive and exclusive)

    def scalar_mul(self) -> float | None:
        """The per-tensor scale, if every channel has the same one and no offset."""
        if np.all(self.mul == self.mul[0]) and np.all(self.add == 0) and not self.relu:
            return float(self.mul[0])
        return None
