"""What every zoo model carries besides its forward pass: how to rebuild it."""
from __future__ import annotations

import torch.nn as nn

from .quant import LayerBits, bits_label


class ZooModel(nn.Module):
    """A zoo network: remembers its name, bit-widths and input shape so checkpoints rebuild it."""

    n_weight_layers: int = 0

    def __init__(self, name: str, bits: list[LayerBits], input_shape: tuple[int, int, int], num_classes: int):
        super().__init__()
        self.zoo_name = name
        self.bits = bits
        self.input_shape = tuple(input_shape)
        self.num_classes = num_classes

    def spec(self) -> dict:
        return {
            "model": self.zoo_name,
            "bits": [[b.weight, b.act] for b in self.bits],
            "bits_label": bits_label(self.bits),
            "input_shape": list(self.input_shape),
            "num_classes": self.num_classes,
        }
