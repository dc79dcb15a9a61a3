"""The simulated network: the graph's ops as nodes, plus an input source, an output sink and the
data-width converters the hardware needs where a producer's beat holds a different number of elements
than its consumer's; nodes are joined by FIFO edges (one writer, one reader).

Each node carries its op's per-frame schedule (`op.schedule()`), flattened to one int32 flag word per
loop iteration (bit p: reads a beat on input port p; bit 8+q: writes a beat on output port q), which
is what the engines replay frame after frame.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..ir import DataflowGraph
from ..ir.base import HWOp
from ..ir.ops import StreamingDataWidthConverter, StreamingFIFO

DEFAULT_DEPTH = 2  # FINN's InsertFIFO default, and the least a registered handshake needs for one beat per cycle
SOURCE_DEPTH = 1  # the input DMA/stream register: a beat written at cycle t is readable at t+1
MAX_PORTS = 8


class NetworkError(ValueError):
    """The graph cannot be simulated as given (names the node and the stream)."""


@dataclass
class Node:
    name: str
    op_type: str
    op: HWOp | None  # None for the input source and the output sink
    n: int  # loop iterations per frame
    depth: int  # pipeline depth: cycles from an iteration's issue to its output beat being readable downstream
    reads: list  # per input port: sorted iteration indices (within a frame) that read one beat
    writes: list  # per output port: sorted iteration indices that write one beat
    need: list  # per output port: (beats, n_inputs) input beats of the frame each output beat depends on
    inputs: list = field(default_factory=list)  # edge ids, by input port
    outputs: list = field(default_factory=list)  # edge ids, by output port
    implicit: bool = False  # a converter the simulator inserted

    def events(self) -> tuple[np.ndarray, np.ndarray]:
        """The iterations of a frame that read or write a stream, ascending, and their flag words; every other
        iteration touches no stream and cannot stall."""
        idx = np.sort(np.concatenate([np.asarray(a, dtype=np.int64) for a in (*self.reads, *self.writes)] or [np.zeros(0, np.int64)]))
        if len(idx) > 1:
            idx = idx[np.concatenate([[True], idx[1:] != idx[:-1]])]
        f = np.zeros(len(idx), dtype=np.int32)
        for p, r in enumerate(self.reads):
            f[np.searchsorted(idx, r)] |= np.int32(1 << p)
        for q, w in enumerate(self.writes):
            f[np.searchsorted(idx, w)] |= np.int32(1 << (8 + q))
        return idx, f

    def flag_at(self, i: int) -> int:
        """The flag word of iteration i of a frame."""
        f = 0
        for p, r in enumerate(self.reads):
            k = np.searchsorted(r, i)
            f |= (1 << p) if k < len(r) and r[k] == i else 0
        for q, w in enumerate(self.writes):
            k = np.searchsorted(w, i)
            f |= (1 << (8 + q)) if k < len(w) and w[k] == i else 0
        return f


@dataclass
class Edge:
    name: str  # the FIFO's name: the stream (tensor) it carries, '<tensor>_dwc' after an inserted converter
    tensor: str  # IR tensor whose values it carries
    producer: int
    prod_port: int
    consumer: int
    cons_port: int
    beats: int  # beats per frame
    fold: int  # elements per beat
    bits: int  # beat width in bits
    depth: int  # the depth the design gives it (a StreamingFIFO node, graph.meta['fifo_depths'], or DEFAULT_DEPTH)


@dataclass
class Network:
    graph: DataflowGraph
    nodes: list[Node]
    edges: list[Edge]

    def edge_names(self) -> list[str]:
        return [e.name for e in self.edges]

    def edge_id(self, name: str) -> int:
        for i, e in enumerate(self.edges):
            if e.name == name:
                return i
        raise KeyError(f"no FIFO named {name!r}; FIFOs: {', '.join(self.edge_names())}")

    def node_id(self, name: str) -> int:
        for i, n in enumerate(self.nodes):
            if n.name == name:
                return i
        raise KeyError(f"no node named {name!r}")

    @property
    def input_edge(self) -> int:
        return self.nodes[0].outputs[0]

    @property
    def output_edge(self) -> int:
        return self.nodes[-1].inputs[0]

    def depths(self, spec=None) -> np.ndarray:
        """FIFO depths as an array in edge order. spec: None (the design's own depths), an int (every FIFO),
        'naive' (each FIFO holds a whole frame of its stream), 'unbounded' (never fills), or a dict
        {fifo name: depth} over the design's depths."""
        d = np.array([e.depth for e in self.edges], dtype=np.int64)
        if spec is None:
            return d
        if isinstance(spec, str):
            if spec == "naive":
                return np.array([e.beats for e in self.edges], dtype=np.int64)
            if spec == "unbounded":
                return np.full(len(self.edges), np.iinfo(np.int64).max // 4, dtype=np.int64)
            raise ValueError(f"FIFO depths {spec!r}: expected an int, a dict, 'naive' or 'unbounded'")
        if isinstance(spec, (int, np.integer)):
            if spec < 1:
                raise ValueError(f"FIFO depth must be >= 1, got {spec}")
            return np.full(len(self.edges), int(spec), dtype=np.int64)
        if isinstance(spec, np.ndarray):
            if spec.shape != d.shape:
                raise ValueError(f"{len(spec)} FIFO depths for {len(d)} FIFOs")
            return spec.astype(np.int64)
        for name, v in dict(spec).items():
            d[self.edge_id(name)] = int(v)
        if (d < 1).any():
            bad = [self.edges[i].name for i in np.flatnonzero(d < 1)]
            raise ValueError(f"FIFO depths must be >= 1: {', '.join(bad)}")
        return d

    def max_schedule_cycles(self) -> tuple[str, int]:
        """The node with the most loop iterations per frame, and that count (the II=1 throughput bound)."""
        best = max((n for n in self.nodes if n.op is not None), key=lambda n: n.n)
        return best.name, best.n


def _schedule(op: HWOp) -> dict:
    if not hasattr(op, "schedule"):
        raise NetworkError(f"{op.name} ({op.OP_TYPE}) has no schedule(); the simulator cannot replay it")
    s = op.schedule()
    for key in ("n", "depth", "reads", "writes", "need"):
        if key not in s:
            raise NetworkError(f"{op.name} ({op.OP_TYPE}).schedule() lacks {key!r}")
    if len(s["reads"]) != len(op.inputs) or len(s["writes"]) != len(op.outputs):
        raise NetworkError(f"{op.name} ({op.OP_TYPE}).schedule() has {len(s['reads'])} read and {len(s['writes'])} write "
                           f"ports for {len(op.inputs)} inputs and {len(op.outputs)} outputs")
    if len(op.inputs) > MAX_PORTS or len(op.outputs) > MAX_PORTS:
        raise NetworkError(f"{op.name}: at most {MAX_PORTS} input and output streams per node")
    if s["depth"] < 1:
        raise NetworkError(f"{op.name}: pipeline depth must be >= 1 (a beat is readable at the earliest one cycle after its write)")
    for arr in list(s["reads"]) + list(s["writes"]):
        arr = np.asarray(arr)
        if len(arr) and (arr[0] < 0 or arr[-1] >= s["n"] or np.any(np.diff(arr) <= 0)):
            raise NetworkError(f"{op.name} ({op.OP_TYPE}).schedule(): port iterations must be increasing within [0, {s['n']})")
    return s


def _node_for(op: HWOp, implicit: bool = False) -> Node:
    s = _schedule(op)
    return Node(op.name, op.OP_TYPE, op, int(s["n"]), int(s["depth"]), [np.asarray(r, dtype=np.int64) for r in s["reads"]],
                [np.asarray(w, dtype=np.int64) for w in s["writes"]], [np.asarray(x, dtype=np.int64) for x in s["need"]],
                implicit=implicit)


def build_network(graph: DataflowGraph) -> Network:
    """Nodes in topological order: the input source, the ops (StreamingFIFO nodes become the depth of the
    stream they sit on; a converter is inserted before a consumer whose beat width differs from its
    producer's), and the output sink."""
    meta_depths = dict(graph.meta.get("fifo_depths", {}) or {})
    alias: dict[str, str] = {}  # a FIFO node's output tensor -> the tensor it buffers
    fifo_depth: dict[str, int] = {}
    for op in graph.ops:
        if isinstance(op, StreamingFIFO):
            src = alias.get(op.inputs[0], op.inputs[0])
            alias[op.outputs[0]] = src
            fifo_depth[src] = int(op.depth)

    def resolve(t: str) -> str:
        return alias.get(t, t)

    nodes: list[Node] = []
    edges: list[Edge] = []
    producer: dict[str, tuple[int, int]] = {}
    used: set[str] = set()

    def elems(t: str) -> int:
        return int(np.prod(graph.tensors[t].shape))

    def connect(tensor: str, cons: int, port: int):
        if tensor not in producer:
            raise NetworkError(f"{nodes[cons].name} reads {tensor!r}, which no earlier node produces")
        if tensor in used:
            raise NetworkError(f"stream {tensor!r} has more than one reader; fork it with a DuplicateStreams node")
        used.add(tensor)
        p, q = producer[tensor]
        info = graph.tensors[tensor]
        e_total = elems(tensor)
        out_beats = len(nodes[p].writes[q])
        in_beats = len(nodes[cons].reads[port])
        for who, b in ((nodes[p].name, out_beats), (nodes[cons].name, in_beats)):
            if b == 0 or e_total % b:
                raise NetworkError(f"{who}: {b} beats per frame do not carry the {e_total} elements of {tensor!r}")
        depth = int(meta_depths.get(tensor, fifo_depth.get(tensor, DEFAULT_DEPTH)))
        if out_beats == in_beats:
            fold = e_total // in_beats
            edges.append(Edge(tensor, tensor, p, q, cons, port, in_beats, fold, fold * info.dt.bits, depth))
            nodes[p].outputs[q] = len(edges) - 1
            nodes[cons].inputs[port] = len(edges) - 1
            return
        # the producer's beat holds a different number of elements than the consumer's: a converter, as FINN inserts
        a, b = e_total // out_beats, e_total // in_beats
        dwc = StreamingDataWidthConverter(name=f"DWC_{tensor}", inputs=[tensor], outputs=[f"{tensor}_dwc"], shape=tuple(info.shape),
                                          dt=info.dt, in_width=a * info.dt.bits, out_width=b * info.dt.bits)
        dnode = _node_for(dwc, implicit=True)
        dnode.inputs, dnode.outputs = [None], [None]
        nodes.insert(cons, dnode)  # before its consumer, keeping the order topological
        # the consumer moved one place: fix edges that point at nodes at or after `cons`
        for e in edges:
            if e.producer >= cons:
                e.producer += 1
            if e.consumer >= cons:
                e.consumer += 1
        for t, (pp, qq) in list(producer.items()):
            if pp >= cons:
                producer[t] = (pp + 1, qq)
        d = cons
        cons += 1
        edges.append(Edge(tensor, tensor, p, q, d, 0, out_beats, a, a * info.dt.bits, depth))
        nodes[p].outputs[q] = len(edges) - 1
        dnode.inputs[0] = len(edges) - 1
        name2 = f"{tensor}_dwc"
        edges.append(Edge(name2, tensor, d, 0, cons, port, in_beats, b, b * info.dt.bits, int(meta_depths.get(name2, DEFAULT_DEPTH))))
        dnode.outputs[0] = len(edges) - 1
        nodes[cons].inputs[port] = len(edges) - 1

    # the input source: one beat per cycle of the first consumer's width, from the accelerator's input stream
    in_t = graph.input_name
    first = [op for op in graph.ops if not isinstance(op, StreamingFIFO) and in_t in [resolve(t) for t in op.inputs]]
    if len(first) != 1:
        raise NetworkError(f"the graph input {in_t!r} must have exactly one reader (found {len(first)})")
    fs = _schedule(first[0])
    in_beats = len(fs["reads"][[resolve(t) for t in first[0].inputs].index(in_t)])
    src = Node("input", "Source", None, in_beats, SOURCE_DEPTH, [], [np.arange(in_beats, dtype=np.int64)],
               [np.zeros((in_beats, 0), dtype=np.int64)], [], [None])
    nodes.append(src)
    producer[in_t] = (0, 0)

    for op in graph.ops:
        if isinstance(op, StreamingFIFO):
            continue
        node = _node_for(op)
        node.inputs, node.outputs = [None] * len(op.inputs), [None] * len(op.outputs)
        nodes.append(node)
        idx = len(nodes) - 1
        for port, t in enumerate(op.inputs):
            before = len(nodes)
            connect(resolve(t), idx, port)
            idx += len(nodes) - before  # a converter was inserted before this node
        for q, t in enumerate(op.outputs):
            producer[t] = (idx, q)

    out_t = resolve(graph.output_name)
    if out_t not in producer:
        raise NetworkError(f"the graph output {graph.output_name!r} is not produced by any node")
    p, q = producer[out_t]
    out_beats = len(nodes[p].writes[q])
    sink = Node("output", "Sink", None, out_beats, 1, [np.arange(out_beats, dtype=np.int64)], [], [], [None], [])
    nodes.append(sink)
    connect(out_t, len(nodes) - 1, 0)

    for n in nodes:
        if any(e is None for e in n.inputs) or any(e is None for e in n.outputs):
            dangling = [n.op.outputs[q] for q, e in enumerate(n.outputs) if e is None] if n.op is not None else []
            raise NetworkError(f"{n.name}: stream(s) {', '.join(dangling) or '?'} are never read (every output needs a reader)")
    names = [e.name for e in edges]
    if len(set(names)) != len(names):
        raise NetworkError("two FIFOs share a name")
    return Network(graph, nodes, edges)
