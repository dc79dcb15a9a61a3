"""simulate(): run a design for N frames and report latency, interval, per-node stalls, per-FIFO
occupancy, a deadlock report, and in data mode the output values carried through the streams."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..ir import DataflowGraph
from .engine import BUSY, BLOCKED, FIRST, J, LAST, STARVED, Packed, RawRun, run
from .network import Network, build_network


@dataclass
class NodeStats:
    name: str
    op_type: str
    cycles_per_frame: int  # loop iterations of its schedule per frame (its II=1 throughput bound)
    iterations: int  # issued, over all frames
    busy: int  # cycles it issued an iteration (= iterations)
    starved: int  # cycles it waited for an input beat (until its last issue)
    blocked: int  # cycles its inputs were there but an output FIFO was full
    first_cycle: int
    last_cycle: int


@dataclass
class SimResult:
    frames: int
    mode: str
    engine: str
    deadlock: bool
    frame_done: list  # cycle the last output beat of each completed frame is read from the accelerator
    interval_cycles: int | None  # frame_done[-1] - frame_done[-2]
    latency_cycles: int | None  # frame 0: first input beat read to last output beat out, both cycles counted
    total_cycles: int
    nodes: list
    fifo_depths: dict
    fifo_max_occupancy: dict
    fifo_width_bits: dict
    bottleneck: tuple  # (node, schedule cycles per frame): the analytical II=1 bound on the interval
    deadlock_report: str | None = None
    deadlock_detail: dict | None = None
    outputs: np.ndarray | None = None  # data mode: (frames, *output shape), assembled from the output beats
    output_beat_cycles: np.ndarray | None = None
    matches_golden: bool | None = None
    causality_violations: list = field(default_factory=list)
    wall_seconds: float = 0.0
    raw: RawRun | None = field(default=None, repr=False)
    net: Network | None = field(default=None, repr=False)

    def to_json(self) -> dict:
        out = {
            "frames": self.frames, "mode": self.mode, "engine": self.engine,
            "interval_cycles": self.interval_cycles, "latency_cycles": self.latency_cycles,
            "total_cycles": self.total_cycles, "frame_done_cycles": list(map(int, self.frame_done)),
            "deadlock": self.deadlock, "deadlock_report": self.deadlock_report, "deadlock_detail": self.deadlock_detail,
            "bottleneck": {"node": self.bottleneck[0], "cycles_per_frame": int(self.bottleneck[1])},
            "fifo_depths": {k: int(v) for k, v in self.fifo_depths.items()},
            "fifo_max_occupancy": {k: int(v) for k, v in self.fifo_max_occupancy.items()},
            "fifo_width_bits": {k: int(v) for k, v in self.fifo_width_bits.items()},
            "nodes": [{"name": n.name, "op_type": n.op_type, "cycles_per_frame": n.cycles_per_frame, "iterations": n.iterations,
                       "busy": n.busy, "starved": n.starved, "blocked": n.blocked, "first_cycle": n.first_cycle,
                       "last_cycle": n.last_cycle} for n in self.nodes],
            "wall_seconds": round(self.wall_seconds, 4),
        }
        if self.mode == "data":
            out["matches_golden"] = self.matches_golden
            out["causality_violations"] = self.causality_violations
        return out

    def summary(self) -> str:
        lines = [f"{self.frames} frames, {self.total_cycles} cycles ({self.engine} engine, {self.wall_seconds:.3f} s)"]
        if self.deadlock:
            lines.append(self.deadlock_report)
        else:
            lines.append(f"interval {self.interval_cycles} cycles/frame (bound: {self.bottleneck[0]} {self.bottleneck[1]}), "
                         f"latency {self.latency_cycles} cycles")
        if self.mode == "data":
            lines.append(f"data mode: outputs {'match' if self.matches_golden else 'DO NOT match'} the golden model"
                         + (f"; {len(self.causality_violations)} causality violations" if self.causality_violations else ""))
        return "\n".join(lines)


def packed(net: Network, frames: int) -> Packed:
    cache = net.__dict__.setdefault("_packed", {})
    if frames not in cache:
        cache[frames] = Packed(net, frames)
    return cache[frames]


def frame_times(net: Network, raw: RawRun) -> tuple[list, int | None, int | None]:
    """(frame done cycles, interval, latency) from an engine run."""
    out_e, in_e = net.output_edge, net.input_edge
    b = net.edges[out_e].beats
    reads = raw.R[out_e]
    done = [int(reads[(f + 1) * b - 1]) for f in range(len(reads) // b)]
    interval = done[-1] - done[-2] if len(done) >= 2 else None
    latency = done[0] - int(raw.R[in_e][0]) + 1 if done else None
    return done, interval, latency


def max_occupancy(W: np.ndarray, R: np.ndarray) -> int:
    """Most beats a FIFO held at once: a beat occupies its slot from the cycle its write issues to the
    cycle it is read, inclusive (its slot is free again the next cycle)."""
    if len(W) == 0:
        return 0
    return int((np.arange(1, len(W) + 1) - np.searchsorted(R, W, side="left")).max())


def causality_violations(net: Network, limit: int = 20) -> list[str]:
    """Output beats a node's schedule writes before it has read the input beats they depend on."""
    cache = net.__dict__.get("_causality")
    if cache is not None:
        return cache
    out = []
    for node in net.nodes:
        if node.op is None or not node.reads:
            continue
        for q, w in enumerate(node.writes):
            got = np.stack([np.searchsorted(r, w, side="right") for r in node.reads], axis=1)
            bad = np.flatnonzero((got < node.need[q]).any(axis=1))
            for k in bad[: max(0, limit - len(out))]:
                out.append(f"{node.name}: output {q} beat {k} is written at iteration {w[k]} after reading "
                           f"{got[k].tolist()} input beats, but depends on {node.need[q][k].tolist()}")
    net.__dict__["_causality"] = out
    return out


def deadlock_detail(net: Network, raw: RawRun, depths: np.ndarray) -> tuple[str, dict]:
    """Which FIFOs are full or empty and what each unfinished node waits for."""
    full, empty, waiting = [], [], []
    for k, node in enumerate(net.nodes):
        j = int(raw.state[k, J])
        pending = raw.pending[k]
        if j >= node.n * raw.frames and not pending:
            continue
        i, f = j % node.n, j // node.n
        reasons = []
        # the oldest iteration in the pipeline writes first; a full FIFO there freezes the node
        wflag = pending[0] if pending else (node.flag_at(i) if node.depth == 1 and j < node.n * raw.frames else 0)
        for q, e in enumerate(node.outputs):
            if wflag & (1 << (8 + q)) and raw.nw[e] - depths[e] >= raw.nr[e]:
                reasons.append({"waits_for": "space", "fifo": net.edges[e].name, "beat": int(raw.nw[e])})
        if not reasons and j < node.n * raw.frames:
            flag = node.flag_at(i)
            for p, e in enumerate(node.inputs):
                if flag & (1 << p) and raw.nr[e] >= raw.nw[e]:
                    reasons.append({"waits_for": "input", "fifo": net.edges[e].name, "beat": int(raw.nr[e])})
        waiting.append({"node": node.name, "op_type": node.op_type, "frame": int(min(f, raw.frames - 1)), "iteration": int(i),
                        "reasons": reasons})
    for e, edge in enumerate(net.edges):
        occ = int(raw.nw[e] - raw.nr[e])
        cons = net.nodes[edge.consumer]
        cons_done = raw.state[edge.consumer, J] >= cons.n * raw.frames
        if occ >= depths[e]:
            full.append({"fifo": edge.name, "depth": int(depths[e]), "producer": net.nodes[edge.producer].name, "consumer": cons.name})
        elif occ == 0 and not cons_done:
            empty.append({"fifo": edge.name, "depth": int(depths[e]), "producer": net.nodes[edge.producer].name, "consumer": cons.name})
    last = max([int(w[-1]) for w in raw.W if len(w)] + [int(r[-1]) for r in raw.R if len(r)] + [0])
    done = len(frame_times(net, raw)[0])
    lines = [f"DEADLOCK at cycle {last + 1}: no node can make progress ({done} of {raw.frames} frames completed)"]
    lines.append("  full FIFOs: " + (", ".join(f"{x['fifo']} ({x['depth']} beats, {x['producer']} -> {x['consumer']})" for x in full) or "none"))
    # the nodes that close the cycle of waits: writers stuck on a full FIFO whose reader waits on an empty one
    blocked = {w["node"] for w in waiting if any(r["waits_for"] == "space" for r in w["reasons"])}
    consumers = {x["consumer"] for x in full}
    by_fifo = {e.name: e for e in net.edges}
    key = []
    for w in waiting:
        waits_input = [r for r in w["reasons"] if r["waits_for"] == "input"]
        feeder_blocked = any(net.nodes[by_fifo[r["fifo"]].producer].name in blocked for r in waits_input)
        if w["node"] in blocked or (waits_input and (w["node"] in consumers or feeder_blocked)):
            key.append(w)
    key_empty = {r["fifo"] for w in key for r in w["reasons"] if r["waits_for"] == "input"}
    shown = [x for x in empty if x["fifo"] in key_empty]
    lines.append("  empty FIFOs: " + (", ".join(f"{x['fifo']} ({x['producer']} -> {x['consumer']})" for x in shown) or "none")
                 + (f" and {len(empty) - len(shown)} more" if len(empty) > len(shown) else ""))
    for w in key:
        why = "; ".join((f"input beat {r['beat']} from empty FIFO {r['fifo']}" if r["waits_for"] == "input"
                         else f"a free slot in full FIFO {r['fifo']}") for r in w["reasons"]) or "?"
        lines.append(f"  {w['node']} (frame {w['frame']}, iteration {w['iteration']}) waits for {why}")
    rest = len(waiting) - len(key)
    if rest:
        lines.append(f"  ... and {rest} more nodes wait on empty FIFOs up- or downstream of these (all in deadlock_detail)")
    return "\n".join(lines), {"cycle": last + 1, "full_fifos": full, "empty_fifos": empty, "waiting_nodes": waiting}


def default_inputs(graph: DataflowGraph, frames: int, seed: int = 0) -> np.ndarray:
    info = graph.tensors[graph.input_name]
    rng = np.random.default_rng(seed)
    if info.dt.bipolar:
        return rng.choice(np.array([-1, 1]), size=(frames, *info.shape)).astype(np.int64)
    return rng.integers(info.dt.min, info.dt.max + 1, size=(frames, *info.shape), dtype=np.int64)


def _data_pass(net: Network, x: np.ndarray, frames: int) -> np.ndarray:
    """Carry the values through the simulated streams node by node: every node applies its golden model to
    the beats it read, in stream order, and writes its beats; converters repack beats without changing values.
    (The schedule is data independent, so the order in which values are computed does not change what
    flows; that each output beat depends only on input beats its node had already read when it wrote it
    is checked separately against the ops' `need`.)"""
    graph = net.graph
    store = {}
    for node in net.nodes:
        if node.op is None and node.outputs:  # source
            store[node.outputs[0]] = x.reshape(frames, -1)
            continue
        if node.op is None:  # sink
            return store[node.inputs[0]]
        ins = [store[e].reshape(frames, *graph.tensors[net.edges[e].tensor].shape) for e in node.inputs]
        outs = node.op.execute(*ins)
        for q, e in enumerate(node.outputs):
            store[e] = np.asarray(outs[q], dtype=np.int64).reshape(frames, -1)
    raise AssertionError("network without a sink")


def simulate(design, frames: int = 3, fifo_depths=None, mode: str = "timing", inputs: np.ndarray | None = None,
             engine: str = "auto", trace: bool = False) -> SimResult:
    """Simulate `design` (a DataflowGraph or a Network from build_network) for `frames` back-to-back frames.

    fifo_depths: None (the design's: StreamingFIFO nodes, graph.meta['fifo_depths'], else 2), an int, a dict
    {fifo: depth}, 'naive' (a whole frame per FIFO) or 'unbounded'. mode: 'timing' or 'data' (values flow
    through the streams; outputs compared with graph.execute). engine: 'auto', 'c', 'python' or 'cycle'.
    trace: keep every iteration's issue cycle (for plot_pipeline)."""
    if mode not in ("timing", "data"):
        raise ValueError(f"mode {mode!r}: expected 'timing' or 'data'")
    if frames < 1:
        raise ValueError("frames must be >= 1")
    t0 = time.perf_counter()
    net = design if isinstance(design, Network) else build_network(design)
    depths = net.depths(fifo_depths)
    raw = run(packed(net, frames), depths, engine, trace)
    done, interval, latency = frame_times(net, raw)
    nodes = [NodeStats(n.name, n.op_type, n.n, int(st[J]), int(st[BUSY]), int(st[STARVED]), int(st[BLOCKED]), int(st[FIRST]),
                       int(st[LAST])) for n, st in zip(net.nodes, raw.state)]
    names = net.edge_names()
    occ = {name: max_occupancy(raw.W[e], raw.R[e]) for e, name in enumerate(names)}
    total = max([int(w[-1]) + 1 for w in raw.W if len(w)] + [int(r[-1]) + 1 for r in raw.R if len(r)] + [0])
    res = SimResult(frames, mode, raw.engine, raw.deadlock, done, interval, latency, total, nodes,
                    {name: int(min(d, np.iinfo(np.int32).max)) for name, d in zip(names, depths)}, occ,
                    {e.name: e.bits for e in net.edges}, net.max_schedule_cycles(), raw=raw, net=net)
    if raw.deadlock:
        res.deadlock_report, res.deadlock_detail = deadlock_detail(net, raw, depths)
    if mode == "data":
        graph = net.graph
        x = default_inputs(graph, frames) if inputs is None else np.asarray(inputs, dtype=np.int64)
        if len(x) != frames:
            raise ValueError(f"data mode: {len(x)} input frames for frames={frames}")
        res.causality_violations = causality_violations(net)
        if not raw.deadlock:
            flat = _data_pass(net, x, frames)
            out_shape = graph.tensors[graph.output_name].shape
            res.outputs = flat.reshape(frames, *out_shape)
            res.output_beat_cycles = raw.R[net.output_edge].copy()
            golden = graph.execute(x)[graph.output_name]
            res.matches_golden = bool(np.array_equal(res.outputs, golden.reshape(res.outputs.shape))) and not res.causality_violations
        else:
            res.matches_golden = False
    res.wall_seconds = time.perf_counter() - t0
    return res
