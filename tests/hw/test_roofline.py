"""Roofline numbers by hand on the two-MVAU graph, and the plot."""
import pytest

from codesign.hw.estimate import estimate
from codesign.hw.roofline import peak_ops_per_s, plot_roofline
from test_estimate import two_mvaus


def test_roofline_numbers_by_hand():
    g = two_mvaus()
    e = estimate(g, "Pynq-Z1", 100.0)
    rf = e["roofline"]
    l0, l1 = rf["layers"]
    # MACs: 8*8 = 64 and 8*4 = 32 -> ops 128 and 64 per frame
    assert (l0["macs_per_frame"], l0["ops_per_frame"], l1["ops_per_frame"]) == (64, 128, 64)
    assert (l0["precision"], l1["precision"]) == ("W1A2", "W1A1")
    # off-chip bytes: MVAU_0 reads the input frame (16 bits = 2 bytes), MVAU_1 writes the output (20 bits = 2.5 B)
    assert l0["offchip_bytes_per_frame"] == 2 and l1["offchip_bytes_per_frame"] == 2.5
    assert l0["arithmetic_intensity"] == pytest.approx(64) and l1["arithmetic_intensity"] == pytest.approx(25.6)
    assert l0["weights_on_chip"] and l0["weight_bytes"] == 8
    # design: 192 ops / 4.5 bytes ; achieved = 192 * 6.25e6 fps = 1.2e9 ops/s
    d = rf["design"]
    assert d["ops_per_frame"] == 192 and d["offchip_bytes_per_frame"] == 4.5
    assert d["arithmetic_intensity"] == pytest.approx(192 / 4.5)
    assert d["achieved_ops_per_s"] == pytest.approx(1.2e9)
    # layer roof: its own folding alone, ops * f / cycles: 128 * 1e8 / 8 = 1.6e9
    assert l0["layer_roof_ops_per_s"] == pytest.approx(1.6e9)
    assert rf["ddr_bytes_per_s"] == pytest.approx(2.1e9) and rf["dma_bytes_per_s"] == pytest.approx(8e8)


def test_peak_at_precision_by_hand():
    # W1A1 on Pynq-Z1: popcount adder_tree(1024, 1): level k has 2^(10-k) adders of k bits:
    # 512 + 512 + 384 + 256 + 160 + 96 + 56 + 32 + 18 + 10 = 2036 LUT -> 2036/1024 = 1.988 LUT per MAC ;
    # no DSP ; peak 2 * 100e6 * 53200 / 1.988 ops/s
    p = peak_ops_per_s("Pynq-Z1", 100e6, 1, 1)
    assert p["luts_per_mac"] == pytest.approx(2036 / 1024)
    assert p["macs_per_dsp"] == 0
    assert p["peak_ops_per_s"] == pytest.approx(2 * 100e6 * 53200 / (2036 / 1024))
    # W8A8 on KV260: 2 MACs per DSP48E2 (WP487) -> DSP part 2 * 200e6 * 1248 * 2
    q = peak_ops_per_s("KV260", 200e6, 8, 8)
    assert q["macs_per_dsp"] == 2 and q["dsp_ops_per_s"] == pytest.approx(2 * 200e6 * 1248 * 2)
    # same on Pynq-Z1: 1 MAC per DSP48E1
    assert peak_ops_per_s("Pynq-Z1", 100e6, 8, 8)["macs_per_dsp"] == 1
    # lower precision, more peak
    assert peak_ops_per_s("Pynq-Z1", 100e6, 2, 2)["peak_ops_per_s"] > peak_ops_per_s("Pynq-Z1", 100e6, 4, 4)["peak_ops_per_s"]


def test_plot_roofline_writes_png(tmp_path):
    e = estimate(two_mvaus(), "KV260", 200.0)
    out = plot_roofline(e, tmp_path / "roof.png")
    assert (tmp_path / "roof.png").read_bytes()[:4] == b"\x89PNG" and str(out).endswith("roof.png")
