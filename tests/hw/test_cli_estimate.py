"""`codesign estimate` through click's CliRunner."""
import json

import pytest
from click.testing import CliRunner

from codesign.hw.cli_estimate import estimate_command
from test_estimate import two_mvaus


@pytest.fixture
def design(tmp_path):
    return str(two_mvaus().save(tmp_path / "design"))


def run(*args):
    return CliRunner().invoke(estimate_command, list(args))


def test_estimate_prints_and_writes_json_and_plot(design, tmp_path):
    out_json, out_png = tmp_path / "e.json", tmp_path / "r.png"
    r = run(design, "--json", str(out_json), "--plot", str(out_png))
    assert r.exit_code == 0, r.output
    assert "Pynq-Z1" in r.output and "MVAU_1" in r.output and "throughput" in r.output
    est = json.loads(out_json.read_text())
    assert est["board"] == "Pynq-Z1" and est["clock_mhz"] == 100.0 and est["estimator"] == "codesign"
    assert est["max_cycles"] == 16 and est["bottleneck"] == "MVAU_1"
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_board_clock_estimator_and_folding(design, tmp_path):
    fold = tmp_path / "fold.json"
    fold.write_text(json.dumps({"MVAU_hls_1": {"PE": 4, "SIMD": 8}, "Thresholding_hls_0": {"PE": 2}}))
    out_json = tmp_path / "e.json"
    r = run(design, "--board", "kv260_som", "--clock-mhz", "250", "--estimator", "finn", "--folding", str(fold),
            "--json", str(out_json))
    assert r.exit_code == 0, r.output
    assert "warning:" in r.output and "Thresholding_hls_0" in r.output
    est = json.loads(out_json.read_text())
    assert (est["board"], est["clock_mhz"], est["estimator"]) == ("KV260", 250.0, "finn")
    # MVAU_1 now takes (4/4)*(8/8) = 1 cycle; MVAU_0 (8 cycles) is the bottleneck
    assert est["bottleneck"] == "MVAU_0" and est["max_cycles"] == 8


def test_unknown_board_lists_known_ones(design):
    r = run(design, "--board", "ZCU999")
    assert r.exit_code == 2
    assert "ZCU999" in r.output and "Pynq-Z1" in r.output and "KV260" in r.output


def test_bad_folding_exits_2_naming_node_and_legal_values(design, tmp_path):
    fold = tmp_path / "fold.json"
    fold.write_text(json.dumps({"MVAU_0": {"PE": 3}}))
    r = run(design, "--folding", str(fold))
    assert r.exit_code == 2
    assert "MVAU_0" in r.output and "PE=3" in r.output and "legal values" in r.output
    fold.write_text("{broken")
    r = run(design, "--folding", str(fold))
    assert r.exit_code == 2 and "not valid JSON" in r.output


def test_missing_design_and_bad_clock(tmp_path, design):
    r = run(str(tmp_path / "nothing"))
    assert r.exit_code == 2 and "design.json" in r.output
    r = run(design, "--clock-mhz", "-5")
    assert r.exit_code == 2 and "clock" in r.output


def test_board_json_path(design, tmp_path):
    from codesign.hw import boards as B
    from pathlib import Path

    d = json.loads((Path(B.__file__).parent / "boards" / "ZCU104.json").read_text()) | {"name": "Mine", "aliases": []}
    p = tmp_path / "mine.json"
    p.write_text(json.dumps(d))
    r = run(design, "--board", str(p))
    assert r.exit_code == 0, r.output
    assert "Mine" in r.output
