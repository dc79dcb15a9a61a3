"""The exported QONNX graph, executed by qonnx, matches the PyTorch model on 100 inputs."""
import numpy as np
import pytest
import torch
from qonnx.core.onnx_exec import execute_onnx

from codesign.export import export_qonnx_model
from codesign.models import ZOO, n_weight_layers

from zoo_helpers import calibrated, mixed_bits, random_inputs


@pytest.mark.parametrize("name", sorted(ZOO))
@pytest.mark.parametrize("bits", ["w1a1", "w2a2", "w4a4", "mixed"])
def test_export_matches_brevitas(name, bits, tmp_path):
    spec = mixed_bits(name, n_weight_layers(name)) if bits == "mixed" else bits
    model = calibrated(name, spec)
    x = random_inputs(model, 100)
    wrapped = export_qonnx_model(model, tmp_path / "m.onnx", batch_size=len(x))
    got = execute_onnx(wrapped, {wrapped.graph.input[0].name: x})[wrapped.graph.output[0].name]
    with torch.no_grad():
        ref = model(torch.from_numpy(x))
    ref = getattr(ref, "value", ref).numpy()
    assert got.shape == ref.shape
    assert np.abs(got - ref).max() <= 1e-5
    assert not (tmp_path / "m.onnx.partial").exists()
    # the graph really is quantized: it holds quantizer nodes
    assert any(n.op_type in ("Quant", "BipolarQuant") for n in wrapped.graph.node)
