"""Brevitas -> QONNX export, cleaned with qonnx so every later stage sees one canonical graph."""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import torch


def export_qonnx_model(model, path: str | Path, batch_size: int = 1):
    """Export a zoo model to a cleaned QONNX file at path and return the qonnx ModelWrapper."""
    from brevitas.export import export_qonnx
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.util.cleanup import cleanup_model

    path = Path(path)
    model = model.cpu().eval()
    x = torch.zeros(batch_size, *model.input_shape)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.onnx"
        export_qonnx(model, x, export_path=str(raw))
        wrapped = cleanup_model(ModelWrapper(str(raw)))
    tmp_out = path.with_suffix(".onnx.partial")
    wrapped.save(str(tmp_out))
    tmp_out.replace(path)  # never leave a half-written model behind
    return wrapped


def execute_qonnx(model_wrapper, x: np.ndarray) -> np.ndarray:
    """Run a QONNX graph on a batch, one sample at a time (exported graphs have batch size 1)."""
    from qonnx.core.onnx_exec import execute_onnx

    iname = model_wrapper.graph.input[0].name
    oname = model_wrapper.graph.output[0].name
    outs = [execute_onnx(model_wrapper, {iname: x[i : i + 1].astype(np.float32)})[oname] for i in range(len(x))]
    return np.concatenate(outs, axis=0)
