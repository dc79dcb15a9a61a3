"""A stream FIFO (FINN StreamingFIFO) of a given depth in beats; values pass unchanged."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp
from ..datatypes import DataType


@dataclass
class StreamingFIFO(HWOp):
    shape: tuple = ()
    dt: DataType = None
    width: int = 1  # bits per beat
    depth: int = 2
    ram_style: str = "auto"
    OP_TYPE: ClassVar[str] = "StreamingFIFO"
    STYLE_ATTRS: ClassVar[dict] = {"ram_style": ("auto", "block", "distributed", "ultra")}

    def out_shapes(self):
        return [tuple(self.shape)]

    def out_dtypes(self):
        return [self.dt]

    def in_stream_bits(self) -> int:
        return self.width

    out_stream_bits = in_stream_bits

    # ---- cost model (codesign.hw: cycles, resources) ------------------------------------------
    def cycles(self) -> int:
        """Beats per frame (one per cycle). FINN has no cycle formula for StreamingFIFO (its
        HWCustomOp default is 0); a FIFO is never slower than its producer."""
        elems = int(np.prod(self.shape)) if len(self.shape) else 1
        return -(-elems * self.dt.bits // self.width)

    def _impl_style(self) -> str:
        from ...hw.estimators import MAX_SRL_FIFO_DEPTH

        return "vivado" if self.depth > MAX_SRL_FIFO_DEPTH else "rtl"

    def resources(self, est) -> dict:
        """LUT/FF/BRAM18/URAM/DSP under estimator ``est``. FINN: its StreamingFIFO formulas with the
        impl_style FINN's InsertFIFO picks (RTL shift-register FIFO up to depth 256, Vivado FIFO IP beyond)."""
        d, w = int(self.depth), int(self.width)
        if est.kind == "finn":
            from ...hw import finn_formulas as F

            kw = {"impl_style": self._impl_style(), "ram_style": self.ram_style}
            return est.pack(LUT=F.fifo_lut_estimation(d, w, **kw), BRAM18=F.fifo_bram_estimation(d, w, **kw),
                            URAM=F.fifo_uram_estimation(d, w, **kw))
        p_lut, p_ff = est.stream_ports(2)
        if d <= 2:  # a skid buffer: two registers and a 2:1 select (2 bits per dual-output LUT6)
            return est.pack(LUT=-(-w // 2) + p_lut, FF=d * w + p_ff)
        from ...hw.estimators import SRL_DEPTH

        if self.ram_style == "distributed" or (self.ram_style == "auto" and self._impl_style() == "rtl"):
            # shift-register FIFO: SRLC32E, 32 deep x 1 bit per LUT, plus its address counter and output register
            c_lut, c_ff = est.counters(d)
            srl = w * -(-d // SRL_DEPTH)
            return est.pack(LUT=srl + c_lut + p_lut, FF=w + c_ff + p_ff)
        mem = est.memory(d, w, self.ram_style)
        c_lut, c_ff = est.counters(d, d)  # read and write pointers
        return est.add(est.pack(LUT=c_lut + p_lut, FF=w + c_ff + p_ff), mem.as_dict())

    def execute(self, x):
        return [x.astype(np.int64)]

    def schedule(self) -> dict:
        """Per-frame schedule of a FIFO seen as a node (II=1; keys: codesign.sim): one beat in and out per iteration.
        The simulator does not run it as a node: it makes the stream it sits on a FIFO of this depth."""
        beats = np.arange(int(np.prod(self.shape[:-1])) * self.shape[-1] * self.dt.bits // self.width, dtype=np.int64)
        return {"n": len(beats), "depth": 1, "reads": [beats], "writes": [beats], "need": [(beats + 1)[:, None]]}
