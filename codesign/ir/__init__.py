"""Dataflow IR: hardware ops as dataclasses, their golden models, and the design folder."""
from .base import OP_CLASSES, FoldingError, HWOp, divisors
from .datatypes import BIPOLAR, DataType
from .graph import DataflowGraph, TensorInfo
from .ops import *  # noqa: F401,F403

__all__ = ["OP_CLASSES", "BIPOLAR", "DataType", "DataflowGraph", "FoldingError", "HWOp", "TensorInfo", "divisors"]
