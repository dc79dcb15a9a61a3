"""`codesign simulate` (codesign.sim.cli_simulate.simulate_command)."""
import json

from click.testing import CliRunner

from codesign.sim.cli_simulate import simulate_command


def test_simulate_auto_json_and_plot(sim_designs, tmp_path):
    design = sim_designs["resnet8"]
    out, png = tmp_path / "sim.json", tmp_path / "pipeline.png"
    r = CliRunner().invoke(simulate_command, [str(design), "--frames", "3", "--json", str(out), "--plot", str(png)])
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    for key in ("interval_cycles", "latency_cycles", "deadlock", "fifo_depths", "fifo_max_occupancy", "nodes", "fifo_sizing"):
        assert key in doc
    assert doc["deadlock"] is False and doc["interval_cycles"] == doc["bottleneck"]["cycles_per_frame"]
    assert {"name", "busy", "starved", "blocked"} <= set(doc["nodes"][0])
    assert doc["fifo_sizing"]["interval_sized"] == doc["interval_cycles"]
    assert png.stat().st_size > 10_000
    # the sized depths from that file reproduce the run
    r2 = CliRunner().invoke(simulate_command, [str(design), "--frames", "3", "--fifo-depths", str(out), "--json", str(tmp_path / "b.json")])
    assert r2.exit_code == 0, r2.output
    assert json.loads((tmp_path / "b.json").read_text())["interval_cycles"] == doc["interval_cycles"]


def test_simulate_design_depths_deadlock_exit_code(sim_designs, tmp_path):
    out = tmp_path / "d.json"
    r = CliRunner().invoke(simulate_command, [str(sim_designs["resnet8"]), "--frames", "2", "--fifo-depths", "design",
                                              "--json", str(out)])
    assert r.exit_code == 1 and "DEADLOCK" in r.output
    doc = json.loads(out.read_text())
    assert doc["deadlock"] is True and doc["deadlock_detail"]["full_fifos"]


def test_simulate_folding_and_data_mode(sim_designs, tmp_path):
    fold = tmp_path / "fold.json"
    fold.write_text(json.dumps({"MVAU_0": {"PE": 2, "SIMD": 3}, "ConvolutionInputGenerator_0": {"SIMD": 3}}))
    out = tmp_path / "s.json"
    r = CliRunner().invoke(simulate_command, [str(sim_designs["resnet8"]), "--frames", "2", "--folding", str(fold),
                                              "--fifo-depths", "naive", "--mode", "data", "--json", str(out)])
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    assert doc["matches_golden"] is True
    mvau0 = next(n for n in doc["nodes"] if n["name"] == "MVAU_0")
    assert mvau0["cycles_per_frame"] == 64 * (16 // 2) * (27 // 3)


def test_simulate_bad_inputs(tmp_path):
    r = CliRunner().invoke(simulate_command, [str(tmp_path / "nope")])
    assert r.exit_code == 2 and "error" in r.output
