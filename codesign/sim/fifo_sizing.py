"""FIFO sizing: the smallest depths that keep the interval of unbounded FIFOs, and what they cost.

1. Simulate with unbounded FIFOs: the reference interval, and each FIFO's most-held beats. Depths equal
   to those maxima reproduce the unbounded run cycle for cycle (no FIFO ever fills), so they are a
   correct starting point.
2. Shrink one FIFO at a time in stream order, by bisection between `min_depth` and its current depth,
   keeping a depth only if the run still completes every frame at an interval no larger than the
   reference. The configuration each step starts from was itself accepted by a run, so the final
   depths are a configuration that was simulated and passed (greedy: another order could end smaller).
3. Cost each FIFO as FINN would build it (codesign.hw.finn_formulas): an RTL shift-register FIFO (LUTs)
   up to depth 256 (FINN's max_qsrl_depth), else a Vivado FIFO in block RAM; and compare with naive
   depths, each FIFO as deep as a whole frame of its stream.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..hw import finn_formulas as ff
from .engine import run
from .network import Network, build_network
from .simulate import frame_times, max_occupancy, packed

MAX_QSRL_DEPTH = 256  # FINN SetFIFODepths: deeper FIFOs are Vivado IP in BRAM


def fifo_cost(depth: int, width_bits: int) -> dict:
    """LUT and RAMB18 of one FIFO as FINN builds it (rtl SRL up to depth 256, else vivado block RAM)."""
    depth = max(1, int(depth))
    if depth <= MAX_QSRL_DEPTH:
        return {"lut": ff.fifo_lut_estimation(depth, width_bits, impl_style="rtl"), "bram18": 0, "impl": "rtl"}
    return {"lut": ff.fifo_lut_estimation(depth, width_bits, impl_style="vivado", ram_style="block"),
            "bram18": ff.fifo_bram_estimation(depth, width_bits, impl_style="vivado", ram_style="block"), "impl": "vivado/block"}


@dataclass
class FifoRow:
    name: str
    width_bits: int
    beats_per_frame: int
    max_occupancy: int  # with unbounded FIFOs
    depth: int  # sized
    naive_depth: int
    cost: dict
    naive_cost: dict


@dataclass
class FifoSizing:
    frames: int
    min_depth: int
    depths: dict
    max_occupancy: dict
    naive_depths: dict
    interval_unbounded: int
    latency_unbounded: int
    interval_sized: int
    latency_sized: int
    interval_naive: int | None
    latency_naive: int | None
    deadlock_naive: bool
    rows: list
    totals: dict  # {"sized"|"naive"|"max_occupancy": {"lut", "bram18"}}
    simulations: int
    seconds: float
    order: list = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "frames": self.frames, "min_depth": self.min_depth, "depths": self.depths, "max_occupancy": self.max_occupancy,
            "naive_depths": self.naive_depths, "interval_unbounded": self.interval_unbounded,
            "latency_unbounded": self.latency_unbounded, "interval_sized": self.interval_sized,
            "latency_sized": self.latency_sized, "interval_naive": self.interval_naive, "latency_naive": self.latency_naive,
            "deadlock_naive": self.deadlock_naive, "totals": self.totals, "simulations": self.simulations,
            "seconds": round(self.seconds, 3),
            "fifos": [{"name": r.name, "width_bits": r.width_bits, "beats_per_frame": r.beats_per_frame,
                       "max_occupancy": r.max_occupancy, "depth": r.depth, "naive_depth": r.naive_depth,
                       "cost": r.cost, "naive_cost": r.naive_cost} for r in self.rows],
        }

    def table(self) -> str:
        w = max(len(r.name) for r in self.rows)
        lines = [f"{'FIFO':<{w}}  width  depth  (max occ)  LUT  BRAM18 | naive depth  LUT  BRAM18"]
        for r in self.rows:
            lines.append(f"{r.name:<{w}}  {r.width_bits:5d}  {r.depth:5d}  ({r.max_occupancy:7d})  {r.cost['lut']:4d}  {r.cost['bram18']:5d}"
                         f" | {r.naive_depth:11d}  {r.naive_cost['lut']:4d}  {r.naive_cost['bram18']:5d}")
        s, n = self.totals["sized"], self.totals["naive"]
        lines.append(f"total sized: {s['lut']} LUT, {s['bram18']} BRAM18; naive: {n['lut']} LUT, {n['bram18']} BRAM18")
        lines.append(f"interval {self.interval_sized} (unbounded {self.interval_unbounded}, naive {self.interval_naive}); "
                     f"latency {self.latency_sized} (unbounded {self.latency_unbounded}, naive {self.latency_naive}); "
                     f"{self.simulations} simulations, {self.seconds:.2f} s")
        return "\n".join(lines)


def size_fifos(design, frames: int = 3, min_depth: int = 2, engine: str = "auto") -> FifoSizing:
    """Smallest FIFO depths (greedy, per FIFO, bisection) keeping the unbounded-FIFO interval over `frames`
    frames; see the module docstring. `design`: a DataflowGraph or a Network."""
    if frames < 2:
        raise ValueError("FIFO sizing needs frames >= 2 to measure an interval")
    t0 = time.perf_counter()
    net = design if isinstance(design, Network) else build_network(design)
    pk = packed(net, frames)
    names = net.edge_names()
    sims = 0

    def sim(depths):
        nonlocal sims
        sims += 1
        raw = run(pk, depths, engine)
        done, interval, latency = frame_times(net, raw)
        return raw, interval, latency

    raw, ref_interval, ref_latency = sim(net.depths("unbounded"))
    if raw.deadlock or ref_interval is None:
        raise RuntimeError("the design deadlocks even with unbounded FIFOs (a schedule bug)")
    occ = np.array([max_occupancy(raw.W[e], raw.R[e]) for e in range(len(names))], dtype=np.int64)
    depths = np.maximum(occ, min_depth)

    def ok(d):
        r, interval, _ = sim(d)
        return not r.deadlock and interval is not None and interval <= ref_interval

    for e in range(len(names)):
        hi = int(depths[e])
        if hi <= min_depth:
            continue
        trial = depths.copy()
        trial[e] = min_depth
        if ok(trial):
            depths[e] = min_depth
            continue
        lo = min_depth  # fails; hi passes (the current configuration was accepted)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            trial[e] = mid
            if ok(trial):
                hi = mid
            else:
                lo = mid
        depths[e] = hi

    raw_s, interval_s, latency_s = sim(depths)
    naive = net.depths("naive")
    raw_n, interval_n, latency_n = sim(naive)
    rows, totals = [], {k: {"lut": 0, "bram18": 0} for k in ("sized", "naive", "max_occupancy")}
    for e, edge in enumerate(net.edges):
        c, cn, co = fifo_cost(depths[e], edge.bits), fifo_cost(naive[e], edge.bits), fifo_cost(max(occ[e], 1), edge.bits)
        rows.append(FifoRow(edge.name, edge.bits, edge.beats, int(occ[e]), int(depths[e]), int(naive[e]), c, cn))
        for key, cc in (("sized", c), ("naive", cn), ("max_occupancy", co)):
            totals[key]["lut"] += cc["lut"]
            totals[key]["bram18"] += cc["bram18"]
    return FifoSizing(frames, min_depth, dict(zip(names, map(int, depths))), dict(zip(names, map(int, occ))),
                      dict(zip(names, map(int, naive))), int(ref_interval), int(ref_latency), int(interval_s), int(latency_s),
                      interval_n, latency_n, bool(raw_n.deadlock), rows, totals, sims, time.perf_counter() - t0, names)


def apply_fifo_depths(graph, depths: dict) -> None:
    """Record FIFO depths in the design (graph.meta['fifo_depths'], saved with the design folder); the
    simulator uses them as the design's own depths."""
    graph.meta["fifo_depths"] = {k: int(v) for k, v in depths.items()}
