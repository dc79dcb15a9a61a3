"""Shared test helpers: calibrated zoo models and inputs."""
import numpy as np
import torch

from codesign.models import build_model

SMALL_INPUT = {"tfc": (1, 8, 8), "sfc": (1, 8, 8), "lfc": (1, 8, 8), "lenet5": (1, 8, 8)}
MIXED = {  # one mixed per-layer config per model, covering 1/2/3/4/8 bits
    "tfc": [(8, 4), (1, 1), (4, 2), (2, 3)],
}


def mixed_bits(name: str, n_layers: int) -> list[tuple[int, int]]:
    cycle = [(8, 4), (4, 2), (2, 3), (3, 4), (1, 1), (4, 8)]
    return MIXED.get(name, [cycle[i % len(cycle)] for i in range(n_layers)])


def calibrated(name: str, bits, seed: int = 0, input_shape=None):
    """A zoo model whose BatchNorm statistics and affine parameters are non-trivial, as after training."""
    torch.manual_seed(seed)
    model = build_model(name, bits, input_shape=input_shape or SMALL_INPUT.get(name))
    for mod in model.modules():
        if isinstance(mod, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            with torch.no_grad():
                mod.weight.uniform_(0.5, 1.5)
                mod.weight.mul_(torch.where(torch.rand_like(mod.weight) < 0.2, -1.0, 1.0))
                mod.bias.uniform_(-0.5, 0.5)
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(torch.rand(32, *model.input_shape) * 2 - 1)
    return model.eval()


def random_inputs(model, n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, size=(n, *model.input_shape)).astype(np.float32)


