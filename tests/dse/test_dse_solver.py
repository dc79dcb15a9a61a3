"""The folding optimiser on synthetic problems (no estimator code): optimality against brute force,
feasibility, legality, ties, stream limits, gap reporting, infeasibility messages."""
import itertools
import math

import numpy as np
import pytest
from dse_synthetic import brute_force_np, chain_problem, mvau_node, random_problem, swg_node

from codesign.dse.problem import DSEProblem, Edge, Tie, res_vector
from codesign.dse.solver import HAVE_MILP, DSEInfeasible, brute_force, build_groups, solve

BIG = {"LUT": 1e9, "FF": 1e9, "BRAM18": 1e9, "URAM": 1e9, "DSP": 1e9}


def check_solution(p: DSEProblem, s):
    ev = p.evaluate(s.assign)
    assert ev["fits"], ev["violations"]
    for k, v in ev["resources"].items():  # feasibility: never over budget
        assert v <= p.budget[k] + 1e-9
    for n in p.nodes:  # legality: every folding is one of the node's legal choices
        params = s.folding[n.name]
        assert params in [c.params for c in n.choices]
        for k, v in params.items():
            assert v in n.legal_values(k)
    for t in p.ties:
        assert s.folding[t.a][t.pa] == s.folding[t.b][t.pb]
    assert s.max_cycles == ev["max_cycles"]


@pytest.mark.parametrize("seed", range(40))
def test_optimal_vs_brute_force(seed):
    p = random_problem(seed, n_nodes=4, tightness=[0.02, 0.1, 0.3, 0.6][seed % 4], tie=seed % 2 == 0, with_edges=seed % 3 != 2)
    best = brute_force_np(p)
    if seed in (0, 2):  # the plain reference implementation agrees with the vectorised one
        assert brute_force(p, limit=10**7)[0] == best
    if math.isinf(best):
        with pytest.raises(DSEInfeasible):
            solve(p)
        return
    for method in (["auto", "bnb"] if HAVE_MILP else ["bnb"]):
        s = solve(p, method=method)
        check_solution(p, s)
        assert s.max_cycles == best, (method, s.max_cycles, best)
        assert s.status == "optimal" and s.gap == 0 and s.lower_bound == best


def test_binding_budget_is_nontrivial():
    """The synthetic suite really exercises the budget: the optimum is slower than unconstrained."""
    slower = 0
    for seed in range(20):
        p = random_problem(seed, tightness=0.05, tie=False)
        free = solve(DSEProblem(p.nodes, BIG, p.edges, p.ties)).max_cycles
        try:
            slower += solve(p).max_cycles > free
        except DSEInfeasible:
            pass
    assert slower >= 10


def test_ties_merge_swg_and_mvau():
    p = chain_problem({"LUT": 800, "FF": 1e9, "BRAM18": 4, "URAM": 0, "DSP": 4}, with_edges=True, tie=True)
    s = solve(p)
    check_solution(p, s)
    assert s.folding["SWG_0"]["simd"] == s.folding["MVAU_0"]["simd"]
    groups, _ = build_groups(p)
    assert len(groups) == 3 and groups[0].members == ["SWG_0", "MVAU_0"]


def test_stream_width_limit_excludes_wide_choices():
    n = mvau_node("MVAU_0", 64, 64, wbits=8)
    p = DSEProblem([n], BIG, max_stream_bits=256)
    s = solve(p)
    c = n.choices[s.assign["MVAU_0"]]
    assert c.max_bits <= 256
    best = min(c.cycles for c in n.choices if c.max_bits <= 256)
    assert s.max_cycles == best and best > min(c.cycles for c in n.choices)


def test_dwc_cycles_forbid_mismatched_pairs():
    a, b = mvau_node("A", 4, 8, obits=1), mvau_node("B", 8, 4, abits=1)
    table = {(x, y): (1000.0, res_vector({})) for x in {c.out_bits for c in a.choices} for y in {c.in_bits for c in b.choices} if x != y}
    p = DSEProblem([a, b], BIG, [Edge("A", "B", table)])
    s = solve(p)
    assert a.choices[s.assign["A"]].out_bits == b.choices[s.assign["B"]].in_bits
    assert s.max_cycles < 1000


def test_io_floor_and_leanest_design():
    n = mvau_node("MVAU_0", 16, 16)
    p = DSEProblem([n], BIG, min_cycles=40)
    s = solve(p)
    assert s.max_cycles == 40  # the I/O roof
    c = n.choices[s.assign["MVAU_0"]]
    assert c.cycles <= 40
    # the leanest choice meeting 40 cycles: no other choice <= 40 cycles is cheaper in LUTs
    assert c.res[0] == min(x.res[0] for x in n.choices if x.cycles <= 40)


def test_target_cycles_mode_minimises_resources():
    p = chain_problem(BIG)
    s = solve(p, target_cycles=400)
    check_solution(p, s)
    assert s.max_cycles <= 400
    norm = np.array([1.0 / p.budget[k] for k in ("LUT", "FF", "BRAM18", "URAM", "DSP")])
    cost = lambda assign: sum(p.node(nm).choices[i].res @ norm for nm, i in assign.items())  # noqa: E731
    for combo in itertools.islice(itertools.product(*[range(len(n.choices)) for n in p.nodes]), 0, None, 997):
        assign = {n.name: c for n, c in zip(p.nodes, combo)}
        if p.evaluate(assign)["max_cycles"] <= 400:
            assert cost(s.assign) <= cost(assign) + 1e-9


def test_infeasible_names_the_resource():
    p = chain_problem({"LUT": 10, "FF": 1e9, "BRAM18": 10, "URAM": 0, "DSP": 10})
    with pytest.raises(DSEInfeasible, match="LUT"):
        solve(p)


def test_greedy_only_reports_an_honest_gap():
    for seed in range(12):
        p = random_problem(seed, tightness=0.1, tie=False)
        try:
            exact = solve(p)
        except DSEInfeasible:
            continue
        g = solve(p, method="greedy", minimise_resources=False)
        check_solution(p, g)
        assert g.lower_bound <= exact.max_cycles <= g.max_cycles
        assert g.gap == pytest.approx(g.max_cycles / g.lower_bound - 1)


def test_problem_round_trips_json():
    p = random_problem(3)
    q = DSEProblem.from_dict(__import__("json").loads(p.dumps()))
    assert solve(q).max_cycles == solve(p).max_cycles


def test_unknown_tie_parameter_is_an_error():
    with pytest.raises(ValueError, match="no folding parameter"):
        DSEProblem([swg_node("S", 4, 3, 4), mvau_node("M", 36, 4)], BIG, ties=[Tie("S", "pe", "M", "simd")])


def test_dwc_cycles_between_node_values_are_candidates():
    """The optimum can be set by a converter's cycles, a value no node choice has: B reads 3-bit lanes, A
    writes 1-bit ones, so a converter (3.5 cycles here) always sits between them; nodes reach 1 cycle."""
    a, b = mvau_node("A", 4, 4), mvau_node("B", 4, 4, abits=3)
    table = {(x, y): (3.5, res_vector({"LUT": 1})) for x in {c.out_bits for c in a.choices} for y in {c.in_bits for c in b.choices}}
    p = DSEProblem([a, b], BIG, [Edge("A", "B", table)])
    s = solve(p)
    assert s.max_cycles == brute_force_np(p) == 3.5 and s.status == "optimal"
