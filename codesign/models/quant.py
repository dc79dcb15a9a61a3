"""Bit-width specs and the Brevitas quantizers every zoo model is built from.

All scales are restricted to powers of two: the integer arithmetic the hardware does then
matches the float graph exactly (no rounding of scale products), which is what lets the
frontend lower a network bit-exactly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import brevitas.nn as qnn
from brevitas.core.restrict_val import RestrictValueType
from brevitas.core.scaling import ScalingImplType
from brevitas.quant import (
    Int8ActPerTensorFixedPoint,
    Int8WeightPerTensorFixedPoint,
    SignedBinaryActPerTensorConst,
    SignedBinaryWeightPerTensorConst,
    Uint8ActPerTensorFixedPoint,
)

LEGAL_BITS = (1, 2, 3, 4, 8)
FLOAT_BITS = 32  # "w32a32": no quantization at all, used for float teachers


@dataclass(frozen=True)
class LayerBits:
    """Bit-widths of one weight layer: its weights and the activation that follows it."""

    weight: int
    act: int

    def __str__(self) -> str:
        return f"w{self.weight}a{self.act}"


_SPEC = re.compile(r"^w(\d+)a(\d+)$")


def _check_bits(value: int, what: str) -> int:
    if value not in LEGAL_BITS and value != FLOAT_BITS:
        raise ValueError(f"{what}: {value} bits is not supported; expected one of {LEGAL_BITS} (or {FLOAT_BITS} for float)")
    return value


def parse_bits(spec, n_layers: int) -> list[LayerBits]:
    """Expand "w1a1" or a per-layer list of (w, a) pairs / "wXaY" strings to one LayerBits per layer."""
    if isinstance(spec, str):
        if "," in spec:
            spec = [s.strip() for s in spec.split(",")]
        else:
            m = _SPEC.match(spec.strip().lower())
            if not m:
                raise ValueError(f"bit spec {spec!r}: expected 'wXaY' such as 'w1a1', 'w2a2', 'w4a4', or a comma list with one per layer")
            lb = LayerBits(_check_bits(int(m[1]), "weight"), _check_bits(int(m[2]), "activation"))
            return [lb] * n_layers
    layers = list(spec)
    if len(layers) != n_layers:
        raise ValueError(f"per-layer bit list has {len(layers)} entries; this model has {n_layers} weight layers")
    out = []
    for i, item in enumerate(layers):
        if isinstance(item, str):
            out.append(parse_bits(item, 1)[0])
        else:
            w, a = item
            out.append(LayerBits(_check_bits(int(w), f"layer {i} weight"), _check_bits(int(a), f"layer {i} activation")))
    return out


def bits_label(bits: list[LayerBits]) -> str:
    """Short name: 'w1a1' when uniform, else the comma list."""
    uniq = set(bits)
    return str(bits[0]) if len(uniq) == 1 else ",".join(str(b) for b in bits)


class _Po2Weight(Int8WeightPerTensorFixedPoint):
    """Per-tensor, power-of-two scaled, narrow-range signed integer weights."""

    narrow_range = True


class _Po2SignedAct(Int8ActPerTensorFixedPoint):
    restrict_scaling_type = RestrictValueType.POWER_OF_TWO


class _Po2UnsignedAct(Uint8ActPerTensorFixedPoint):
    restrict_scaling_type = RestrictValueType.POWER_OF_TWO


class InputQuant(Int8ActPerTensorFixedPoint):
    """8-bit signed input in [-1, 1) with the constant scale 2^-7 (inputs are normalised to [-1, 1])."""

    scaling_impl_type = ScalingImplType.CONST
    min_val = -1.0
    max_val = 1.0
    restrict_scaling_type = RestrictValueType.POWER_OF_TWO


def input_quant() -> qnn.QuantIdentity:
    return qnn.QuantIdentity(act_quant=InputQuant, bit_width=8, return_quant_tensor=True)


def weight_kwargs(bits: int) -> dict:
    if bits == FLOAT_BITS:
        return {"weight_quant": None}
    if bits == 1:
        return {"weight_quant": SignedBinaryWeightPerTensorConst}
    return {"weight_quant": _Po2Weight, "weight_bit_width": bits}


def quant_linear(cin: int, cout: int, bits: int) -> qnn.QuantLinear:
    return qnn.QuantLinear(cin, cout, bias=False, **weight_kwargs(bits))


def quant_conv(cin: int, cout: int, k: int, bits: int, stride: int = 1, padding: int = 0, groups: int = 1) -> qnn.QuantConv2d:
    return qnn.QuantConv2d(cin, cout, k, stride=stride, padding=padding, groups=groups, bias=False, **weight_kwargs(bits))


def signed_act(bits: int) -> qnn.QuantIdentity:
    """Activation with a sign (HardTanh-like); 1 bit gives a bipolar {-1, +1} sign activation."""
    if bits == FLOAT_BITS:
        return qnn.QuantIdentity(act_quant=None, return_quant_tensor=False)
    if bits == 1:
        return qnn.QuantIdentity(act_quant=SignedBinaryActPerTensorConst, return_quant_tensor=True)
    return qnn.QuantIdentity(act_quant=_Po2SignedAct, bit_width=bits, return_quant_tensor=True)


def relu_act(bits: int):
    """Unsigned (ReLU) activation; a 1-bit ReLU is degenerate, so 1 bit falls back to the bipolar sign."""
    if bits == FLOAT_BITS:
        import torch.nn as nn

        return nn.ReLU()
    if bits == 1:
        return signed_act(1)
    return qnn.QuantReLU(act_quant=_Po2UnsignedAct, bit_width=bits, return_quant_tensor=True)
