"""MobileNet-v1 (Howard et al., 2017) with a width multiplier, CIFAR-style stem (3x3, stride 1):
depthwise-separable blocks (3x3 depthwise -> BN -> ReLU -> 1x1 pointwise -> BN -> ReLU)."""
from __future__ import annotations

import torch.nn as nn

from .base import ZooModel
from .quant import input_quant, quant_conv, quant_linear, relu_act

# (output channels at width 1.0, stride of the depthwise conv), as in the paper's Table 1
BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
          (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))
STEM = 32


def scaled(ch: int, alpha: float) -> int:
    return max(8, int(round(ch * alpha / 8)) * 8)


class MobileNetV1(ZooModel):
    n_weight_layers = 2 + 2 * len(BLOCKS)

    def __init__(self, name, bits, input_shape=(3, 32, 32), num_classes=10, width: float = 0.25):
        super().__init__(name, bits, input_shape, num_classes)
        self.width = width
        c = input_shape[0]
        self.inp = input_quant()
        stem = scaled(STEM, width)
        layers = [quant_conv(c, stem, 3, bits[0].weight, padding=1), nn.BatchNorm2d(stem), relu_act(bits[0].act)]
        c = stem
        for i, (ch, stride) in enumerate(BLOCKS):
            dw, pw = bits[1 + 2 * i], bits[2 + 2 * i]
            cout = scaled(ch, width)
            layers += [
                quant_conv(c, c, 3, dw.weight, stride=stride, padding=1, groups=c), nn.BatchNorm2d(c), relu_act(dw.act),
                quant_conv(c, cout, 1, pw.weight), nn.BatchNorm2d(cout), relu_act(pw.act),
            ]
            c = cout
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.pool_quant = relu_act(bits[-2].act)
        self.classifier = quant_linear(c, num_classes, bits[-1].weight)

    def spec(self) -> dict:
        return {**super().spec(), "width": self.width}

    def forward(self, x):
        x = self.features(self.inp(x))
        x = self.pool_quant(self.pool(x))
        return self.classifier(x.flatten(1))
