"""Fork of one stream into identical copies (FINN DuplicateStreams), ahead of residual branches."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType


@dataclass
class DuplicateStreams(HWOp):
    shape: tuple = ()
    dt: DataType = None
    pe: int = 1
    OP_TYPE: ClassVar[str] = "DuplicateStreams"

    def legal_folding(self):
        return {"pe": divisors(self.shape[-1])}

    def out_shapes(self):
        return [tuple(self.shape)] * len(self.outputs)

    def out_dtypes(self):
        return [self.dt] * len(self.outputs)

    def in_stream_bits(self) -> int:
        return self.pe * self.dt.bits

    out_stream_bits = in_stream_bits

    # ---- cost model (codesign.hw: cycles, resources) ------------------------------------------
    def cycles(self) -> int:
        """FINN DuplicateStreams.get_exp_cycles: pixels * C/PE (independent of the number of copies)."""
        from ...hw import finn_formulas as F

        return F.duplicatestreams_exp_cycles(self.shape[-1], self.pe, tuple(self.shape[:-1]))

    def resources(self, est) -> dict:
        """LUT/FF/BRAM18/URAM/DSP under estimator ``est``. FINN has no resource estimate for
        DuplicateStreams (HWCustomOp defaults, 0)."""
        if est.kind == "finn":
            return est.pack()
        n_out = len(self.outputs)
        c_lut, c_ff = est.counters(int(np.prod(self.shape[:-1])) * self.shape[-1] // self.pe)
        p_lut, p_ff = est.stream_ports(1 + n_out)
        ff = (1 + n_out) * self.pe * self.dt.bits + c_ff + p_ff  # input and one output register per copy
        return est.pack(LUT=c_lut + p_lut + n_out, FF=ff)  # + one LUT per copy: ready = AND of the consumers

    def execute(self, x):
        return [np.array(x, dtype=np.int64) for _ in self.outputs]

    def schedule(self) -> dict:
        """Per-frame read/write schedule of finn-hlslib's DuplicateStreams_Batch (II=1; keys: codesign.sim): read one
        beat and write it to every output in the same iteration, so it stalls while any output FIFO is full.
        Pipeline depth: 1 input register + 1 output register."""
        n = int(np.prod(self.shape[:-1])) * (self.shape[-1] // self.pe)
        b = np.arange(n, dtype=np.int64)
        k = len(self.outputs)
        return {"n": n, "depth": 2, "reads": [b], "writes": [b] * k, "need": [(b + 1)[:, None]] * k}

    # ---- HLS binding (codesign.hls: which engine template and how its memories are laid out) ----
    def hls_binding(self):
        from ...hls.binding import HLSBinding

        if len(self.outputs) != 2:
            raise ValueError(f"{self.name}: the duplicate engine forks into 2 streams, this fork has {len(self.outputs)}")
        beats = int(np.prod(self.shape)) // self.pe
        return HLSBinding("duplicate_streams.h", "duplicate_streams", [self.pe * self.dt.bits, beats], [self.pe], [self.dt.bits],
                          [self.pe, self.pe], [self.dt.bits, self.dt.bits])
