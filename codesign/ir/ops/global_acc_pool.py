"""Global accumulating pool (FINN GlobalAccPool): per-channel sum over all pixels. The division of
an average pool is folded into the next activation's thresholds, so the engine only adds."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType


@dataclass
class GlobalAccPool(HWOp):
    ifm: tuple = (1, 1, 1)
    idt: DataType = None
    odt: DataType = None
    pe: int = 1
    OP_TYPE: ClassVar[str] = "GlobalAccPool"

    def legal_folding(self):
        return {"pe": divisors(self.ifm[2])}

    def out_shapes(self):
        return [(self.ifm[2],)]

    def out_dtypes(self):
        return [self.odt]

    def in_stream_bits(self) -> int:
        return self.pe * self.idt.bits

    def out_stream_bits(self) -> int:
        return self.pe * self.odt.bits

    # ---- cost model (codesign.hw: cycles, resources) ------------------------------------------
    def cycles(self) -> int:
        """FINN GlobalAccPool.get_exp_cycles: H*W*C/PE (read and accumulate) + C/PE (write the sums)."""
        h, w, c = self.ifm
        cf = c // self.pe
        return h * w * cf + cf

    def latency_profile(self) -> dict:
        """Pipeline-overlap latency model: every sum needs the whole frame; the C/PE sums follow it."""
        h, w, c = self.ifm
        cf = c // self.pe
        return {"input_fraction": 1.0, "first": h * w * cf + 1, "tail": cf}

    def resources(self, est) -> dict:
        """LUT/FF/BRAM18/URAM/DSP under estimator ``est``. FINN has no resource estimate for
        GlobalAccPool (HWCustomOp defaults, 0)."""
        if est.kind == "finn":
            return est.pack()
        h, w, c = self.ifm
        P, ob = self.pe, self.odt.bits
        accs = est.memory(c // P, P * ob, "auto")  # running sums, one word per channel fold
        c_lut, c_ff = est.counters(h * w, c // P)
        p_lut, p_ff = est.stream_ports(2)
        lut = P * est.adder_luts(ob) + c_lut + p_lut
        ff = P * (self.idt.bits + ob) + c_ff + p_ff
        return est.add(est.pack(LUT=lut, FF=ff), accs.as_dict())

    def execute(self, x):
        return [x.astype(np.int64).sum(axis=(1, 2))]

    def schedule(self) -> dict:
        """Per-frame read/write schedule of finn-hlslib's AccPool_Batch (II=1; keys: codesign.sim): read H*W*C/PE
        beats accumulating per channel fold, then a second loop writes the C/PE sums; every sum needs the whole
        frame. Pipeline depth: 1 input register + 1 accumulate + 1 output register."""
        h, w, c = self.ifm
        cf = c // self.pe
        nin = h * w * cf
        return {"n": nin + cf, "depth": 3, "reads": [np.arange(nin, dtype=np.int64)],
                "writes": [nin + np.arange(cf, dtype=np.int64)], "need": [np.full((cf, 1), nin, dtype=np.int64)]}

    # ---- HLS binding (codesign.hls: which engine template and how its memories are laid out) ----
    def hls_binding(self):
        from ...hls.binding import HLSBinding, kind

        h, w, c = self.ifm
        args = [h * w, c, self.pe, self.idt.bits, kind(self.idt), self.odt.bits]
        return HLSBinding("global_acc_pool.h", "global_acc_pool", args, [self.pe], [self.idt.bits], [self.pe], [self.odt.bits])
