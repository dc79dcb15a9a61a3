"""The thin adapter between the Dataflow IR and the backend-neutral DSE problem.

This is the only DSE module that touches hardware ops. It asks each op for its cycles
(``op.cycles()``) and resources (``op.resources(estimator)``) at every legal folding, asks the
data-width converter and FIFO ops what the streams between engines cost, and expresses the
cross-op constraints (sliding-window generator / VVAU and MVAU ties) as data. Where the cost layer
(``codesign.hw.estimators``, ops' ``cycles``/``resources``) is missing it raises
:class:`CostModelUnavailable`, a NotImplementedError that says what is missing.
"""
from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from ..ir.graph import DataflowGraph
from ..ir.ops import MVAU, VVAU, ConvolutionInputGenerator, StreamingDataWidthConverter, StreamingFIFO, StreamingMaxPool
from .problem import DEFAULT_MAX_STREAM_BITS, Choice, DSENode, DSEProblem, Edge, Tie, res_vector

#: default FIFO depth assumed on every stream while searching (FIFO sizing happens after folding;
#: 32 is a shallow SRL FIFO, FINN's folding-time FIFOs are depth 2 and its sized ones vary widely)
DEFAULT_FIFO_DEPTH = 32
TIE_MODES = ("always", "depthwise", "none")


class CostModelUnavailable(NotImplementedError):
    """The estimation layer this needs (op cycles/resources, codesign.hw.estimators) is not there."""


# ---- the estimation layer, looked up lazily ------------------------------------------------
def get_estimator(name: str | Any, board):
    """An estimator object for ``op.resources(est)``: ``codesign.hw.estimators.get_estimator``.
    A non-string is returned unchanged (already an estimator)."""
    if not isinstance(name, str):
        return name
    try:
        from ..hw.estimators import get_estimator as _get
    except ImportError as e:
        raise CostModelUnavailable(
            f"codesign.hw.estimators is not available ({e}); the DSE needs get_estimator({name!r}, board) "
            "and the ops' cycles() / resources(est) methods") from None
    return _get(name, board)


def op_cycles(op, est=None) -> float:
    """Cycles per frame under ``est`` (``est.cycles(op)``: an estimator may refine an op's FINN
    formula), or ``op.cycles()``."""
    if est is not None and hasattr(est, "cycles"):
        try:
            return float(est.cycles(op))
        except AttributeError:
            pass
    fn = getattr(op, "cycles", None)
    if fn is None:
        raise CostModelUnavailable(f"{op.name} ({op.OP_TYPE}) has no cycles() method yet (estimation layer missing)")
    return float(fn())


def op_resources(op, est) -> np.ndarray:
    if getattr(op, "resources", None) is None:
        raise CostModelUnavailable(f"{op.name} ({op.OP_TYPE}) has no resources(est) method yet (estimation layer missing)")
    if hasattr(est, "resources"):
        return res_vector(est.resources(op))
    return res_vector(op.resources(est))


def _bits(op, which: str) -> int:
    fn = getattr(op, f"{which}_stream_bits", None)
    return int(fn()) if fn is not None else 0


def _weight_stream_bits(op) -> int:
    wdt = getattr(op, "wdt", None)
    if wdt is None or not hasattr(op, "pe"):
        return 0
    return int(op.pe * getattr(op, "simd", 1) * wdt.bits)


#: memory / compute styles the search may choose per op (``search_styles``); each op offers those of
#: its ``STYLE_ATTRS`` it has, "ultra" only on boards with URAM
DEFAULT_STYLES = {"ram_style": ("auto", "block", "distributed", "ultra"), "res_type": ("auto", "lut", "dsp")}


def _style_space(op, styles: dict | None, has_uram: bool) -> dict[str, list[str]]:
    out = {}
    for attr, values in (styles or {}).items():
        allowed = getattr(op, "STYLE_ATTRS", {}).get(attr)
        if not allowed:
            continue
        vals = [v for v in values if v in allowed and (v != "ultra" or has_uram)]
        if vals:
            out[attr] = vals
    return out


def enumerate_choices(op, est, styles: dict | None = None, has_uram: bool = False) -> list[Choice]:
    """Every legal folding of ``op`` (times its searched styles) with its cycles, resources and stream
    widths. The op is restored afterwards."""
    legal = {k: [int(v) for v in vals] for k, vals in op.legal_folding().items()}
    legal.update(_style_space(op, styles, has_uram))
    keys = sorted(legal)
    saved = {k: getattr(op, k) for k in keys}
    out = []
    try:
        for vals in itertools.product(*[legal[k] for k in keys]):
            for k, v in zip(keys, vals):
                setattr(op, k, v)
            inb, outb = _bits(op, "in"), _bits(op, "out")
            out.append(Choice(dict(zip(keys, vals)), op_cycles(op, est), op_resources(op, est), inb, outb,
                              max(inb, outb, _weight_stream_bits(op))))
    finally:
        for k, v in saved.items():
            setattr(op, k, v)
    return out


def _node_meta(op) -> dict:
    meta = {}
    if isinstance(op, MVAU):
        meta["weight_bits"] = int(op.wdt.bits)
    if isinstance(op, VVAU):
        meta["weight_bits"] = int(op.wdt.bits)
        meta["kernel_size"] = int(op.k)
    if isinstance(op, ConvolutionInputGenerator):
        meta["depthwise"] = bool(op.depthwise)
    if isinstance(op, StreamingMaxPool):
        h, w, _ = op.ifm
        meta["pool_1d"] = bool((h == 1 and op.kernel[0] == 1) or (w == 1 and op.kernel[1] == 1))
    return meta


def _edge_table(graph: DataflowGraph, tensor: str, outs: set[int], ins: set[int], est, fifo_depth: int | None) -> dict:
    info = graph.tensors[tensor]
    table = {}
    fifo_cache: dict[int, np.ndarray] = {}
    for a in sorted(outs):
        for b in sorted(ins):
            cyc, res = 0.0, np.zeros(5)
            if a != b and a > 0 and b > 0:
                dwc = StreamingDataWidthConverter(f"DWC_{tensor}", [tensor], [tensor], shape=tuple(info.shape), dt=info.dt,
                                                  in_width=int(a), out_width=int(b))
                try:
                    cyc, res = op_cycles(dwc, est), op_resources(dwc, est)
                except (ValueError, ZeroDivisionError):
                    cyc, res = math.inf, np.zeros(5)  # widths this converter cannot join: forbid the pair
                if not getattr(est, "converters_in_throughput", True):
                    cyc = 0.0  # this estimator leaves converters out of max_cycles (FINN: estimated before InsertDWC)
            if fifo_depth and a > 0:
                if a not in fifo_cache:
                    fifo = StreamingFIFO(f"FIFO_{tensor}", [tensor], [tensor], shape=tuple(info.shape), dt=info.dt, width=int(a),
                                         depth=int(fifo_depth))
                    fifo_cache[a] = op_resources(fifo, est)
                res = res + fifo_cache[a]
            if cyc or np.any(res):
                table[(int(a), int(b))] = (float(cyc), res)
    return table


def io_floor_cycles(graph: DataflowGraph, port_bits: int) -> float:
    """Cycles per frame the DMA port needs to move a frame in and out (the I/O roof)."""
    def frame_bits(t):
        info = graph.tensors[t]
        return int(np.prod(info.shape)) * info.dt.bits
    return float(math.ceil(max(frame_bits(graph.input_name), frame_bits(graph.output_name)) / port_bits))


def build_problem(graph: DataflowGraph, board, clock_mhz: float | None = None, *, estimator="codesign", limits=None,
                  tie_swg: str = "always", fifo_depth: int | None = DEFAULT_FIFO_DEPTH,
                  max_stream_bits: int | None = DEFAULT_MAX_STREAM_BITS, io_roof: bool = True,
                  styles: dict | None = None) -> DSEProblem:
    """The folding problem of ``graph`` on ``board``: one DSENode per op with a folding (ops without
    one, such as explicit DWCs/FIFOs, become single-choice nodes), an Edge per stream, and ties:
    a depthwise sliding-window generator's SIMD = its VVAU's PE (``tie_swg`` "always" or "depthwise");
    a dense one's SIMD = its MVAU's SIMD (``tie_swg="always"``; otherwise a DWC joins them).
    ``styles`` (e.g. :data:`DEFAULT_STYLES`) adds memory/compute styles to each op's choices."""
    from ..hw.boards import budget as board_budget
    from ..hw.boards import load_board

    if tie_swg not in TIE_MODES:
        raise ValueError(f"tie_swg must be one of {TIE_MODES}, got {tie_swg!r}")
    b = load_board(board)
    clock = float(clock_mhz or b.default_clock_mhz)
    est = get_estimator(estimator, b)
    has_uram = float(board_budget(b, limits).get("URAM", 0)) > 0
    nodes = []
    for op in graph.ops:
        if op.legal_folding():
            choices = enumerate_choices(op, est, styles, has_uram)
        else:
            choices = [Choice({}, op_cycles(op, est), op_resources(op, est), _bits(op, "in"), _bits(op, "out"),
                              max(_bits(op, "in"), _bits(op, "out")))]
        current = dict(op.folding())
        if op.legal_folding():
            current.update({k: getattr(op, k) for k in _style_space(op, styles, has_uram)})
            if current not in [c.params for c in choices]:  # e.g. a style the search does not offer
                current = None
        nodes.append(DSENode(op.name, choices, op.OP_TYPE, _node_meta(op), current))
    by_name = {n.name: n for n in nodes}
    edges, ties = [], []
    for op in graph.ops:
        for t in op.inputs:
            src = graph.producer(t)
            if src is None:
                continue
            outs = {c.out_bits for c in by_name[src.name].choices}
            ins = {c.in_bits for c in by_name[op.name].choices}
            edges.append(Edge(src.name, op.name, _edge_table(graph, t, outs, ins, est, fifo_depth), t))
            if isinstance(src, ConvolutionInputGenerator):
                if isinstance(op, VVAU) and tie_swg in ("always", "depthwise"):
                    ties.append(Tie(src.name, "simd", op.name, "pe"))
                elif isinstance(op, MVAU) and tie_swg == "always":
                    ties.append(Tie(src.name, "simd", op.name, "simd", optional=True))
    floor = io_floor_cycles(graph, b.dma_port_bits) if io_roof else 0.0
    bud = board_budget(b, limits)
    return DSEProblem(nodes, {k: float(v) for k, v in bud.items()}, edges, ties, max_stream_bits, floor, clock,
                      {"board": b.name, "estimator": estimator if isinstance(estimator, str) else type(estimator).__name__,
                       "tie_swg": tie_swg, "fifo_depth": fifo_depth, "styles": styles})


def apply_folding(graph: DataflowGraph, folding: dict[str, dict]) -> None:
    """Set every op's folding and searched styles (legality checked by the op)."""
    for name, params in folding.items():
        if not params:
            continue
        op = graph.node(name)
        fold = {k: v for k, v in params.items() if not isinstance(v, str)}
        if fold:
            op.set_folding(**fold)
        for k, v in params.items():
            if isinstance(v, str):
                op.set_style(k, v)


__all__ = ["CostModelUnavailable", "get_estimator", "op_cycles", "op_resources", "enumerate_choices", "build_problem",
           "apply_folding", "io_floor_cycles", "DEFAULT_FIFO_DEPTH", "DEFAULT_STYLES", "TIE_MODES"]
