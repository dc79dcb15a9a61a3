"""FINN folding-config JSON: round trip, FINN name mapping, warnings, errors, atomicity."""
import json
import warnings

import numpy as np
import pytest

from codesign.hw.folding import FoldingWarning, apply_folding, folding_config, map_node_name, read_folding, write_folding
from codesign.ir import BIPOLAR, DataflowGraph, DataType, FoldingError, TensorInfo
from codesign.ir.ops import MVAU, ConvolutionInputGenerator, LabelSelect, StreamingMaxPool

U, S = (lambda b: DataType(b, False)), (lambda b: DataType(b, True))


def small_cnn():
    """SWG(8x8x4) -> MVAU_0 (36 -> 8) -> maxpool -> MVAU_1 (3*3*8 -> 10) -> LabelSelect."""
    rng = np.random.default_rng(0)
    ops, t = [], {"x": TensorInfo((8, 8, 4), U(4))}
    ops.append(ConvolutionInputGenerator(name="ConvolutionInputGenerator_0", inputs=["x"], outputs=["w0"], ifm=(8, 8, 4),
                                         kernel=(3, 3), stride=(1, 1), dt=U(4)))
    t["w0"] = TensorInfo((6, 6, 36), U(4))
    ops.append(MVAU(name="MVAU_0", inputs=["w0"], outputs=["h0"], mw=36, mh=8, spatial=(6, 6), idt=U(4), wdt=BIPOLAR,
                    acc_dt=S(10), odt=BIPOLAR, weights=rng.choice([-1, 1], (36, 8)),
                    thresholds=np.zeros((8, 1), dtype=np.int64)))
    t["h0"] = TensorInfo((6, 6, 8), BIPOLAR)
    ops.append(StreamingMaxPool(name="StreamingMaxPool_0", inputs=["h0"], outputs=["p0"], ifm=(6, 6, 8), dt=BIPOLAR))
    t["p0"] = TensorInfo((3, 3, 8), BIPOLAR)
    ops.append(MVAU(name="MVAU_1", inputs=["p0"], outputs=["y"], mw=72, mh=10, idt=BIPOLAR, wdt=BIPOLAR, acc_dt=S(8),
                    odt=S(8), weights=rng.choice([-1, 1], (72, 10))))
    t["y"] = TensorInfo((10,), S(8))
    ops.append(LabelSelect(name="LabelSelect_0", inputs=["y"], outputs=["k"], labels=10, k=1, idt=S(8)))
    t["k"] = TensorInfo((1,), U(4))
    g = DataflowGraph(ops, t, "x", "k", 1.0, "NHWC")
    g.check()
    return g


def state(g):
    return [(op.name, op.folding(), {a: getattr(op, a) for a in op.STYLE_ATTRS}) for op in g.ops]


@pytest.mark.parametrize("finn,ours", [
    ("MVAU_hls_0", ("MVAU_0", "hls")),
    ("MVAU_rtl_3", ("MVAU_3", "rtl")),
    ("MatrixVectorActivation_2", ("MVAU_2", None)),
    ("StreamingFCLayer_Batch_1", ("MVAU_1", "Batch")),
    ("VectorVectorActivation_0", ("VVAU_0", None)),
    ("ConvolutionInputGenerator_rtl_0", ("ConvolutionInputGenerator_0", "rtl")),
    ("Thresholding_Batch_0", ("Thresholding_0", "Batch")),
    ("LabelSelect_hls_0", ("LabelSelect_0", "hls")),
    ("StreamingDataWidthConverter_rtl_4", ("StreamingDataWidthConverter_4", "rtl")),
    ("MVAU_7", ("MVAU_7", None)),
])
def test_finn_name_mapping(finn, ours):
    assert map_node_name(finn) == ours


def test_apply_finn_style_config_with_suffixes_and_legacy_names(tmp_path):
    g = small_cnn()
    cfg = {
        "Defaults": {},
        "ConvolutionInputGenerator_rtl_0": {"SIMD": 2, "ram_style": "distributed"},
        "MatrixVectorActivation_0": {"PE": 4, "SIMD": 12, "ram_style": "block", "resType": "lut", "mem_mode": "decoupled"},
        "MVAU_hls_1": {"PE": 5, "SIMD": 8},
        "StreamingMaxPool_Batch_0": {"PE": 8},
        "LabelSelect_hls_0": {"PE": 2},
    }
    p = tmp_path / "f.json"
    p.write_text(json.dumps(cfg))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing here deserves a warning
        done = apply_folding(g, p)
    assert done == ["ConvolutionInputGenerator_0", "MVAU_0", "MVAU_1", "StreamingMaxPool_0", "LabelSelect_0"]
    swg, m0, mp, m1, ls = g.ops
    assert (swg.simd, swg.ram_style) == (2, "distributed")
    assert (m0.pe, m0.simd, m0.ram_style, m0.res_type, m0.mem_mode) == (4, 12, "block", "lut", "internal_decoupled")
    assert (m1.pe, m1.simd, mp.pe, ls.pe) == (5, 8, 8, 2)


def test_round_trip(tmp_path):
    g = small_cnn()
    apply_folding(g, {"MVAU_0": {"PE": 2, "SIMD": 9, "ram_style": "distributed"}, "ConvolutionInputGenerator_0": {"SIMD": 4}})
    p = write_folding(g, tmp_path / "out.json")
    cfg = json.loads(p.read_text())
    assert cfg["Defaults"] == {}
    assert cfg["MVAU_0"] == {"PE": 2, "SIMD": 9, "ram_style": "distributed", "resType": "auto",
                             "mem_mode": "internal_embedded"}
    assert cfg["StreamingMaxPool_0"] == {"PE": 1}
    g2 = small_cnn()
    apply_folding(g2, p)
    assert state(g2) == state(g)
    # FINN >= 0.10 node names
    named = folding_config(g, suffix="hls")
    assert "MVAU_hls_0" in named and "ConvolutionInputGenerator_hls_0" in named
    g3 = small_cnn()
    apply_folding(g3, named)
    assert state(g3) == state(g)


def test_unknown_node_and_unsupported_attribute_warn_and_are_skipped():
    g = small_cnn()
    with pytest.warns(FoldingWarning) as rec:
        apply_folding(g, {"Thresholding_hls_0": {"PE": 49}, "MVAU_0": {"PE": 2, "runtime_writeable_weights": 1},
                          "StreamingMaxPool_0": {"SIMD": 2, "ram_style": "block"}})
    msgs = [str(r.message) for r in rec]
    assert any("Thresholding_hls_0" in m and "no node" in m for m in msgs)
    assert any("MVAU_0" in m and "runtime_writeable_weights" in m for m in msgs)
    assert any("StreamingMaxPool_0" in m and "SIMD" in m for m in msgs)
    assert any("StreamingMaxPool_0" in m and "ram_style" in m for m in msgs)
    assert g.ops[1].pe == 2  # the rest was applied


def test_illegal_value_names_node_value_and_legal_ones():
    g = small_cnn()
    with pytest.raises(FoldingError) as ei:
        apply_folding(g, {"MVAU_hls_0": {"PE": 3}})
    msg = str(ei.value)
    assert "MVAU_0" in msg and "PE=3" in msg and "[1, 2, 4, 8]" in msg
    with pytest.raises(FoldingError, match="ram_style='huge'.*'distributed'"):
        apply_folding(g, {"MVAU_0": {"ram_style": "huge"}})
    with pytest.raises(FoldingError, match="SIMD='4'"):
        apply_folding(g, {"MVAU_0": {"SIMD": "4"}})


def test_all_or_nothing():
    g = small_cnn()
    before = state(g)
    with pytest.raises(FoldingError) as ei:
        apply_folding(g, {"MVAU_0": {"PE": 4, "SIMD": 12}, "ConvolutionInputGenerator_0": {"SIMD": 2},
                          "MVAU_1": {"PE": 3}, "LabelSelect_0": {"PE": 7}})
    assert state(g) == before  # nothing applied
    assert "MVAU_1" in str(ei.value) and "LabelSelect_0" in str(ei.value)  # every problem reported


def test_defaults_apply_by_op_type_and_entries_override():
    g = small_cnn()
    apply_folding(g, {"Defaults": {"ram_style": ["block", ["MVAU_hls"]], "PE": [2, "all"]},
                      "MVAU_1": {"ram_style": "distributed", "PE": 5}})
    swg, m0, mp, m1, ls = g.ops
    assert m0.ram_style == "block" and m1.ram_style == "distributed"
    assert (m0.pe, m1.pe, mp.pe, ls.pe) == (2, 5, 2, 2)
    assert swg.ram_style == "auto"  # not an MVAU
    with pytest.raises(FoldingError, match="Defaults"):
        apply_folding(g, {"Defaults": {"PE": 4}})


def test_read_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(FoldingError, match="not valid JSON"):
        read_folding(bad)
    with pytest.raises(FoldingError, match="cannot read"):
        read_folding(tmp_path / "missing.json")
