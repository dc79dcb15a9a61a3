"""Folding a design for a board: build the problem, run a strategy, apply, verify, report.

``optimise_folding(graph, board)`` is what the CLI, the bit-width search and the benchmark call.
Both strategies are judged the same way: the folding is evaluated on one problem (nodes + the
DWCs/FIFOs on every stream, ties only where the hardware needs them) and, where
``codesign.hw.estimate`` exists, by ``estimate(graph, ...)`` itself. If that full estimate says the
design does not fit (it may count things the search did not, e.g. FIFOs as sized), the budget of
the over-used resources is tightened by the overshoot and the search runs again.
"""
from __future__ import annotations

import copy
import time
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from ..hw.boards import load_board
from .costs import DEFAULT_STYLES, apply_folding, build_problem
from .finn_strategy import allocate_resources
from .problem import RESOURCE_KEYS, DSEProblem
from .solver import DSEInfeasible, solve

STRATEGIES = ("codesign", "finn")


@dataclass
class FoldResult:
    strategy: str
    folding: dict
    max_cycles: float
    throughput_fps: float
    resources: dict
    utilisation: dict  # of the board's available resources (not of the budget)
    fits: bool
    bottleneck: str | None
    lower_bound_cycles: float | None = None  # proven, for the codesign strategy
    gap: float | None = None
    status: str = ""
    estimate: dict | None = None  # codesign.hw.estimate's answer, when available
    seconds: float = 0.0
    stats: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return _jsonable(asdict(self))


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, float) and not np.isfinite(x):
        return None
    return x


def _hw_estimate():
    try:
        from ..hw.estimate import estimate
    except ImportError:
        return None
    return estimate


def physical_problem(problem: DSEProblem) -> DSEProblem:
    """The same problem with only the required ties (a depthwise SWG's SIMD = its VVAU's PE); both
    strategies are evaluated on this."""
    return replace(problem, ties=[t for t in problem.ties if not t.optional])


def optimise_folding(graph, board, clock_mhz: float | None = None, *, strategy: str = "codesign", estimator="codesign",
                     limits=None, tie_swg: str = "always", fifo_depth: int | None = 32, time_limit: float = 30.0,
                     verify: bool = True, max_refits: int = 4, problem: DSEProblem | None = None,
                     in_place: bool = True, search_styles: bool = False) -> FoldResult:
    """Fold ``graph`` (a DataflowGraph) for ``board`` and apply the folding (``in_place``).

    strategy "codesign": :func:`codesign.dse.solver.solve` (max throughput, then leanest);
    "finn": FINN's SetFolding inside finn-experimental's AllocateResources loop (which keeps each op's
    memory/compute style). ``search_styles``: the choices also cover each op's ram_style and res_type
    (:data:`codesign.dse.costs.DEFAULT_STYLES`), so the codesign strategy picks them per op."""
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    t0 = time.monotonic()
    b = load_board(board)
    clock = float(clock_mhz or b.default_clock_mhz)
    if not in_place:
        graph = copy.deepcopy(graph)
    if problem is None:
        problem = build_problem(graph, b, clock, estimator=estimator, limits=limits, tie_swg="always", fifo_depth=fifo_depth,
                                styles=DEFAULT_STYLES if search_styles else None)
    phys = physical_problem(problem)
    ours = problem if tie_swg == "always" else phys
    est_fn = _hw_estimate() if verify else None
    full_budget = dict(problem.budget)
    budget = dict(full_budget)
    sol = None
    est = None
    history = []
    for attempt in range(max_refits + 1):
        if strategy == "codesign":
            sol = solve(replace(ours, budget=budget), time_limit=time_limit)
            folding = sol.folding
        else:
            folding = allocate_resources(replace(phys, budget=budget), clock_mhz=clock, history=history)
        apply_folding(graph, folding)
        if est_fn is None:
            break
        est = est_fn(graph, b, clock, estimator=estimator, limits=limits)
        if est.get("fits", True):
            break
        used = est.get("resources", {})
        shrunk = False
        for k in RESOURCE_KEYS:
            u = float(used.get(k, 0.0))
            if u > full_budget[k] > 0:
                budget[k] = budget[k] * full_budget[k] / u * 0.995
                shrunk = True
        if not shrunk:
            break
    ev = phys.evaluate(folding)
    avail = {k: float(v) for k, v in _available(b).items()}
    res = ev["resources"]
    max_cycles = ev["max_cycles"]
    fps = clock * 1e6 / max_cycles
    fits = ev["fits"]
    if est is not None:  # the estimator's word wins where it has one
        res = {k: float(est.get("resources", {}).get(k, res[k])) for k in RESOURCE_KEYS}
        max_cycles = float(est.get("max_cycles", max_cycles))
        fps = float(est.get("throughput_fps", clock * 1e6 / max_cycles))
        fits = bool(est.get("fits", fits))
    util = {k: (res[k] / avail[k] if avail[k] > 0 else (0.0 if res[k] == 0 else float("inf"))) for k in RESOURCE_KEYS}
    stats = {"refits": attempt, "problem_eval": {k: ev[k] for k in ("max_cycles", "compute_cycles", "bottleneck", "resources",
                                                                   "edge_resources", "fits", "violations")}}
    if sol is not None:
        stats["solver"] = sol.stats
    if history:
        stats["allocate_resources"] = history
    return FoldResult(strategy, folding, max_cycles, fps, res, util, fits, ev["bottleneck"],
                      sol.lower_bound if sol else None, sol.gap if sol else None, sol.status if sol else "heuristic",
                      _jsonable(est) if est is not None else None, time.monotonic() - t0, _jsonable(stats))


def _available(board):
    from ..hw.boards import available
    return available(board)


__all__ = ["FoldResult", "optimise_folding", "physical_problem", "STRATEGIES", "DSEInfeasible"]
