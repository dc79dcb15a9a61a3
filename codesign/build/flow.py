"""`codesign build`: code generation, then the vendor project (Vivado block design for Zynq, Vitis
kernel + link for Alveo), the runtime driver, and - where the tools are on PATH - the tool runs
and their reports. Without the tools everything is written and the exact commands are returned."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from ..hls.project import HLSProject
from ..hw.boards import load_board
from ..ir import DataflowGraph
from . import vitis
from .reports import actual_vs_estimate, parse_csynth_xml, parse_timing_summary, parse_utilization
from .tools import have, run_tool
from .vivado_tcl import vivado_script

HLS_SOLUTION = "codesign_hls/solution1"


def io_spec(graph: DataflowGraph, project: HLSProject) -> dict:
    def port(p):
        return {"name": p.name, "lanes": p.lanes, "bits": p.bits, "dtype": p.dtype, "beats_per_frame": p.beats_per_frame,
                "elements_per_frame": p.elements_per_frame, "beat_bytes": p.width_bits // 8}

    return {
        "input": port(project.input), "output": port(project.output),
        "input_scale": graph.input_scale, "input_layout": graph.input_layout,
        "input_shape": list(graph.tensors[graph.input_name].shape),
        "output_mul": None if graph.output_mul is None else np.asarray(graph.output_mul).tolist(),
        "output_add": None if graph.output_add is None else np.asarray(graph.output_add).tolist(),
    }


def write_driver(deploy: Path, graph: DataflowGraph, project: HLSProject) -> None:
    deploy.mkdir(parents=True, exist_ok=True)
    here = Path(__file__).parent
    shutil.copyfile(here / "driver_template.py", deploy / "driver.py")
    shutil.copyfile(here.parent / "hls" / "packing.py", deploy / "codesign_packing.py")
    (deploy / "io_spec.json").write_text(json.dumps(io_spec(graph, project), indent=1, sort_keys=True))


def build(design: str | Path, board_name: str, out: str | Path, clock_mhz: float | None = None, folding: str | None = None,
          platform: str | None = None, run_tools: bool = True) -> dict:
    from ..hls.codegen import generate_hls

    board = load_board(board_name)  # unknown board: ValueError listing the known ones
    clock = float(clock_mhz or board.default_clock_mhz)
    graph = DataflowGraph.load(design)
    if folding:
        from ..hw.folding import apply_folding

        apply_folding(graph, folding)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    project = generate_hls(graph, out / "hls", part=board.part, clock_mhz=clock)
    hls_dir = Path(project.folder).resolve()
    result = {"board": board.name, "part": board.part, "clock_mhz": clock, "hls": str(hls_dir), "commands": [], "ran": []}
    deploy = out / "deploy"
    write_driver(deploy, graph, project)
    if board.family == "alveo":
        kdir = out / "vitis"
        kdir.mkdir(exist_ok=True)
        (kdir / "kernel.cpp").write_text(vitis.kernel_source(project))
        (kdir / "build_kernel.tcl").write_text(vitis.kernel_tcl(project, str(hls_dir), clock))
        (kdir / "link.cfg").write_text(vitis.link_config(board))
        link = vitis.link_command(vitis.platform_for(board, platform), clock)
        steps = [(kdir, ["vitis_hls", "-f", "build_kernel.tcl"]), (kdir, link)]
        artefact = kdir / "codesign.xclbin"
    else:
        vdir = out / "vivado"
        vdir.mkdir(exist_ok=True)
        ip_repo = hls_dir / HLS_SOLUTION / "impl" / "ip"
        (vdir / "build_bitstream.tcl").write_text(vivado_script(project, board, clock, str(ip_repo)))
        steps = [(hls_dir, ["vitis_hls", "-f", project.tcl]), (vdir, ["vivado", "-mode", "batch", "-source", "build_bitstream.tcl"])]
        artefact = vdir / "codesign.bit"
    result["commands"] = [f"cd {d.resolve()} && {' '.join(c)}" for d, c in steps]
    tools = sorted({c[0] for _, c in steps})
    if run_tools and all(have(t) for t in tools):
        for d, cmd in steps:
            run_tool(cmd, d, d / f"{cmd[0]}.log")
            result["ran"].append(" ".join(cmd))
        result.update(collect_reports(out, hls_dir, board, clock))
        for name in ("codesign.bit", "codesign.hwh", "codesign.xclbin"):
            src = artefact.parent / name
            if src.exists():
                shutil.copyfile(src, deploy / name)
    else:
        result["missing_tools"] = [t for t in tools if not have(t)]
    (out / "build.json").write_text(json.dumps(result, indent=1, sort_keys=True))
    return result


def collect_reports(out: Path, hls_dir: Path, board, clock: float) -> dict:
    found = {}
    csynth = next(hls_dir.glob(f"{HLS_SOLUTION}/syn/report/csynth.xml"), None) or next((out / "vitis").glob("**/csynth.xml"), None)
    if csynth:
        found["hls_report"] = parse_csynth_xml(csynth)
    util = out / "vivado" / "utilization.rpt"
    if util.exists():
        found["utilization"] = parse_utilization(util)
        est_path = out / "estimate.json"
        est = json.loads(est_path.read_text()) if est_path.exists() else None
        found["actual_vs_estimate"] = actual_vs_estimate(found["utilization"], est)
    timing = out / "vivado" / "timing_summary.rpt"
    if timing.exists():
        found["timing"] = parse_timing_summary(timing, clock)
    return found
