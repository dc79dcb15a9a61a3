"""Sliding-window generator (FINN ConvolutionInputGenerator): turns an NHWC image stream into the
stream of kh x kw windows, each in (ky, kx, c) order, that an MVAU or VVAU consumes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType


@dataclass
class ConvolutionInputGenerator(HWOp):
    ifm: tuple = (1, 1, 1)  # (H, W, C), already padded
    kernel: tuple = (1, 1)
    stride: tuple = (1, 1)
    dt: DataType = None
    depthwise: bool = False
    simd: int = 1
    ram_style: str = "auto"
    OP_TYPE: ClassVar[str] = "ConvolutionInputGenerator"
    STYLE_ATTRS: ClassVar[dict] = {"ram_style": ("auto", "block", "distributed", "ultra")}

    @property
    def ofm(self) -> tuple:
        h, w, _ = self.ifm
        return ((h - self.kernel[0]) // self.stride[0] + 1, (w - self.kernel[1]) // self.stride[1] + 1)

    def legal_folding(self):
        return {"simd": divisors(self.ifm[2])}

    def out_shapes(self):
        return [(*self.ofm, self.kernel[0] * self.kernel[1] * self.ifm[2])]

    def out_dtypes(self):
        return [self.dt]

    def in_stream_bits(self) -> int:
        return self.simd * self.dt.bits

    def out_stream_bits(self) -> int:
        return self.simd * self.dt.bits

    # ---- cost model (codesign.hw: cycles, resources) ------------------------------------------
    def _finn_args(self) -> tuple:
        return self.ifm[2], tuple(self.kernel), tuple(self.ifm[:2])

    def cycles(self) -> int:
        """FINN's RTL sliding window, default style (ConvolutionInputGenerator_rtl.get_exp_cycles):
        ((k_h-1)*IFM_w + k_w)*CF + OFM_h * max(OFM_w*k_w*k_h*CF, stride_w*IFM_w*CF), CF = C/SIMD
        (depthwise adds FINN's extra terms)."""
        from ...hw import finn_formulas as F

        c, k, ifm = self._finn_args()
        return F.swg_rtl_exp_cycles("default", c, k, ifm, tuple(self.ofm), self.simd, tuple(self.stride),
                                    depthwise=self.depthwise)

    def latency_profile(self) -> dict:
        """Pipeline-overlap latency model: the first window needs (k_h-1) rows plus k_w pixels of input
        (filled at the own rate in as many beats); after the last input pixel the last window
        (k_h*k_w*CF beats) remains."""
        h, w, c = self.ifm
        (kh, kw), cf = self.kernel, c // self.simd
        fill = (kh - 1) * w + kw
        return {"input_fraction": fill / (h * w), "first": fill * cf, "tail": kh * kw * cf}

    def resources(self, est) -> dict:
        """LUT/FF/BRAM18/URAM/DSP under estimator ``est`` (codesign.hw.estimators)."""
        from ...hw import finn_formulas as F

        c, k, ifm = self._finn_args()
        A, stride = self.dt.bits, tuple(self.stride)
        if est.kind == "finn":
            kw = {"ram_style": self.ram_style}
            return est.pack(
                LUT=F.swg_rtl_lut_estimation("default", c, k, ifm, self.simd, A, stride, **kw),
                BRAM18=F.swg_rtl_bram_estimation("default", c, k, ifm, self.simd, A, stride, **kw),
                URAM=F.swg_rtl_uram_estimation("default", c, k, ifm, self.simd, A, stride, **kw),
            )
        depth = F.swg_rtl_buffer_depth("default", c, k, ifm, self.simd, stride)
        width = self.simd * A
        buf = est.memory(depth, width, self.ram_style)
        h, w, _ = self.ifm
        c_lut, c_ff = est.counters(h, w, c // self.simd, self.kernel[0], self.kernel[1], depth, depth)  # loops + 2 pointers
        p_lut, p_ff = est.stream_ports(2)
        # FINN's RTL generator costs 300 LUT of control besides the buffer (swg_rtl_lut_estimation)
        lut = est.HLS_ENGINE_LUT + c_lut + p_lut
        ff = 2 * width + c_ff + p_ff  # input and output data registers
        return est.add(est.pack(LUT=lut, FF=ff), buf.as_dict())

    def execute(self, x):
        kh, kw = self.kernel
        sh, sw = self.stride
        oh, ow = self.ofm
        rows = []
        for ky in range(kh):
            for kx in range(kw):
                rows.append(x[:, ky : ky + sh * (oh - 1) + 1 : sh, kx : kx + sw * (ow - 1) + 1 : sw, :])
        return [np.concatenate(rows, axis=-1).astype(np.int64)]

    def schedule(self) -> dict:
        """Per-frame read/write schedule (II=1; keys: codesign.sim) with the structure of FINN's RTL sliding
        window, default style (the DESIGN.md formula): first fill the line buffer with ((K_h-1)*IFM_w + K_w)*CF
        beats (reads only; CF = C/SIMD), then one block per output row: from the block's first iteration it
        reads one beat per cycle of the stride_h*IFM_w*CF beats the next row needs (the last block reads
        whatever the frame has left) and writes the row's OFM_w*K_h*K_w*CF window beats one per cycle, a beat
        not before the input it needs has been read. A block lasts max(writes, reads) iterations unless writes
        wait for reads, which they never do when K >= stride, so the count is the formula's
        ((K_h-1)*IFM_w + K_w)*CF + OFM_h*max(OFM_w*K_h*K_w*CF, stride*IFM_w*CF) exactly (FINN adds terms for
        strided depthwise windows that this does not). Beats within a window are (ky, kx, channel fold);
        depthwise windows in FINN's order (channel fold, ky, kx). Pipeline depth: 1 line-buffer address
        + 1 RAM read + 1 output register."""
        h, w, c = self.ifm
        (kh, kw), (sh, sw), (oh, ow) = self.kernel, self.stride, self.ofm
        cf = c // self.simd
        order = ("oy", "ox", "f", "ky", "kx") if self.depthwise else ("oy", "ox", "ky", "kx", "f")
        dims = {"oy": oh, "ox": ow, "ky": kh, "kx": kw, "f": cf}
        g = dict(zip(order, np.meshgrid(*[np.arange(dims[a], dtype=np.int64) for a in order], indexing="ij")))
        need = (((g["oy"] * sh + g["ky"]) * w + g["ox"] * sw + g["kx"]) * cf + g["f"] + 1).reshape(oh, -1)
        total = h * w * cf
        have = min(((kh - 1) * w + kw) * cf, total)
        reads, writes, t = [np.arange(have, dtype=np.int64)], [], have
        for oy in range(oh):
            nr = min(sh * w * cf, total - have) if oy + 1 < oh else total - have
            q = np.arange(need.shape[1], dtype=np.int64)
            at = np.maximum(need[oy] - have - 1, -1)  # block iteration that reads the last beat this one needs
            wr = q + np.maximum.accumulate(np.maximum(at - q, 0))
            writes.append(t + wr)
            reads.append(t + np.arange(nr, dtype=np.int64))
            t, have = t + max(int(wr[-1]) + 1 if len(wr) else 0, nr), have + nr
        n, reads, writes = t, np.concatenate(reads), np.concatenate(writes)
        return {"n": int(n), "depth": 3, "reads": [reads], "writes": [writes], "need": [need.ravel()[:, None]]}

    # ---- HLS binding (codesign.hls: which engine template and how its memories are laid out) ----
    def hls_binding(self):
        """The depthwise window order (for cf, for k) needs simd equal to the VVAU's PE; codegen checks it."""
        from ...hls.binding import HLSBinding

        h, w, c = self.ifm
        args = [h, w, c, self.kernel[0], self.kernel[1], self.stride[0], self.stride[1], self.simd, self.dt.bits,
                "true" if self.depthwise else "false"]
        return HLSBinding("swg.h", "swg", args, [self.simd], [self.dt.bits], [self.simd], [self.dt.bits])
