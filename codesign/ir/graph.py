"""The Dataflow IR: an ordered list of hardware ops connected by named integer streams.

The graph also carries how floats enter and leave it: the input quantizer (scale, datatype,
NCHW -> NHWC) and the output's per-channel affine map back to the network's float output.
A design folder is `design.json` (attributes) + `arrays/<node>.<field>.npy` (weights, thresholds).
"""
from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import ops as _ops  # noqa: F401  (registers every op class)
from .base import HWOp
from .datatypes import DataType

DESIGN_JSON = "design.json"
ARRAY_DIR = "arrays"
FORMAT_VERSION = 1


@dataclass
class TensorInfo:
    shape: tuple  # per frame, NHWC or (C,)
    dt: DataType


@dataclass
class DataflowGraph:
    ops: list[HWOp]
    tensors: dict[str, TensorInfo]
    input_name: str
    output_name: str
    input_scale: float
    input_layout: str = "NCHW"  # layout of the float input the network was trained on
    output_mul: np.ndarray = None  # per output channel (or scalar)
    output_add: np.ndarray = None
    meta: dict = field(default_factory=dict)

    # ---- structure ----------------------------------------------------------------------
    def node(self, name: str) -> HWOp:
        for op in self.ops:
            if op.name == name:
                return op
        raise KeyError(f"no node named {name!r}; nodes: {', '.join(o.name for o in self.ops)}")

    def producer(self, tensor: str) -> HWOp | None:
        return next((op for op in self.ops if tensor in op.outputs), None)

    def consumers(self, tensor: str) -> list[HWOp]:
        return [op for op in self.ops if tensor in op.inputs]

    def rename_finn_style(self) -> None:
        """Name nodes `<OpType>_<n>` in graph order, as FINN does, so its folding files apply."""
        counts: Counter = Counter()
        for op in self.ops:
            op.name = f"{op.OP_TYPE}_{counts[op.OP_TYPE]}"
            counts[op.OP_TYPE] += 1

    def check(self) -> None:
        """Every op input is produced earlier (or is the graph input); shapes agree."""
        known = {self.input_name}
        for op in self.ops:
            for t in op.inputs:
                if t not in known:
                    raise ValueError(f"{op.name} ({op.OP_TYPE}) reads {t!r}, which no earlier node produces")
            for t, shape in zip(op.outputs, op.out_shapes()):
                if tuple(self.tensors[t].shape) != tuple(shape):
                    raise ValueError(f"{op.name} ({op.OP_TYPE}) output {t!r}: graph says {self.tensors[t].shape}, op computes {shape}")
            known.update(op.outputs)
        if self.output_name not in known:
            raise ValueError(f"graph output {self.output_name!r} is not produced by any node")

    # ---- execution ----------------------------------------------------------------------
    def quantize_input(self, x: np.ndarray) -> np.ndarray:
        """Float network input (batched, training layout) -> the integers the accelerator takes."""
        dt = self.tensors[self.input_name].dt
        q = np.clip(np.round(np.asarray(x, dtype=np.float64) / self.input_scale), dt.min, dt.max).astype(np.int64)
        if self.input_layout == "NCHW" and q.ndim == 4:
            q = q.transpose(0, 2, 3, 1)
        return q.reshape(len(q), *self.tensors[self.input_name].shape)

    def execute(self, x_int: np.ndarray, keep_all: bool = False) -> dict[str, np.ndarray]:
        """Golden execution on integer input (batched). Returns the output, or every tensor."""
        env = {self.input_name: np.asarray(x_int, dtype=np.int64)}
        last_use = {t: i for i, op in enumerate(self.ops) for t in op.inputs}
        for i, op in enumerate(self.ops):
            results = op.execute(*[env[t] for t in op.inputs])
            env.update(zip(op.outputs, results))
            if not keep_all:  # free streams nobody reads any more
                for t in op.inputs:
                    if last_use[t] == i and t != self.output_name:
                        env.pop(t, None)
        return env if keep_all else {self.output_name: env[self.output_name]}

    def run_float(self, x: np.ndarray, batch: int = 64) -> np.ndarray:
        """The network's float output: golden integer execution plus the output affine map.

        Runs in batches: the sliding-window tensors of a conv net grow with kernel size x batch."""
        q = self.quantize_input(x)
        acc = np.concatenate([self.execute(q[i : i + batch])[self.output_name] for i in range(0, max(len(q), 1), batch)])
        if self.output_mul is None:
            return acc
        return acc * self.output_mul + self.output_add

    # ---- persistence --------------------------------------------------------------------
    def save(self, folder: str | Path) -> Path:
        """Write design.json + arrays/ atomically: a failed save leaves no half-written folder."""
        folder = Path(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".design-", dir=folder.parent))
        try:
            (tmp / ARRAY_DIR).mkdir()
            nodes = []
            for op in self.ops:
                nodes.append(op.to_dict())
                for key, arr in op.arrays().items():
                    np.save(tmp / ARRAY_DIR / f"{op.name}.{key}.npy", arr)
            extra = {}
            for key in ("output_mul", "output_add"):
                v = getattr(self, key)
                if v is not None:
                    np.save(tmp / ARRAY_DIR / f"graph.{key}.npy", np.asarray(v, dtype=np.float64))
                    extra[key] = f"graph.{key}.npy"
            doc = {
                "format": FORMAT_VERSION,
                "input": self.input_name, "output": self.output_name,
                "input_scale": self.input_scale, "input_layout": self.input_layout,
                "tensors": {k: {"shape": list(v.shape), "dtype": v.dt.name} for k, v in self.tensors.items()},
                "nodes": nodes, "arrays": extra, "meta": self.meta,
            }
            (tmp / DESIGN_JSON).write_text(json.dumps(doc, indent=1, sort_keys=True))
            if folder.exists():
                shutil.rmtree(folder)
            tmp.rename(folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return folder

    @staticmethod
    def load(folder: str | Path) -> "DataflowGraph":
        folder = Path(folder)
        path = folder / DESIGN_JSON
        if not path.is_file():
            raise FileNotFoundError(f"{folder} is not a design folder: {DESIGN_JSON} missing")
        doc = json.loads(path.read_text())
        if doc.get("format") != FORMAT_VERSION:
            raise ValueError(f"{path}: format {doc.get('format')!r}, this codesign reads format {FORMAT_VERSION}")
        ops = []
        for d in doc["nodes"]:
            arrays = {}
            for f in (folder / ARRAY_DIR).glob(f"{d['name']}.*.npy"):
                arrays[f.name[len(d["name"]) + 1 : -4]] = np.load(f)
            ops.append(HWOp.from_dict(d, arrays))
        tensors = {k: TensorInfo(tuple(v["shape"]), DataType.from_name(v["dtype"])) for k, v in doc["tensors"].items()}
        extra = {k: np.load(folder / ARRAY_DIR / v) for k, v in doc.get("arrays", {}).items()}
        g = DataflowGraph(ops, tensors, doc["input"], doc["output"], doc["input_scale"], doc["input_layout"],
                          extra.get("output_mul"), extra.get("output_add"), doc.get("meta", {}))
        g.check()
        return g
