import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

# BNN-PYNQ / FINN end-to-end CNV folding: (PE, SIMD) per MVAU; the SWGs take their MVAU's SIMD, the max pools
# FINN's all-channels-per-beat stream (PE = C), so converters appear around them as in FINN.
from codesign.hw.folding import fold_like_bnn_pynq_cnv


def _lower(name, bits, shape, tmp):
    """Untrained weights are enough here: timing does not depend on values, and data mode compares with the
    golden model of the same design."""
    from codesign.export import export_qonnx_model
    from codesign.frontend import lower_qonnx
    from codesign.models import build_model

    model = build_model(name, bits, input_shape=shape).eval()
    export_qonnx_model(model, tmp / f"{name}.onnx")
    return lower_qonnx(tmp / f"{name}.onnx")


def fold_cnv(graph):
    return fold_like_bnn_pynq_cnv(graph)


@pytest.fixture(scope="session")
def sim_designs(tmp_path_factory):
    """Lowered zoo designs saved once per session: {name: design folder}."""
    tmp = tmp_path_factory.mktemp("sim_designs")
    out = {}
    for key, (name, bits, shape) in {"resnet8": ("resnet8", "w4a4", (3, 8, 8)), "cnv": ("cnv", "w1a1", None)}.items():
        out[key] = _lower(name, bits, shape, tmp).save(tmp / key)
    return out


@pytest.fixture
def load_design(sim_designs):
    from codesign.ir import DataflowGraph

    return lambda key: DataflowGraph.load(sim_designs[key])
