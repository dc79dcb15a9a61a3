"""Golden IR vs an independent execution: qonnx's execute_onnx on the exported graph (integers at
every quantizer, exactly) and Brevitas (float output, predicted labels)."""
import numpy as np
import pytest
import torch
from qonnx.core.onnx_exec import execute_onnx

from codesign.export import export_qonnx_model
from codesign.frontend import lower_qonnx
from codesign.models import ZOO, n_weight_layers
from zoo_helpers import calibrated, mixed_bits, random_inputs


def qonnx_integers(wrapped, x, checkpoints):
    ctx = execute_onnx(wrapped, {wrapped.graph.input[0].name: x}, return_full_exec_context=True)
    out = {}
    for cp in checkpoints:
        v = ctx[cp["onnx"]].astype(np.float64)
        if cp["rank"] == 4:
            v = v.transpose(0, 2, 3, 1)
        out[cp["ir"]] = v / np.asarray(cp["scale"])
    return out, ctx[wrapped.graph.output[0].name]


def assert_labels_match(golden_float, ref_float):
    """Labels equal Brevitas' wherever Brevitas' own top-2 differ by more than float32 rounding:
    binary logits often tie exactly, and then float32 noise in PyTorch picks the winner."""
    top2 = np.sort(ref_float, axis=1)[:, -2:]
    tie = (top2[:, 1] - top2[:, 0]) <= 1e-5 * np.maximum(1.0, np.abs(top2[:, 1]))
    same = golden_float.argmax(1) == ref_float.argmax(1)
    assert same[~tie].all(), f"{(~same[~tie]).sum()} label mismatches outside ties"
    # on exact ties the golden pick must be one of the tied classes
    best = ref_float.max(1, keepdims=True)
    picked = np.take_along_axis(ref_float, golden_float.argmax(1)[:, None], 1)
    assert (np.abs(picked - best)[tie] <= 1e-5 * np.maximum(1.0, np.abs(best[tie]))).all()
    return int(tie.sum())


@pytest.mark.parametrize("name", sorted(ZOO))
@pytest.mark.parametrize("bits", ["w1a1", "w2a2", "w4a4", "mixed"])
def test_golden_matches_qonnx_and_brevitas(name, bits, tmp_path):
    spec = mixed_bits(name, n_weight_layers(name)) if bits == "mixed" else bits
    model = calibrated(name, spec)
    x_small = random_inputs(model, 16, seed=2)
    wrapped = export_qonnx_model(model, tmp_path / "m.onnx", batch_size=len(x_small))
    graph = lower_qonnx(tmp_path / "m.onnx")
    # integer tensors at every quantizer, exactly
    ref_ints, ref_out = qonnx_integers(wrapped, x_small, graph.meta["checkpoints"])
    env = graph.execute(graph.quantize_input(x_small), keep_all=True)
    assert len(ref_ints) >= n_weight_layers(name) - 1
    for tensor, ref in ref_ints.items():
        np.testing.assert_array_equal(env[tensor].reshape(ref.shape), np.round(ref), err_msg=tensor)
        assert np.abs(ref - np.round(ref)).max() < 1e-6  # the quantizer outputs really are integers x scale
    golden = graph.run_float(x_small)
    np.testing.assert_allclose(golden, ref_out, rtol=1e-5, atol=1e-5 * np.abs(ref_out).max())
    # predicted labels vs Brevitas on 1,000 inputs
    x = random_inputs(model, 1000, seed=3)
    with torch.no_grad():
        brev = model(torch.from_numpy(x))
    brev = getattr(brev, "value", brev).numpy().astype(np.float64)
    golden = graph.run_float(x)
    np.testing.assert_allclose(golden, brev, rtol=1e-5, atol=1e-5 * np.abs(brev).max())
    assert_labels_match(golden, brev)


def test_trained_model_on_real_digits(tmp_path, digits):
    from codesign.train import TrainConfig, train

    train(TrainConfig(model="sfc", bits="w1a1", epochs=3), tmp_path / "run", dataset=digits, progress=False)
    from codesign.train import load_checkpoint

    model = load_checkpoint(tmp_path / "run")
    export_qonnx_model(model, tmp_path / "m.onnx")
    graph = lower_qonnx(tmp_path / "m.onnx")
    x = digits.test.x
    with torch.no_grad():
        brev = model(torch.from_numpy(x))
    brev = getattr(brev, "value", brev).numpy()
    golden = graph.run_float(x)
    np.testing.assert_allclose(golden, brev, rtol=1e-5, atol=1e-5 * np.abs(brev).max())
    assert_labels_match(golden, brev)
    acc = (golden.argmax(1) == digits.test.y).mean()
    assert acc > 0.5
