"""QONNX graph -> Dataflow IR.

One pass over the topologically sorted QONNX graph; each node handler turns what it reads (see
streams.py) into what it writes, emitting hardware ops on the way: Gemm/Conv become (padding,
sliding window and) MVAU/VVAU ops on integer accumulators; BatchNorm, scalar and per-channel
Mul/Add fold into the pending affine map; a quantizer turns that map into thresholds, fused into
the MVAU/VVAU that produced the accumulator when nothing else reads it. Anything else stops with
a LoweringError naming the node.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from ..ir import DataflowGraph, TensorInfo
from ..ir.datatypes import BIPOLAR, DataType
from ..ir.ops import (
    MVAU, VVAU, AddStreams, ConvolutionInputGenerator, DuplicateStreams, FMPadding, GlobalAccPool,
    LabelSelect, StreamingMaxPool, Thresholding,
)
from .errors import LoweringError
from .quantizers import Levels, quant_levels, quantize_const, thresholds_for
from .streams import Const, QConst, RawInput, Stream

PASSTHROUGH = {"Identity", "Dropout"}


def _attrs(node) -> dict:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


class Lowering:
    def __init__(self, model):
        self.model = model
        self.env: dict[str, object] = {}
        self.ops = []
        self.tensors: dict[str, TensorInfo] = {}
        self.counts = Counter()
        self.input_scale = None
        self.input_layout = "NCHW"
        self.consumers = Counter(i for n in model.graph.node for i in n.input)
        self.label_select = False
        self.checkpoints: list[dict] = []  # QONNX quantizer outputs and the IR streams holding their integers

    # ---- helpers ------------------------------------------------------------------------
    def new_tensor(self, prefix: str, shape, dt: DataType) -> str:
        name = f"{prefix}_out{self.counts['t_' + prefix]}"
        self.counts["t_" + prefix] += 1
        self.tensors[name] = TensorInfo(tuple(int(s) for s in shape), dt)
        return name

    def emit(self, op_cls, inputs, out_shape, out_dt, **kw):
        idx = self.counts[op_cls.OP_TYPE]
        self.counts[op_cls.OP_TYPE] += 1
        name = f"{op_cls.OP_TYPE}_{idx}"
        out = self.new_tensor(name, out_shape, out_dt)
        op = op_cls(name=name, inputs=list(inputs), outputs=[out], **kw)
        self.ops.append(op)
        return op, out

    def get(self, node, i, kinds):
        name = node.input[i]
        val = self.env.get(name)
        if val is None:
            init = self.model.get_initializer(name)
            if init is None:
                raise LoweringError(node, f"input {i} ({name!r}) is not produced by any lowered node")
            val = Const(np.asarray(init))
        if not isinstance(val, kinds):
            want = " or ".join(k.__name__ for k in (kinds if isinstance(kinds, tuple) else (kinds,)))
            raise LoweringError(node, f"input {i} ({name!r}) must be {want}, got {type(val).__name__}")
        return val

    def exclusive(self, node) -> bool:
        return self.consumers[node.output[0]] <= 1

    # ---- driver -------------------------------------------------------------------------
    def run(self) -> DataflowGraph:
        g = self.model.graph
        if len(g.input) != 1 or len(g.output) != 1:
            raise LoweringError(g.node[0] if g.node else None, f"graph must have one input and one output, has {len(g.input)} and {len(g.output)}")
        in_name = g.input[0].name
        self.env[in_name] = RawInput(tuple(self.model.get_tensor_shape(in_name)))
        for node in g.node:
            handler = getattr(self, f"op_{node.op_type}", None)
            if node.op_type in PASSTHROUGH:
                self.env[node.output[0]] = self.env.get(node.input[0])
                continue
            if handler is None:
                raise LoweringError(node, f"op type {node.op_type} is not supported by the frontend")
            handler(node)
        out = self.env.get(g.output[0].name)
        if not isinstance(out, Stream):
            raise LoweringError(g.node[-1], "the graph output is not an integer hardware stream")
        if out.relu:
            raise LoweringError(g.node[-1], "a ReLU without a quantizer at the graph output has no integer form")
        return self.finish(out)

    def finish(self, out: Stream) -> DataflowGraph:
        in_name = next(t for t in self.tensors if t == "global_in")
        graph = DataflowGraph(self.ops, self.tensors, in_name, out.tensor, float(self.input_scale), self.input_layout,
                              None if self.label_select else out.mul, None if self.label_select else out.add)
        graph.meta["checkpoints"] = self.checkpoints
        insert_forks(graph)
        mapping = rename_tensors_after_nodes(graph)
        for cp in self.checkpoints:
            cp["ir"] = mapping.get(cp["ir"], cp["ir"])
        graph.check()
        return graph

    # ---- quantizers ---------------------------------------------------------------------
    def _levels(self, node) -> Levels:
        a = _attrs(node)
        scale = self.get(node, 1, Const).value
        if node.op_type == "BipolarQuant":
            return Levels(-1, 1, np.asarray(scale, dtype=np.float64).reshape(-1), bipolar=True)
        zp = self.get(node, 2, Const).value
        bits = self.get(node, 3, Const).value
        if np.any(zp != 0):
            raise LoweringError(node, "non-zero zero points are not supported (use symmetric quantizers)")
        if a.get("rounding_mode", b"ROUND") not in ("ROUND", b"ROUND"):
            raise LoweringError(node, f"rounding_mode {a.get('rounding_mode')!r} is not supported; expected ROUND")
        if np.size(bits) != 1:
            raise LoweringError(node, "per-channel bit widths are not supported")
        return quant_levels(float(np.asarray(bits).reshape(-1)[0]), bool(a.get("signed", 1)), bool(a.get("narrow", 0)),
                            np.asarray(scale, dtype=np.float64).reshape(-1))

    def op_Quant(self, node):
        src = self.get(node, 0, (Const, Stream, RawInput))
        lv = self._levels(node)
        if np.any(lv.scale <= 0):
            raise LoweringError(node, "quantizer scales must be positive")
        if isinstance(src, Const):
            ints = quantize_const(src.value, lv)
            self.env[node.output[0]] = QConst(ints, lv.scale, lv.dt)
        elif isinstance(src, RawInput):
            self._input_quant(node, src, lv)
        else:
            self._act_quant(node, src, lv)

    op_BipolarQuant = op_Quant

    def _input_quant(self, node, src: RawInput, lv: Levels):
        if lv.scale.size != 1 or lv.bipolar:
            raise LoweringError(node, "the input quantizer must have one per-tensor scale and integer levels")
        self.input_scale = float(lv.scale[0])
        shape = src.shape
        if src.flattened or len(shape) == 2:
            self.input_layout = "FLAT"
            ir_shape, rank, hwc = (int(np.prod(shape[1:])),), 2, ()
        elif len(shape) == 4:
            _, c, h, w = shape
            ir_shape, rank, hwc = (h, w, c), 4, (h, w, c)
        else:
            raise LoweringError(node, f"graph input of rank {len(shape)} is not supported (expected NCHW or NC)")
        dt = lv.dt
        self.tensors["global_in"] = TensorInfo(tuple(int(s) for s in ir_shape), dt)
        ch = ir_shape[-1]
        self.env[node.output[0]] = Stream("global_in", dt, np.full(ch, self.input_scale), np.zeros(ch), rank, hwc)

    def _act_quant(self, node, s: Stream, lv: Levels):
        if lv.scale.size not in (1, s.channels):
            raise LoweringError(node, f"scale has {lv.scale.size} entries for {s.channels} channels")
        producer = s.fusable if (s.fusable is not None and s.exclusive) else None
        mul, add = s.mul.copy(), s.add.copy()
        lo, hi = s.bounds()
        negative = mul < 0
        if negative.any():
            if producer is None:
                raise LoweringError(node, "a decreasing per-channel map (negative scale) can only be folded into a preceding MVAU/VVAU")
            flip_channels(producer, negative)
            mul[negative], lo, hi = -mul[negative], np.where(negative, -hi, lo), np.where(negative, -lo, hi)
        thresholds = thresholds_for(mul, add, s.relu, lv, lo, hi)
        if producer is not None:
            producer.thresholds = thresholds
            producer.odt = lv.dt
            producer.out_bias = lv.out_bias
            self.tensors[producer.outputs[0]].dt = lv.dt
            out = producer.outputs[0]
        else:
            shape = self.tensors[s.tensor].shape
            _, out = self.emit(Thresholding, [s.tensor], shape, lv.dt, channels=s.channels, spatial=tuple(shape[:-1]),
                               idt=s.dt, odt=lv.dt, out_bias=lv.out_bias, thresholds=thresholds)
        scale = np.broadcast_to(lv.scale, (s.channels,)).astype(np.float64)
        self.env[node.output[0]] = Stream(out, lv.dt, scale.copy(), np.zeros(s.channels), s.onnx_rank, s.hwc)
        self.checkpoints.append({"onnx": node.output[0], "ir": out, "scale": scale.tolist(), "rank": s.onnx_rank})

    # ---- affine nodes -------------------------------------------------------------------
    def _channel_vector(self, node, value, s: Stream) -> np.ndarray:
        v = np.asarray(value, dtype=np.float64)
        if v.size == 1:
            return np.full(s.channels, float(v.reshape(-1)[0]))
        squeezed = v.reshape(-1)
        expected_shape = (1, s.channels, 1, 1) if s.onnx_rank == 4 else (1, s.channels)
        if squeezed.size == s.channels and v.shape in (expected_shape, expected_shape[1:], (s.channels,), (s.channels, 1, 1)):
            return squeezed
        raise LoweringError(node, f"constant of shape {v.shape} is not per-tensor or per-channel for {s.channels} channels")

    def op_BatchNormalization(self, node):
        s = self.get(node, 0, Stream)
        gamma, beta, mean, var = (self.get(node, i, Const).value.astype(np.float64) for i in range(1, 5))
        eps = _attrs(node).get("epsilon", 1e-5)
        if s.relu:
            raise LoweringError(node, "BatchNorm after an unquantized ReLU is not supported")
        g = gamma / np.sqrt(var + np.float64(np.float32(eps)))
        self.env[node.output[0]] = s.with_affine(s.mul * g, s.add * g + beta - mean * g, self.exclusive(node))

    def _binary_affine(self, node, fn):
        a, b = self.env.get(node.input[0]), self.env.get(node.input[1])
        s, c = (a, self.get(node, 1, Const)) if isinstance(a, Stream) else (b, self.get(node, 0, Const))
        if not isinstance(s, Stream):
            raise LoweringError(node, "one input must be an integer stream and the other a constant")
        if s.relu:
            raise LoweringError(node, f"{node.op_type} after an unquantized ReLU is not supported")
        mul, add = fn(s, self._channel_vector(node, c.value, s), s is a)
        self.env[node.output[0]] = s.with_affine(mul, add, self.exclusive(node))

    def op_Mul(self, node):
        self._binary_affine(node, lambda s, v, first: (s.mul * v, s.add * v))

    def op_Div(self, node):
        if not isinstance(self.env.get(node.input[0]), Stream):
            raise LoweringError(node, "only a stream divided by a constant is supported")
        self._binary_affine(node, lambda s, v, first: (s.mul / v, s.add / v))

    def op_Sub(self, node):
        if not isinstance(self.env.get(node.input[0]), Stream):
            raise LoweringError(node, "only a stream minus a constant is supported")
        self._binary_affine(node, lambda s, v, first: (s.mul, s.add - v))

    def op_Add(self, node):
        a, b = self.env.get(node.input[0]), self.env.get(node.input[1])
        if isinstance(a, Stream) and isinstance(b, Stream):
            return self._add_streams(node, a, b)
        self._binary_affine(node, lambda s, v, first: (s.mul, s.add + v))

    def op_Relu(self, node):
        s = self.get(node, 0, Stream)
        lo, _ = s.bounds()
        already_positive = np.all(s.mul >= 0) and np.all(lo * s.mul + s.add >= 0)
        self.env[node.output[0]] = s.with_affine(s.mul, s.add, self.exclusive(node)) if already_positive else \
            Stream(**{**s.__dict__, "relu": True, "exclusive": s.exclusive and self.exclusive(node)})

    def _add_streams(self, node, a: Stream, b: Stream):
        if a.relu or b.relu:
            raise LoweringError(node, "residual add of an unquantized ReLU output is not supported")
        if a.channels != b.channels or self.tensors[a.tensor].shape != self.tensors[b.tensor].shape:
            raise LoweringError(node, f"residual add of shapes {self.tensors[a.tensor].shape} and {self.tensors[b.tensor].shape}")
        if not np.array_equal(a.mul, b.mul):
            raise LoweringError(node, "residual add inputs have different scales; requantize both branches with one shared quantizer")
        alo, ahi = a.bounds()
        blo, bhi = b.bounds()
        lo, hi = alo + blo, ahi + bhi
        dt = DataType.for_range(lo.min(), hi.max())
        shape = self.tensors[a.tensor].shape
        _, out = self.emit(AddStreams, [a.tensor, b.tensor], shape, dt, channels=a.channels, spatial=tuple(shape[:-1]),
                           idt0=a.dt, idt1=b.dt, odt=dt)
        self.env[node.output[0]] = Stream(out, dt, a.mul.copy(), a.add + b.add, a.onnx_rank, a.hwc, lo=lo, hi=hi)

    # ---- compute nodes ------------------------------------------------------------------
    def _weights_input(self, node, i) -> QConst:
        w = self.get(node, i, (QConst, Const))
        if isinstance(w, Const):
            raise LoweringError(node, f"weights {node.input[i]!r} are not quantized (no Quant/BipolarQuant on them)")
        return w

    def _check_matmul_input(self, node, s: Stream) -> float:
        scale = s.scalar_mul()
        if scale is None:
            raise LoweringError(node, "its input must be a quantized tensor with one per-tensor scale and no offset "
                                      "(put a quantizer before it)")
        return scale

    def _acc_bounds(self, node, s: Stream, w: np.ndarray):
        """Per-output-channel accumulator bounds of x @ w for x in the stream's range; w: (K, C)."""
        lo_in, hi_in = s.bounds()
        xlo, xhi = float(lo_in.min()), float(hi_in.max())
        lo = np.minimum(xlo * w, xhi * w).sum(axis=0).astype(np.int64)
        hi = np.maximum(xlo * w, xhi * w).sum(axis=0).astype(np.int64)
        return lo, hi

    def _mvau(self, node, s: Stream, w_int: np.ndarray, w_scale: np.ndarray, in_tensor: str, spatial: tuple, wdt: DataType, rank, hwc):
        """Emit an MVAU computing in_tensor @ w_int (mw, mh) and set the output stream's affine map."""
        x_scale = self._check_matmul_input(node, s)
        lo, hi = self._acc_bounds(node, s, w_int)
        acc_dt = DataType.for_range(lo.min(), hi.max())
        mw, mh = w_int.shape
        op, out = self.emit(MVAU, [in_tensor], (*spatial, mh), acc_dt, mw=mw, mh=mh, spatial=spatial, idt=s.dt, wdt=wdt,
                            acc_dt=acc_dt, odt=acc_dt, weights=w_int.astype(np.int64))
        mul = x_scale * np.broadcast_to(np.asarray(w_scale, dtype=np.float64).reshape(-1), (mh,))
        return Stream(out, acc_dt, mul.copy(), np.zeros(mh), rank, hwc, lo=lo, hi=hi, fusable=op, exclusive=self.exclusive(node))

    def op_Gemm(self, node):
        a = _attrs(node)
        if a.get("transA", 0) or a.get("alpha", 1.0) != 1.0 or a.get("beta", 1.0) != 1.0:
            raise LoweringError(node, "only Gemm with transA=0, alpha=1, beta=1 is supported")
        s = self.get(node, 0, Stream)
        w = self._weights_input(node, 1)
        ints = w.ints.T if a.get("transB", 0) else w.ints  # (in, out)
        scale = np.asarray(w.scale, dtype=np.float64)
        if scale.size not in (1, ints.shape[1]):
            raise LoweringError(node, "weight scales must be per tensor or per output channel")
        ints = self._flatten_rows(node, s, ints)
        out = self._mvau(node, s, ints, scale.reshape(-1), s.tensor, (), w.dt, 2, ())
        if len(node.input) > 2 and node.input[2]:
            bias = self.get(node, 2, Const).value.astype(np.float64).reshape(-1)
            out = out.with_affine(out.mul, out.add + bias, True)
        self.env[node.output[0]] = out

    op_MatMul = op_Gemm

    def _flatten_rows(self, node, s: Stream, ints: np.ndarray) -> np.ndarray:
        """Reorder weight rows from ONNX's (C, H, W) flatten order to the IR's (H, W, C) stream order."""
        if s.onnx_rank == 2 and len(s.hwc) == 3:
            h, w, c = s.hwc
            if ints.shape[0] != h * w * c:
                raise LoweringError(node, f"weight rows {ints.shape[0]} != flattened input {h * w * c}")
            return ints.reshape(c, h, w, -1).transpose(1, 2, 0, 3).reshape(h * w * c, -1)
        if s.onnx_rank != 2:
            raise LoweringError(node, "a matrix multiply needs a 2D (N, C) input; flatten the feature map first")
        if ints.shape[0] != s.channels:
            raise LoweringError(node, f"weight rows {ints.shape[0]} != input features {s.channels}")
        return ints

    def op_Conv(self, node):
        a = _attrs(node)
        s = self.get(node, 0, Stream)
        w = self._weights_input(node, 1)
        if s.onnx_rank != 4:
            raise LoweringError(node, "Conv needs a 4D NCHW input")
        if any(d != 1 for d in a.get("dilations", [1, 1])):
            raise LoweringError(node, f"dilations {a.get('dilations')} are not supported")
        if len(node.input) > 2 and node.input[2]:
            raise LoweringError(node, "conv bias is not supported; use bias=False followed by BatchNorm")
        cout, cin_g, kh, kw = w.ints.shape
        h, wd, cin = s.hwc
        group = a.get("group", 1)
        pads = list(a.get("pads", [0, 0, 0, 0]))
        stride = tuple(a.get("strides", [1, 1]))
        depthwise = group > 1
        if depthwise and not (group == cin == cout and cin_g == 1):
            raise LoweringError(node, f"grouped conv with group={group}, {cin}->{cout} channels: only depthwise (group = in = out channels) is supported")
        x_scale = self._check_matmul_input(node, s)
        tensor, dt = s.tensor, s.dt
        if any(pads):
            if np.any(s.add != 0):
                raise LoweringError(node, "zero padding needs the float zero to be integer zero")
            # 0 is no bipolar value: a padded bipolar map widens to INT2 (-1, 0, +1), exactly as the float conv sees it
            pdt = DataType(2, True) if dt.bipolar else dt
            t, l, b, r = pads
            _, tensor = self.emit(FMPadding, [tensor], (h + t + b, wd + l + r, cin), pdt, ifm=(h, wd, cin), pads=(t, l, b, r), dt=dt,
                                  odt=pdt)
            dt = pdt
            s = Stream(**{**s.__dict__, "dt": pdt, "lo": None, "hi": None})
            h, wd = h + t + b, wd + l + r
        oh, ow = (h - kh) // stride[0] + 1, (wd - kw) // stride[1] + 1
        if not (kh == kw == 1 and stride == (1, 1)) or depthwise:
            _, tensor = self.emit(ConvolutionInputGenerator, [tensor], (oh, ow, kh * kw * cin), dt, ifm=(h, wd, cin), kernel=(kh, kw),
                                  stride=stride, dt=dt, depthwise=depthwise)
        scale = np.asarray(w.scale, dtype=np.float64).reshape(-1)
        if depthwise:
            wmat = w.ints.reshape(cout, kh * kw)
            lo, hi = self._acc_bounds(node, s, wmat.T)
            acc_dt = DataType.for_range(lo.min(), hi.max())
            op, out = self.emit(VVAU, [tensor], (oh, ow, cout), acc_dt, channels=cout, kernel=(kh, kw), spatial=(oh, ow), idt=dt,
                                wdt=w.dt, acc_dt=acc_dt, odt=acc_dt, weights=wmat.astype(np.int64))
            mul = x_scale * np.broadcast_to(scale, (cout,))
            st = Stream(out, acc_dt, mul.copy(), np.zeros(cout), 4, (oh, ow, cout), lo=lo, hi=hi, fusable=op, exclusive=self.exclusive(node))
        else:
            wmat = w.ints.transpose(2, 3, 1, 0).reshape(kh * kw * cin, cout)  # rows in (ky, kx, c) order
            st = self._mvau(node, s, wmat, scale, tensor, (oh, ow), w.dt, 4, (oh, ow, cout))
        self.env[node.output[0]] = st

    def op_MaxPool(self, node):
        a = _attrs(node)
        s = self.get(node, 0, Stream)
        if s.onnx_rank != 4:
            raise LoweringError(node, "MaxPool needs a 4D input")
        if any(a.get("pads", [0, 0, 0, 0])) or a.get("ceil_mode", 0) or any(d != 1 for d in a.get("dilations", [1, 1])):
            raise LoweringError(node, "only unpadded, floor-mode, undilated max pooling is supported")
        if np.any(s.mul <= 0):
            raise LoweringError(node, "max pooling needs a positive scale on every channel to commute with quantization")
        k = tuple(a["kernel_shape"])
        st = tuple(a.get("strides", k))
        h, w, c = s.hwc
        oh, ow = (h - k[0]) // st[0] + 1, (w - k[1]) // st[1] + 1
        _, out = self.emit(StreamingMaxPool, [s.tensor], (oh, ow, c), s.dt, ifm=(h, w, c), kernel=k, stride=st, dt=s.dt)
        self.env[node.output[0]] = Stream(out, s.dt, s.mul, s.add, 4, (oh, ow, c), s.relu, s.lo, s.hi)

    def _global_pool(self, node, s: Stream):
        if s.onnx_rank != 4:
            raise LoweringError(node, "global pooling needs a 4D input")
        if s.relu:
            raise LoweringError(node, "average pooling of an unquantized ReLU is not supported")
        h, w, c = s.hwc
        n = h * w
        lo, hi = s.bounds()
        dt = DataType.for_range(n * lo.min(), n * hi.max())
        _, out = self.emit(GlobalAccPool, [s.tensor], (c,), dt, ifm=(h, w, c), idt=s.dt, odt=dt)
        self.env[node.output[0]] = Stream(out, dt, s.mul / n, s.add, 4, (1, 1, c), lo=lo * n, hi=hi * n)

    def op_GlobalAveragePool(self, node):
        self._global_pool(node, self.get(node, 0, Stream))

    def op_ReduceMean(self, node):
        s = self.get(node, 0, Stream)
        axes = _attrs(node).get("axes")
        if axes is None and len(node.input) > 1:
            axes = self.get(node, 1, Const).value.tolist()
        if sorted(int(x) % 4 for x in (axes or [])) != [2, 3] or not _attrs(node).get("keepdims", 1):
            raise LoweringError(node, f"only a mean over the spatial axes (2, 3) with keepdims is supported, got axes={axes}")
        self._global_pool(node, s)

    def op_AveragePool(self, node):
        s = self.get(node, 0, Stream)
        a = _attrs(node)
        if s.onnx_rank == 4 and tuple(a.get("kernel_shape", ())) == tuple(s.hwc[:2]) and not any(a.get("pads", [0] * 4)):
            return self._global_pool(node, s)
        raise LoweringError(node, "only average pooling over the whole feature map is supported")

    # ---- layout nodes -------------------------------------------------------------------
    def _flatten(self, node, target_rank_2: bool):
        src = self.env.get(node.input[0])
        if isinstance(src, RawInput):
            self.env[node.output[0]] = RawInput(tuple(self.model.get_tensor_shape(node.output[0])), flattened=True)
            return
        s = self.get(node, 0, Stream)
        out_shape = self.model.get_tensor_shape(node.output[0])
        if s.onnx_rank == 4 and target_rank_2 and out_shape is not None and len(out_shape) == 2:
            h, w, c = s.hwc
            if out_shape[1] != h * w * c:
                raise LoweringError(node, f"reshape to {out_shape} is not a flatten of (C={c}, H={h}, W={w})")
            if h * w == 1:
                self.env[node.output[0]] = Stream(**{**s.__dict__, "onnx_rank": 2, "hwc": ()})
            else:
                if np.any(s.mul != s.mul[0]) or np.any(s.add != s.add[0]):
                    raise LoweringError(node, "flattening a feature map with per-channel scales is not supported")
                self.env[node.output[0]] = Stream(**{**s.__dict__, "onnx_rank": 2, "mul": np.full(h * w * c, s.mul[0]),
                                                     "add": np.full(h * w * c, s.add[0]), "lo": None, "hi": None})
            return
        if s.onnx_rank == 2 and out_shape is not None and len(out_shape) == 2:
            self.env[node.output[0]] = s
            return
        raise LoweringError(node, f"only flattening a feature map to (N, features) is supported (output shape {out_shape})")

    def op_Reshape(self, node):
        self._flatten(node, True)

    def op_Flatten(self, node):
        if _attrs(node).get("axis", 1) != 1:
            raise LoweringError(node, "only Flatten with axis=1 is supported")
        self._flatten(node, True)

    def op_Transpose(self, node):
        raise LoweringError(node, "Transpose is only supported where it cancels out; this one changes the data order")

    def _label_select(self, node, k: int):
        s = self.get(node, 0, Stream)
        if s.onnx_rank != 2 or np.any(s.mul <= 0) or np.any(s.mul != s.mul[0]) or np.any(s.add != s.add[0]):
            raise LoweringError(node, "top-k needs a (N, C) input with one positive scale and one offset for all channels")
        od = DataType.for_range(0, s.channels - 1)
        _, out = self.emit(LabelSelect, [s.tensor], (k,), od, labels=s.channels, k=k, idt=s.dt)
        self.label_select = True
        self.env[node.output[0]] = Stream(out, od, np.ones(k), np.zeros(k), 2)

    def op_TopK(self, node):
        k = int(np.asarray(self.get(node, 1, Const).value).reshape(-1)[0])
        a = _attrs(node)
        if a.get("axis", -1) not in (-1, 1) or not a.get("largest", 1):
            raise LoweringError(node, "only TopK of the largest values along the last axis is supported")
        self._label_select(node, k)

    def op_ArgMax(self, node):
        if _attrs(node).get("axis", 0) not in (-1, 1):
            raise LoweringError(node, "only ArgMax over the class axis is supported")
        self._label_select(node, 1)


def flip_channels(op, negative: np.ndarray) -> None:
    """Negate the weights of the channels whose affine slope is negative, so thresholds grow with acc."""
    if isinstance(op, MVAU):
        op.weights = np.where(negative[None, :], -op.weights, op.weights)
        if op.wdt.bipolar:
            return
        op.wdt = DataType.for_range(min(op.weights.min(), op.wdt.min), max(op.weights.max(), op.wdt.max))
    else:
        op.weights = np.where(negative[:, None], -op.weights, op.weights)
        if not op.wdt.bipolar:
            op.wdt = DataType.for_range(min(op.weights.min(), op.wdt.min), max(op.weights.max(), op.wdt.max))


def insert_forks(graph: DataflowGraph) -> None:
    """Give every stream read by more than one node a DuplicateStreams fork (a stream has one reader)."""
    new_ops = []
    readers = Counter(t for op in graph.ops for t in op.inputs)
    forked: dict[str, list[str]] = {}
    n = 0
    for tensor in [graph.input_name] + [t for op in graph.ops for t in op.outputs]:
        if readers[tensor] > 1:
            forked[tensor] = [f"{tensor}_fork{i}" for i in range(readers[tensor])]
    def fork_for(tensor):
        nonlocal n
        info = graph.tensors[tensor]
        outs = forked[tensor]
        for o in outs:
            graph.tensors[o] = TensorInfo(info.shape, info.dt)
        op = DuplicateStreams(name=f"DuplicateStreams_{n}", inputs=[tensor], outputs=list(outs), shape=tuple(info.shape), dt=info.dt)
        n += 1
        return op
    if graph.input_name in forked:
        new_ops.append(fork_for(graph.input_name))
    used = Counter()
    for op in graph.ops:
        for i, t in enumerate(op.inputs):
            if t in forked:
                op.inputs[i] = forked[t][used[t]]
                used[t] += 1
        new_ops.append(op)
        for t in op.outputs:
            if t in forked:
                new_ops.append(fork_for(t))
    graph.ops = new_ops
    graph.rename_finn_style()


def rename_tensors_after_nodes(graph: DataflowGraph) -> dict[str, str]:
    """Name each stream after the node writing it (`MVAU_0_out0`), stable under re-numbering."""
    mapping = {}
    for op in graph.ops:
        for i, t in enumerate(op.outputs):
            mapping[t] = f"{op.name}_out{i}"
    tensors = {}
    for old, info in graph.tensors.items():
        tensors[mapping.get(old, old)] = info
    graph.tensors = tensors
    for op in graph.ops:
        op.inputs = [mapping.get(t, t) for t in op.inputs]
        op.outputs = [mapping[t] for t in op.outputs]
    graph.output_name = mapping.get(graph.output_name, graph.output_name)
    return mapping


def lower_qonnx(model_or_path) -> DataflowGraph:
    """Lower a QONNX model (ModelWrapper, ModelProto or path) to the Dataflow IR; raises LoweringError."""
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.transformation.fold_constants import FoldConstants
    from qonnx.transformation.general import RemoveUnusedTensors, SortGraph
    from qonnx.transformation.infer_shapes import InferShapes

    if isinstance(model_or_path, (str, Path)):
        path = Path(model_or_path)
        if not path.is_file():
            raise FileNotFoundError(f"no QONNX model at {path}")
        model = ModelWrapper(str(path))
    elif isinstance(model_or_path, ModelWrapper):
        model = model_or_path
    else:
        model = ModelWrapper(model_or_path)
    # qonnx's cleanup_model would rename nodes; these passes keep the user's names for error messages
    for t in (InferShapes(), FoldConstants(), RemoveUnusedTensors(), SortGraph(), InferShapes()):
        model = model.transform(t)
    return Lowering(model).run()
