"""The model zoo: Brevitas networks at any per-layer bit-widths.

`build_model("tfc", "w1a1", input_shape=(1, 8, 8))` or a per-layer list of (weight, act) bits.
A layer's activation bits are those of the quantizer that follows it; the classifier's are unused.
"""
from __future__ import annotations

from .base import ZooModel
from .cnv import CNV
from .lenet import LeNet5
from .mlp import MLP
from .mobilenet import MobileNetV1
from .quant import LEGAL_BITS, LayerBits, bits_label, parse_bits
from .resnet import ResNet8

ZOO = {
    "tfc": MLP, "sfc": MLP, "lfc": MLP,
    "cnv": CNV,
    "lenet5": LeNet5,
    "mobilenet_v1": MobileNetV1,
    "resnet8": ResNet8,
}
DEFAULT_INPUT = {"tfc": (1, 28, 28), "sfc": (1, 28, 28), "lfc": (1, 28, 28), "cnv": (3, 32, 32),
                 "lenet5": (1, 28, 28), "mobilenet_v1": (3, 32, 32), "resnet8": (3, 32, 32)}


def n_weight_layers(name: str) -> int:
    return _cls(name).n_weight_layers


def _cls(name: str):
    key = name.lower().replace("-", "_")
    if key not in ZOO:
        raise ValueError(f"unknown model {name!r}; the zoo has: {', '.join(sorted(ZOO))}")
    return ZOO[key]


def build_model(name: str, bits="w1a1", input_shape=None, num_classes: int = 10, **kwargs) -> ZooModel:
    key = name.lower().replace("-", "_")
    cls = _cls(key)
    layer_bits = parse_bits(bits, cls.n_weight_layers)
    shape = tuple(input_shape) if input_shape is not None else DEFAULT_INPUT[key]
    if len(shape) != 3:
        raise ValueError(f"input_shape must be (channels, height, width), got {shape}")
    return cls(key, layer_bits, shape, num_classes, **kwargs)


def model_from_spec(spec: dict) -> ZooModel:
    extra = {"width": spec["width"]} if "width" in spec else {}
    return build_model(spec["model"], [tuple(b) for b in spec["bits"]], spec["input_shape"], spec["num_classes"], **extra)


__all__ = ["ZOO", "ZooModel", "LayerBits", "LEGAL_BITS", "build_model", "model_from_spec", "parse_bits", "bits_label", "n_weight_layers"]
