"""Synthetic DSE problems (no estimator code involved): MVAU-like and SWG-like nodes whose cycles
follow FINN's formulas and whose resources are simple monotone functions of the parallelism."""
from __future__ import annotations

import math

import numpy as np

from codesign.dse.problem import Choice, DSENode, DSEProblem, Edge, Tie, res_vector


def divisors(n):
    return [d for d in range(1, n + 1) if n % d == 0]


def mvau_node(name, mw, mh, vectors=1, wbits=1, abits=1, obits=1, lut_k=1.0, bram_k=1.0):
    choices = []
    for pe in divisors(mh):
        for simd in divisors(mw):
            cyc = (mh // pe) * (mw // simd) * vectors
            depth = (mw * mh) // (pe * simd)
            width = pe * simd * wbits
            lut = 100 + lut_k * pe * simd * (wbits + abits) * 2
            bram = 0 if depth * width <= 4096 else bram_k * math.ceil(width / 36) * math.ceil(depth / 512)
            dsp = pe * simd // 16 if wbits > 4 else 0
            choices.append(Choice({"pe": pe, "simd": simd}, cyc, res_vector({"LUT": lut, "FF": lut * 1.2, "BRAM18": bram, "DSP": dsp}),
                                  in_bits=simd * abits, out_bits=pe * obits, max_bits=max(width, simd * abits)))
    return DSENode(name, choices, "MVAU", {"max_pe": mh, "max_simd": mw, "weight_bits": wbits})


def swg_node(name, ch, k, ofm, bits=1):
    choices = []
    for simd in divisors(ch):
        cf = ch // simd
        cyc = ofm * ofm * k * k * cf
        lut = 50 + 3 * simd * bits
        choices.append(Choice({"simd": simd}, cyc, res_vector({"LUT": lut, "FF": lut}), simd * bits, simd * bits, simd * bits))
    return DSENode(name, choices, "ConvolutionInputGenerator", {"depthwise": False})


def dwc_table(src: DSENode, dst: DSENode, per_bit=1.0):
    table = {}
    for a in {c.out_bits for c in src.choices}:
        for b in {c.in_bits for c in dst.choices}:
            if a != b:
                table[(a, b)] = (0.0, res_vector({"LUT": per_bit * max(a, b)}))
    return table


def chain_problem(budget, with_edges=False, tie=False):
    n0 = swg_node("SWG_0", 4, 3, 6)
    n1 = mvau_node("MVAU_0", 36, 8, vectors=36, wbits=2, abits=1, obits=2)
    n2 = mvau_node("MVAU_1", 8, 6, wbits=2, abits=2, obits=2)
    n3 = mvau_node("MVAU_2", 6, 4, wbits=4, abits=2, obits=8)
    nodes = [n0, n1, n2, n3]
    edges = []
    if with_edges:
        edges = [Edge(a.name, b.name, dwc_table(a, b)) for a, b in zip(nodes[1:-1], nodes[2:])]
    ties = [Tie("SWG_0", "simd", "MVAU_0", "simd")] if tie else []
    return DSEProblem(nodes, budget, edges, ties, clock_mhz=100.0)


def random_problem(seed, n_nodes=4, with_edges=True, tie=True, tightness=0.5):
    """A small random chain (brute-forceable): optional leading SWG tied to the first MVAU, random
    MVAU shapes and bit-widths, a budget between the smallest and the largest design."""
    rng = np.random.default_rng(seed)
    nodes = []
    if tie:
        nodes.append(swg_node("SWG_0", int(rng.choice([2, 4, 6])), 1, int(rng.integers(1, 3)), bits=int(rng.choice([1, 2]))))
    prev_mh = None
    for i in range(n_nodes - len(nodes)):
        mw = prev_mh or int(rng.choice([4, 6, 8, 12]))
        if i == 0 and tie:
            mw = nodes[0].choices[-1].params["simd"]
        mh = int(rng.choice([2, 4, 6, 8, 12]))
        nodes.append(mvau_node(f"MVAU_{i}", mw, mh, vectors=int(rng.choice([1, 4])), wbits=int(rng.choice([1, 2, 4, 8])),
                               abits=int(rng.choice([1, 2])), obits=int(rng.choice([1, 2])), lut_k=float(rng.uniform(0.5, 2)),
                               bram_k=float(rng.uniform(0.5, 2))))
        prev_mh = mh
    edges = [Edge(a.name, b.name, dwc_table(a, b, float(rng.uniform(0.2, 2)))) for a, b in zip(nodes[:-1], nodes[1:])] if with_edges else []
    ties = [Tie("SWG_0", "simd", "MVAU_0", "simd")] if tie else []
    lo = sum(np.min([c.res for c in n.choices], axis=0) for n in nodes)
    hi = sum(np.max([c.res for c in n.choices], axis=0) for n in nodes)
    b = lo + tightness * (hi - lo) * rng.uniform(0.05, 1.0, size=5)
    budget = dict(zip(("LUT", "FF", "BRAM18", "URAM", "DSP"), map(float, b * 1.05 + 1e-6)))
    return DSEProblem(nodes, budget, edges, ties, clock_mhz=100.0)


def brute_force_np(problem: DSEProblem, chunk: int = 200_000):
    """Independent exhaustive reference (vectorised): min max-cycles over every combination of node
    choices that satisfies the ties, the stream-width limit and the budget (nodes + edges)."""
    nodes = problem.nodes
    names = [n.name for n in nodes]
    pos = {nm: i for i, nm in enumerate(names)}
    sizes = [len(n.choices) for n in nodes]
    cyc = [np.array([c.cycles for c in n.choices]) for n in nodes]
    res = [np.array([c.res for c in n.choices]) for n in nodes]
    legal = [np.array([problem.legal(n, c) for c in n.choices]) for n in nodes]
    edge_arrays = []
    for e in problem.edges:
        s, d = problem.node(e.src), problem.node(e.dst)
        ec = np.zeros((len(s.choices), len(d.choices)))
        er = np.zeros((len(s.choices), len(d.choices), 5))
        for i, cs in enumerate(s.choices):
            for j, cd in enumerate(d.choices):
                ec[i, j], er[i, j] = e.cost(cs.out_bits, cd.in_bits)
        edge_arrays.append((pos[e.src], pos[e.dst], ec, er))
    tie_arrays = []
    for t in problem.ties:
        va = np.array([c.params[t.pa] for c in problem.node(t.a).choices])
        vb = np.array([c.params[t.pb] for c in problem.node(t.b).choices])
        tie_arrays.append((pos[t.a], pos[t.b], va[:, None] == vb[None, :]))
    budget = problem.budget_vector
    total = math.prod(sizes)
    best = math.inf
    for start in range(0, total, chunk):
        flat = np.arange(start, min(total, start + chunk))
        idx = np.stack(np.unravel_index(flat, sizes), axis=1)
        ok = np.ones(len(flat), bool)
        tot = np.zeros((len(flat), 5))
        mc = np.zeros(len(flat))
        for i in range(len(nodes)):
            ok &= legal[i][idx[:, i]]
            tot += res[i][idx[:, i]]
            mc = np.maximum(mc, cyc[i][idx[:, i]])
        for a, b, ec, er in edge_arrays:
            tot += er[idx[:, a], idx[:, b]]
            mc = np.maximum(mc, ec[idx[:, a], idx[:, b]])
        for a, b, eq in tie_arrays:
            ok &= eq[idx[:, a], idx[:, b]]
        ok &= np.all(tot <= budget + 1e-9, axis=1)
        if ok.any():
            best = min(best, float(np.maximum(mc[ok], problem.min_cycles).min()))
    return best


def square_task(task: dict) -> dict:
    """A picklable worker for executor tests: records each call in task['log'] (a file)."""
    import os

    with open(task["log"], "a") as f:
        f.write(f"{task['x']} {os.getpid()}\n")
    return {"y": task["x"] ** 2}
