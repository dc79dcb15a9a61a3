"""A LeNet-5-style CNN: two 5x5 convolutions (6, 16 channels, padding 2) each followed by 2x2 max
pooling, then 120-84-classes. Padding keeps it valid down to 8x8 inputs."""
from __future__ import annotations

import torch.nn as nn

from .base import ZooModel
from .quant import input_quant, quant_conv, quant_linear, relu_act


class LeNet5(ZooModel):
    n_weight_layers = 5

    def __init__(self, name, bits, input_shape=(1, 28, 28), num_classes=10):
        super().__init__(name, bits, input_shape, num_classes)
        c, h, _ = input_shape
        if h < 4:
            raise ValueError(f"LeNet-5 needs inputs of at least 4x4, got {input_shape[1:]}")
        self.inp = input_quant()
        self.features = nn.Sequential(
            quant_conv(c, 6, 5, bits[0].weight, padding=2), nn.BatchNorm2d(6), relu_act(bits[0].act), nn.MaxPool2d(2),
            quant_conv(6, 16, 5, bits[1].weight, padding=2), nn.BatchNorm2d(16), relu_act(bits[1].act), nn.MaxPool2d(2),
        )
        h = h // 2 // 2
        self.fc = nn.Sequential(
            quant_linear(16 * h * h, 120, bits[2].weight), nn.BatchNorm1d(120), relu_act(bits[2].act),
            quant_linear(120, 84, bits[3].weight), nn.BatchNorm1d(84), relu_act(bits[3].act),
        )
        self.classifier = quant_linear(84, num_classes, bits[4].weight)

    def forward(self, x):
        x = self.features(self.inp(x))
        return self.classifier(self.fc(x.flatten(1)))
