"""BNN-PYNQ's fully connected nets TFC / SFC / LFC (Umuroglu et al., FINN, FPGA'17):
three hidden layers of 64 / 256 / 1024 neurons, each Linear -> BatchNorm -> quantized activation."""
from __future__ import annotations

import torch.nn as nn

from .base import ZooModel
from .quant import LayerBits, input_quant, quant_linear, signed_act

HIDDEN = {"tfc": 64, "sfc": 256, "lfc": 1024}


class MLP(ZooModel):
    n_weight_layers = 4

    def __init__(self, name: str, bits: list[LayerBits], input_shape, num_classes: int = 10):
        super().__init__(name, bits, input_shape, num_classes)
        c, h, w = input_shape
        width = HIDDEN[name]
        self.inp = input_quant()
        layers = []
        fan_in = c * h * w
        for i in range(3):
            layers += [quant_linear(fan_in, width, bits[i].weight), nn.BatchNorm1d(width), signed_act(bits[i].act)]
            fan_in = width
        self.features = nn.Sequential(*layers)
        self.classifier = quant_linear(width, num_classes, bits[3].weight)

    def forward(self, x):
        x = self.inp(x.flatten(1))
        return self.classifier(self.features(x))
