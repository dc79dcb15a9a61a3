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

    summary = {"model": model, "bits": bits, "dataset": "digits", "test_accuracy": metrics["test_accuracy"],
               "export_max_abs_diff": stages["export"]["max_abs_diff_vs_brevitas"],
               "golden_test_accuracy": stages["lower"]["golden_test_accuracy"], "stages": list(stages)}
    report = {"summary": summary, "stages": stages}
    (out / "report.json").write_text(json.dumps(report, indent=2))
    return report
