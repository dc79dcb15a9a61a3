"""Network estimate on tiny hand-built graphs: throughput roofs, bottleneck, latency, converters, fit."""
import copy
import json
from pathlib import Path

import numpy as np
import pytest

from codesign.hw import boards as B
from codesign.hw.estimate import estimate, stream_nodes
from codesign.ir import BIPOLAR, DataflowGraph, DataType, TensorInfo
from codesign.ir.ops import MVAU

U, S = (lambda b: DataType(b, False)), (lambda b: DataType(b, True))
BOARD_DIR = Path(B.__file__).parent / "boards"


def two_mvaus(in_len=8, in_dt=U(2), a=(8, 8, 2, 4), b=(8, 4, 1, 2)):
    """x -> MVAU_0 (mw, mh, pe, simd; thresholds to BIPOLAR) -> MVAU_1 (no activation, INT5 out)."""
    rng = np.random.default_rng(0)
    mw0, mh0, pe0, simd0 = a
    mw1, mh1, pe1, simd1 = b
    m0 = MVAU(name="MVAU_0", inputs=["x"], outputs=["h"], mw=mw0, mh=mh0, idt=in_dt, wdt=BIPOLAR, acc_dt=S(12),
              odt=BIPOLAR, weights=rng.choice([-1, 1], (mw0, mh0)), thresholds=np.zeros((mh0, 1), dtype=np.int64),
              pe=pe0, simd=simd0)
    m1 = MVAU(name="MVAU_1", inputs=["h"], outputs=["y"], mw=mw1, mh=mh1, idt=BIPOLAR, wdt=BIPOLAR, acc_dt=S(5), odt=S(5),
              weights=rng.choice([-1, 1], (mw1, mh1)), pe=pe1, simd=simd1)
    tensors = {"x": TensorInfo((in_len,), in_dt), "h": TensorInfo((mh0,), BIPOLAR), "y": TensorInfo((mh1,), S(5))}
    g = DataflowGraph([m0, m1], tensors, "x", "y", 1.0, "NHWC")
    g.check()
    return g


def test_compute_bound_pair_by_hand():
    g = two_mvaus()
    e = estimate(g, "Pynq-Z1", 100.0)
    # cycles: MVAU_0 (8/2)*(8/4) = 8 ; MVAU_1 (4/1)*(8/2) = 16 -> bottleneck MVAU_1, 16 cycles
    assert [l["cycles"] for l in e["layers"]] == [8, 16]
    assert (e["max_cycles"], e["bottleneck"]) == (16, "MVAU_1")
    # compute roof 100e6 / 16 = 6.25e6 fps ; bits in 8*2 = 16, out 4*5 = 20 ; I/O roof 64 * 100e6 / 20 = 3.2e8
    assert e["bits_in_per_frame"] == 16 and e["bits_out_per_frame"] == 20
    assert e["compute_roof_fps"] == pytest.approx(6.25e6)
    assert e["io_roof_fps"] == pytest.approx(3.2e8)
    assert e["throughput_fps"] == pytest.approx(6.25e6)
    assert e["io_bound"] is False and e["limited_by"] == "compute" and e["memory_roof_fps"] is None
    # latency (overlap model): input DMA F=0, E=ceil(16/64)=1
    #  MVAU_0: input_fraction 1, first SF=2, tail (NF-1)*SF+1 = 7, T=8:
    #          F = max(0+2, 0+1*(1-0)+1) = 2 ; E = max(2+(8-2), 1+7) = 8
    #  MVAU_1: first SF=4, tail 3*4+1 = 13, T=16:
    #          F = max(2+4, 2+1*(8-2)+1) = 9 ; E = max(9+(16-4), 8+13) = 21
    assert e["latency_cycles"] == 21
    assert e["latency_us"] == pytest.approx(0.21)
    # FINN's plain sum along the path: 8 + 16 = 24
    assert e["latency_cycles_finn"] == 24
    # totals are the sum of the layers; the result is JSON as is
    for k in ("LUT", "FF", "BRAM18", "URAM", "DSP"):
        assert e["resources"][k] == sum(l[k] for l in e["layers"])
    json.dumps(e, allow_nan=False)


def test_io_bound_pair_by_hand():
    # 64 UINT8 inputs = 512 bits per frame; both layers fully parallel (1 cycle each)
    g = two_mvaus(in_len=64, in_dt=U(8), a=(64, 8, 8, 64), b=(8, 4, 4, 8))
    e = estimate(g, "Pynq-Z1", 100.0)
    assert e["max_cycles"] == 1 and e["bottleneck"] == "MVAU_0"  # tie: the first slowest node
    # I/O roof 64 bits * 100e6 / max(512, 20) = 1.25e7 < compute roof 1e8
    assert e["io_roof_fps"] == pytest.approx(1.25e7) and e["compute_roof_fps"] == pytest.approx(1e8)
    assert e["throughput_fps"] == pytest.approx(1.25e7) and e["io_bound"] is True
    # latency: DMA delivers 512/64 = 8 beats: E_src = 8
    #  MVAU_0: F = max(0+1, 0+8+1) = 9 ; E = max(9+0, 8+1) = 9
    #  MVAU_1: F = max(9+1, 9+0+1) = 10 ; E = max(10+0, 9+1) = 10
    assert e["latency_cycles"] == 10 and e["latency_cycles_finn"] == 2
    # a 128-bit port (Ultra96-V2) doubles the I/O roof
    assert estimate(g, "Ultra96-V2", 100.0)["io_roof_fps"] == pytest.approx(2.5e7)


def test_converter_inserted_and_graph_untouched():
    g = two_mvaus(b=(8, 4, 1, 4))  # MVAU_0 emits 2 lanes, MVAU_1 reads 4
    before = copy.deepcopy([(op.name, list(op.inputs), list(op.outputs)) for op in g.ops])
    e = estimate(g, "Pynq-Z1", 100.0)
    assert [(op.name, op.inputs, op.outputs) for op in g.ops] == [(n, i, o) for n, i, o in before]
    names = [l["name"] for l in e["layers"]]
    assert names == ["MVAU_0", "StreamingDataWidthConverter_0", "MVAU_1"]
    dwc = e["layers"][1]
    assert dwc["inserted"] and dwc["between"] == ["MVAU_0", "MVAU_1"]
    assert (dwc["in_width"], dwc["out_width"]) == (2, 4)
    # codesign: 8 one-bit elements / 2 bits per beat on the narrow side = 4 cycles
    assert dwc["cycles"] == 4
    assert e["converters_inserted"] == ["StreamingDataWidthConverter_0"]
    # up-converter 2 -> 4: counters(2) 2 LUT 1 FF + 2 ports 4/4 -> 6 LUT, 4 + 1 + 4 = 9 FF
    assert (dwc["LUT"], dwc["FF"]) == (6, 9)
    # FINN estimator: FINN's formula (2 x elements = 16 cycles) is listed but not in max_cycles
    f = estimate(g, "Pynq-Z1", 100.0, "finn")
    assert f["layers"][1]["cycles"] == 16 and f["max_cycles"] == 8 and f["bottleneck"] == "MVAU_0"
    # stream_nodes works on copies too
    nodes = stream_nodes(g)
    assert len(nodes) == 3 and g.ops[1].inputs == ["h"]


def test_memory_roof_only_for_external_weights(tmp_path):
    g = two_mvaus()
    g.ops[1].mem_mode = "external"
    slow = json.loads((BOARD_DIR / "Pynq-Z1.json").read_text()) | {"name": "SlowDDR", "aliases": [],
                                                                   "ddr_bandwidth_gbps": 0.0001}
    p = tmp_path / "slow.json"
    p.write_text(json.dumps(slow))
    e = estimate(g, str(p), 100.0)
    # external weights 8*4*1 bits per frame; DDR 0.0001 GB/s = 8e5 bit/s over 32 + 16 + 20 = 68 bits
    assert e["offchip_weight_bits_per_frame"] == 32
    assert e["memory_roof_fps"] == pytest.approx(8e5 / 68)
    assert e["memory_bound"] is True and e["limited_by"] == "memory"
    assert e["throughput_fps"] == pytest.approx(8e5 / 68)


def test_budget_limits_and_fit():
    g = two_mvaus()
    e = estimate(g, "Pynq-Z1")
    assert e["clock_mhz"] == 100.0  # the board's default
    assert e["fits"] is True and e["over_budget"] == []
    assert e["utilisation"]["LUT"] == pytest.approx(e["resources"]["LUT"] / 53200)
    assert e["budget"]["LUT"] == pytest.approx(53200 * 0.7)
    tight = estimate(g, "Pynq-Z1", limits=0.001)
    assert tight["fits"] is False and "LUT" in tight["over_budget"]
    with pytest.raises(ValueError):
        estimate(g, "Pynq-Z1", clock_mhz=0)
    with pytest.raises(ValueError, match="known boards"):
        estimate(g, "NoSuchBoard")
