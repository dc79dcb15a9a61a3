"""Top-k label select (FINN LabelSelect): indices of the k largest inputs, ties to the lowest index."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType


@dataclass
class LabelSelect(HWOp):
    labels: int = 0
    k: int = 1
    idt: DataType = None
    pe: int = 1
    OP_TYPE: ClassVar[str] = "LabelSelect"

    @property
    def odt(self) -> DataType:
        return DataType.for_range(0, self.labels - 1)

    def legal_folding(self):
        return {"pe": divisors(self.labels)}

    def out_shapes(self):
        return [(self.k,)]

    def out_dtypes(self):
        return [self.odt]

    def in_stream_bits(self) -> int:
        return self.pe * self.idt.bits

    def out_stream_bits(self) -> int:
        return self.odt.bits

    # ---- cost model (codesign.hw: cycles, resources) ------------------------------------------
    def cycles(self) -> int:
        """FINN LabelSelect.get_exp_cycles: Labels/PE."""
        from ...hw import finn_formulas as F

        return F.labelselect_exp_cycles(self.labels, self.pe)

    def latency_profile(self) -> dict:
        """Pipeline-overlap latency model: the top-k needs every input; then k labels are written."""
        return {"input_fraction": 1.0, "first": self.labels // self.pe + 1, "tail": self.k}

    def resources(self, est) -> dict:
        """LUT/FF/BRAM18/URAM/DSP under estimator ``est``. FINN has no resource estimate for
        LabelSelect (HWCustomOp defaults, 0)."""
        if est.kind == "finn":
            return est.pack()
        b, lb = self.idt.bits, self.odt.bits
        # insertion into k sorted (value, label) registers per lane: k comparators + k (value, label) selects
        lane = self.k * (est.comparator_luts(b) + -(-(b + lb) // 2))
        c_lut, c_ff = est.counters(self.labels // self.pe, self.k)
        p_lut, p_ff = est.stream_ports(2)
        lut = self.pe * lane + c_lut + p_lut
        ff = self.pe * b + self.k * (b + lb) + lb + c_ff + p_ff
        return est.pack(LUT=lut, FF=ff)

    def execute(self, x):
        order = np.argsort(-x.astype(np.int64), axis=-1, kind="stable")
        return [order[..., : self.k].astype(np.int64)]

    def schedule(self) -> dict:
        """Per-frame read/write schedule of finn-hlslib's LabelSelect_Batch (II=1; keys: codesign.sim): read
        Labels/PE beats (insertion into the top-k registers), then write the k labels one per iteration; each
        label needs every input. Pipeline depth: 1 input register + 1 compare-and-insert + 1 output register."""
        nf = self.labels // self.pe
        return {"n": nf + self.k, "depth": 3, "reads": [np.arange(nf, dtype=np.int64)],
                "writes": [nf + np.arange(self.k, dtype=np.int64)], "need": [np.full((self.k, 1), nf, dtype=np.int64)]}

    # ---- HLS binding (codesign.hls: which engine template and how its memories are laid out) ----
    def hls_binding(self):
        from ...hls.binding import HLSBinding, kind

        if self.k != 1:
            raise ValueError(f"{self.name}: the label select engine returns the top-1 label; k={self.k} is not supported in HLS")
        args = [self.labels, self.pe, self.idt.bits, kind(self.idt), self.odt.bits]
        return HLSBinding("label_select.h", "label_select", args, [self.pe], [self.idt.bits], [1], [self.odt.bits])
