"""Small hand-built Dataflow IR graphs for the simulator tests."""
from __future__ import annotations

import numpy as np

from codesign.ir import DataflowGraph, DataType, TensorInfo
from codesign.ir.ops import MVAU, AddStreams, DuplicateStreams, Thresholding

UINT2, INT2 = DataType(2, False), DataType(2, True)


class Builder:
    def __init__(self, in_shape, dt=UINT2, seed=0):
        self.ops, self.tensors = [], {"x": TensorInfo(tuple(in_shape), dt)}
        self.rng = np.random.default_rng(seed)
        self.counts = {}

    def add(self, cls, inputs, n_out=1, **kw):
        i = self.counts.get(cls.OP_TYPE, 0)
        self.counts[cls.OP_TYPE] = i + 1
        name = f"{cls.OP_TYPE}_{i}"
        kw = {k: int(v) if isinstance(v, np.integer) else v for k, v in kw.items()}
        op = cls(name=name, inputs=list(inputs), outputs=[f"{name}_out{q}" for q in range(n_out)], **kw)
        for t, shape, dt in zip(op.outputs, op.out_shapes(), op.out_dtypes()):
            self.tensors[t] = TensorInfo(tuple(shape), dt)
        self.ops.append(op)
        return op.outputs if n_out > 1 else op.outputs[0]

    def thresholds(self, channels, lo, hi, n=3):
        return np.sort(self.rng.integers(lo, hi + 1, size=(channels, n)), axis=1)

    def mvau(self, x, mh, pe=1, simd=1, odt=UINT2, vectors=1):
        """An MVAU (thresholded to `odt`) reading x as `vectors` vectors."""
        info = self.tensors[x]
        mw = int(np.prod(info.shape)) // vectors
        spatial = (vectors,) if vectors > 1 else ()
        w = self.rng.integers(-2, 2, size=(mw, mh))
        acc_hi = mw * 2 * info.dt.max
        return self.add(MVAU, [x], mw=mw, mh=mh, spatial=spatial, idt=info.dt, wdt=INT2, acc_dt=DataType(16, True), odt=odt,
                        weights=w, thresholds=self.thresholds(mh, -acc_hi // 2, acc_hi // 2, 2 ** odt.bits - 1), pe=pe, simd=simd)

    def thr(self, x, pe=1, odt=UINT2):
        info = self.tensors[x]
        c = info.shape[-1]
        lo, hi = info.dt.min, info.dt.max
        return self.add(Thresholding, [x], channels=c, spatial=tuple(info.shape[:-1]), idt=info.dt, odt=odt,
                        thresholds=self.thresholds(c, lo, hi, 2 ** odt.bits - 1), pe=pe)

    def dup(self, x, pe=1):
        info = self.tensors[x]
        return self.add(DuplicateStreams, [x], n_out=2, shape=tuple(info.shape), dt=info.dt, pe=pe)

    def addst(self, a, b, pe=1):
        ia, ib = self.tensors[a], self.tensors[b]
        return self.add(AddStreams, [a, b], channels=ia.shape[-1], spatial=tuple(ia.shape[:-1]), idt0=ia.dt, idt1=ib.dt,
                        odt=DataType(ia.dt.bits + 1, True), pe=pe)

    def graph(self, out) -> DataflowGraph:
        g = DataflowGraph(self.ops, self.tensors, "x", out, 1.0, "NHWC")
        g.check()
        return g


def linear(seed=0, vectors=4, mw=8, mh=12, pe=(2, 3), simd=(4, 2)):
    """source -> MVAU -> Thresholding -> MVAU -> sink."""
    b = Builder((vectors, mw), seed=seed)
    h = b.mvau("x", mh, pe=pe[0], simd=simd[0], vectors=vectors)
    h = b.thr(h, pe=pe[0])
    h = b.mvau(h, 6, pe=pe[1], simd=simd[1], vectors=vectors)
    return b.graph(h)


def residual(seed=0, pixels=16, channels=4, mh=4, main_simd=1, main_pe=1, whole_frame=False):
    """source -> Dup -> [MVAU -> MVAU] + [Thresholding] -> AddStreams -> sink: the shortcut must buffer while
    the main branch computes. whole_frame: the first main MVAU takes the whole frame as one vector, so the
    shortcut must hold nearly a frame before the main branch's first output."""
    b = Builder((pixels, channels), seed=seed)
    a, s = b.dup("x")
    if whole_frame:
        m = b.mvau(a, pixels * channels, pe=main_pe, simd=main_simd, vectors=1)
    else:
        m = b.mvau(a, mh, pe=main_pe, simd=main_simd, vectors=pixels)
    m = b.mvau(m, channels, pe=main_pe, simd=main_simd, vectors=pixels)
    s = b.thr(s)
    return b.graph(b.addst(m, s))
