"""A QONNX graph we did not produce: built with onnx.helper and qonnx's Quant op, lowered, run."""
import numpy as np
import onnx
import pytest
from click.testing import CliRunner
from onnx import TensorProto, helper
from qonnx.core.modelwrapper import ModelWrapper
from qonnx.core.onnx_exec import execute_onnx

from codesign.cli import main
from codesign.frontend import LoweringError, lower_qonnx
from codesign.ir import DataflowGraph

QONNX_DOMAIN = "qonnx.custom_op.general"


def _const(name, arr):
    return helper.make_tensor(name, TensorProto.FLOAT, arr.shape, arr.astype(np.float32).ravel())


def _quant(inp, out, scale, bits, signed, narrow, prefix):
    inits = [_const(f"{prefix}_s", np.array(scale, dtype=np.float32)), _const(f"{prefix}_z", np.array(0.0)),
             _const(f"{prefix}_b", np.array(float(bits)))]
    node = helper.make_node("Quant", [inp, f"{prefix}_s", f"{prefix}_z", f"{prefix}_b"], [out], domain=QONNX_DOMAIN,
                            name=f"{prefix}_quant", signed=signed, narrow=narrow, rounding_mode="ROUND")
    return node, inits


def handmade_model(extra_node=None):
    rng = np.random.default_rng(0)
    nodes, inits = [], []
    n, i = _quant("x", "xq", 2.0 ** -4, 8, 1, 0, "in")
    nodes.append(n); inits += i
    w = rng.normal(size=(4, 3, 3, 3)).astype(np.float32)
    inits.append(_const("w_conv", w))
    n, i = _quant("w_conv", "w_conv_q", 0.25, 4, 1, 1, "wc")
    nodes.append(n); inits += i
    nodes.append(helper.make_node("Conv", ["xq", "w_conv_q"], ["c"], name="conv", pads=[1, 1, 1, 1], strides=[2, 2], kernel_shape=[3, 3]))
    inits += [_const("m", rng.uniform(-1.5, 1.5, size=(1, 4, 1, 1))), _const("a", rng.uniform(-1, 1, size=(1, 4, 1, 1)))]
    nodes.append(helper.make_node("Mul", ["c", "m"], ["cm"], name="scale"))
    nodes.append(helper.make_node("Add", ["cm", "a"], ["ca"], name="shift"))
    nodes.append(helper.make_node("Relu", ["ca"], ["cr"], name="relu"))
    n, i = _quant("cr", "aq", 0.5, 3, 0, 0, "act")
    nodes.append(n); inits += i
    last = "aq"
    if extra_node is not None:
        nodes.append(extra_node); last = extra_node.output[0]
    nodes.append(helper.make_node("MaxPool", [last], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]))
    inits.append(helper.make_tensor("shape", TensorProto.INT64, [2], [1, 16]))
    nodes.append(helper.make_node("Reshape", ["p", "shape"], ["f"], name="flatten"))
    inits.append(_const("w_fc", rng.normal(size=(5, 16))))
    n, i = _quant("w_fc", "w_fc_q", 0.5, 2, 1, 1, "wf")
    nodes.append(n); inits += i
    nodes.append(helper.make_node("Gemm", ["f", "w_fc_q"], ["y"], name="fc", transB=1))
    graph = helper.make_graph(nodes, "handmade", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 5])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(QONNX_DOMAIN, 1)])
    return ModelWrapper(model)


def test_handmade_graph_lowers_and_matches_qonnx():
    from qonnx.util.cleanup import cleanup_model

    model = cleanup_model(handmade_model())
    graph = lower_qonnx(model)
    assert [op.OP_TYPE for op in graph.ops] == ["FMPadding", "ConvolutionInputGenerator", "MVAU", "StreamingMaxPool", "MVAU"]
    rng = np.random.default_rng(1)
    for _ in range(20):
        x = rng.uniform(-8, 8, size=(1, 3, 8, 8)).astype(np.float32)
        ref = execute_onnx(model, {model.graph.input[0].name: x})[model.graph.output[0].name]
        np.testing.assert_allclose(graph.run_float(x), ref, rtol=1e-6, atol=1e-6)


def test_unsupported_node_named_and_nothing_written(tmp_path):
    bad = helper.make_node("Sigmoid", ["aq"], ["sig"], name="my_sigmoid")
    model = handmade_model(bad)
    with pytest.raises(LoweringError, match=r"'my_sigmoid' \(Sigmoid\)"):
        lower_qonnx(model)
    path = tmp_path / "bad.onnx"
    onnx.save(model.model, str(path))
    out = tmp_path / "design"
    r = CliRunner().invoke(main, ["lower", str(path), "-o", str(out)])
    assert r.exit_code == 2 and "my_sigmoid" in r.output and "Sigmoid" in r.output
    assert not out.exists() and list(tmp_path.iterdir()) == [path]


def test_unquantized_weights_rejected():
    model = handmade_model()
    # feed the conv the float weights instead of the quantized ones
    conv = next(n for n in model.graph.node if n.name == "conv")
    conv.input[1] = "w_conv"
    with pytest.raises(LoweringError, match=r"'conv' \(Conv\).*not quantized"):
        lower_qonnx(model)


def test_design_folder_round_trip_is_exact(tmp_path):
    from codesign.export import export_qonnx_model
    from zoo_helpers import calibrated

    model = calibrated("resnet8", "w2a2", input_shape=(3, 16, 16))
    export_qonnx_model(model, tmp_path / "m.onnx")
    graph = lower_qonnx(tmp_path / "m.onnx")
    graph.save(tmp_path / "d1")
    again = DataflowGraph.load(tmp_path / "d1")
    assert [op.to_dict() for op in again.ops] == [op.to_dict() for op in graph.ops]
    for a, b in zip(graph.ops, again.ops):
        for key, arr in a.arrays().items():
            assert np.array_equal(arr, b.arrays()[key]) and arr.dtype == b.arrays()[key].dtype
    assert again.tensors == graph.tensors and again.input_scale == graph.input_scale
    np.testing.assert_array_equal(again.output_mul, graph.output_mul)
    again.save(tmp_path / "d2")
    files1 = sorted(p.relative_to(tmp_path / "d1") for p in (tmp_path / "d1").rglob("*"))
    files2 = sorted(p.relative_to(tmp_path / "d2") for p in (tmp_path / "d2").rglob("*"))
    assert files1 == files2
    for f in files1:
        if (tmp_path / "d1" / f).is_file():
            assert (tmp_path / "d1" / f).read_bytes() == (tmp_path / "d2" / f).read_bytes(), f
    x = np.random.default_rng(0).uniform(-1, 1, (4, 3, 16, 16)).astype(np.float32)
    np.testing.assert_array_equal(again.run_float(x), graph.run_float(x))


def test_cli_lower_and_run(tmp_path):
    from codesign.export import export_qonnx_model
    from zoo_helpers import calibrated

    model = calibrated("tfc", "w1a1")
    export_qonnx_model(model, tmp_path / "m.onnx")
    x = np.random.default_rng(0).uniform(-1, 1, (7, 1, 8, 8)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    r = CliRunner().invoke(main, ["lower", str(tmp_path / "m.onnx"), "-o", str(tmp_path / "d"), "--topk"])
    assert r.exit_code == 0, r.output
    assert "LabelSelect" in r.output
    r = CliRunner().invoke(main, ["run", str(tmp_path / "d"), "--input", str(tmp_path / "x.npy"), "--output", str(tmp_path / "y.npy")])
    assert r.exit_code == 0, r.output
    labels = np.load(tmp_path / "y.npy")
    graph = lower_qonnx(tmp_path / "m.onnx")
    assert labels.shape == (7, 1)
    np.testing.assert_array_equal(labels[:, 0], graph.run_float(x).argmax(1))
