"""FIFO sizing: the sized depths keep the unbounded-FIFO interval, are minimal one FIFO at a time (one beat
less on a FIFO that matters costs throughput or deadlocks, as in hardware), and cost less than naive
whole-frame FIFOs; residual shortcuts are where depth is needed."""
import time

from codesign.hw import finn_formulas as F
from codesign.sim import apply_fifo_depths, build_network, fifo_cost, simulate, size_fifos
from conftest import fold_cnv
from graphs import residual


def _check_minimal(net, sizing, frames, names):
    for name in names:
        d = dict(sizing.depths)
        assert d[name] > sizing.min_depth
        d[name] -= 1
        r = simulate(net, frames=frames, fifo_depths=d)
        assert r.deadlock or r.interval_cycles > sizing.interval_unbounded, name


def test_hand_built_residual_shortcut():
    net = build_network(residual(pixels=16, whole_frame=True))
    s = size_fifos(net, frames=3)
    assert s.interval_sized == s.interval_unbounded == net.max_schedule_cycles()[1]
    assert not s.deadlock_naive and s.interval_naive == s.interval_unbounded
    shortcut = ["DuplicateStreams_0_out1", "Thresholding_0_out0"]
    # the main branch reads all 64 beats before its first output: the shortcut holds the rest of the frame
    held = sum(s.depths[n] for n in shortcut)
    assert 48 <= held <= 64
    _check_minimal(net, s, 3, [n for n in shortcut if s.depths[n] > s.min_depth])
    # the design as built (2-deep FIFOs) deadlocks, and the report says where
    r = simulate(net, frames=3)
    assert r.deadlock and "DuplicateStreams_0_out1" in r.deadlock_report


def test_resnet8_shortcuts(load_design):
    g = load_design("resnet8")
    net = build_network(g)
    t0 = time.perf_counter()
    s = size_fifos(net, frames=3)
    assert time.perf_counter() - t0 < 20
    assert s.interval_sized == s.interval_unbounded == net.max_schedule_cycles()[1]
    assert simulate(net, frames=3).deadlock  # FINN's default depth 2 everywhere deadlocks on the residual blocks
    # each residual block's shortcut must buffer while the main branch (pad, window, conv, pad, window, conv)
    # fills its line buffers; the stride-2 blocks' shortcuts carry a 1x1 conv (window + MVAU)
    shortcuts = {
        0: ["DuplicateStreams_0_out1", "Thresholding_0_out0"],
        1: ["DuplicateStreams_1_out1", "ConvolutionInputGenerator_4_out0", "MVAU_4_out0"],
        2: ["DuplicateStreams_2_out1", "ConvolutionInputGenerator_7_out0", "MVAU_7_out0"],
    }
    for block, path in shortcuts.items():
        assert sum(s.depths[n] for n in path) > 100, (block, {n: s.depths[n] for n in path})
    deep = [n for path in shortcuts.values() for n in path if s.depths[n] > s.min_depth]
    _check_minimal(net, s, 3, deep)
    # cheaper than naive whole-frame FIFOs, which also work
    assert not s.deadlock_naive and s.interval_naive == s.interval_unbounded
    assert s.totals["sized"]["bram18"] <= s.totals["naive"]["bram18"]
    assert s.totals["sized"]["lut"] < s.totals["naive"]["lut"]
    # recorded in the design, they become its own depths (and are saved with it)
    apply_fifo_depths(g, s.depths)
    assert simulate(g, frames=3).interval_cycles == s.interval_unbounded


def test_cnv_bnn_pynq_folding(load_design):
    net = build_network(fold_cnv(load_design("cnv")))
    t0 = time.perf_counter()
    s = size_fifos(net, frames=3)
    seconds = time.perf_counter() - t0
    assert seconds < 15
    # MVAU_6 and MVAU_7 (PE 1, SIMD 4 / 8): 512 * 64 cycles, FINN's formula, the BNN-PYNQ CNV bound
    finn = max(F.mvau_exp_cycles(op.mw, op.mh, op.pe, op.simd, op.num_vectors) for op in net.graph.ops if op.OP_TYPE == "MVAU")
    assert s.interval_unbounded == s.interval_sized == finn == 32768
    assert s.totals["sized"]["bram18"] < s.totals["naive"]["bram18"]
    # converters appear around the all-channel max pools, as FINN inserts them
    assert sum(n.op_type == "StreamingDataWidthConverter" for n in net.nodes) >= 4


def test_fifo_cost_model():
    assert fifo_cost(2, 32) == {"lut": F.fifo_lut_estimation(2, 32), "bram18": 0, "impl": "rtl"}
    big = fifo_cost(1024, 36)
    assert big["impl"] == "vivado/block" and big["bram18"] == F.fifo_bram_estimation(1024, 36, impl_style="vivado", ram_style="block") > 0
