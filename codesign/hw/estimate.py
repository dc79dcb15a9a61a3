"""Network estimate: throughput, latency, resources and fit of a design on a board.

``estimate(graph, board, clock_mhz, estimator="codesign", limits=None)`` is a pure function (the
caller's graph is not modified) returning a JSON-able dict. Per node it calls the op's own cost
methods through the estimator (``est.cycles(op)``, ``est.resources(op)``); nothing here knows op
types.

Throughput
    ``min(compute roof, I/O roof[, memory roof])``: the compute roof is f / max_cycles (the slowest
    node sets the initiation interval of the dataflow pipeline); the I/O roof is
    dma_port_bits * f / max(bits in per frame, bits out per frame), the input and output DMAs being
    separate AXI ports of the board's width; bits per frame are prod(shape) * datatype bits of the
    graph's input and output tensors. The memory roof exists only when some weights live off chip
    (``mem_mode="external"``): DDR bandwidth / (external weight bits + input + output bits) per frame.

Data-width converters
    Where a producer's output lanes differ from its consumer's input lanes (e.g. an MVAU with PE=16
    feeding a sliding window with SIMD=32) FINN inserts a StreamingDataWidthConverter; so does the
    estimate, on a private copy of the edge list, and counts its cost and cycles. (The FINN estimator
    lists converters and their LUTs but leaves them out of max_cycles, as FINN's own estimate reports
    are generated before InsertDWC.)

Latency (pipeline-overlap model)
    FINN's ``critical_path_cycles`` adds the cycles of every node on the longest path, as if each
    layer waited for the whole frame of its producer. Here each node starts as soon as the data its
    first output depends on has arrived. Every op describes itself with ``latency_profile()`` ->
    ``input_fraction`` (share of its input frame needed before its first output beat), ``first``
    (its own cycles to that first beat when input is never starved) and ``tail`` (own cycles from its
    last input beat to its last output beat); ops without one are treated as elementwise streaming
    (0, 1, 1). A producer is assumed to emit its frame evenly between its first (F) and last (E)
    output beat. For a node with cycles T:

        S = max over inputs F_in                                   first input beat
        F = max(S + first, max over inputs [F_in + input_fraction * (E_in - F_in)] + 1)
        E = max(F + max(T - first, 0), max over inputs E_in + tail)

    The graph input is delivered by the input DMA: F = 0, E = ceil(bits in / dma_port_bits).
    ``latency_cycles`` is E of the graph output (one frame, empty pipeline); FINN's plain sum is
    reported too as ``latency_cycles_finn``. The simulator (codesign.sim) replays the exact schedule.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..ir.ops import StreamingDataWidthConverter
from .boards import RESOURCE_KEYS, budget, load_board
from .estimators import Estimator, get_estimator

__all__ = ["estimate", "stream_nodes"]

STREAMING_PROFILE = {"input_fraction": 0.0, "first": 1, "tail": 1}


@dataclass
class Node:
    op: object
    inputs: list
    outputs: list
    inserted: bool = False
    between: tuple = field(default=())


def _bits(info) -> int:
    return int(np.prod(info.shape)) * info.dt.bits if len(info.shape) else info.dt.bits


def stream_nodes(graph) -> list[Node]:
    """The graph's nodes in order, with a data-width converter spliced into every edge whose producer
    and consumer lanes differ. Works on copies of the edge lists; ``graph`` is not modified."""
    nodes = [Node(op, list(op.inputs), list(op.outputs)) for op in graph.ops]
    producer = {t: n for n in nodes for t in n.outputs}
    used = {op.name for op in graph.ops}
    counter = sum(op.OP_TYPE == StreamingDataWidthConverter.OP_TYPE for op in graph.ops)
    out: list[Node] = []
    for n in nodes:
        elem = max(graph.tensors[t].dt.bits for t in n.inputs) if n.inputs else 1
        c_lanes = n.op.in_stream_bits() // elem
        for i, t in enumerate(n.inputs):
            p = producer.get(t)
            if p is None:
                continue
            info = graph.tensors[t]
            p_lanes = p.op.out_stream_bits() // info.dt.bits
            if p_lanes == c_lanes or p_lanes <= 0 or c_lanes <= 0:
                continue
            while f"StreamingDataWidthConverter_{counter}" in used:
                counter += 1
            name = f"StreamingDataWidthConverter_{counter}"
            used.add(name)
            new_t = f"{name}_out0"
            dwc = StreamingDataWidthConverter(name=name, inputs=[t], outputs=[new_t], shape=tuple(info.shape), dt=info.dt,
                                              in_width=p_lanes * info.dt.bits, out_width=c_lanes * info.dt.bits)
            out.append(Node(dwc, [t], [new_t], inserted=True, between=(p.op.name, n.op.name)))
            n.inputs[i] = new_t
        out.append(n)
    return out


def _cycles(est: Estimator, op) -> int:
    try:
        return int(est.cycles(op))
    except ValueError:  # FINN's DWC formula rejects widths that do not fold the last axis
        return int(op.cycles_codesign()) if hasattr(op, "cycles_codesign") else 0


def _latency(nodes: list[Node], cycles: dict, graph, dma_bits: int, est: Estimator) -> tuple[int, int]:
    """(overlap latency, FINN critical-path sum) in cycles, see the module docstring. Converters the
    estimate inserted move data at their real rate (``cycles_codesign``) under either estimator, and
    do not enter the FINN sum when the estimator follows FINN's report (inserted after it)."""
    first = {graph.input_name: 0.0}
    last = {graph.input_name: float(math.ceil(_bits(graph.tensors[graph.input_name]) / dma_bits))}
    path = {graph.input_name: 0}
    for n in nodes:
        prof = dict(STREAMING_PROFILE)
        get = getattr(n.op, "latency_profile", None)
        if get is not None:
            prof.update(get())
        T = cycles[n.op.name]
        in_sum = T
        if n.inserted and not est.converters_in_throughput:
            T, in_sum = int(n.op.cycles_codesign()), 0
        ins = [t for t in n.inputs if t in first] or [graph.input_name]
        S = max(first[t] for t in ins)
        rho = float(prof["input_fraction"])
        ready = max(first[t] + rho * (last[t] - first[t]) for t in ins) + 1
        F = max(S + prof["first"], ready)
        E = max(F + max(T - prof["first"], 0), max(last[t] for t in ins) + prof["tail"])
        p = max(path.get(t, 0) for t in ins) + in_sum
        for t in n.outputs:
            first[t], last[t], path[t] = F, E, p
    out = graph.output_name
    return int(math.ceil(last.get(out, 0))), int(path.get(out, 0))


def estimate(graph, board, clock_mhz: float | None = None, estimator="codesign", limits=None) -> dict:
    """Estimate ``graph`` on ``board`` at ``clock_mhz`` (default: the board's) with the "codesign"
    (default) or "finn" estimator; ``limits`` overrides the board's utilisation limits (see
    :func:`codesign.hw.boards.budget`). Returns a JSON-able dict; see docs/validation.md for the keys.
    """
    b = load_board(board)
    est = get_estimator(estimator, b)
    f_mhz = float(clock_mhz if clock_mhz is not None else b.default_clock_mhz)
    if not f_mhz > 0:
        raise ValueError(f"clock_mhz must be positive, got {clock_mhz!r}")
    f = f_mhz * 1e6
    nodes = stream_nodes(graph)

    cycles, layers, totals = {}, [], {k: 0 for k in RESOURCE_KEYS}
    for n in nodes:
        op = n.op
        cyc = _cycles(est, op)
        res = est.resources(op)
        cycles[op.name] = cyc
        for k in RESOURCE_KEYS:
            totals[k] += res[k]
        row = {"name": op.name, "op": op.OP_TYPE, "pe": getattr(op, "pe", None), "simd": getattr(op, "simd", None),
               "cycles": cyc, **res}
        if n.inserted:
            row.update(inserted=True, between=list(n.between), in_width=op.in_width, out_width=op.out_width)
        layers.append(row)

    counted = [n for n in nodes if est.converters_in_throughput or not n.inserted]
    bottleneck_node = max(counted, key=lambda n: cycles[n.op.name]) if counted else None
    max_cycles = cycles[bottleneck_node.op.name] if bottleneck_node else 0

    bits_in = _bits(graph.tensors[graph.input_name])
    bits_out = _bits(graph.tensors[graph.output_name])
    compute_roof = f / max_cycles if max_cycles else math.inf
    io_roof = b.dma_port_bits * f / max(bits_in, bits_out, 1)
    ext_bits = sum(int(getattr(n.op, "offchip_bits_per_frame", lambda: 0)()) for n in nodes)
    memory_roof = b.ddr_bandwidth_gbps * 8e9 / (ext_bits + bits_in + bits_out) if ext_bits else None
    roofs = {"compute": compute_roof, "io": io_roof}
    if memory_roof is not None:
        roofs["memory"] = memory_roof
    limiting = min(roofs, key=roofs.get)
    fps = roofs[limiting]

    lat, lat_finn = _latency(nodes, cycles, graph, b.dma_port_bits, est)

    avail = b.available
    bud = budget(b, limits)
    util = {k: (totals[k] / avail[k] if avail[k] else (0.0 if totals[k] == 0 else None)) for k in RESOURCE_KEYS}
    over = [k for k in RESOURCE_KEYS if totals[k] > bud[k] + 1e-9]

    result = {
        "board": b.name,
        "part": b.part,
        "fpga_series": b.fpga_series,
        "estimator": est.kind,
        "clock_mhz": f_mhz,
        "throughput_fps": fps,
        "limited_by": limiting,
        "compute_roof_fps": compute_roof,
        "io_roof_fps": io_roof,
        "memory_roof_fps": memory_roof,
        "io_bound": limiting == "io",
        "memory_bound": limiting == "memory",
        "max_cycles": max_cycles,
        "bottleneck": bottleneck_node.op.name if bottleneck_node else None,
        "latency_cycles": lat,
        "latency_us": lat / f_mhz,
        "latency_cycles_finn": lat_finn,
        "bits_in_per_frame": bits_in,
        "bits_out_per_frame": bits_out,
        "offchip_weight_bits_per_frame": ext_bits,
        "dma_port_bits": b.dma_port_bits,
        "resources": totals,
        "available": {k: float(v) for k, v in avail.items()},
        "budget": {k: float(v) for k, v in bud.items()},
        "utilisation": util,
        "budget_utilisation": {k: (totals[k] / bud[k] if bud[k] else (0.0 if totals[k] == 0 else None)) for k in RESOURCE_KEYS},
        "fits": not over,
        "over_budget": over,
        "converters_inserted": [r["name"] for r in layers if r.get("inserted")],
        "layers": layers,
    }
    from .roofline import roofline_numbers

    result["roofline"] = roofline_numbers(graph, nodes, cycles, b, f, fps, bits_in, bits_out, ext_bits)
    return _jsonable(result)


def _jsonable(x):
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        v = float(x)
        return None if math.isinf(v) or math.isnan(v) else v
    return x
