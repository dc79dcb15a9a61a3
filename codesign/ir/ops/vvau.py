"""Vector-vector activation unit (FINN VVAU): depthwise convolution, one kernel per channel.

Input per output pixel is the K = kh*kw window of C channels in (k, c) order (c fastest), as the
sliding-window generator emits it; PE channels and SIMD kernel positions per cycle.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors
from ..datatypes import DataType
from ..thresholds import apply_thresholds


@dataclass
class VVAU(HWOp):
    channels: int = 0
    kernel: tuple = (1, 1)
    spatial: tuple = ()  # output pixels (OH, OW)
    idt: DataType = None
    wdt: DataType = None
    acc_dt: DataType = None
    odt: DataType = None
    out_bias: int = 0
    weights: np.ndarray = None  # (channels, kh*kw)
    thresholds: np.ndarray = None
    pe: int = 1
    simd: int = 1
    ram_style: str = "auto"
    res_type: str = "auto"
    OP_TYPE: ClassVar[str] = "VVAU"
    ARRAYS: ClassVar[tuple] = ("weights", "thresholds")
    STYLE_ATTRS: ClassVar[dict] = {"ram_style": ("auto", "block", "distributed", "ultra"), "res_type": ("auto", "lut", "dsp")}

    @property
    def k(self) -> int:
        return int(self.kernel[0] * self.kernel[1])

    def legal_folding(self):
        return {"pe": divisors(self.channels), "simd": divisors(self.k)}

    def out_shapes(self):
        return [(*self.spatial, self.channels)]

    def out_dtypes(self):
        return [self.odt]

    def in_stream_bits(self) -> int:
        return self.pe * self.simd * self.idt.bits

    def out_stream_bits(self) -> int:
        return self.pe * self.odt.bits

    # ---- cost model (codesign.hw: cycles, resources, roofline) -----------------------------
    @property
    def num_vectors(self) -> int:
        return int(np.prod(self.spatial)) if self.spatial else 1

    def macs(self) -> int:
        """Multiply-accumulates per frame."""
        return self.channels * self.k * self.num_vectors

    def mac_precision(self) -> tuple[int, int]:
        return self.wdt.bits, self.idt.bits

    def weight_bits(self) -> int:
        return self.channels * self.k * self.wdt.bits

    def cycles(self) -> int:
        """FINN VVAU.get_exp_cycles: (C * k_h * k_w / PE / SIMD) * output pixels."""
        from ...hw import finn_formulas as F

        dim = tuple(self.spatial) if self.spatial else (1, 1)
        return F.vvau_exp_cycles(self.channels, tuple(self.kernel), dim, self.pe, self.simd)

    def latency_profile(self) -> dict:
        """Pipeline-overlap latency model: an output pixel needs its whole window (1/pixels of the frame);
        a pixel takes (C/PE)*(K/SIMD) own cycles, and so does the last one after its last input beat."""
        per_pixel = (self.channels // self.pe) * (self.k // self.simd)
        return {"input_fraction": 1 / self.num_vectors, "first": per_pixel, "tail": per_pixel}

    def resources(self, est) -> dict:
        """LUT/FF/BRAM18/URAM/DSP under estimator ``est`` (codesign.hw.estimators)."""
        W, A, P, Q = self.wdt.bits, self.idt.bits, self.pe, self.simd
        acc, no_act = self.acc_dt.bits, self.thresholds is None
        if est.kind == "finn":
            from ...hw import finn_formulas as F

            # the IR's VVAU has no mem_mode: FINN's node default internal_decoupled is assumed
            kw = {"mem_mode": "internal_decoupled", "ram_style": self.ram_style}
            k = tuple(self.kernel)
            return est.pack(
                LUT=F.vvau_lut_estimation(self.channels, k, P, Q, W, A, acc_bits=acc, input_signed=self.idt.signed,
                                          output_bits=self.odt.bits, no_activation=no_act, res_type=self.res_type, **kw),
                BRAM18=F.vvau_bram_estimation(self.channels, k, P, Q, W, **kw),
                URAM=F.vvau_uram_estimation(self.channels, k, P, Q, W, **kw),
                DSP=F.vvau_dsp_estimation(P, W, A, simd=Q, res_type=self.res_type),
            )
        sf, nf = self.k // Q, self.channels // P
        dsp = mult = 0
        if W == 1 and A == 1:  # XNOR folded into the popcount
            tree_lut, tree_ff, _ = est.adder_tree(Q, 1)
        elif est.uses_dsp(W, A, self.res_type):
            # no operand is shared between lanes (each channel has its own window and kernel): one MAC per DSP
            dsp = P * Q * est.dsps_per_product(W, A)
            tree_lut, tree_ff, _ = est.adder_tree(Q, W + A)
        else:
            mult = Q * est.mult_luts(W, A)
            tree_lut, tree_ff, _ = est.adder_tree(Q, W + A if min(W, A) > 1 else max(W, A) + 1)
        acc_lut = est.adder_luts(acc) if sf > 1 else 0
        thr_lut = 0
        parts = [est.memory(sf * nf, Q * W, self.ram_style, rom=True, copies=P).as_dict()]  # one ROM per PE
        if not no_act:
            nt = int(self.thresholds.shape[1])
            cnt_lut, _, _ = est.adder_tree(nt, 1)
            thr_lut = P * (nt * est.comparator_luts(acc) + cnt_lut)
            parts.append(est.memory(nf, P * nt * acc, "auto", rom=True).as_dict())
        c_lut, c_ff = est.counters(sf, nf, self.num_vectors)
        p_lut, p_ff = est.stream_ports(2)
        lut = est.HLS_ENGINE_LUT + P * (mult + tree_lut + acc_lut) + thr_lut + c_lut + p_lut
        ff = P * Q * A + P * (tree_ff + acc) + P * self.odt.bits + c_ff + p_ff
        return est.add(est.pack(LUT=lut, FF=ff, DSP=dsp), *parts)

    def execute(self, x):
        win = x.astype(np.int64).reshape(*x.shape[:-1], self.k, self.channels)
        if self.acc_dt.bits <= 52:  # exact in float64, and much faster than int64 einsum
            acc = np.rint(np.einsum("...kc,ck->...c", win.astype(np.float64), self.weights.astype(np.float64))).astype(np.int64)
        else:
            acc = np.einsum("...kc,ck->...c", win, self.weights.astype(np.int64))
        if self.thresholds is None:
            return [acc]
        return [apply_thresholds(acc, self.thresholds, self.odt, self.out_bias)]

    def schedule(self) -> dict:
        """Per-frame read/write schedule of finn-hlslib's Vector_Vector_Activate_Batch (II=1; keys: codesign.sim):
        for each output pixel, for nf < C/PE, for sf < K/SIMD: read one PE*SIMD-wide beat every iteration (each
        channel has its own window, so nothing is reused), write one PE-wide beat at sf == SF-1. `need` is in
        FINN's depthwise window order (channel fold outermost, then kernel position), where output channels
        nf*PE.. depend on the pixel's first (nf+1)*SF beats; the IR's golden model orders a window (k, c), which
        only permutes beats within a pixel. Pipeline depth: as the MVAU, 1 + 1 + ceil(log2 SIMD) + 1
        (+ 1 threshold compare) + 1."""
        nf, sf = self.channels // self.pe, self.k // self.simd
        v = int(np.prod(self.spatial)) if self.spatial else 1
        writes = np.arange(v * nf, dtype=np.int64) * sf + sf - 1
        need = ((np.arange(v * nf, dtype=np.int64) + 1) * sf)[:, None]
        depth = 4 + (int(self.simd) - 1).bit_length() + (self.thresholds is not None)
        return {"n": v * nf * sf, "depth": int(depth), "reads": [np.arange(v * nf * sf, dtype=np.int64)],
                "writes": [writes], "need": [need]}

    # ---- HLS binding (codesign.hls: which engine template and how its memories are laid out) ----
    def hls_binding(self):
        from ...hls.binding import HLSBinding, kind, threshold_array, vvau_weight_array

        arrays = [vvau_weight_array(f"{self.name}_weights", self.weights, self.pe, self.simd, self.wdt)]
        common = [self.channels, self.k, self.pe, self.simd, int(np.prod(self.spatial)), self.idt.bits, kind(self.idt),
                  self.wdt.bits, kind(self.wdt), self.acc_dt.bits]
        lanes = [self.pe * self.simd]
        if self.thresholds is None:
            return HLSBinding("vvau.h", "vvau", common, lanes, [self.idt.bits], [self.pe], [self.acc_dt.bits], arrays)
        t = threshold_array(f"{self.name}_thresholds", self.thresholds, self.pe)
        tbits = int(t.ctype[7:-1])
        return HLSBinding("vvau.h", "vvau_thr", common + [self.thresholds.shape[1], tbits, self.odt.bits, self.out_bias],
                          lanes, [self.idt.bits], [self.pe], [self.odt.bits], arrays + [t])
