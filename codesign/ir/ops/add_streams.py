"""Elementwise add of two integer streams of the same scale (FINN AddStreams): residual joins."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType


@dataclass
class AddStreams(HWOp):
    channels: int = 0
    spatial: tuple = ()
    idt0: DataType = None
    idt1: DataType = None
    odt: DataType = None
    pe: int = 1
    OP_TYPE: ClassVar[str] = "AddStreams"

    def legal_folding(self):
        return {"pe": divisors(self.channels)}

    def out_shapes(self):
        return [(*self.spatial, self.channels)]

    def out_dtypes(self):
        return [self.odt]

    def in_stream_bits(self) -> int:
        return self.pe * max(self.idt0.bits, self.idt1.bits)

    def out_stream_bits(self) -> int:
        return self.pe * self.odt.bits

    # ---- cost model (codesign.hw: cycles, resources) ------------------------------------------
    def cycles(self) -> int:
        """FINN AddStreams.get_exp_cycles: pixels * C/PE."""
        from ...hw import finn_formulas as F

        return F.addstreams_exp_cycles(self.channels, self.pe, tuple(self.spatial))

    def resources(self, est) -> dict:
        """LUT/FF/BRAM18/URAM/DSP under estimator ``est``. FINN has no resource estimate for
        AddStreams (HWCustomOp defaults, 0)."""
        if est.kind == "finn":
            return est.pack()
        pix = int(np.prod(self.spatial)) if self.spatial else 1
        c_lut, c_ff = est.counters(pix * self.channels // self.pe)
        p_lut, p_ff = est.stream_ports(3)
        lut = self.pe * est.adder_luts(self.odt.bits) + c_lut + p_lut
        ff = self.pe * (self.idt0.bits + self.idt1.bits + self.odt.bits) + c_ff + p_ff  # in/out registers
        return est.pack(LUT=lut, FF=ff)

    def execute(self, a, b):
        return [a.astype(np.int64) + b.astype(np.int64)]

    def schedule(self) -> dict:
        """Per-frame read/write schedule of finn-hlslib's AddStreams_Batch (II=1; keys: codesign.sim): one PE-wide
        beat from each input and one sum out per iteration. It needs both inputs, so the faster branch of a
        residual block waits in its FIFO. Pipeline depth: 1 input register + 1 add + 1 output register."""
        n = (int(np.prod(self.spatial)) if self.spatial else 1) * (self.channels // self.pe)
        b = np.arange(n, dtype=np.int64)
        return {"n": n, "depth": 3, "reads": [b, b], "writes": [b], "need": [np.stack([b + 1, b + 1], axis=1)]}

    # ---- HLS binding (codesign.hls: which engine template and how its memories are laid out) ----
    def hls_binding(self):
        from ...hls.binding import HLSBinding, kind

        beats = (int(np.prod(self.spatial)) if self.spatial else 1) * self.channels // self.pe
        args = [self.pe, beats, self.idt0.bits, kind(self.idt0), self.idt1.bits, kind(self.idt1), self.odt.bits]
        return HLSBinding("add_streams.h", "add_streams", args, [self.pe, self.pe], [self.idt0.bits, self.idt1.bits],
                          [self.pe], [self.odt.bits])
