"""Data mode: values carried through the simulated streams equal the golden model; a schedule that writes a
beat before reading what it depends on is reported."""
import numpy as np

from codesign.ir import DataType
from codesign.ir.ops import (
    MVAU, VVAU, ConvolutionInputGenerator, FMPadding, GlobalAccPool, LabelSelect, StreamingMaxPool, Thresholding,
)
from codesign.sim import build_network, simulate
from graphs import UINT2, Builder, linear, residual


def every_op_graph():
    """pad -> depthwise window -> VVAU -> max pool -> global pool -> thresholds -> MVAU -> top-k, with
    converters between differing beat widths."""
    b = Builder((6, 6, 4), seed=3)
    rng = b.rng
    h = b.add(FMPadding, ["x"], ifm=(6, 6, 4), pads=(1, 1, 1, 1), dt=UINT2, simd=2)
    h = b.add(ConvolutionInputGenerator, [h], ifm=(8, 8, 4), kernel=(3, 3), stride=(1, 1), dt=UINT2, depthwise=True, simd=2)
    h = b.add(VVAU, [h], channels=4, kernel=(3, 3), spatial=(6, 6), idt=UINT2, wdt=DataType(2, True), acc_dt=DataType(8, True),
              odt=UINT2, weights=rng.integers(-2, 2, (4, 9)), thresholds=np.sort(rng.integers(-8, 8, (4, 3)), 1), pe=2, simd=1)
    h = b.add(StreamingMaxPool, [h], ifm=(6, 6, 4), kernel=(2, 2), stride=(2, 2), dt=UINT2, pe=4)
    h = b.add(GlobalAccPool, [h], ifm=(3, 3, 4), idt=UINT2, odt=DataType(5, False), pe=2)
    h = b.add(Thresholding, [h], channels=4, spatial=(), idt=DataType(5, False), odt=UINT2,
              thresholds=np.sort(rng.integers(0, 28, (4, 3)), 1), pe=1)
    h = b.add(MVAU, [h], mw=4, mh=10, spatial=(), idt=UINT2, wdt=DataType(2, True), acc_dt=DataType(8, True),
              odt=DataType(8, True), weights=rng.integers(-2, 2, (4, 10)), thresholds=None, pe=5, simd=2)
    h = b.add(LabelSelect, [h], labels=10, k=2, idt=DataType(8, True), pe=5)
    return b.graph(h)


def test_every_op_in_data_mode():
    g = every_op_graph()
    net = build_network(g)
    assert sum(n.op_type == "StreamingDataWidthConverter" for n in net.nodes) >= 3
    x = np.random.default_rng(0).integers(0, 4, size=(3, 6, 6, 4))
    for depths in ("naive", "unbounded"):
        r = simulate(net, frames=3, fifo_depths=depths, mode="data", inputs=x)
        assert r.matches_golden and not r.causality_violations
        np.testing.assert_array_equal(r.outputs, g.execute(x)[g.output_name])
        assert len(r.output_beat_cycles) == 3 * 2 and (np.diff(r.output_beat_cycles) > 0).all()


def test_hand_built_graphs_in_data_mode():
    for g in (linear(seed=2, vectors=3), residual(pixels=8, main_simd=2, whole_frame=True)):
        r = simulate(g, frames=2, fifo_depths="naive", mode="data")
        assert r.matches_golden


def test_zoo_resnet8_in_data_mode(load_design):
    g = load_design("resnet8")
    r = simulate(g, frames=2, fifo_depths="naive", mode="data")
    assert r.matches_golden and r.outputs.shape == (2, 10)


def test_a_schedule_that_writes_too_early_is_caught(monkeypatch):
    g = linear(seed=1, vectors=2)
    op = g.node("Thresholding_0")
    honest = type(op).schedule

    def early(self):
        s = honest(self)
        s["reads"] = [s["reads"][0] + 1]  # read each beat one iteration after writing its output
        s["n"] += 1
        return s

    monkeypatch.setattr(type(op), "schedule", early)
    r = simulate(g, frames=2, fifo_depths="naive", mode="data")
    assert not r.matches_golden and r.causality_violations
    assert r.causality_violations[0].startswith("Thresholding_0")
