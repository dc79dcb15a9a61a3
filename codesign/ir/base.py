"""The hardware op: one dataclass per engine that owns everything about it.

An op knows its shapes, datatypes, folding and which folding values are legal, and runs its
golden model on integer numpy arrays. Arrays (weights, thresholds) are declared in ARRAYS so the
design folder can store them apart from the JSON attributes. Subclasses register themselves by
OP_TYPE, which is FINN's op name, so node names follow FINN's `<OpType>_<n>` convention.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from .datatypes import DataType

OP_CLASSES: dict[str, type["HWOp"]] = {}


def divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


class FoldingError(ValueError):
    """An illegal folding value: names the node, the parameter, the value and the legal ones."""


@dataclass
class HWOp:
    name: str
    inputs: list[str]
    outputs: list[str]
    OP_TYPE: ClassVar[str] = ""
    ARRAYS: ClassVar[tuple[str, ...]] = ()
    # attributes FINN folding files may set that this op has a notion of (besides its folding)
    STYLE_ATTRS: ClassVar[dict[str, tuple[str, ...]]] = {}

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if cls.OP_TYPE:
            OP_CLASSES[cls.OP_TYPE] = cls

    # ---- folding -------------------------------------------------------------------------
    def legal_folding(self) -> dict[str, list[int]]:
        """Each folding parameter of this op and its legal values."""
        return {}

    def folding(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in self.legal_folding()}

    def set_folding(self, **values: int) -> None:
        legal = self.legal_folding()
        for key, value in values.items():
            if key not in legal:
                raise FoldingError(f"{self.name} ({self.OP_TYPE}) has no folding parameter {key}; it has: {', '.join(legal) or 'none'}")
            if int(value) not in legal[key]:
                raise FoldingError(f"{self.name} ({self.OP_TYPE}): {key}={value} is illegal; legal values: {legal[key]}")
        for key, value in values.items():
            setattr(self, key, int(value))

    def set_style(self, attr: str, value: str) -> None:
        allowed = self.STYLE_ATTRS.get(attr)
        if allowed is None:
            raise KeyError(attr)
        if value not in allowed:
            raise FoldingError(f"{self.name} ({self.OP_TYPE}): {attr}={value!r} is illegal; legal values: {list(allowed)}")
        setattr(self, attr, value)

    # ---- shapes and golden model --------------------------------------------------------
    def out_shapes(self) -> list[tuple[int, ...]]:
        """Per-frame output shapes (no batch axis)."""
        raise NotImplementedError

    def out_dtypes(self) -> list[DataType]:
        raise NotImplementedError

    def execute(self, *inputs: np.ndarray) -> list[np.ndarray]:
        """Golden model: batched integer arrays in, batched integer arrays out (int64)."""
        raise NotImplementedError

    # ---- persistence ---------------------------------------------------------------------
    def to_dict(self) -> dict:
        out = {"op_type": self.OP_TYPE}
        for f in dataclasses.fields(self):
            if f.name in self.ARRAYS:
                continue
            v = getattr(self, f.name)
            if isinstance(v, DataType):
                v = v.name
            elif isinstance(v, tuple):
                v = list(v)
            out[f.name] = v
        return out

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: getattr(self, k) for k in self.ARRAYS if getattr(self, k) is not None}

    @staticmethod
    def from_dict(d: dict, arrays: dict[str, np.ndarray]) -> "HWOp":
        op_type = d["op_type"]
        if op_type not in OP_CLASSES:
            raise ValueError(f"design.json: node {d.get('name')!r} has unknown op_type {op_type!r}; known: {sorted(OP_CLASSES)}")
        cls = OP_CLASSES[op_type]
        kwargs = {}
        for f in dataclasses.fields(cls):
            if f.name in cls.ARRAYS:
                kwargs[f.name] = arrays.get(f.name)
            elif f.name in d:
                v = d[f.name]
                if f.type in ("DataType", DataType) or (isinstance(v, str) and f.name.endswith("dt")):
                    v = DataType.from_name(v)
                elif isinstance(v, list) and f.name not in ("inputs", "outputs"):
                    v = tuple(v)
                kwargs[f.name] = v
        return cls(**kwargs)


def exact_matmul(x: np.ndarray, w: np.ndarray, acc_bits: int) -> np.ndarray:
    """Integer matmul through float64 BLAS, exact while every partial sum fits in 53 bits."""
    if acc_bits <= 52:
        return np.rint(x.astype(np.float64) @ w.astype(np.float64)).astype(np.int64)
    return x.astype(np.int64) @ w.astype(np.int64)
