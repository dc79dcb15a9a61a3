"""Small graph-level passes on a lowered design."""
from __future__ import annotations

import numpy as np

from ..ir import DataflowGraph, TensorInfo
from ..ir.datatypes import DataType
from ..ir.ops import LabelSelect


def add_label_select(graph: DataflowGraph, k: int = 1) -> DataflowGraph:
    """Append a top-k label select (FINN's InsertTopK): the accelerator then returns class indices.

    Only valid when the output map is increasing and the same for every class, so the order of
    the integer logits is the order of the float ones.
    """
    mul, add = np.atleast_1d(graph.output_mul), np.atleast_1d(graph.output_add)
    if graph.output_mul is None or np.any(mul <= 0) or np.any(mul != mul[0]) or np.any(add != add[0]):
        raise ValueError("top-k needs one positive output scale and one offset for all classes "
                         f"(output scales {np.unique(mul)[:4]}, offsets {np.unique(add)[:4]})")
    labels = graph.tensors[graph.output_name].shape[-1]
    dt = DataType.for_range(0, labels - 1)
    n = sum(op.OP_TYPE == "LabelSelect" for op in graph.ops)
    name = f"LabelSelect_{n}"
    out = f"{name}_out0"
    graph.ops.append(LabelSelect(name=name, inputs=[graph.output_name], outputs=[out], labels=labels, k=k,
                                 idt=graph.tensors[graph.output_name].dt))
    graph.tensors[out] = TensorInfo((k,), dt)
    graph.output_name, graph.output_mul, graph.output_add = out, None, None
    graph.check()
    return graph
