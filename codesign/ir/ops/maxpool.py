"""Max pooling on an NHWC stream (FINN StreamingMaxPool); floor mode, no padding."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType


@dataclass
class StreamingMaxPool(HWOp):
    ifm: tuple = (1, 1, 1)
    kernel: tuple = (2, 2)
    stride: tuple = (2, 2)
    dt: DataType = None
    pe: int = 1
    OP_TYPE: ClassVar[str] = "StreamingMaxPool"

    @property
    def ofm(self) -> tuple:
        h, w, _ = self.ifm
        return ((h - self.kernel[0]) // self.stride[0] + 1, (w - self.kernel[1]) // self.stride[1] + 1)

    def legal_folding(self):
        return {"pe": divisors(self.ifm[2])}

    def out_shapes(self):
        return [(*self.ofm, self.ifm[2])]

    def out_dtypes(self):
        return [self.dt]

    def in_stream_bits(self) -> int:
        return self.pe * self.dt.bits

    out_stream_bits = in_stream_bits

    # ---- cost model (codesign.hw: cycles, resources) ------------------------------------------
    def _is_1d(self) -> bool:
        h, w, _ = self.ifm
        return (h == 1 and self.kernel[0] == 1) or (w == 1 and self.kernel[1] == 1)

    def cycles(self) -> int:
        """FINN StreamingMaxPool.get_exp_cycles. Its 2D formula int(IFM_w^2 * (1 + 1/k_w^2)) assumes all
        channels in one beat (FINN's 2D max pool has a C-wide stream, PE = C); the IR lets PE < C, so the
        2D formula is scaled by the channel fold C/PE (equal to FINN's at PE = C). 1D: FINN's
        OFM * (C/PE) * (k+1)."""
        from ...hw import finn_formulas as F

        c = self.ifm[2]
        n = F.streamingmaxpool_exp_cycles(tuple(self.ifm[:2]), tuple(self.kernel), c, self.pe)
        return n if self._is_1d() else n * (c // self.pe)

    def cycles_codesign(self) -> int:
        """Reads every input beat and writes every pooled beat in separate loop iterations (as
        finn-hlslib's StreamingMaxPool does per output row): (IFM_h*IFM_w + OFM_h*OFM_w) * C/PE. Unlike
        FINN's 2D formula it uses the image height too."""
        h, w, c = self.ifm
        oh, ow = self.ofm
        return (h * w + oh * ow) * (c // self.pe)

    def latency_profile(self) -> dict:
        """Pipeline-overlap latency model: the first pooled row needs k_h input rows; the last pooled row
        is written after the last pooling rows are read."""
        h, w, c = self.ifm
        cf, kh = c // self.pe, self.kernel[0]
        return {"input_fraction": min(1.0, kh / h), "first": kh * w * cf, "tail": self.ofm[1] * cf}

    def resources(self, est) -> dict:
        """LUT/FF/BRAM18/URAM/DSP under estimator ``est``. FINN has no resource estimate for
        StreamingMaxPool (its HWCustomOp defaults are 0), so the finn estimator reports 0."""
        if est.kind == "finn":
            return est.pack()
        h, w, c = self.ifm
        b, P, cf = self.dt.bits, self.pe, c // self.pe
        rowbuf = est.memory(self.ofm[1] * cf, P * b, "auto")  # one pooled output row of running maxima
        # per lane: compare (carry chain) + 2:1 select of b bits (two bits per dual-output LUT6);
        # 1-bit (bipolar) max is an OR, one LUT per lane
        lane = 1 if b == 1 else est.comparator_luts(b) + -(-b // 2)
        c_lut, c_ff = est.counters(h, w, cf, self.kernel[0], self.kernel[1])
        p_lut, p_ff = est.stream_ports(2)
        return est.add(est.pack(LUT=P * lane + c_lut + p_lut, FF=2 * P * b + c_ff + p_ff), rowbuf.as_dict())

    def execute(self, x):
        (kh, kw), (sh, sw), (oh, ow) = self.kernel, self.stride, self.ofm
        out = None
        for ky in range(kh):
            for kx in range(kw):
                win = x[:, ky : ky + sh * (oh - 1) + 1 : sh, kx : kx + sw * (ow - 1) + 1 : sw, :]
                out = win if out is None else np.maximum(out, win)
        return [out.astype(np.int64)]

    def schedule(self) -> dict:
        """Per-frame read/write schedule of finn-hlslib's StreamingMaxPool (II=1; keys: codesign.sim): for each output
        row, read the input rows it pools that are not yet read (one PE-wide beat per iteration, max into a row
        buffer), then write the pooled row (one beat per iteration); rows below the last window (floor mode) are
        read and dropped at the end of the frame. Pipeline depth: 1 input register + 1 compare-and-store
        + 1 output register."""
        h, w, c = self.ifm
        (kh, kw), (sh, sw), (oh, ow) = self.kernel, self.stride, self.ofm
        cf = c // self.pe
        reads, writes, t, rows = [], [], 0, 0
        for oy in range(oh):
            nr = (oy * sh + kh - rows) * w * cf
            reads.append(t + np.arange(nr, dtype=np.int64))
            writes.append(t + nr + np.arange(ow * cf, dtype=np.int64))
            t, rows = t + nr + ow * cf, oy * sh + kh
        reads.append(t + np.arange((h - rows) * w * cf, dtype=np.int64))
        t += (h - rows) * w * cf
        oy, ox, f = np.meshgrid(np.arange(oh), np.arange(ow), np.arange(cf), indexing="ij")
        need = (((oy * sh + kh - 1) * w + ox * sw + kw - 1) * cf + f + 1).ravel().astype(np.int64)
        return {"n": int(t), "depth": 3, "reads": [np.concatenate(reads)], "writes": [np.concatenate(writes)],
                "need": [need[:, None]]}

    # ---- HLS binding (codesign.hls: which engine template and how its memories are laid out) ----
    def hls_binding(self):
        from ...hls.binding import HLSBinding, kind

        h, w, c = self.ifm
        args = [h, w, c, self.kernel[0], self.kernel[1], self.stride[0], self.stride[1], self.pe, self.dt.bits, kind(self.dt)]
        return HLSBinding("maxpool.h", "maxpool", args, [self.pe], [self.dt.bits], [self.pe], [self.dt.bits])
