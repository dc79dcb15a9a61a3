"""`codesign estimate DESIGN`: throughput, latency, resources and fit of a design folder on a board.

Registered by codesign/cli.py with ``main.add_command(estimate_command)``.
"""
from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import click

from .estimators import ESTIMATORS


def _fail(msg: str) -> None:
    click.echo(f"error: {msg}", err=True)
    sys.exit(2)


def _fmt(x) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:,.1f}" if abs(x) < 1e6 else f"{x:,.0f}"
    return f"{x:,}" if isinstance(x, int) else str(x)


def summary(est: dict) -> str:
    """Human-readable summary of an estimate dict."""
    keys = ("LUT", "FF", "BRAM18", "URAM", "DSP")
    lines = [
        f"{est['board']} ({est['part']}) @ {est['clock_mhz']:g} MHz, {est['estimator']} estimator",
        f"throughput  {est['throughput_fps']:,.1f} fps  (limited by {est['limited_by']}; compute roof "
        f"{_fmt(est['compute_roof_fps'])}, I/O roof {_fmt(est['io_roof_fps'])}"
        + (f", memory roof {_fmt(est['memory_roof_fps'])}" if est["memory_roof_fps"] is not None else "") + ")",
        f"bottleneck  {est['bottleneck']} ({est['max_cycles']:,} cycles/frame)",
        f"latency     {est['latency_cycles']:,} cycles = {est['latency_us']:,.1f} us  (FINN critical-path sum "
        f"{est['latency_cycles_finn']:,})",
        "",
        f"{'layer':34s} {'PE':>4s} {'SIMD':>4s} {'cycles':>10s} " + " ".join(f"{k:>7s}" for k in keys),
    ]
    for l in est["layers"]:
        name = l["name"] + (" *" if l.get("inserted") else "")
        lines.append(f"{name:34s} {_fmt(l['pe']):>4s} {_fmt(l['simd']):>4s} {l['cycles']:>10,} "
                     + " ".join(f"{l[k]:>7,}" for k in keys))
    tot = est["resources"]
    lines.append(f"{'total':34s} {'':>4s} {'':>4s} {'':>10s} " + " ".join(f"{tot[k]:>7,}" for k in keys))
    lines.append(f"{'budget':34s} {'':>4s} {'':>4s} {'':>10s} " + " ".join(f"{est['budget'][k]:>7,.0f}" for k in keys))
    util = " ".join(f"{k} {100 * v:.1f}%" for k, v in est["utilisation"].items() if v is not None)
    lines.append(f"utilisation {util}")
    lines.append("fits        " + ("yes" if est["fits"] else f"NO (over budget: {', '.join(est['over_budget'])})"))
    if est["converters_inserted"]:
        lines.append(f"* data-width converters the estimate inserted: {len(est['converters_inserted'])}")
    return "\n".join(lines)


@click.command("estimate")
@click.argument("design", type=click.Path(file_okay=False))
@click.option("--board", default="Pynq-Z1", show_default=True, help="board name or alias, or a path to a board JSON file")
@click.option("--clock-mhz", type=float, default=None, help="clock in MHz [default: the board's]")
@click.option("--folding", "folding_path", default=None, help="FINN folding-config JSON to apply first")
@click.option("--estimator", type=click.Choice(sorted(ESTIMATORS)), default="codesign", show_default=True)
@click.option("--json", "json_path", default=None, help="write the estimate as JSON to this file")
@click.option("--plot", "plot_path", default=None, help="write the roofline plot (PNG) to this file")
def estimate_command(design, board, clock_mhz, folding_path, estimator, json_path, plot_path):
    """Estimate throughput, latency and resources of a design folder on a board."""
    from ..ir import DataflowGraph, FoldingError
    from .boards import load_board
    from .estimate import estimate
    from .folding import FoldingWarning, apply_folding

    try:
        b = load_board(board)
    except ValueError as e:
        _fail(str(e))
    if clock_mhz is not None and not clock_mhz > 0:
        _fail(f"--clock-mhz must be positive, got {clock_mhz}")
    try:
        graph = DataflowGraph.load(design)
    except (FileNotFoundError, ValueError) as e:
        _fail(str(e))
    if folding_path:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FoldingWarning)
            try:
                apply_folding(graph, folding_path)
            except FoldingError as e:
                _fail(f"folding config {folding_path}: {e}")
        for w in caught:
            click.echo(f"warning: {w.message}", err=True)
    try:
        est = estimate(graph, b, clock_mhz, estimator)
    except ValueError as e:
        _fail(str(e))
    click.echo(summary(est))
    if json_path:
        Path(json_path).write_text(json.dumps(est, indent=1) + "\n")
        click.echo(f"wrote {json_path}")
    if plot_path:
        from .roofline import plot_roofline

        plot_roofline(est, plot_path)
        click.echo(f"wrote {plot_path}")
