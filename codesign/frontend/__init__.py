"""QONNX -> Dataflow IR lowering."""
from .errors import LoweringError
from .lower import lower_qonnx

__all__ = ["LoweringError", "lower_qonnx"]
