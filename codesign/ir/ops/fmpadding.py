"""Zero padding of an NHWC feature map (FINN FMPadding), ahead of a sliding-window generator."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType


@dataclass
class FMPadding(HWOp):
    ifm: tuple = (1, 1, 1)
    pads: tuple = (0, 0, 0, 0)  # top, left, bottom, right
    dt: DataType = None
    odt: DataType = None  # INT2 when a bipolar map is padded (0 is no bipolar value), else dt
    simd: int = 1
    OP_TYPE: ClassVar[str] = "FMPadding"

    def legal_folding(self):
        return {"simd": divisors(self.ifm[2])}

    def out_shapes(self):
        h, w, c = self.ifm
        t, l, b, r = self.pads
        return [(h + t + b, w + l + r, c)]

    def out_dtypes(self):
        return [self.odt or self.dt]

    def in_stream_bits(self) -> int:
        return self.simd * self.dt.bits

    def out_stream_bits(self) -> int:
        return self.simd * (self.odt or self.dt).bits

    # ---- cost model (codesign.hw: cycles, resources) ------------------------------------------
    def cycles(self) -> int:
        """FINN FMPadding.get_exp_cycles: (C/SIMD) * OH * OW of the padded output."""
        from ...hw import finn_formulas as F

        t, l, b, r = self.pads  # FINN's order [H_begin, W_begin, H_end, W_end] is the same
        return F.fmpadding_exp_cycles(tuple(self.ifm[:2]), [t, l, b, r], self.ifm[2], self.simd)

    def latency_profile(self) -> dict:
        """Pipeline-overlap latency model: padding starts at once; after the last input pixel the right
        and bottom padding remain."""
        h, w, c = self.ifm
        t, l, b, r = self.pads
        cf = c // self.simd
        return {"input_fraction": 0.0, "first": 1, "tail": (b * (w + l + r) + r) * cf + 1}

    def resources(self, est) -> dict:
        """LUT/FF/BRAM18/URAM/DSP under estimator ``est``. FINN's FMPadding has no resource estimate
        (HWCustomOp defaults, 0)."""
        if est.kind == "finn":
            return est.pack()
        h, w, c = self.ifm
        t, l, b, r = self.pads
        width = self.simd * self.dt.bits
        c_lut, c_ff = est.counters(h + t + b, w + l + r, c // self.simd)
        p_lut, p_ff = est.stream_ports(2)
        # zero gating, 2 bits per dual-output LUT6; + 4 LUT for the inside-image test (engineering
        # estimate: row and column range compares on the counters)
        lut = -(-width // 2) + c_lut + p_lut + 4
        return est.pack(LUT=lut, FF=2 * width + c_ff + p_ff)

    def execute(self, x):
        t, l, b, r = self.pads
        return [np.pad(x.astype(np.int64), ((0, 0), (t, b), (l, r), (0, 0)))]

    def schedule(self) -> dict:
        """Per-frame read/write schedule of finn-hlslib's FMPadding_Batch (II=1; keys: codesign.sim): one SIMD-wide
        output beat per iteration in raster order; it reads an input beat only for pixels inside the image and
        emits padding beats without reading (they depend on nothing). Pipeline depth: 1 input register + 1 output
        register."""
        h, w, c = self.ifm
        t, l, b, r = self.pads
        y, x = np.meshgrid(np.arange(h + t + b), np.arange(w + l + r), indexing="ij")
        inside = np.repeat(((y >= t) & (y < t + h) & (x >= l) & (x < l + w)).ravel(), c // self.simd)
        beats = np.arange(len(inside), dtype=np.int64)
        need = np.cumsum(inside, dtype=np.int64) * inside
        return {"n": len(inside), "depth": 2, "reads": [beats[inside]], "writes": [beats], "need": [need[:, None]]}

    # ---- HLS binding (codesign.hls: which engine template and how its memories are laid out) ----
    def hls_binding(self):
        from ...hls.binding import HLSBinding, kind

        h, w, c = self.ifm
        t, l, b, r = self.pads
        odt = self.odt or self.dt
        if odt != self.dt:  # e.g. bipolar widened to INT2 so that the zero pad is representable
            return HLSBinding("pad.h", "pad_convert", [h, w, c, t, b, l, r, self.simd, self.dt.bits, kind(self.dt), odt.bits,
                                                       kind(odt), 0], [self.simd], [self.dt.bits], [self.simd], [odt.bits])
        return HLSBinding("pad.h", "pad", [h, w, c, t, b, l, r, self.simd, odt.bits, 0], [self.simd], [self.dt.bits],
                          [self.simd], [odt.bits])
