"""ResNet-8 (the MLPerf Tiny image-classification net, after He et al. 2016): a 16-channel stem and
three basic residual blocks (16, 32, 64 channels; 1x1 projection shortcut where the stride is 2).

Both inputs of each residual add pass through one shared quantizer, so they carry the same scale
and the add is exact in integers on the FPGA."""
from __future__ import annotations

import torch.nn as nn

from .base import ZooModel
from .quant import FLOAT_BITS, input_quant, quant_conv, quant_linear, relu_act, signed_act

STAGES = ((16, 1), (32, 2), (64, 2))


def _add_quant(bits: int):
    q = signed_act(bits)
    if bits != FLOAT_BITS:
        q.return_quant_tensor = False
    return q


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride, b1, b2, bsc):
        super().__init__()
        self.conv1 = quant_conv(cin, cout, 3, b1.weight, stride=stride, padding=1)
        self.bn1 = nn.BatchNorm2d(cout)
        self.act1 = relu_act(b1.act)
        self.conv2 = quant_conv(cout, cout, 3, b2.weight, padding=1)
        self.bn2 = nn.BatchNorm2d(cout)
        self.add_quant = _add_quant(b2.act)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(quant_conv(cin, cout, 1, bsc.weight, stride=stride), nn.BatchNorm2d(cout))
        self.out_act = relu_act(b2.act)

    def forward(self, x):
        y = self.bn2(self.conv2(self.act1(self.bn1(self.conv1(x)))))
        s = x if self.shortcut is None else self.shortcut(x)
        return self.out_act(self.add_quant(y) + self.add_quant(s))


class ResNet8(ZooModel):
    # stem, 3 blocks x 2 convs, 2 projection shortcuts, classifier
    n_weight_layers = 10

    def __init__(self, name, bits, input_shape=(3, 32, 32), num_classes=10):
        super().__init__(name, bits, input_shape, num_classes)
        c = input_shape[0]
        self.inp = input_quant()
        self.stem = nn.Sequential(quant_conv(c, 16, 3, bits[0].weight, padding=1), nn.BatchNorm2d(16), relu_act(bits[0].act))
        blocks, c, k = [], 16, 1
        for cout, stride in STAGES:
            has_sc = stride != 1 or c != cout
            b1, b2 = bits[k], bits[k + 1]
            bsc = bits[k + 2] if has_sc else None
            blocks.append(BasicBlock(c, cout, stride, b1, b2, bsc))
            k += 3 if has_sc else 2
            c = cout
        self.blocks = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.pool_quant = relu_act(bits[-2].act)
        self.classifier = quant_linear(c, num_classes, bits[-1].weight)

    def forward(self, x):
        x = self.blocks(self.stem(self.inp(x)))
        return self.classifier(self.pool_quant(self.pool(x)).flatten(1))
