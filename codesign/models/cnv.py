"""BNN-PYNQ's CNV (Umuroglu et al., FINN, FPGA'17): a VGG-like net for 32x32x3 images.
Six unpadded 3x3 convolutions (64, 64, pool, 128, 128, pool, 256, 256) then 512-512-classes."""
from __future__ import annotations

import torch.nn as nn

from .base import ZooModel
from .quant import input_quant, quant_conv, quant_linear, signed_act

CONV_CHANNELS = (64, 64, 128, 128, 256, 256)
POOL_AFTER = (1, 3)  # max pool 2x2 after these conv indices
FC_WIDTH = 512


class CNV(ZooModel):
    n_weight_layers = 9

    def __init__(self, name, bits, input_shape=(3, 32, 32), num_classes=10):
        super().__init__(name, bits, input_shape, num_classes)
        c, h, _ = input_shape
        self.inp = input_quant()
        layers = []
        for i, cout in enumerate(CONV_CHANNELS):
            layers += [quant_conv(c, cout, 3, bits[i].weight), nn.BatchNorm2d(cout), signed_act(bits[i].act)]
            c, h = cout, h - 2
            if i in POOL_AFTER:
                layers.append(nn.MaxPool2d(2))
                h //= 2
        if h < 1:
            raise ValueError(f"CNV needs inputs of at least 32x32 (got {input_shape[1:]}): six unpadded 3x3 convolutions and two pools")
        self.features = nn.Sequential(*layers)
        fc = []
        fan_in = c * h * h
        for j in range(2):
            lb = bits[6 + j]
            fc += [quant_linear(fan_in, FC_WIDTH, lb.weight), nn.BatchNorm1d(FC_WIDTH), signed_act(lb.act)]
            fan_in = FC_WIDTH
        self.fc = nn.Sequential(*fc)
        self.classifier = quant_linear(FC_WIDTH, num_classes, bits[8].weight)

    def forward(self, x):
        x = self.features(self.inp(x))
        return self.classifier(self.fc(x.flatten(1)))
