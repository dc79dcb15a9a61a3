"""Standalone multi-threshold activation (FINN Thresholding): requantizes an integer stream,
e.g. after a residual add, a global pool, or on one branch of a fork."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType
from ..thresholds import apply_thresholds


@dataclass
class Thresholding(HWOp):
    channels: int = 0
    spatial: tuple = ()
    idt: DataType = None
    odt: DataType = None
    out_bias: int = 0
    thresholds: np.ndarray = None  # (channels, nt)
    pe: int = 1
    ram_style: str = "auto"
    OP_TYPE: ClassVar[str] = "Thresholding"
    ARRAYS: ClassVar[tuple] = ("thresholds",)
    STYLE_ATTRS: ClassVar[dict] = {"ram_style": ("auto", "block", "distributed")}

    def legal_folding(self):
        return {"pe": divisors(self.channels)}

    def out_shapes(self):
        return [(*self.spatial, self.channels)]

    def out_dtypes(self):
        return [self.odt]

    def in_stream_bits(self) -> int:
        return self.pe * self.idt.bits

    def out_stream_bits(self) -> int:
        return self.pe * self.odt.bits

    # ---- cost model (codesign.hw: cycles, resources) ------------------------------------------
    def cycles(self) -> int:
        """FINN Thresholding.get_exp_cycles: pixels * C/PE."""
        from ...hw import finn_formulas as F

        return F.thresholding_exp_cycles(self.channels, self.pe, tuple(self.spatial))

    def resources(self, est) -> dict:
        """LUT/FF/BRAM18/URAM/DSP under estimator ``est`` (codesign.hw.estimators)."""
        A, P = self.idt.bits, self.pe
        if est.kind == "finn":
            from ...hw import finn_formulas as F

            style = "block" if self.ram_style == "block" else "distributed"  # Thresholding_hls default: distributed
            return est.pack(LUT=F.thresholding_lut_estimation(self.channels, P, A, ram_style=style),
                            BRAM18=F.thresholding_bram_estimation(self.channels, P, A, ram_style=style))
        nt = int(self.thresholds.shape[1]) if self.thresholds is not None else (1 << self.odt.bits) - 1
        cnt_lut, _, _ = est.adder_tree(nt, 1)  # count the thresholds passed
        tmem = est.memory(self.channels // P, P * nt * A, self.ram_style, rom=True)
        pix = int(np.prod(self.spatial)) if self.spatial else 1
        c_lut, c_ff = est.counters(self.channels // P, pix)
        p_lut, p_ff = est.stream_ports(2)
        lut = P * (nt * est.comparator_luts(A) + cnt_lut) + c_lut + p_lut
        ff = P * (A + self.odt.bits) + c_ff + p_ff  # input and output registers
        return est.add(est.pack(LUT=lut, FF=ff), tmem.as_dict())

    def execute(self, x):
        return [apply_thresholds(x.astype(np.int64), self.thresholds, self.odt, self.out_bias)]

    def schedule(self) -> dict:
        """Per-frame read/write schedule of finn-hlslib's Thresholding_Batch (II=1; keys: codesign.sim): one PE-wide
        beat in and one out per iteration. Pipeline depth: 1 input register + 1 threshold-memory read
        + 1 compare-and-count + 1 output register."""
        n = (int(np.prod(self.spatial)) if self.spatial else 1) * (self.channels // self.pe)
        beats = np.arange(n, dtype=np.int64)
        return {"n": n, "depth": 4, "reads": [beats], "writes": [beats], "need": [(beats + 1)[:, None]]}

    # ---- HLS binding (codesign.hls: which engine template and how its memories are laid out) ----
    def hls_binding(self):
        from ...hls.binding import HLSBinding, kind, threshold_array

        t = threshold_array(f"{self.name}_thresholds", self.thresholds, self.pe)
        args = [int(np.prod(self.spatial)) if self.spatial else 1, self.channels, self.pe, self.idt.bits, kind(self.idt),
                self.thresholds.shape[1], int(t.ctype[7:-1]), self.odt.bits, self.out_bias]
        return HLSBinding("thresholding.h", "thresholding", args, [self.pe], [self.idt.bits], [self.pe], [self.odt.bits], [t])
