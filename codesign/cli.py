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


if __name__ == "__main__":
    main()
