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

    summary = {"model": model, "bits": bits, "dataset": "digits", "test_accuracy": metrics["test_accuracy"],
               "export_max_abs_diff": stages["export"]["max_abs_diff_vs_brevitas"], "stages": list(stages)}
    report = {"summary": summary, "stages": stages}
    (out / "report.json").write_text(json.dumps(report, indent=2))
    return report
