"""The optimiser on real lowered zoo models with the real estimators: exact against brute force on
TFC at 8x8 input; within budget by codesign.hw.estimate for both strategies on LeNet-5 at 8x8 (padding,
sliding windows, MVAUs, max pools; CNV, TFC and MobileNet-v1 at full size are in bench/dse_compare.py)."""
import copy

import pytest
from dse_synthetic import brute_force_np
from zoo_helpers import calibrated

from codesign.dse.costs import build_problem
from codesign.dse.fold import optimise_folding, physical_problem
from codesign.dse.solver import DSEInfeasible, solve
from codesign.export import export_qonnx_model
from codesign.frontend import lower_qonnx
from codesign.hw.estimate import estimate


def lowered(tmp_path_factory, name, bits, shape=None):
    path = tmp_path_factory.mktemp("dse_real") / f"{name}.onnx"
    export_qonnx_model(calibrated(name, bits, input_shape=shape), path)
    return lower_qonnx(path)


@pytest.fixture(scope="module")
def tfc_graphs(tmp_path_factory):
    return {b: lowered(tmp_path_factory, "tfc", b) for b in ("w1a1", "w2a2")}


@pytest.mark.parametrize("bits,estimator,limits", [
    ("w1a1", "codesign", 0.035), ("w1a1", "codesign", 0.08), ("w1a1", "finn", 0.08), ("w2a2", "codesign", 0.05),
    ("w2a2", "finn", 0.3),
])
def test_tfc_optimal_vs_brute_force(tfc_graphs, bits, estimator, limits):
    g = tfc_graphs[bits]
    p = build_problem(g, "Pynq-Z1", 100, estimator=estimator, limits=limits, io_roof=False)
    s = solve(p)
    assert s.max_cycles == brute_force_np(p)
    assert s.status == "optimal"
    # the folding is legal for the ops and fits by the network estimate too
    g2 = copy.deepcopy(g)
    for name, params in s.folding.items():
        g2.node(name).set_folding(**params)
    est = estimate(g2, "Pynq-Z1", 100, estimator=estimator, limits=limits)
    assert est["fits"], est["over_budget"]
    assert est["max_cycles"] == s.max_cycles


def test_tfc_budget_too_small_is_reported(tfc_graphs):
    p = build_problem(tfc_graphs["w1a1"], "Pynq-Z1", 100, limits=0.01)
    with pytest.raises(DSEInfeasible, match="LUT"):
        solve(p)


@pytest.fixture(scope="module")
def cnv():
    from codesign.dse.explore import build_design

    return build_design({"model": "lenet5", "bits": [[1, 1], [2, 2], [1, 1], [1, 1], [2, 2]], "input_shape": [1, 8, 8]})


@pytest.mark.parametrize("board,limits", [("Pynq-Z1", 0.07), ("Pynq-Z1", None), ("ZCU104", None)])
def test_conv_both_strategies_fit_and_ours_is_not_slower(cnv, board, limits):
    res = {}
    for strategy in ("codesign", "finn"):
        g = copy.deepcopy(cnv)
        r = optimise_folding(g, board, 100, strategy=strategy, limits=limits)
        est = estimate(g, board, 100, limits=limits)
        assert est["fits"] and r.fits, (strategy, est["over_budget"])
        for op in g.ops:  # every folding is legal for its op
            for k, v in op.folding().items():
                assert v in op.legal_folding()[k]
        res[strategy] = r
    assert res["codesign"].throughput_fps >= res["finn"].throughput_fps
    assert res["codesign"].status == "optimal"


def test_conv_ties_hold(cnv):
    p = build_problem(cnv, "Pynq-Z1", 100, limits=0.07)
    s = solve(p)
    assert len(p.ties) == 2 and all(s.folding[t.a][t.pa] == s.folding[t.b][t.pb] for t in p.ties)
    assert len(physical_problem(p).ties) == 0  # no depthwise convolutions: every tie is optional
