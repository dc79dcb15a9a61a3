"""`codesign demo`: every stage of the flow that exists, end to end, on the embedded digits data."""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import torch

from .data import load_dataset
from .export import execute_qonnx, export_qonnx_model
from .train import TrainConfig, train


def run_demo(out: Path, epochs: int = 40, model: str = "tfc", bits: str = "w1a1") -> dict:
    out.mkdir(parents=True, exist_ok=True)
    stages: dict[str, dict] = {}
    data = load_dataset("digits")

    t0 = time.time()
    metrics = train(TrainConfig(model=model, bits=bits, dataset="digits", epochs=epochs), out / "run", dataset=data)
    stages["train"] = {"test_accuracy": metrics["test_accuracy"], "epochs": epochs, "seconds": round(time.time() - t0, 1),
                       "checkpoint": str(out / "run" / "checkpoint.pt")}

    from .train import load_checkpoint

    t0 = time.time()
    net = load_checkpoint(out / "run")
    onnx_path = out / "model.onnx"
    wrapped = export_qonnx_model(net, onnx_path)
    x = data.test.x[:100]
    with torch.no_grad():
        ref = net(torch.from_numpy(x))
    ref = (ref.value if hasattr(ref, "value") else ref).numpy()
    got = execute_qonnx(wrapped, x)
    stages["export"] = {"onnx": str(onnx_path), "max_abs_diff_vs_brevitas": float(np.abs(got - ref).max()), "inputs_checked": len(x),
                        "seconds": round(time.time() - t0, 1)}

    from .frontend import lower_qonnx

    t0 = time.time()
    graph = lower_qonnx(onnx_path)
    design = out / "design"
    graph.save(design)
    x_all = data.test.x
    golden = graph.run_float(x_all)
    with torch.no_grad():
        brev = net(torch.from_numpy(x_all))
    brev = (brev.value if hasattr(brev, "value") else brev).numpy()
    counts: dict[str, int] = {}
    for op in graph.ops:
        counts[op.OP_TYPE] = counts.get(op.OP_TYPE, 0) + 1
    stages["lower"] = {"design": str(design), "nodes": [op.name for op in graph.ops], "op_counts": counts,
                       "golden_max_abs_diff_vs_brevitas": float(np.abs(golden - brev).max()),
                       "golden_test_accuracy": float((golden.argmax(1) == data.test.y).mean()),
                       "seconds": round(time.time() - t0, 1)}

    stages.update(_hardware_stages(out, graph, data))

    summary = {"model": model, "bits": bits, "dataset": "digits", "test_accuracy": metrics["test_accuracy"],
               "export_max_abs_diff": stages["export"]["max_abs_diff_vs_brevitas"],
               "golden_test_accuracy": stages["lower"]["golden_test_accuracy"],
               "board": BOARD, "clock_mhz": CLOCK_MHZ,
               "explored_fps": stages["explore"]["codesign"]["throughput_fps"],
               "finn_setfolding_fps": stages["explore"]["finn"]["throughput_fps"],
               "estimated_fps": stages["estimate"]["throughput_fps"],
               "simulated_interval_cycles": stages["simulate"]["interval_cycles"],
               "csim_bit_exact": stages["csim"]["bit_exact_vs_golden"],
               "build": stages["build"]["status"], "stages": list(stages)}
    report = {"summary": summary, "stages": stages}
    (out / "report.json").write_text(json.dumps(report, indent=2))
    return report


BOARD = "Pynq-Z1"
CLOCK_MHZ = 100.0


def _hardware_stages(out: Path, graph, data) -> dict:
    """explore -> estimate -> simulate -> codegen -> csim -> build, on the lowered design."""
    import copy

    from .build.flow import build
    from .dse.fold import optimise_folding
    from .hls.codegen import generate_hls
    from .hls.csim import run_csim_int
    from .hw.estimate import estimate
    from .hw.folding import write_folding
    from .hw.roofline import plot_roofline
    from .sim import apply_fifo_depths, simulate, size_fifos

    stages: dict[str, dict] = {}
    t0 = time.time()
    finn = optimise_folding(copy.deepcopy(graph), BOARD, CLOCK_MHZ, strategy="finn")
    ours = optimise_folding(graph, BOARD, CLOCK_MHZ, strategy="codesign")
    write_folding(graph, out / "folding.json")
    stages["explore"] = {
        "codesign": {"throughput_fps": ours.throughput_fps, "fits": ours.fits, "gap": ours.gap, "resources": ours.resources},
        "finn": {"throughput_fps": finn.throughput_fps, "fits": finn.fits, "resources": finn.resources},
        "folding_json": str(out / "folding.json"), "seconds": round(time.time() - t0, 1)}

    t0 = time.time()
    est = estimate(graph, BOARD, CLOCK_MHZ)
    est_finn = estimate(graph, BOARD, CLOCK_MHZ, estimator="finn")
    (out / "estimate.json").write_text(json.dumps(est, indent=1, default=float))
    plot_roofline(est, out / "roofline.png")
    stages["estimate"] = {k: est[k] for k in ("throughput_fps", "max_cycles", "bottleneck", "latency_cycles", "latency_us", "io_bound",
                                              "resources", "utilisation", "fits")}
    stages["estimate"]["finn_estimator"] = {k: est_finn[k] for k in ("throughput_fps", "resources")}
    stages["estimate"].update({"json": str(out / "estimate.json"), "roofline_png": str(out / "roofline.png"),
                               "seconds": round(time.time() - t0, 1)})

    t0 = time.time()
    sizing = size_fifos(graph)
    apply_fifo_depths(graph, sizing.depths)
    graph.save(out / "design")
    sim = simulate(graph, frames=4, fifo_depths=sizing.depths)
    stages["simulate"] = {"interval_cycles": sim.interval_cycles, "latency_cycles": sim.latency_cycles, "deadlock": sim.deadlock,
                          "estimate_max_cycles": est["max_cycles"], "fifo_depths": sizing.depths,
                          "fifo_cost_sized_vs_naive": sizing.totals, "seconds": round(time.time() - t0, 1)}

    t0 = time.time()
    hls_dir = out / "hls"
    generate_hls(graph, hls_dir, part="xc7z020clg400-1", clock_mhz=CLOCK_MHZ, fifo_depths=sizing.depths)
    stages["codegen"] = {"folder": str(hls_dir), "seconds": round(time.time() - t0, 1)}

    t0 = time.time()
    x_int = graph.quantize_input(data.test.x)
    got = run_csim_int(hls_dir, x_int)
    ref = graph.execute(x_int)[graph.output_name].reshape(len(x_int), -1)
    logits = got * np.asarray(graph.output_mul) + np.asarray(graph.output_add)
    stages["csim"] = {"frames": len(x_int), "bit_exact_vs_golden": bool(np.array_equal(got, ref)),
                      "test_accuracy": float((logits.argmax(1) == data.test.y).mean()), "seconds": round(time.time() - t0, 1)}

    t0 = time.time()
    result = build(out / "design", BOARD, out / "build", clock_mhz=CLOCK_MHZ)
    stages["build"] = {"status": "built" if not result.get("missing_tools") else "project written; Xilinx tools not on PATH",
                       "commands": result["commands"], "seconds": round(time.time() - t0, 1)}
    return stages
