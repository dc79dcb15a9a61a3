"""Accuracy proxy for per-layer bit-widths: quantisation-noise sensitivity.

For a reference model (a trained zoo model at high precision, ``ref_bits``, default w8a8: the zoo's
float models have no activation nonlinearity, ``signed_act(32)`` is the identity, so an 8-bit model
is the nearest meaningful "float" reference), the sensitivity of layer l at (w, a) bits is the
increase of the cross-entropy on a small calibration batch when only layer l is re-quantised to
(w, a) (weights re-quantised from the same latent weights, the activation after it re-quantised
with the same learned range), all other layers staying at the reference. A mixed configuration's
proxy is the sum over layers (the additive model of HAWQ-V3, Yao et al., ICML 2021, whose
Hessian-aware variant weights each layer's perturbation ||Q(W)-W||^2 by the Hessian trace; here
the loss increase is measured directly, which needs no second derivatives and covers activations).
Output MSE against the reference logits is recorded too.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from ..models import build_model, parse_bits


def _logits(out):
    return out.value if hasattr(out, "value") else out


@torch.no_grad()
def _loss_and_logits(model, x, y):
    model.eval()
    logits = _logits(model(torch.from_numpy(x))).float()
    return float(F.cross_entropy(logits, torch.from_numpy(y))), logits


@dataclass
class SensitivityTable:
    model: str
    ref_bits: list  # per layer [w, a]
    ref_loss: float
    ref_accuracy: float
    pairs: list  # the (w, a) pairs measured
    dloss: list = field(default_factory=list)  # [layer][pair index] loss increase
    mse: list = field(default_factory=list)  # [layer][pair index] output MSE vs the reference
    act_used: list = field(default_factory=list)  # [layer] whether the layer's act bits matter
    n_calibration: int = 0

    def index(self, layer: int, w: int, a: int) -> int:
        for i, (pw, pa) in enumerate(self.pairs):
            if pw == int(w) and (pa == int(a) or not self.act_used[layer]):
                return i
        raise KeyError(f"layer {layer}: (w{w}, a{a}) was not measured; measured pairs: {self.pairs}")

    def layer_cost(self, layer: int, w: int, a: int) -> float:
        return max(0.0, self.dloss[layer][self.index(layer, w, a)])

    def proxy(self, bits) -> float:
        """Predicted loss increase of a per-layer configuration [(w, a), ...] (sum over layers)."""
        return float(sum(self.layer_cost(i, int(w), int(a)) for i, (w, a) in enumerate(bits)))

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    @staticmethod
    def from_dict(d: dict) -> "SensitivityTable":
        return SensitivityTable(**d)


def _act_quantizers(model) -> list:
    """The activation quantizers after each weight layer (registration order, the input quantizer
    excluded); [] when they cannot be matched one-to-one with layers 0..L-2."""
    acts = [m for n, m in model.named_modules() if type(m).__name__ in ("QuantIdentity", "QuantReLU") and n != "inp"]
    return acts if len(acts) == len(model.bits) - 1 else []


def _log2_scale_param(module):
    for name, p in module.named_parameters():
        if name.endswith("scaling_impl.value"):
            return p
    return None


@torch.no_grad()
def _best_range(model, layer, x, y, shifts) -> tuple[float, object, int]:
    """Loss with the re-quantised layer's activation range moved by 2^k for k in shifts (the learned
    power-of-two range of the reference is tuned for its bit-width; fewer bits want a narrower one,
    as QAT would learn). Returns the best (loss, logits, k); the model keeps the best range."""
    acts = _act_quantizers(model)
    p = _log2_scale_param(acts[layer]) if acts and layer < len(acts) else None
    if p is None:
        loss, logits = _loss_and_logits(model, x, y)
        return loss, logits, 0
    v0 = p.data.clone()
    best = None
    for k in shifts:
        p.data = v0 + k
        loss, logits = _loss_and_logits(model, x, y)
        if best is None or loss < best[0]:
            best = (loss, logits, k)
    p.data = v0 + best[2]
    return best


def layer_sensitivity(ref_model, x: np.ndarray, y: np.ndarray, pairs, *, n_calibration: int = 512,
                      range_shifts=(0, -1, -2, -3)) -> SensitivityTable:
    """Measure every (layer, (w, a)) of ``pairs`` against ``ref_model`` on the first n_calibration
    samples of (x, y). Where a layer's activation bits change, its power-of-two activation range is
    re-tuned over ``range_shifts`` (log2 steps) on the same batch (a one-parameter stand-in for what
    QAT re-learns; without it a 2-bit activation keeps the 8-bit range and looks worse than 1 bit)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # many small forward passes: one thread is several times faster than contending ones
    try:
        return _layer_sensitivity(ref_model, x, y, pairs, n_calibration, range_shifts)
    finally:
        torch.set_num_threads(threads)


def _layer_sensitivity(ref_model, x, y, pairs, n_calibration, range_shifts) -> SensitivityTable:
    x, y = x[:n_calibration].astype(np.float32), y[:n_calibration].astype(np.int64)
    spec = ref_model.spec()
    ref_bits = [list(b) for b in spec["bits"]]
    L = len(ref_bits)
    state = ref_model.state_dict()
    kwargs = {"width": spec["width"]} if "width" in spec else {}
    ref_loss, ref_logits = _loss_and_logits(ref_model, x, y)
    ref_acc = float((ref_logits.argmax(1).numpy() == y).mean())
    pairs = sorted({(int(w), int(a)) for w, a in pairs})
    act_used = [i < L - 1 for i in range(L)]  # the classifier's activation bits are unused
    table = SensitivityTable(spec["model"], ref_bits, ref_loss, ref_acc, [list(p) for p in pairs], act_used=act_used,
                             n_calibration=len(y))
    cache: dict = {}
    for layer in range(L):
        row_d, row_m = [], []
        for w, a in pairs:
            a_eff = a if act_used[layer] else ref_bits[layer][1]
            key = (layer, w, a_eff)
            if key not in cache:
                bits = [tuple(b) for b in ref_bits]
                bits[layer] = (w, a_eff)
                m = build_model(spec["model"], bits, spec["input_shape"], spec["num_classes"], **kwargs)
                m.load_state_dict(state, strict=False)
                if a_eff != ref_bits[layer][1] and a_eff > 1 and range_shifts:
                    loss, logits, _ = _best_range(m, layer, x, y, range_shifts)
                else:
                    loss, logits = _loss_and_logits(m, x, y)
                cache[key] = (loss - ref_loss, float(((logits - ref_logits) ** 2).mean()))
            d, e = cache[key]
            row_d.append(d)
            row_m.append(e)
        table.dloss.append(row_d)
        table.mse.append(row_m)
    return table


def bits_pairs(search_bits, act_bits=None) -> list[tuple[int, int]]:
    """All (w, a) pairs from the weight and activation bit sets."""
    act_bits = act_bits or search_bits
    return [(int(w), int(a)) for w in search_bits for a in act_bits]


def normalise_bits(bits, n_layers: int) -> list[list[int]]:
    return [[b.weight, b.act] for b in parse_bits(bits, n_layers)]


__all__ = ["SensitivityTable", "layer_sensitivity", "bits_pairs", "normalise_bits"]
