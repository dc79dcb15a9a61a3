"""`codesign simulate DESIGN`: cycle-accurate simulation of a design folder, with FIFO sizing."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _fail(msg: str) -> None:
    click.echo(f"error: {msg}", err=True)
    sys.exit(2)


def apply_folding_file(graph, path) -> list[str]:
    """A FINN folding JSON onto the graph: codesign.hw.folding.apply_folding where it exists, else the
    minimal {"Node": {"PE": .., "SIMD": ..}} form through op.set_folding."""
    try:
        from ..hw.folding import apply_folding
    except ImportError:
        apply_folding = None
    if apply_folding is not None:
        return apply_folding(graph, path)
    cfg = json.loads(Path(path).read_text())
    done = []
    for name, attrs in cfg.items():
        if name == "Defaults" or not isinstance(attrs, dict):
            continue
        op = graph.node(name)
        fold = {k.lower(): int(v) for k, v in attrs.items() if k in ("PE", "SIMD")}
        if fold:
            op.set_folding(**fold)
            done.append(name)
    return done


def _depths_file(path: str) -> dict:
    doc = json.loads(Path(path).read_text())
    if isinstance(doc, dict) and isinstance(doc.get("fifo_depths"), dict):  # a sim.json
        return doc["fifo_depths"]
    if isinstance(doc, dict) and isinstance(doc.get("depths"), dict):  # a sizing report
        return doc["depths"]
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: expected a JSON object {{fifo name: depth}}")
    return doc


@click.command("simulate")
@click.argument("design")
@click.option("--frames", default=4, show_default=True, type=int, help="frames streamed back to back (>= 2 for an interval)")
@click.option("--folding", default=None, help="FINN folding-config JSON to apply before simulating")
@click.option("--fifo-depths", "fifo_depths", default="auto", show_default=True,
              help="auto (size them: smallest depths keeping the unbounded-FIFO interval), naive (each FIFO a whole "
                   "frame of its stream), design (the design's own: FIFO nodes, meta, else 2), or a JSON file {fifo: depth}")
@click.option("--mode", type=click.Choice(["timing", "data"]), default="timing", show_default=True,
              help="data: carry the values through the streams and compare the output with the golden model")
@click.option("--input", "input_path", default=None, help="data mode: .npy of accelerator input integers (frames, ...)")
@click.option("--engine", type=click.Choice(["auto", "c", "python", "cycle"]), default="auto", show_default=True)
@click.option("--json", "json_path", default=None, help="write the results to this JSON file")
@click.option("--plot", "plot_path", default=None, help="write a PNG of node activity and FIFO occupancy over time")
def simulate_command(design, frames, folding, fifo_depths, mode, input_path, engine, json_path, plot_path):
    """Simulate DESIGN (a design folder) cycle by cycle: latency, interval, stalls, FIFO occupancy, deadlocks."""
    import numpy as np

    from ..ir import DataflowGraph
    from . import build_network, plot_pipeline, simulate, size_fifos
    from .network import NetworkError

    try:
        graph = DataflowGraph.load(design)
    except (FileNotFoundError, ValueError) as e:
        _fail(str(e))
    if folding:
        try:
            apply_folding_file(graph, folding)
        except (ValueError, KeyError, OSError) as e:
            _fail(f"{folding}: {e}")
    if frames < 1:
        _fail("--frames must be >= 1")
    try:
        net = build_network(graph)
    except NetworkError as e:
        _fail(str(e))
    sizing = None
    if fifo_depths == "auto":
        if frames < 2:
            _fail("--fifo-depths auto needs --frames >= 2")
        sizing = size_fifos(net, frames=frames, engine=engine if engine != "cycle" else "auto")
        depths = sizing.depths
    elif fifo_depths == "naive":
        depths = "naive"
    elif fifo_depths == "design":
        depths = None
    else:
        try:
            depths = _depths_file(fifo_depths)
            net.depths(depths)
        except (OSError, ValueError, KeyError) as e:
            _fail(f"--fifo-depths {fifo_depths}: {e}")
    x = None
    if input_path:
        try:
            x = np.load(input_path)
        except (OSError, ValueError) as e:
            _fail(f"{input_path}: {e}")
        frames = len(x)
    try:
        res = simulate(net, frames=frames, fifo_depths=depths, mode=mode, inputs=x, engine=engine, trace=bool(plot_path))
    except ValueError as e:
        _fail(str(e))
    click.echo(res.summary())
    doc = res.to_json()
    doc["design"] = str(design)
    if sizing is not None:
        doc["fifo_sizing"] = sizing.to_json()
        click.echo(f"FIFO sizing: {sizing.totals['sized']['lut']} LUT + {sizing.totals['sized']['bram18']} BRAM18 "
                   f"(naive whole-frame FIFOs: {sizing.totals['naive']['lut']} LUT + {sizing.totals['naive']['bram18']} BRAM18), "
                   f"{sizing.simulations} simulations in {sizing.seconds:.2f} s")
    if json_path:
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(json.dumps(doc, indent=1))
        click.echo(f"wrote {json_path}")
    if plot_path:
        plot_pipeline(res, plot_path)
        click.echo(f"wrote {plot_path}")
    if res.deadlock or (mode == "data" and not res.matches_golden):
        sys.exit(1)
