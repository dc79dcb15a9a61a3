"""Data-width converter (FINN StreamingDataWidthConverter): re-packs a stream between a producer
and a consumer whose parallelism differs; values are unchanged."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp
from ..datatypes import DataType


@dataclass
class StreamingDataWidthConverter(HWOp):
    shape: tuple = ()
    dt: DataType = None
    in_width: int = 1  # bits per beat
    out_width: int = 1
    OP_TYPE: ClassVar[str] = "StreamingDataWidthConverter"

    def out_shapes(self):
        return [tuple(self.shape)]

    def out_dtypes(self):
        return [self.dt]

    def in_stream_bits(self) -> int:
        return self.in_width

    def out_stream_bits(self) -> int:
        return self.out_width

    # ---- cost model (codesign.hw: cycles, resources) ------------------------------------------
    def _elements(self) -> int:
        return int(np.prod(self.shape)) if len(self.shape) else 1

    def cycles(self) -> int:
        """FINN StreamingDataWidthConverter.get_exp_cycles: prod(folded in shape) + prod(folded out
        shape), which (a FINN quirk, see finn_formulas.dwc_exp_cycles) is 2 x the number of elements
        whatever the widths."""
        from ...hw import finn_formulas as F

        shape = list(self.shape) if len(self.shape) else [1]
        return F.dwc_exp_cycles(shape, self.in_width, self.out_width, self.dt.bits)

    def cycles_codesign(self) -> int:
        """One beat per cycle on the narrower side: elements * bits / min(in, out) words."""
        return -(-self._elements() * self.dt.bits // min(self.in_width, self.out_width))

    def latency_profile(self) -> dict:
        """Pipeline-overlap latency model: an up-converter needs out/in input beats for its first word."""
        return {"input_fraction": 0.0, "first": max(1, -(-self.out_width // self.in_width)), "tail": 1}

    def resources(self, est) -> dict:
        """LUT/FF/BRAM18/URAM/DSP under estimator ``est`` (codesign.hw.estimators)."""
        import math

        i, o = self.in_width, self.out_width
        if est.kind == "finn":
            from ...hw import finn_formulas as F

            return est.pack(LUT=F.dwc_lut_estimation(i, o))
        if i == o:
            return est.pack()
        p_lut, p_ff = est.stream_ports(2)
        if o % i == 0:  # up: collect out/in words into an out-wide register (load enables are FF CE pins)
            c_lut, c_ff = est.counters(o // i)
            return est.pack(LUT=c_lut + p_lut, FF=o + c_ff + p_ff)
        if i % o == 0:  # down: register the wide word, select one of r = in/out slices (4:1 mux per LUT6)
            r = i // o
            c_lut, c_ff = est.counters(r)
            return est.pack(LUT=o * -(-(r - 1) // 3) + c_lut + p_lut, FF=i + c_ff + p_ff)
        lcm = i * o // math.gcd(i, o)  # generalized: via an lcm-wide buffer, then down to out
        r = lcm // o
        c_lut, c_ff = est.counters(lcm // i, r)
        return est.pack(LUT=o * -(-(r - 1) // 3) + c_lut + p_lut, FF=lcm + c_ff + p_ff)

    def execute(self, x):
        return [x.astype(np.int64)]

    def schedule(self) -> dict:
        """Per-frame read/write schedule of finn-hlslib's StreamingDataWidthConverter_Batch (II=1; keys:
        codesign.sim). Wider in than out: read one word every in/out iterations, write one word per iteration;
        narrower in: read every iteration, write every out/in; widths that do not divide each other (the
        generalized converter): read while fewer than out_width bits are buffered, write once out_width bits are.
        Pipeline depth: 1 input register + 1 output register."""
        a, b = self.in_width // self.dt.bits, self.out_width // self.dt.bits  # elements per beat
        elems = int(np.prod(self.shape))
        if elems % a or elems % b:
            raise ValueError(f"{self.name}: {elems} elements per frame do not pack into beats of {a} and {b} elements")
        if a % b == 0:
            n = elems // b
            reads, writes = np.arange(0, n, a // b, dtype=np.int64), np.arange(n, dtype=np.int64)
        elif b % a == 0:
            n = elems // a
            reads, writes = np.arange(n, dtype=np.int64), np.arange(b // a - 1, n, b // a, dtype=np.int64)
        else:
            reads, writes, buf, i = [], [], 0, 0
            while len(writes) < elems // b:
                if buf < b:
                    reads.append(i)
                    buf += a
                if buf >= b:
                    writes.append(i)
                    buf -= b
                i += 1
            n, reads, writes = i, np.array(reads, dtype=np.int64), np.array(writes, dtype=np.int64)
        need = -(-(np.arange(1, len(writes) + 1, dtype=np.int64) * b) // a)
        return {"n": int(n), "depth": 2, "reads": [reads], "writes": [writes], "need": [need[:, None]]}
