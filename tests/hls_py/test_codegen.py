"""Generated HLS C++, compiled with g++ and run, equals the golden model bit for bit."""
import importlib.util
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from onnx import TensorProto, helper
from qonnx.core.modelwrapper import ModelWrapper

from codesign.cli import main
from codesign.export import export_qonnx_model
from codesign.frontend import lower_qonnx
from codesign.hls.codegen import CodegenError, generate_hls
from codesign.hls.csim import CompileError, compile_csim, run_csim, run_csim_int
from zoo_helpers import calibrated, random_inputs

PART = "xc7z020clg400-1"


def fold_randomly(graph, seed):
    """A legal, non-trivial folding: PE/SIMD drawn from each op's legal values."""
    rng = np.random.default_rng(seed)
    for op in graph.ops:
        legal = op.legal_folding()
        op.set_folding(**{k: int(rng.choice(v[:4])) for k, v in legal.items()})
    for op in graph.ops:  # a depthwise window generator emits PE channels of its VVAU per beat
        if op.OP_TYPE == "ConvolutionInputGenerator" and op.depthwise:
            op.set_folding(simd=graph.consumers(op.outputs[0])[0].pe)
    return graph


def zoo_design(tmp_path, name, bits, shape=None, seed=0):
    model = calibrated(name, bits, input_shape=shape)
    export_qonnx_model(model, tmp_path / "m.onnx")
    return model, fold_randomly(lower_qonnx(tmp_path / "m.onnx"), seed)


@pytest.mark.parametrize("name, bits, shape", [("tfc", "w1a1", None), ("lenet5", "w2a2", None), ("resnet8", "w1a1", (3, 8, 8))])
def test_csim_equals_golden(name, bits, shape, tmp_path):
    model, graph = zoo_design(tmp_path, name, bits, shape)
    generate_hls(graph, tmp_path / "hls", PART, 100.0)
    x = graph.quantize_input(random_inputs(model, 6))
    got = run_csim_int(tmp_path / "hls", x)
    ref = graph.execute(x)[graph.output_name].reshape(len(x), -1)
    np.testing.assert_array_equal(got, ref)
    assert (tmp_path / "hls" / "csim.warnings.txt").read_text() == ""  # -Wall clean


def _depthwise_graph():
    """A small depthwise-separable block built directly with onnx.helper (not by our exporter)."""
    rng = np.random.default_rng(3)

    def const(name, arr):
        return helper.make_tensor(name, TensorProto.FLOAT, arr.shape, np.asarray(arr, np.float32).ravel())

    def quant(inp, out, scale, bits, signed, narrow, p):
        inits = [const(f"{p}_s", np.array(scale)), const(f"{p}_z", np.array(0.0)), const(f"{p}_b", np.array(float(bits)))]
        return helper.make_node("Quant", [inp, f"{p}_s", f"{p}_z", f"{p}_b"], [out], domain="qonnx.custom_op.general",
                                name=f"{p}_q", signed=signed, narrow=narrow, rounding_mode="ROUND"), inits

    nodes, inits = [], []
    for n, i in [quant("x", "xq", 2.0 ** -3, 4, 1, 0, "in"),
                 quant("wd", "wdq", 0.5, 3, 1, 1, "wd"), quant("wp", "wpq", 0.25, 2, 1, 1, "wp")]:
        nodes.append(n); inits += i
    inits += [const("wd", rng.normal(size=(4, 1, 3, 3))), const("wp", rng.normal(size=(6, 4, 1, 1))),
              const("m", rng.uniform(0.5, 2, size=(1, 4, 1, 1)))]
    nodes.append(helper.make_node("Conv", ["xq", "wdq"], ["d"], name="dw", group=4, pads=[1, 1, 1, 1], kernel_shape=[3, 3]))
    nodes.append(helper.make_node("Mul", ["d", "m"], ["dm"], name="scale"))
    nodes.append(helper.make_node("Relu", ["dm"], ["dr"], name="relu"))
    n, i = quant("dr", "aq", 0.5, 2, 0, 0, "act")
    nodes.append(n); inits += i
    nodes.append(helper.make_node("Conv", ["aq", "wpq"], ["y"], name="pw", kernel_shape=[1, 1]))
    g = helper.make_graph(nodes, "dw", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 6, 6])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 6, 6, 6])], inits)
    return ModelWrapper(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("qonnx.custom_op.general", 1)]))


@pytest.mark.parametrize("pe", [1, 2, 4])
def test_depthwise_block_csim(pe, tmp_path):
    graph = lower_qonnx(_depthwise_graph())
    assert [op.OP_TYPE for op in graph.ops] == ["FMPadding", "ConvolutionInputGenerator", "VVAU", "MVAU"]
    vvau = graph.node("VVAU_0")
    vvau.set_folding(pe=pe, simd=3 if pe != 4 else 1)
    graph.node("ConvolutionInputGenerator_0").set_folding(simd=pe)
    generate_hls(graph, tmp_path / "hls", PART, 100.0)
    x = np.random.default_rng(pe).integers(-8, 8, size=(5, 6, 6, 4))
    np.testing.assert_array_equal(run_csim_int(tmp_path / "hls", x), graph.execute(x)[graph.output_name].reshape(5, -1))


def test_depthwise_pairing_error_names_nodes(tmp_path):
    graph = lower_qonnx(_depthwise_graph())
    graph.node("VVAU_0").set_folding(pe=2)
    with pytest.raises(CodegenError, match="ConvolutionInputGenerator_0.*VVAU_0"):
        generate_hls(graph, tmp_path / "hls", PART, 100.0)


def test_generation_is_deterministic(tmp_path):
    _, graph = zoo_design(tmp_path, "lenet5", "w2a2")
    generate_hls(graph, tmp_path / "a", PART, 100.0)
    generate_hls(graph, tmp_path / "b", PART, 100.0)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_compile_errors_show_gcc_output(tmp_path):
    _, graph = zoo_design(tmp_path, "tfc", "w2a2")
    generate_hls(graph, tmp_path / "hls", PART, 100.0)
    top = tmp_path / "hls" / "top.cpp"
    top.write_text(top.read_text().replace("#pragma HLS DATAFLOW", "this_is_not_cpp;", 1))
    with pytest.raises(CompileError, match="this_is_not_cpp"):
        compile_csim(tmp_path / "hls")


def test_cli_codegen_csim_matches_run(tmp_path):
    model = calibrated("tfc", "w2a2")
    export_qonnx_model(model, tmp_path / "m.onnx")
    x = random_inputs(model, 9)
    np.save(tmp_path / "x.npy", x)
    r = CliRunner()
    assert r.invoke(main, ["lower", str(tmp_path / "m.onnx"), "-o", str(tmp_path / "d")]).exit_code == 0
    res = r.invoke(main, ["codegen", str(tmp_path / "d"), "-o", str(tmp_path / "hls")])
    assert res.exit_code == 0, res.output
    res = r.invoke(main, ["csim", str(tmp_path / "hls"), "--input", str(tmp_path / "x.npy"), "--output", str(tmp_path / "y.npy")])
    assert res.exit_code == 0, res.output
    res = r.invoke(main, ["run", str(tmp_path / "d"), "--input", str(tmp_path / "x.npy"), "--output", str(tmp_path / "g.npy")])
    assert res.exit_code == 0, res.output
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), np.load(tmp_path / "g.npy"))


def test_build_without_tools_writes_project_and_driver_packs_like_csim(tmp_path):
    """`codesign build` with no Vivado on PATH: writes everything, prints the commands; the
    generated runtime driver's packing, fed to the C simulation, reproduces the golden model."""
    model = calibrated("tfc", "w1a1")
    export_qonnx_model(model, tmp_path / "m.onnx")
    graph = lower_qonnx(tmp_path / "m.onnx")
    graph.save(tmp_path / "d")
    res = CliRunner().invoke(main, ["build", str(tmp_path / "d"), "--board", "Pynq-Z1", "-o", str(tmp_path / "b")])
    assert res.exit_code == 0, res.output
    assert "vivado -mode batch -source build_bitstream.tcl" in res.output and "vitis_hls -f run_hls.tcl" in res.output
    assert (tmp_path / "b" / "vivado" / "build_bitstream.tcl").is_file()
    deploy = tmp_path / "b" / "deploy"
    sys.path.insert(0, str(deploy))
    try:
        spec = importlib.util.spec_from_file_location("cs_driver", deploy / "driver.py")
        driver = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(driver)
    finally:
        sys.path.remove(str(deploy))
    io = driver.IOSpec(deploy / "io_spec.json")
    x = random_inputs(model, 4)
    x_int = io.quantize(x)
    np.testing.assert_array_equal(x_int, graph.quantize_input(x).reshape(4, -1))
    exe = compile_csim(tmp_path / "b" / "hls")
    (tmp_path / "in.bin").write_bytes(io.pack_input(x_int).tobytes())
    subprocess.run([str(exe), str(tmp_path / "in.bin"), str(tmp_path / "out.bin"), "4"], check=True)
    y = io.unpack_output(np.frombuffer((tmp_path / "out.bin").read_bytes(), dtype=np.uint8), 4)
    np.testing.assert_array_equal(y, graph.execute(graph.quantize_input(x))[graph.output_name])
    np.testing.assert_allclose(io.dequantize(y), graph.run_float(x))


def test_unknown_board_lists_known(tmp_path):
    res = CliRunner().invoke(main, ["build", str(tmp_path), "--board", "Pynq-Z9", "-o", str(tmp_path / "b")])
    assert res.exit_code == 2 and "Pynq-Z1" in res.output and "ZCU104" in res.output
