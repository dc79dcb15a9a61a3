"""Generated Tcl runs in tclsh against stand-ins of the vendor commands: typos, undefined
variables and wrong argument shapes fail here, without Vivado or Vitis."""
import shutil
import subprocess
from pathlib import Path

import pytest

from codesign.build import vitis
from codesign.build.vivado_tcl import vivado_script
from codesign.hls.project import HLSProject, StreamPort
from codesign.hw.boards import load_board

STUBS = Path(__file__).with_name("vendor_stubs.tcl")
pytestmark = pytest.mark.skipif(shutil.which("tclsh") is None, reason="tclsh not installed (CI installs it)")


def run_tcl(script: str, tmp_path: Path) -> list[str]:
    (tmp_path / "generated.tcl").write_text(script)
    log = tmp_path / "calls.log"
    runner = tmp_path / "runner.tcl"
    runner.write_text(f"source {{{STUBS}}}\nsource {{{tmp_path / 'generated.tcl'}}}\nif {{![info exists ::exited]}} {{ close $::stub_log }}\n")
    proc = subprocess.run(["tclsh", str(runner)], cwd=tmp_path, capture_output=True, text=True, env={"STUB_LOG": str(log), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return log.read_text().splitlines()


def project(part="xc7z020clg400-1"):
    return HLSProject(folder="hls", top="codesign_top", part=part, clock_mhz=100.0,
                      input=StreamPort("in0", 8, 8, "INT8", 8, 64), output=StreamPort("out0", 1, 16, "INT16", 10, 10),
                      sources=["top.cpp"])


@pytest.mark.parametrize("board", ["Pynq-Z1", "Ultra96-V2", "ZCU104", "KV260"])
def test_vivado_block_design_script(board, tmp_path):
    b = load_board(board)
    calls = run_tcl(vivado_script(project(b.part), b, 150.0, "/ip/repo"), tmp_path)
    assert any(c.startswith(f"create_project codesign_vivado ./codesign_vivado -part {b.part}") for c in calls)
    assert any("axi_dma" in c for c in calls) and any("launch_runs impl_1" in c for c in calls)
    assert any("150" in c and "FREQMHZ" in c for c in calls)
    assert any(c.startswith("connect_bd_intf_net") and "accel/in0" in c for c in calls)


def test_stub_catches_typos_and_bad_arguments(tmp_path):
    with pytest.raises(AssertionError, match="invalid command name"):
        run_tcl("create_projet foo ./foo -part x\n", tmp_path)
    with pytest.raises(AssertionError, match="unknown option -prat"):
        run_tcl("create_project foo ./foo -prat x\n", tmp_path)
    with pytest.raises(AssertionError, match="no such variable"):
        run_tcl("set_part $undefined_part\n", tmp_path)
    with pytest.raises(AssertionError, match="positional arguments"):
        run_tcl("set_top a b\n", tmp_path)


def test_vitis_kernel_script_and_link(tmp_path):
    b = load_board("Alveo-U250")
    calls = run_tcl(vitis.kernel_tcl(project(b.part), "/hls", 200.0), tmp_path)
    assert "set_top codesign_kernel" in calls and any(c.startswith("export_design -format xo") for c in calls)
    assert any(c.startswith("create_clock -period 5.000") for c in calls)
    assert "sp=codesign_kernel_1.in_mem:DDR[0]" in vitis.link_config(b)
    assert "HBM[0]" in vitis.link_config(load_board("Alveo-U280"))
    cmd = vitis.link_command(vitis.platform_for(b), 200.0)
    assert cmd[:3] == ["v++", "-l", "-t"] and "xilinx_u250_gen3x16_xdma_4_1_202210_1" in cmd


def test_zynq_flow_rejects_alveo():
    with pytest.raises(ValueError, match="Vitis flow"):
        vivado_script(project(), load_board("Alveo-U50"), 200.0, "/ip")
