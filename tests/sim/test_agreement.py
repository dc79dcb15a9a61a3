"""Simulated interval vs the analytical II=1 bound (tolerance 0 cycles; see codesign.sim's docstring):
with FIFOs that never fill, the interval from the third frame on is the largest per-frame iteration count,
which for MVAU/Thresholding-bound pipelines is FINN's cycle formula; shallow FIFOs can only lengthen it."""
import numpy as np
import pytest

from codesign.hw import finn_formulas as F
from codesign.sim import build_network, simulate
from graphs import linear, residual


def finn_cycles(op):
    if op.OP_TYPE == "MVAU":
        return F.mvau_exp_cycles(op.mw, op.mh, op.pe, op.simd, op.num_vectors)
    if op.OP_TYPE == "Thresholding":
        return F.thresholding_exp_cycles(op.channels, op.pe, int(np.prod(op.spatial)) if op.spatial else 1)
    if op.OP_TYPE == "DuplicateStreams":
        return F.duplicatestreams_exp_cycles(op.shape[-1], op.pe, int(np.prod(op.shape[:-1])))
    if op.OP_TYPE == "AddStreams":
        return F.addstreams_exp_cycles(op.channels, op.pe, int(np.prod(op.spatial)) if op.spatial else 1)
    raise KeyError(op.OP_TYPE)


@pytest.mark.parametrize("seed", range(12))
def test_linear_interval_is_the_finn_bound(seed):
    rng = np.random.default_rng(seed)
    g = linear(seed=seed, vectors=int(rng.integers(1, 6)), pe=tuple(int(x) for x in rng.choice([1, 2, 3, 6], 2)),
               simd=tuple(int(x) for x in rng.choice([1, 2, 4, 8], 2)))
    net = build_network(g)
    bound = max(finn_cycles(op) for op in g.ops)
    assert net.max_schedule_cycles()[1] == bound
    for depths in ("unbounded", "naive"):
        r = simulate(net, frames=4, fifo_depths=depths)
        assert r.interval_cycles == bound, depths
        assert np.diff(r.frame_done)[1:].tolist() == [bound] * 2  # steady from the second interval on
    # any depths: never faster than the bound
    for _ in range(5):
        r = simulate(net, frames=3, fifo_depths=dict(zip(net.edge_names(), rng.integers(1, 6, len(net.edges)).tolist())))
        assert r.deadlock or r.interval_cycles >= bound


@pytest.mark.parametrize("whole_frame", [False, True])
def test_fork_join_interval_is_the_bound_with_deep_fifos(whole_frame):
    g = residual(pixels=12, main_simd=2, whole_frame=whole_frame)
    bound = max(finn_cycles(op) for op in g.ops)
    r = simulate(g, frames=3, fifo_depths="naive")
    assert r.interval_cycles == bound


def test_zoo_designs_meet_the_bound(load_design):
    for key in ("resnet8", "cnv"):
        net = build_network(load_design(key))
        name, bound = net.max_schedule_cycles()
        r = simulate(net, frames=3, fifo_depths="unbounded")
        assert r.interval_cycles == bound, key
        assert r.latency_cycles > bound  # layers overlap, but the first frame still has to fill the pipeline
        op = net.graph.node(name)
        if hasattr(op, "cycles"):  # the estimator's FINN-formula count of the bottleneck
            assert op.cycles() == bound
