"""The backend-neutral folding problem (SAMO style: Rey et al., "SAMO: Optimised Mapping of
Convolutional Neural Networks to Streaming Architectures", FPL 2022).

A :class:`DSENode` is one hardware engine reduced to data: its legal folding choices, each with
cycles per frame, a resource vector over ``RESOURCE_KEYS`` (LUT, FF, BRAM18, URAM, DSP) and the
widths of the streams it reads and writes. Solvers see only this data; they know nothing of op
types (``op_type`` and ``meta`` ride along for reports and for the FINN baseline, which is op-type
aware by definition). Cross-op constraints are data too:

- :class:`Tie`: ``choice(a).params[pa] == choice(b).params[pb]`` (a depthwise sliding-window
  generator's SIMD equals its VVAU's PE; a dense one's SIMD equals its MVAU's SIMD);
- :class:`Edge`: a stream from ``src`` to ``dst`` whose cost (data-width converter where the widths
  differ, FIFO) is a table over (producer out width, consumer in width);
- ``max_stream_bits``: choices with a wider stream are not legal.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Iterable, Mapping

import numpy as np

RESOURCE_KEYS: tuple[str, ...] = ("LUT", "FF", "BRAM18", "URAM", "DSP")
NRES = len(RESOURCE_KEYS)

#: FINN's HLS backend refuses streams wider than AP_INT_MAX_W = 8191 bits
#: (finn/src/finn/custom_op/fpgadataflow/hlsbackend.py, get_ap_int_max_w: "AP_INT_MAX_W=%d is larger
#: than allowed maximum of 8191").
DEFAULT_MAX_STREAM_BITS = 8191


def res_vector(r: Mapping[str, float] | Iterable[float] | None) -> np.ndarray:
    """A resource dict (missing keys = 0; FINN's ``BRAM_18K`` accepted) or sequence -> float64[5]."""
    if r is None:
        return np.zeros(NRES)
    if isinstance(r, Mapping):
        alias = {"BRAM_18K": "BRAM18", "BRAM": "BRAM18"}
        out = np.zeros(NRES)
        for k, v in r.items():
            k = alias.get(k, k)
            if k in RESOURCE_KEYS:
                out[RESOURCE_KEYS.index(k)] += float(v)
        return out
    v = np.asarray(list(r), dtype=np.float64)
    if v.shape != (NRES,):
        raise ValueError(f"a resource vector has {NRES} entries {RESOURCE_KEYS}, got shape {v.shape}")
    return v


def res_dict(v: np.ndarray) -> dict[str, float]:
    return {k: float(x) for k, x in zip(RESOURCE_KEYS, v)}


def _pv(v):
    """A parameter value as stored: folding values are ints, style values (ram_style, ...) strings."""
    return v if isinstance(v, str) else int(v)


@dataclass
class Choice:
    """One legal folding of a node (``params``: PE/SIMD, and memory/compute styles where searched)."""

    params: dict[str, int | str]
    cycles: float
    res: np.ndarray  # float64[5] in RESOURCE_KEYS order
    in_bits: int = 0  # width of the stream(s) it reads, bits per cycle
    out_bits: int = 0
    max_bits: int = 0  # widest stream it has inside or outside (e.g. an MVAU's weight stream)

    def key(self) -> tuple:
        return tuple(sorted((k, _pv(v)) for k, v in self.params.items()))


@dataclass
class DSENode:
    name: str
    choices: list[Choice]
    op_type: str = ""  # informational; solvers never read it
    meta: dict = field(default_factory=dict)
    current: dict | None = None  # the folding the design had when the problem was built

    def __post_init__(self):
        if not self.choices:
            raise ValueError(f"DSE node {self.name}: no legal folding choice")
        self._index = {c.key(): i for i, c in enumerate(self.choices)}

    def index_of(self, params: Mapping[str, int]) -> int:
        key = tuple(sorted((k, _pv(v)) for k, v in params.items()))
        try:
            return self._index[key]
        except KeyError:
            raise KeyError(f"{self.name}: folding {dict(params)} is not one of its legal choices") from None

    @property
    def param_names(self) -> list[str]:
        return sorted(self.choices[0].params)

    def legal_values(self, param: str) -> list:
        return sorted({c.params[param] for c in self.choices})


@dataclass(frozen=True)
class Tie:
    """choice(a).params[pa] must equal choice(b).params[pb]. ``optional`` ties are design choices
    (a DWC could join the two instead); required ones are what the hardware needs."""

    a: str
    pa: str
    b: str
    pb: str
    optional: bool = False


@dataclass
class Edge:
    """A stream src -> dst. ``table[(src out bits, dst in bits)] = (cycles, resource vector)`` of what
    sits on it (a data-width converter where the widths differ, a FIFO); missing pairs cost nothing."""

    src: str
    dst: str
    table: dict = field(default_factory=dict)
    tensor: str = ""

    def cost(self, out_bits: int, in_bits: int) -> tuple[float, np.ndarray]:
        hit = self.table.get((int(out_bits), int(in_bits)))
        if hit is None:
            return 0.0, np.zeros(NRES)
        return float(hit[0]), np.asarray(hit[1], dtype=np.float64)


@dataclass
class DSEProblem:
    nodes: list[DSENode]
    budget: dict[str, float]  # absolute per resource (already x utilisation limits)
    edges: list[Edge] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)
    max_stream_bits: int | None = DEFAULT_MAX_STREAM_BITS
    min_cycles: float = 0.0  # floor on the achievable cycles per frame (the I/O roof)
    clock_mhz: float | None = None
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        names = [n.name for n in self.nodes]
        if len(set(names)) != len(names):
            raise ValueError("DSE node names must be unique")
        self._by_name = {n.name: n for n in self.nodes}
        for e in self.edges:
            for end in (e.src, e.dst):
                if end not in self._by_name:
                    raise ValueError(f"edge {e.src} -> {e.dst}: no node named {end!r}")
        for t in self.ties:
            for nm, p in ((t.a, t.pa), (t.b, t.pb)):
                if nm not in self._by_name:
                    raise ValueError(f"tie {t}: no node named {nm!r}")
                if p not in self._by_name[nm].choices[0].params:
                    raise ValueError(f"tie {t}: node {nm} has no folding parameter {p!r}")

    # ---- lookup ------------------------------------------------------------------------
    def node(self, name: str) -> DSENode:
        return self._by_name[name]

    @property
    def budget_vector(self) -> np.ndarray:
        return np.array([float(self.budget.get(k, math.inf)) for k in RESOURCE_KEYS])

    def legal(self, node: DSENode, c: Choice) -> bool:
        return self.max_stream_bits is None or c.max_bits <= self.max_stream_bits

    # ---- evaluation of a complete assignment ---------------------------------------------
    def evaluate(self, assign: Mapping[str, int | Mapping[str, int]]) -> dict:
        """Cycles and resources of a folding: ``assign[node] = choice index or params dict``.

        Returns max_cycles (nodes and edges, floored by ``min_cycles``), the bottleneck, resources
        (nodes + edges), utilisation (of the budget), fits, and the list of violated constraints.
        """
        idx = {}
        for n in self.nodes:
            if n.name not in assign:
                raise KeyError(f"assignment has no choice for node {n.name}")
            a = assign[n.name]
            idx[n.name] = n.index_of(a) if isinstance(a, Mapping) else int(a)
        total = np.zeros(NRES)
        worst, bottleneck = 0.0, None
        violations = []
        per_node = {}
        for n in self.nodes:
            c = n.choices[idx[n.name]]
            total += c.res
            per_node[n.name] = {"params": dict(c.params), "cycles": c.cycles, "resources": res_dict(c.res)}
            if c.cycles > worst:
                worst, bottleneck = c.cycles, n.name
            if not self.legal(n, c):
                violations.append(f"{n.name}: stream of {c.max_bits} bits > {self.max_stream_bits}")
        edge_res = np.zeros(NRES)
        for e in self.edges:
            cs, cd = self.node(e.src).choices[idx[e.src]], self.node(e.dst).choices[idx[e.dst]]
            cyc, r = e.cost(cs.out_bits, cd.in_bits)
            edge_res += r
            if cyc > worst:
                worst, bottleneck = cyc, f"{e.src}->{e.dst}"
        total += edge_res
        for t in self.ties:
            va = self.node(t.a).choices[idx[t.a]].params[t.pa]
            vb = self.node(t.b).choices[idx[t.b]].params[t.pb]
            if va != vb:
                violations.append(f"tie {t.a}.{t.pa}={va} != {t.b}.{t.pb}={vb}")
        bvec = self.budget_vector
        fits = bool(np.all(total <= bvec + 1e-9))
        with np.errstate(divide="ignore", invalid="ignore"):
            util = np.where(bvec > 0, total / bvec, np.where(total > 0, np.inf, 0.0))
        if not fits:
            violations += [f"{k}: {total[i]:.1f} > budget {bvec[i]:.1f}" for i, k in enumerate(RESOURCE_KEYS) if total[i] > bvec[i] + 1e-9]
        compute_cycles = worst
        if self.min_cycles > worst:
            worst, bottleneck = self.min_cycles, "io"
        fps = self.clock_mhz * 1e6 / worst if self.clock_mhz and worst > 0 else None
        return {
            "max_cycles": float(worst), "compute_cycles": float(compute_cycles), "bottleneck": bottleneck,
            "throughput_fps": fps, "resources": res_dict(total), "edge_resources": res_dict(edge_res),
            "utilisation_of_budget": res_dict(util), "fits": fits and not violations, "violations": violations,
            "nodes": per_node,
        }

    # ---- persistence (plain JSON, for caches and debugging) --------------------------------
    def to_dict(self) -> dict:
        def ch(c: Choice):
            return {"params": c.params, "cycles": c.cycles, "res": list(map(float, c.res)), "in_bits": c.in_bits,
                    "out_bits": c.out_bits, "max_bits": c.max_bits}
        return {
            "nodes": [{"name": n.name, "op_type": n.op_type, "meta": n.meta, "current": n.current,
                       "choices": [ch(c) for c in n.choices]} for n in self.nodes],
            "edges": [{"src": e.src, "dst": e.dst, "tensor": e.tensor,
                       "table": [[k[0], k[1], v[0], list(map(float, v[1]))] for k, v in e.table.items()]} for e in self.edges],
            "ties": [asdict(t) for t in self.ties], "budget": self.budget, "max_stream_bits": self.max_stream_bits,
            "min_cycles": self.min_cycles, "clock_mhz": self.clock_mhz, "meta": self.meta,
        }

    @staticmethod
    def from_dict(d: dict) -> "DSEProblem":
        nodes = [DSENode(n["name"], [Choice(c["params"], c["cycles"], np.asarray(c["res"], float), c["in_bits"], c["out_bits"],
                                            c["max_bits"]) for c in n["choices"]], n.get("op_type", ""), n.get("meta", {}),
                         n.get("current")) for n in d["nodes"]]
        edges = [Edge(e["src"], e["dst"], {(a, b): (cy, np.asarray(r, float)) for a, b, cy, r in e["table"]}, e.get("tensor", ""))
                 for e in d["edges"]]
        return DSEProblem(nodes, d["budget"], edges, [Tie(**t) for t in d["ties"]], d.get("max_stream_bits"),
                          d.get("min_cycles", 0.0), d.get("clock_mhz"), d.get("meta", {}))

    def dumps(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)
