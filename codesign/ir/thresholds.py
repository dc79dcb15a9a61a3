"""Multi-threshold activation: the integer form every quantized activation is lowered to.

out = out_bias + #{k : acc >= T[c, k]} for channel c; a BIPOLAR output maps count 0/1 to -1/+1.
"""
from __future__ import annotations

import numpy as np

from .datatypes import DataType


def apply_thresholds(acc: np.ndarray, thresholds: np.ndarray, odt: DataType, out_bias: int) -> np.ndarray:
    """acc: (..., C) int64; thresholds: (C, NT) sorted ascending along NT."""
    count = (acc[..., None] >= thresholds).sum(axis=-1, dtype=np.int64)
    if odt.bipolar:
        return 2 * count - 1
    return count + out_bias
