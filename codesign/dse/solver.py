"""Folding optimiser: minimise the pipeline's max cycles per frame under a multi-resource budget.

The problem (:mod:`codesign.dse.problem`) is a multiple-choice, multi-dimensional knapsack with a
min-max objective. The solver is exact with respect to that model, or reports the gap it has left:

1. Ties are merged: tied nodes become one *group* whose choices are the joint choices that satisfy
   the ties (internal edge costs added). Choices dominated within a group (no faster, no cheaper in
   any resource, same boundary stream widths) are dropped.
2. Feasibility is monotone in the target T (a larger T only adds choices), so we binary-search the
   sorted distinct cycle values T (floored by the I/O roof). A probe at T asks: is there one choice
   per group with cycles <= T (and DWC cycles <= T on every edge) whose node + edge resources fit?
   Each probe is answered, cheapest first, by
   - a per-resource lower bound (sum of each group's cheapest allowed choice): proves infeasible;
   - a Lagrangian-weighted greedy (each group picks the choice minimising lambda . resources,
     lambda starting at 1 / budget and raised multiplicatively on violated resources): proves
     feasible when its pick fits;
   - an exact 0-1 MILP (scipy's HiGHS): x[g, c] one-hot per group, edge costs linearised over the
     (producer width, consumer width) classes with y >= u + v - 1, pairs whose DWC is slower than T
     forbidden (u + v <= 1). Without scipy.optimize.milp a depth-first branch and bound is used.
   A probe the MILP/B&B cannot settle within its limit is "unknown": the search treats it as
   infeasible, and the proven lower bound stops below it, so the reported gap is honest.
3. At the optimal T, a second MILP minimises the budget-normalised resource sum (lean designs).
"""
from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field

import numpy as np

from .problem import NRES, RESOURCE_KEYS, DSEProblem, res_dict

try:  # scipy ships with scikit-learn, a dependency; keep a pure-Python fallback anyway
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix
    HAVE_MILP = True
except Exception:  # pragma: no cover
    HAVE_MILP = False


class DSEInfeasible(RuntimeError):
    """No folding of the design fits the budget (the message names the resources that cannot fit)."""


@dataclass
class Solution:
    assign: dict[str, int]  # node -> choice index
    folding: dict[str, dict[str, int]]
    max_cycles: float
    lower_bound: float  # proven lower bound on the optimum's max cycles (same model)
    gap: float  # max_cycles / lower_bound - 1 (0 = proven optimal)
    status: str  # "optimal" | "gap" | "infeasible"
    evaluation: dict
    stats: dict = field(default_factory=dict)

    @property
    def fits(self) -> bool:
        return bool(self.evaluation["fits"])


# ------------------------------------------------------------------------------------------
# grouping (ties) and dominance pruning
# ------------------------------------------------------------------------------------------
@dataclass
class _Group:
    members: list[str]
    combo: np.ndarray  # (n, m) member choice indices
    cycles: np.ndarray  # (n,)
    res: np.ndarray  # (n, NRES)
    in_bits: np.ndarray  # (n, m)
    out_bits: np.ndarray  # (n, m)


def _union_find(names, ties):
    parent = {n: n for n in names}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for t in ties:
        ra, rb = find(t.a), find(t.b)
        if ra != rb:
            parent[rb] = ra
    comps: dict[str, list[str]] = {}
    for n in names:  # keep graph order inside and across groups
        comps.setdefault(find(n), []).append(n)
    return list(comps.values())


def build_groups(problem: DSEProblem, prune: bool = True) -> tuple[list[_Group], list[tuple]]:
    """Merge tied nodes; returns groups and external edges (g, member i, h, member j, edge)."""
    names = [n.name for n in problem.nodes]
    comps = _union_find(names, problem.ties)
    where = {}
    groups = []
    for gi, members in enumerate(comps):
        for mi, nm in enumerate(members):
            where[nm] = (gi, mi)
        mset = set(members)
        ties = [t for t in problem.ties if t.a in mset]
        legal = []
        for nm in members:
            node = problem.node(nm)
            ok = [i for i, c in enumerate(node.choices) if problem.legal(node, c)]
            if not ok:
                raise DSEInfeasible(f"{nm}: every folding has a stream wider than {problem.max_stream_bits} bits")
            legal.append(ok)
        combos = [()]
        for mi, nm in enumerate(members):
            node = problem.node(nm)
            rel = [t for t in ties if (t.a == nm and t.b in members[:mi]) or (t.b == nm and t.a in members[:mi])]
            new = []
            for combo in combos:
                for j in legal[mi]:
                    c = node.choices[j]
                    good = True
                    for t in rel:
                        if t.a == nm:
                            other = problem.node(t.b).choices[combo[members.index(t.b)]]
                            good = c.params[t.pa] == other.params[t.pb]
                        else:
                            other = problem.node(t.a).choices[combo[members.index(t.a)]]
                            good = other.params[t.pa] == c.params[t.pb]
                        if not good:
                            break
                    if good:
                        new.append(combo + (j,))
            combos = new
        if not combos:
            raise DSEInfeasible(f"ties among {members} leave no common legal folding")
        combo = np.array(combos, dtype=np.int64)
        nodes = [problem.node(nm) for nm in members]
        cyc = np.array([max(nodes[m].choices[row[m]].cycles for m in range(len(members))) for row in combos], dtype=float)
        res = np.array([sum(nodes[m].choices[row[m]].res for m in range(len(members))) for row in combos], dtype=float).reshape(-1, NRES)
        inb = np.array([[nodes[m].choices[row[m]].in_bits for m in range(len(members))] for row in combos], dtype=np.int64)
        outb = np.array([[nodes[m].choices[row[m]].out_bits for m in range(len(members))] for row in combos], dtype=np.int64)
        groups.append(_Group(list(members), combo, cyc, res, inb, outb))
    ext = []
    for e in problem.edges:
        (g, i), (h, j) = where[e.src], where[e.dst]
        if g == h:  # internal: fold its cost into the group's choices
            grp = groups[g]
            for r in range(len(grp.cycles)):
                cy, rv = e.cost(grp.out_bits[r, i], grp.in_bits[r, j])
                grp.cycles[r] = max(grp.cycles[r], cy)
                grp.res[r] = grp.res[r] + rv
        else:
            ext.append((g, i, h, j, e))
    if prune:
        for gi, grp in enumerate(groups):
            keep = _prune(grp, gi, ext)
            groups[gi] = _Group(grp.members, grp.combo[keep], grp.cycles[keep], grp.res[keep], grp.in_bits[keep], grp.out_bits[keep])
    return groups, ext


def _prune(grp: _Group, gi: int, ext) -> np.ndarray:
    """Indices of choices not dominated by another with the same boundary stream widths."""
    cols_out = sorted({i for g, i, h, j, e in ext if g == gi})
    cols_in = sorted({j for g, i, h, j, e in ext if h == gi})
    keys = [tuple(grp.out_bits[r, cols_out]) + tuple(grp.in_bits[r, cols_in]) for r in range(len(grp.cycles))]
    vals = np.column_stack([grp.cycles, grp.res])
    keep = []
    buckets: dict[tuple, list[int]] = {}
    for r, k in enumerate(keys):
        buckets.setdefault(k, []).append(r)
    for rows in buckets.values():
        rows = sorted(rows, key=lambda r: tuple(vals[r]))
        kept: list[int] = []
        for r in rows:  # sorted lexicographically: a dominator of r comes before r
            v = vals[r]
            if any(np.all(vals[q] <= v) for q in kept):
                continue
            kept.append(r)
        keep += kept
    return np.array(sorted(keep), dtype=np.int64)


# ------------------------------------------------------------------------------------------
# the solver
# ------------------------------------------------------------------------------------------
class _Solver:
    def __init__(self, problem: DSEProblem, groups, ext, method: str, time_limit: float, bnb_nodes: int):
        self.p = problem
        self.groups = groups
        self.ext = ext
        self.B = problem.budget_vector
        self.method = method
        self.deadline = time.monotonic() + time_limit
        self.time_limit = time_limit
        self.bnb_nodes = bnb_nodes
        self.stats = {"probes": 0, "greedy_feasible": 0, "bound_infeasible": 0, "milp_calls": 0, "bnb_calls": 0, "unknown": 0}
        finite = np.isfinite(self.B)
        self.wnorm = np.where(finite & (self.B > 0), 1.0 / np.where(self.B > 0, self.B, 1), np.where(finite, 1e6, 0.0))

    # ---- evaluation of a grouped pick ------------------------------------------------
    def total(self, pick: list[int]) -> tuple[np.ndarray, float]:
        tot = np.zeros(NRES)
        cyc = 0.0
        for grp, c in zip(self.groups, pick):
            tot += grp.res[c]
            cyc = max(cyc, grp.cycles[c])
        for g, i, h, j, e in self.ext:
            cy, r = e.cost(self.groups[g].out_bits[pick[g], i], self.groups[h].in_bits[pick[h], j])
            tot += r
            cyc = max(cyc, cy)
        return tot, cyc

    def fits(self, tot) -> bool:
        return bool(np.all(tot <= self.B + 1e-9))

    # ---- probe pieces --------------------------------------------------------------
    def allowed(self, T):
        return [np.flatnonzero(g.cycles <= T + 1e-9) for g in self.groups]

    def bound_infeasible(self, allowed) -> bool:
        lb = np.zeros(NRES)
        for grp, a in zip(self.groups, allowed):
            lb += grp.res[a].min(axis=0)
        return not self.fits(lb)

    def greedy(self, allowed, T, iters: int = 40):
        lam = self.wnorm.copy()
        for _ in range(iters):
            pick = [int(a[np.argmin(grp.res[a] @ lam + 1e-12 * grp.cycles[a])]) for grp, a in zip(self.groups, allowed)]
            tot, cyc = self.total(pick)
            if cyc <= T + 1e-9 and self.fits(tot):
                return pick
            with np.errstate(divide="ignore", invalid="ignore"):
                util = np.where(self.B > 0, tot / self.B, np.where(tot > 0, 10.0, 0.0))
            over = util > 1 + 1e-12
            if not over.any():
                break  # fits on resources but an edge is too slow: greedy cannot fix that
            lam = np.where(over, lam * (1.0 + np.minimum(util - 1.0, 4.0) + 0.25), lam)
        return None

    def _milp(self, allowed, T, objective: bool, time_limit: float, incumbent=None):
        """Exact feasibility (objective=False) or min normalised resources (objective=True)."""
        self.stats["milp_calls"] += 1
        offs, col = [], 0
        for a in allowed:
            offs.append(col)
            col += len(a)
        nx = col
        rows, cols, vals, lbs, ubs = [], [], [], [], []
        r = 0
        for gi, a in enumerate(allowed):  # one-hot per group
            for k in range(len(a)):
                rows.append(r), cols.append(offs[gi] + k), vals.append(1.0)
            lbs.append(1.0), ubs.append(1.0)
            r += 1
        # resource rows, nodes part
        res_cols = [[] for _ in range(NRES)]  # (col, value)
        cost = np.zeros(nx)
        for gi, (grp, a) in enumerate(zip(self.groups, allowed)):
            rr = grp.res[a]
            cost[offs[gi] : offs[gi] + len(a)] = rr @ self.wnorm
            for k in range(NRES):
                nz = np.flatnonzero(rr[:, k])
                res_cols[k] += [(offs[gi] + q, rr[q, k]) for q in nz]
        ycost = []
        ny = 0
        pair_rows = []  # (list of x cols, y col or None)
        for g, i, h, j, e in self.ext:
            ga, ha = allowed[g], allowed[h]
            wo = self.groups[g].out_bits[ga, i]
            wi = self.groups[h].in_bits[ha, j]
            for a_w in np.unique(wo):
                ua = list(offs[g] + np.flatnonzero(wo == a_w))
                for b_w in np.unique(wi):
                    cy, rv = e.cost(a_w, b_w)
                    vb = list(offs[h] + np.flatnonzero(wi == b_w))
                    if cy > T + 1e-9:
                        pair_rows.append((ua + vb, None))
                    elif np.any(rv > 0):
                        yc = nx + ny
                        ny += 1
                        ycost.append(float(rv @ self.wnorm))
                        for k in range(NRES):
                            if rv[k]:
                                res_cols[k].append((yc, rv[k]))
                        pair_rows.append((ua + vb, yc))
        for xs, yc in pair_rows:
            for c in xs:
                rows.append(r), cols.append(c), vals.append(1.0)
            if yc is not None:
                rows.append(r), cols.append(yc), vals.append(-1.0)
            lbs.append(-np.inf), ubs.append(1.0)
            r += 1
        for k in range(NRES):
            if not np.isfinite(self.B[k]):
                continue
            for c, v in res_cols[k]:
                rows.append(r), cols.append(c), vals.append(float(v))
            lbs.append(-np.inf), ubs.append(float(self.B[k]))
            r += 1
        n = nx + ny
        A = coo_matrix((vals, (rows, cols)), shape=(r, n)).tocsr()
        c = np.concatenate([cost, np.array(ycost)]) if objective else np.zeros(n)
        integrality = np.concatenate([np.ones(nx), np.zeros(ny)])
        opts = {"time_limit": max(0.05, time_limit), "disp": False, "presolve": True}
        if objective:
            opts["mip_rel_gap"] = 1e-6
        res = milp(c, constraints=[LinearConstraint(A, lbs, ubs)], integrality=integrality, bounds=Bounds(0, 1), options=opts)
        if res.x is not None and res.status in (0, 1):
            x = res.x[:nx]
            pick = [int(a[np.argmax(x[offs[gi] : offs[gi] + len(a)])]) for gi, a in enumerate(allowed)]
            tot, cyc = self.total(pick)
            if self.fits(tot) and cyc <= T + 1e-9:
                return "feasible", pick, res.status == 0
        if res.status == 2:
            return "infeasible", None, True
        return "unknown", None, False

    def _bnb(self, allowed, T, objective: bool, incumbent=None):
        """Depth-first branch and bound (fallback without scipy; also used to cross-check)."""
        self.stats["bnb_calls"] += 1
        G = len(self.groups)
        order = list(range(G))
        suffix = np.zeros((G + 1, NRES))
        for k in range(G - 1, -1, -1):
            g = order[k]
            suffix[k] = suffix[k + 1] + self.groups[g].res[allowed[g]].min(axis=0)
        edges_at = {k: [] for k in range(G)}  # edges whose later endpoint is order position k
        pos = {g: k for k, g in enumerate(order)}
        for ed in self.ext:
            edges_at[max(pos[ed[0]], pos[ed[2]])].append(ed)
        best = {"pick": incumbent, "cost": math.inf if incumbent is None else self._wcost(incumbent)}
        nodes = [0]
        pick = [0] * G
        exhausted = [True]

        def rec(k, tot, wc):
            if nodes[0] > self.bnb_nodes:
                exhausted[0] = False
                return True
            nodes[0] += 1
            if not self.fits(tot + suffix[k]):
                return False
            if objective and wc + float(suffix[k] @ self.wnorm) >= best["cost"] - 1e-12:
                return False
            if k == G:
                best["pick"], best["cost"] = list(pick), wc
                return not objective  # feasibility: stop at the first
            g = order[k]
            grp = self.groups[g]
            a = allowed[g]
            for c in a[np.argsort(grp.res[a] @ self.wnorm, kind="stable")]:
                pick[g] = int(c)
                add = grp.res[c].copy()
                bad = False
                for gg, i, h, j, e in edges_at[k]:
                    cy, rv = e.cost(self.groups[gg].out_bits[pick[gg], i], self.groups[h].in_bits[pick[h], j])
                    if cy > T + 1e-9:
                        bad = True
                        break
                    add += rv
                if bad:
                    continue
                if rec(k + 1, tot + add, wc + float(add @ self.wnorm)):
                    return True
            return False

        rec(0, np.zeros(NRES), 0.0)
        if best["pick"] is not None:
            return "feasible", best["pick"], exhausted[0]
        return ("infeasible" if exhausted[0] else "unknown"), None, exhausted[0]

    def _wcost(self, pick):
        tot, _ = self.total(pick)
        return float(tot @ self.wnorm)

    def exact(self, allowed, T, objective=False, incumbent=None):
        remaining = self.deadline - time.monotonic()
        use_milp = HAVE_MILP and self.method in ("auto", "milp")
        if use_milp:
            return self._milp(allowed, T, objective, remaining, incumbent)
        return self._bnb(allowed, T, objective, incumbent)

    def probe(self, T):
        self.stats["probes"] += 1
        allowed = self.allowed(T)
        if any(len(a) == 0 for a in allowed):
            return "infeasible", None
        if self.bound_infeasible(allowed):
            self.stats["bound_infeasible"] += 1
            return "infeasible", None
        if self.method != "bnb":
            pick = self.greedy(allowed, T)
            if pick is not None:
                self.stats["greedy_feasible"] += 1
                return "feasible", pick
        if self.method == "greedy":
            self.stats["unknown"] += 1
            return "unknown", None
        status, pick, _ = self.exact(allowed, T)
        if status == "unknown":
            self.stats["unknown"] += 1
        return status, pick


def solve(problem: DSEProblem, *, method: str = "auto", time_limit: float = 30.0, target_cycles: float | None = None,
          minimise_resources: bool = True, bnb_nodes: int = 200_000) -> Solution:
    """Fastest folding within the budget (or, with ``target_cycles``, the leanest one meeting it).

    method: "auto"/"milp" (greedy + HiGHS MILP), "bnb" (branch and bound only), "greedy" (no exact
    step: the answer carries a gap). Raises :class:`DSEInfeasible` if even the smallest folding
    exceeds the budget (the message says which resources)."""
    t0 = time.monotonic()
    groups, ext = build_groups(problem)
    s = _Solver(problem, groups, ext, method, time_limit, bnb_nodes)
    floor = max(problem.min_cycles, max(float(g.cycles.min()) for g in groups))
    values = {float(v) for g in groups for v in g.cycles}
    values |= {float(c) for *_, e in ext for c, _ in e.table.values() if math.isfinite(c)}  # DWC cycles
    cands = sorted({v for v in values if v >= floor} | {floor})
    if target_cycles is not None:
        cands = [max(floor, float(target_cycles))]
    # the whole design at its leanest must fit, else nothing does
    top = cands[-1]
    status, pick = s.probe(top)
    if status != "feasible":
        allowed = s.allowed(math.inf)
        lean = [int(a[np.argmin(g.res[a] @ s.wnorm)]) for g, a in zip(groups, allowed)]
        tot, _ = s.total(lean)
        minimum = np.zeros(NRES)
        for g in groups:
            minimum += g.res.min(axis=0)
        over = [f"{k} needs >= {minimum[i]:.0f} > budget {s.B[i]:.0f}" for i, k in enumerate(RESOURCE_KEYS) if minimum[i] > s.B[i] + 1e-9]
        if target_cycles is not None and status == "infeasible" and not over:
            raise DSEInfeasible(f"no folding meets {target_cycles:.0f} cycles per frame within the budget")
        if status == "unknown":
            raise DSEInfeasible(f"the solver could not find a folding within the budget in {time_limit:.0f} s")
        raise DSEInfeasible("no folding fits the budget: " + ("; ".join(over) or "the smallest design's resources exceed it jointly"))
    best_idx, best_pick = len(cands) - 1, pick
    lo, hi = 0, len(cands) - 1
    proven_infeasible = -1
    while lo < hi:
        mid = (lo + hi) // 2
        status, pick = s.probe(cands[mid])
        if status == "feasible":
            hi, best_idx, best_pick = mid, mid, pick
        else:
            if status == "infeasible":
                proven_infeasible = max(proven_infeasible, mid)
            lo = mid + 1
    T = cands[best_idx]
    # by monotonicity every candidate up to proven_infeasible is infeasible; probes the exact step
    # could not settle ("unknown") leave the bound below them, so the gap stays honest
    lb = T if target_cycles is not None else cands[proven_infeasible + 1]
    if minimise_resources:
        allowed = s.allowed(T)
        if HAVE_MILP and method in ("auto", "milp"):
            st, pick, _ = s._milp(allowed, T, True, max(1.0, s.deadline - time.monotonic()), best_pick)
        elif method == "bnb":
            st, pick, _ = s._bnb(allowed, T, True, best_pick)
        else:
            st, pick = "unknown", None
        if st == "feasible" and s._wcost(pick) <= s._wcost(best_pick) + 1e-12:
            best_pick = pick
    assign = {}
    for grp, c in zip(groups, best_pick):
        for m, nm in enumerate(grp.members):
            assign[nm] = int(grp.combo[c, m])
    ev = problem.evaluate(assign)
    achieved = ev["max_cycles"]
    gap = achieved / lb - 1.0 if lb > 0 else 0.0
    s.stats.update({"seconds": time.monotonic() - t0, "candidates": len(cands), "groups": len(groups),
                    "choices": int(sum(len(g.cycles) for g in groups)), "method": method if HAVE_MILP or method != "auto" else "bnb"})
    return Solution(assign, {nm: dict(problem.node(nm).choices[i].params) for nm, i in assign.items()}, achieved, float(lb),
                    max(0.0, gap), "optimal" if gap <= 1e-12 else "gap", ev, s.stats)


def brute_force(problem: DSEProblem, limit: int = 2_000_000) -> tuple[float, dict | None]:
    """Min max-cycles over every combination of node choices that satisfies the ties and fits
    (tests and small cases only). Returns (best max cycles, assignment) or (inf, None)."""
    nodes = problem.nodes
    sizes = [len(n.choices) for n in nodes]
    if math.prod(sizes) > limit:
        raise ValueError(f"brute force over {math.prod(sizes)} combinations exceeds the limit {limit}")
    best, best_assign = math.inf, None
    for combo in itertools.product(*[range(s) for s in sizes]):
        assign = {n.name: c for n, c in zip(nodes, combo)}
        ev = problem.evaluate(assign)
        if ev["fits"] and ev["max_cycles"] < best:
            best, best_assign = ev["max_cycles"], assign
    return best, best_assign


__all__ = ["Solution", "DSEInfeasible", "solve", "brute_force", "build_groups", "HAVE_MILP", "res_dict"]
