"""The timing engines: hand-derived latency and interval on tiny graphs, the three engines (compiled
event-driven, the same in Python, a naive clock) agree beat for beat, and deadlocks are reported."""
import numpy as np
import pytest

from codesign.sim import build_network, simulate
from codesign.sim.engine import BLOCKED, BUSY, FIRST, J, LAST, STARVED, load_core, run
from codesign.sim.simulate import packed
from graphs import UINT2, Builder, linear, residual

ENGINES = ["c", "python", "cycle"] if load_core() is not None else ["python", "cycle"]


def one_thresholding(beats_per_frame=16, pe=2):
    b = Builder((beats_per_frame * pe // 4, 4))
    return b.graph(b.thr("x", pe=pe))


@pytest.mark.parametrize("engine", ENGINES)
def test_single_thresholding_by_hand(engine):
    # source writes beat b at cycle b (readable at b+1); the node takes beat b in at b+1 and, depth 4, its
    # output is readable at b+5, when the sink reads it: frame 0 ends at 15+5 = 20, first input read at 1
    r = simulate(one_thresholding(), frames=3, fifo_depths=2, engine=engine)
    assert r.latency_cycles == 20 == 16 + 4
    assert r.frame_done == [20, 36, 52] and r.interval_cycles == 16
    thr = r.nodes[1]
    assert (thr.busy, thr.starved, thr.blocked, thr.first_cycle, thr.last_cycle) == (48, 1, 0, 1, 48)


@pytest.mark.parametrize("engine", ENGINES)
def test_depth_one_fifos_halve_the_rate(engine):
    # a slot freed by a read at t is writable at t+1 and the beat readable at t+2: one beat every 2 cycles
    r = simulate(one_thresholding(), frames=3, fifo_depths=1, engine=engine)
    assert r.interval_cycles == 32
    assert r.nodes[1].starved > 0


def test_mvau_by_hand():
    # MW=8, MH=12, 3 vectors, PE=2, SIMD=4: SF=2, NF=6, 12 iterations per vector, 36 per frame; depth
    # 4 + log2(4) + 1 (thresholds) = 7. Input beats arrive long before the MVAU needs them, so iteration i
    # goes in at i+1 and the last output of frame 0 is readable at 36 + 7 = 43
    b = Builder((3, 8))
    g = b.graph(b.mvau("x", 12, pe=2, simd=4, vectors=3))
    node = build_network(g).nodes[1]
    assert (node.n, node.depth) == (36, 7)
    for engine in ENGINES:
        r = simulate(g, frames=4, fifo_depths=2, engine=engine)
        assert r.latency_cycles == 43 and r.interval_cycles == 36
        assert r.frame_done == [43, 79, 115, 151]


def test_chain_latency_is_sum_of_depths_when_nothing_waits():
    b = Builder((6, 4))
    g = b.graph(b.thr(b.thr("x", pe=2), pe=2))  # 12 beats, depths 4 and 4
    r = simulate(g, frames=2, fifo_depths=2)
    assert r.latency_cycles == 12 + 4 + 4 and r.interval_cycles == 12


def _cases(n, seed):
    rng = np.random.default_rng(seed)
    for trial in range(n):
        if trial % 2:
            g = linear(seed=trial, vectors=int(rng.integers(1, 5)), pe=tuple(int(x) for x in rng.choice([1, 2, 3, 6], 2)),
                       simd=tuple(int(x) for x in rng.choice([1, 2, 4, 8], 2)))
        else:
            g = residual(seed=trial, pixels=int(rng.integers(2, 10)), main_simd=int(rng.choice([1, 2, 4])),
                         main_pe=int(rng.choice([1, 2, 4])), whole_frame=bool(rng.integers(0, 2)))
        net = build_network(g)
        yield net, int(rng.integers(1, 4)), rng.integers(1, 12, size=len(net.edges))


def test_engines_agree_beat_for_beat():
    cols = [J, BUSY, STARVED, BLOCKED, FIRST, LAST]
    deadlocks = 0
    for net, frames, depths in _cases(120, seed=3):
        pk = packed(net, frames)
        ref = run(pk, depths, "cycle")
        deadlocks += ref.deadlock
        for engine in ENGINES[:-1]:
            r = run(pk, depths, engine)
            assert r.deadlock == ref.deadlock
            for a, b in zip(r.W + r.R, ref.W + ref.R):
                np.testing.assert_array_equal(a, b)
            if not ref.deadlock:  # after a deadlock the clock also counts stalls up to the cycle it noticed
                np.testing.assert_array_equal(r.state[:, cols], ref.state[:, cols])
    assert 0 < deadlocks < 120  # both kinds were exercised


def test_traces_agree():
    net = build_network(residual(pixels=6, main_simd=2))
    pk = packed(net, 2)
    d = net.depths(4)
    ts = [run(pk, d, e, trace=True).T for e in ENGINES]
    for t in ts[1:]:
        for a, b in zip(t, ts[0]):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("engine", ENGINES)
def test_undersized_shortcut_deadlocks_and_is_reported(engine):
    # the main branch reads the whole frame (16 pixels x 4 channels = 64 beats) before its first output, so the
    # shortcut (Dup out1 -> Thresholding -> AddStreams) must hold most of a frame; with 8-beat FIFOs it cannot
    g = residual(pixels=16, whole_frame=True)
    r = simulate(g, frames=2, fifo_depths=8, engine=engine)
    assert r.deadlock and r.interval_cycles is None and r.frame_done == []
    rep = r.deadlock_report
    assert "DEADLOCK" in rep and "DuplicateStreams_0" in rep and "AddStreams_0" in rep
    full = {x["fifo"] for x in r.deadlock_detail["full_fifos"]}
    assert "DuplicateStreams_0_out1" in full
    waiting = {w["node"]: w["reasons"] for w in r.deadlock_detail["waiting_nodes"]}
    assert any(x["waits_for"] == "space" and x["fifo"] == "DuplicateStreams_0_out1" for x in waiting["DuplicateStreams_0"])
    assert any(x["waits_for"] == "input" for x in waiting["AddStreams_0"])
    # deep enough, it runs
    assert not simulate(g, frames=2, fifo_depths=64, engine=engine).deadlock


def test_stall_accounting_adds_up():
    net = build_network(linear(seed=5, vectors=4))
    r = simulate(net, frames=3, fifo_depths=2)
    for n in r.nodes:
        assert n.busy == n.iterations == net.nodes[net.node_id(n.name)].n * 3
        assert n.busy + n.starved + n.blocked == n.last_cycle + 1
    assert max(r.fifo_max_occupancy.values()) <= 2


def test_fifo_depth_options():
    g = linear()
    net = build_network(g)
    assert (net.depths(None) == 2).all()
    assert (net.depths("naive") == [e.beats for e in net.edges]).all()
    d = net.depths({"MVAU_0_out0": 5})
    assert d[net.edge_id("MVAU_0_out0")] == 5
    with pytest.raises(KeyError):
        net.depths({"nope": 3})
    g.meta["fifo_depths"] = {"MVAU_0_out0": 7}
    assert build_network(g).depths(None)[net.edge_id("MVAU_0_out0")] == 7


def test_converter_inserted_where_beat_widths_differ():
    b = Builder((4, 8))
    h = b.mvau("x", 6, pe=3, simd=4, vectors=4)  # writes 3 elements per beat
    h = b.mvau(h, 4, pe=2, simd=2, vectors=4)  # reads 2
    net = build_network(b.graph(h))
    dwc = [n for n in net.nodes if n.op_type == "StreamingDataWidthConverter"]
    assert len(dwc) == 1 and dwc[0].implicit
    assert {"MVAU_0_out0", "MVAU_0_out0_dwc"} <= set(net.edge_names())
    r = simulate(net, frames=2, fifo_depths="naive", mode="data")
    assert r.matches_golden
