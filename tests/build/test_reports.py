"""Report parsers on hand-written samples in the vendors' formats."""
from pathlib import Path

import pytest

from codesign.build.reports import ReportError, actual_vs_estimate, parse_csynth_xml, parse_timing_summary, parse_utilization

S = Path(__file__).with_name("samples")


def test_utilization_7series():
    u = parse_utilization(S / "utilization_z7.rpt")
    # 124.5 Block RAM tiles (RAMB36 each) = 249 RAMB18
    assert u["used"] == {"LUT": 25358, "FF": 31241, "BRAM18": 249, "URAM": 0, "DSP": 24}
    assert u["available"] == {"LUT": 53200, "FF": 106400, "BRAM18": 280, "URAM": 0, "DSP": 220}


def test_utilization_ultrascale():
    u = parse_utilization(S / "utilization_zu.rpt")
    assert u["used"] == {"LUT": 40112, "FF": 52003, "BRAM18": 300, "URAM": 0, "DSP": 120}
    assert u["available"]["BRAM18"] == 432


def test_timing_summary_negative_slack():
    t = parse_timing_summary(S / "timing_summary.rpt", clock_mhz=100.0)
    assert t["wns_ns"] == -0.412 and not t["met"]
    assert t["fmax_mhz"] == round(1000 / 10.412, 2)


def test_csynth():
    r = parse_csynth_xml(S / "csynth.xml")
    assert r["resources"] == {"LUT": 9876, "FF": 5321, "BRAM18": 12, "URAM": 0, "DSP": 0}
    assert r["estimated_clock_period_ns"] == 7.3 and r["interval_cycles"] == 1025


def test_side_by_side():
    u = parse_utilization(S / "utilization_z7.rpt")
    rows = actual_vs_estimate(u, {"resources": {"LUT": 20000, "FF": 30000, "BRAM18": 249, "URAM": 0, "DSP": 12}})
    assert rows["LUT"] == {"actual": 25358, "estimate": 20000, "ratio": round(20000 / 25358, 3)}
    assert rows["URAM"]["ratio"] is None


def test_malformed_reports_are_named(tmp_path):
    bad = tmp_path / "u.rpt"
    bad.write_text("| Slice LUTs | x | 0 | 0 | y |\n")
    with pytest.raises(ReportError, match="u.rpt"):
        parse_utilization(bad)
    with pytest.raises(ReportError, match="WNS"):
        parse_timing_summary(bad, 100)
    (tmp_path / "c.xml").write_text("<profile>")
    with pytest.raises(ReportError, match="not valid XML"):
        parse_csynth_xml(tmp_path / "c.xml")
