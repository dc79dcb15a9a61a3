"""The `codesign` command: one subcommand per stage of the flow, each a thin shell over the library."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _fail(msg: str) -> None:
    click.echo(f"error: {msg}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="codesign")
def main():
    """FPGA algorithm-hardware co-design: Brevitas QAT -> QONNX -> streaming dataflow accelerators."""


@main.command()
@click.option("--model", default="tfc", show_default=True, help="zoo model: tfc sfc lfc cnv lenet5 mobilenet_v1 resnet8")
@click.option("--bits", default="w1a1", show_default=True, help="'w1a1', 'w2a2', 'w4a4', ... or a comma list, one wXaY per weight layer")
@click.option("--dataset", default="digits", show_default=True, help="digits | mnist | fashion-mnist | cifar10")
@click.option("--data-dir", default=None, help="folder holding the data set's files (not needed for digits)")
@click.option("--download", is_flag=True, help="let torchvision download the data set into --data-dir")
@click.option("--epochs", default=20, show_default=True, type=int)
@click.option("--batch-size", default=64, show_default=True, type=int)
@click.option("--lr", default=0.02, show_default=True, type=float)
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--teacher", default=None, help="checkpoint or run folder of a teacher for knowledge distillation")
@click.option("--width", default=None, type=float, help="MobileNet-v1 width multiplier")
@click.option("--device", default="cpu", show_default=True, help="torch device, e.g. cuda")
@click.option("--out", "out_dir", required=True, help="run folder for checkpoint.pt and metrics.json")
def train(model, bits, dataset, data_dir, download, epochs, batch_size, lr, seed, teacher, width, device, out_dir):
    """Quantization-aware training of a zoo model."""
    from .data import DataError, load_dataset
    from .train import TrainConfig
    from .train import train as run_train

    kwargs = {"width": width} if width is not None else {}
    cfg = TrainConfig(model=model, bits=bits, dataset=dataset, data_dir=data_dir, epochs=epochs, batch_size=batch_size,
                      lr=lr, seed=seed, teacher=teacher, model_kwargs=kwargs)
    try:
        data = load_dataset(dataset, data_dir, download=download)
        metrics = run_train(cfg, out_dir, dataset=data, device=device)
    except (DataError, ValueError, FileNotFoundError) as e:
        _fail(str(e))
    click.echo(f"test accuracy {metrics['test_accuracy']:.4f} after {epochs} epochs -> {out_dir}")


@main.command()
@click.argument("run_dir")
@click.option("-o", "--output", required=True, help="path of the QONNX .onnx file to write")
def export(run_dir, output):
    """Export a trained run (or checkpoint) to a cleaned QONNX graph."""
    from .export import export_qonnx_model
    from .train import load_checkpoint

    try:
        model = load_checkpoint(run_dir)
    except (FileNotFoundError, ValueError) as e:
        _fail(str(e))
    export_qonnx_model(model, output)
    click.echo(f"wrote {output}")


@main.command()
@click.argument("model_path")
@click.option("-o", "--output", required=True, help="design folder to write (design.json + arrays/)")
@click.option("--topk", is_flag=True, help="append a label select so the accelerator outputs the top-1 class")
def lower(model_path, output, topk):
    """Lower a QONNX model to the Dataflow IR and write a design folder."""
    from .frontend import LoweringError, lower_qonnx
    from .frontend.passes import add_label_select

    try:
        graph = lower_qonnx(model_path)
        if topk:
            add_label_select(graph)
    except (LoweringError, FileNotFoundError, ValueError) as e:
        _fail(str(e))
    graph.save(output)
    counts = {}
    for op in graph.ops:
        counts[op.OP_TYPE] = counts.get(op.OP_TYPE, 0) + 1
    click.echo(f"wrote {output}: {len(graph.ops)} nodes (" + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) + ")")


@main.command()
@click.argument("design")
@click.option("--input", "input_path", required=True, help=".npy batch of network inputs (float, as the model was trained on)")
@click.option("--output", "output_path", required=True, help=".npy to write the network outputs to")
@click.option("--raw", is_flag=True, help="input holds the accelerator's integers and the output is its integers")
def run(design, input_path, output_path, raw):
    """Golden (bit-exact) execution of a design folder on a batch."""
    import numpy as np

    from .ir import DataflowGraph

    try:
        graph = DataflowGraph.load(design)
        x = np.load(input_path)
    except (FileNotFoundError, ValueError) as e:
        _fail(str(e))
    want = graph.tensors[graph.input_name].shape
    if raw:
        if tuple(x.shape[1:]) != tuple(want):
            _fail(f"{input_path}: integer input must be (N, {', '.join(map(str, want))}), got {x.shape}")
        y = graph.execute(x)[graph.output_name]
    else:
        if int(np.prod(x.shape[1:])) != int(np.prod(want)):
            _fail(f"{input_path}: input of shape {x.shape} does not hold {int(np.prod(want))} values per sample")
        y = graph.run_float(x)
    np.save(output_path, y)
    click.echo(f"wrote {output_path} {y.shape}")


@main.command()
@click.option("--out", "out_dir", default="demo_out", show_default=True, help="folder for every artifact and report.json")
@click.option("--epochs", default=40, show_default=True, type=int)
@click.option("--model", default="tfc", show_default=True)
@click.option("--bits", default="w1a1", show_default=True)
def demo(out_dir, epochs, model, bits):
    """Run the whole flow on the embedded default (binary MLP on 8x8 digits); writes report.json."""
    from .demo import run_demo

    report = run_demo(Path(out_dir), epochs=epochs, model=model, bits=bits)
    click.echo(json.dumps(report["summary"], indent=2))
    click.echo(f"report: {Path(out_dir) / 'report.json'}")


@main.command()
@click.argument("design")
@click.option("-o", "--output", required=True, help="folder for the generated HLS project")
@click.option("--board", default="Pynq-Z1", show_default=True, help="board whose part the Vitis HLS script targets")
@click.option("--clock-mhz", type=float, default=None, help="target clock (default: the board's)")
@click.option("--folding", default=None, help="FINN folding-config JSON to apply first")
@click.option("--fifo-depths", default="sized", show_default=True,
              help="'sized' (simulate and size every FIFO), 'design' (depths stored in the design), or an integer for all")
def codegen(design, output, board, clock_mhz, folding, fifo_depths):
    """Generate the Vitis HLS C++ project (top, packed weights, testbench, Tcl) for a design."""
    from .hls.codegen import CodegenError, generate_hls
    from .hw.boards import load_board
    from .ir import DataflowGraph

    try:
        b = load_board(board)
        graph = DataflowGraph.load(design)
        if folding:
            from .hw.folding import apply_folding

            apply_folding(graph, folding)
        depths = _fifo_depths(graph, fifo_depths)
        project = generate_hls(graph, output, part=b.part, clock_mhz=clock_mhz or b.default_clock_mhz, fifo_depths=depths)
    except (CodegenError, FileNotFoundError, ValueError) as e:
        _fail(str(e))
    click.echo(f"wrote {output}: top {project.top}, input {project.input.lanes}x{project.input.bits}b, "
               f"output {project.output.lanes}x{project.output.bits}b; run `codesign csim {output} --input x.npy --output y.npy`")


def _fifo_depths(graph, how: str) -> dict:
    """Stream FIFO depths for code generation, keyed by IR tensor."""
    if how == "design":
        return dict(graph.meta.get("fifo_depths", {}))
    if how == "sized":
        from .sim import size_fifos

        return dict(size_fifos(graph).depths)
    try:
        depth = int(how)
    except ValueError:
        raise ValueError(f"--fifo-depths: expected 'sized', 'design' or an integer, got {how!r}") from None
    return {t: depth for t in graph.tensors}


@main.command()
@click.argument("hls_dir")
@click.option("--input", "input_path", required=True, help=".npy batch of network inputs (float, as trained)")
@click.option("--output", "output_path", required=True, help=".npy to write the outputs to")
@click.option("--raw", is_flag=True, help="integers in and out (the accelerator's own values)")
def csim(hls_dir, input_path, output_path, raw):
    """C simulation of generated HLS with g++ (no Xilinx tools): compile, run, write outputs."""
    import numpy as np

    from .hls.csim import CompileError, run_csim

    try:
        y = run_csim(hls_dir, np.load(input_path), raw=raw)
    except (CompileError, FileNotFoundError, RuntimeError, ValueError) as e:
        _fail(str(e))
    np.save(output_path, y)
    click.echo(f"wrote {output_path} {y.shape}")


@main.command()
@click.argument("design")
@click.option("--board", default="Pynq-Z1", show_default=True)
@click.option("-o", "--output", required=True, help="build folder (hls/, vivado/ or vitis/, deploy/)")
@click.option("--clock-mhz", type=float, default=None, help="target clock (default: the board's)")
@click.option("--folding", default=None, help="FINN folding-config JSON to apply first")
@click.option("--platform", default=None, help="Vitis platform for Alveo boards (default from codesign/build/platforms.json)")
def build(design, board, output, clock_mhz, folding, platform):
    """Code generation, then the Vivado (Zynq) or Vitis (Alveo) project; runs the tools if they are on PATH."""
    from .build.flow import build as run_build
    from .build.tools import ToolError

    try:
        result = run_build(design, board, output, clock_mhz=clock_mhz, folding=folding, platform=platform)
    except (FileNotFoundError, ValueError, ToolError) as e:
        _fail(str(e))
    if result.get("missing_tools"):
        click.echo(f"{', '.join(result['missing_tools'])} not on PATH: project written to {output}. "
                   "On a machine with the Xilinx tools run:")
        for cmd in result["commands"]:
            click.echo(f"  {cmd}")
    else:
        click.echo(f"built {output}: bitstream and driver in {output}/deploy")


def _register_stage_commands():
    from .hw.cli_estimate import estimate_command
    from .sim.cli_simulate import simulate_command

    from .dse.cli_explore import explore_command

    main.add_command(estimate_command, "estimate")
    main.add_command(simulate_command, "simulate")
    main.add_command(explore_command, "explore")


_register_stage_commands()

if __name__ == "__main__":
    main()
