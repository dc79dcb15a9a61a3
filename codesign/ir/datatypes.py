"""Integer datatypes of hardware tensors, named as FINN/QONNX name them (INT4, UINT8, BIPOLAR)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DataType:
    bits: int
    signed: bool
    bipolar: bool = False

    @property
    def name(self) -> str:
        if self.bipolar:
            return "BIPOLAR"
        if self.bits == 1 and not self.signed:
            return "BINARY"
        return f"{'INT' if self.signed else 'UINT'}{self.bits}"

    @property
    def min(self) -> int:
        if self.bipolar:
            return -1
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def max(self) -> int:
        if self.bipolar:
            return 1
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1

    def allowed(self, values: np.ndarray) -> bool:
        v = np.asarray(values)
        if self.bipolar:
            return bool(np.isin(v, (-1, 1)).all())
        return bool(((v >= self.min) & (v <= self.max)).all())

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def from_name(name: str) -> "DataType":
        if name == "BIPOLAR":
            return BIPOLAR
        if name == "BINARY":
            return DataType(1, False)
        m = re.fullmatch(r"(U?)INT(\d+)", name)
        if not m:
            raise ValueError(f"unknown datatype {name!r}: expected BIPOLAR, BINARY, INTn or UINTn")
        return DataType(int(m[2]), not m[1])

    @staticmethod
    def for_range(lo: int, hi: int) -> "DataType":
        """Smallest INTn/UINTn holding every integer in [lo, hi]."""
        lo, hi = int(lo), int(hi)
        if lo >= 0:
            return DataType(max(1, int(hi).bit_length()), False)
        bits = max((-lo - 1).bit_length(), hi.bit_length()) + 1
        return DataType(bits, True)


BIPOLAR = DataType(1, True, bipolar=True)
