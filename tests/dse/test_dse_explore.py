"""`codesign explore`: one folded design (dse.json, design folder, FINN folding config), and a small
bit-width search that resumes from its cache."""
import json

import pytest
from click.testing import CliRunner

from codesign.dse.cli_explore import explore_command
from codesign.dse.explore import ExploreConfig, explore
from codesign.hw.boards import budget
from codesign.hw.folding import apply_folding, read_folding
from codesign.ir.graph import DataflowGraph


def _run(args):
    r = CliRunner().invoke(explore_command, args, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


@pytest.mark.parametrize("strategy", ["codesign", "finn"])
def test_explore_single_design(tmp_path, strategy):
    out = _run(["--model", "tfc", "--dataset", "digits", "--board", "Pynq-Z1", "--limits", "0.1", "--strategy", strategy,
                "--json", str(tmp_path / "dse.json"), "-o", str(tmp_path / "design"), "--plot", str(tmp_path / "p.png"), "--quiet"])
    assert "fps" in out
    doc = json.loads((tmp_path / "dse.json").read_text())
    best = doc["best"]
    for key in ("throughput_fps", "resources", "utilisation", "folding", "bits"):
        assert key in best
    assert best["fits"] and doc["evaluated"] == 1 and doc["pareto"] and doc["seconds"] > 0
    bud = budget("Pynq-Z1", 0.1)
    assert all(best["resources"][k] <= bud[k] + 1e-9 for k in bud)
    g = DataflowGraph.load(tmp_path / "design")
    assert {op.name: op.folding() for op in g.ops if op.folding()} == {k: v for k, v in best["folding"].items() if v}
    apply_folding(g, read_folding(tmp_path / "design" / "folding_config.json"))  # FINN format, legal values
    apply_folding(g, read_folding(tmp_path / "dse_folding.json"))
    assert (tmp_path / "p.png").stat().st_size > 0


def test_explore_bad_board_is_a_clean_error(tmp_path):
    r = CliRunner().invoke(explore_command, ["--board", "NoSuchBoard", "--json", str(tmp_path / "d.json"), "--quiet"])
    assert r.exit_code == 2 and "unknown board" in r.output


def test_bit_search_pareto_and_resume(tmp_path):
    cfg = ExploreConfig(model="tfc", board="Pynq-Z1", limits=0.1, search_bits=[1, 2], act_bits=[1], dataset="digits",
                        ref_epochs=1, max_evals=3, confirm=2, confirm_epochs=1, executor="serial", progress=False)
    doc = explore(cfg, tmp_path)
    assert doc["evaluated"] == 3 and doc["pareto"]
    bud = budget("Pynq-Z1", 0.1)
    for p in doc["pareto"]:  # every point is a complete design within the budget
        assert p["fits"] and len(p["bits"]) == 4 and p["folding"] and p["throughput_fps"] > 0
        assert all(p["resources"][k] <= bud[k] + 1e-9 for k in bud)
        assert p["proxy"] >= 0
    assert sum(p.get("qat_accuracy") is not None for p in doc["pareto"]) == min(2, len(doc["pareto"]))
    assert doc["best"]["bits"] in [p["bits"] for p in doc["pareto"]]
    assert {tuple(u["bits"][0]) for u in doc["uniform"]} == {(1, 1), (2, 1)}
    lines = (tmp_path / "evaluated.jsonl").read_text().splitlines()
    qat = (tmp_path / "qat.jsonl").read_text().splitlines()
    again = explore(cfg, tmp_path)  # resumes: nothing is evaluated or trained again
    assert (tmp_path / "evaluated.jsonl").read_text().splitlines() == lines
    assert (tmp_path / "qat.jsonl").read_text().splitlines() == qat
    assert again["pareto"] == doc["pareto"]


def test_study_spec_and_cli_override(tmp_path):
    spec = tmp_path / "study.yaml"
    spec.write_text("name: t\nmodel: tfc\ndataset: digits\nboard: Pynq-Z1\nlimits: 0.1\nstrategy: finn\n")
    _run(["--study", str(spec), "--strategy", "codesign", "--json", str(tmp_path / "dse.json"), "--quiet"])
    doc = json.loads((tmp_path / "dse.json").read_text())
    assert doc["strategy"] == "codesign" and doc["config"]["limits"] == 0.1 and doc["input_shape"] == [1, 8, 8]
    bad = tmp_path / "bad.json"
    bad.write_text('{"model": "tfc", "boards": "x"}')
    r = CliRunner().invoke(explore_command, ["--study", str(bad), "--json", str(tmp_path / "x.json"), "--quiet"])
    assert r.exit_code == 2 and "unknown keys ['boards']" in r.output


@pytest.mark.parametrize("path", ["cnv_w1a1_pynq.yaml", "mobilenet_w4a4_ultra96.yaml", "tfc_digits_mixed.yaml"])
def test_shipped_study_specs_load(path):
    from pathlib import Path

    from codesign.dse.study import load_study

    cfg, meta = load_study(Path(__file__).resolve().parents[2] / "dse" / path)
    assert meta["name"] == path.split(".")[0] and cfg.model
