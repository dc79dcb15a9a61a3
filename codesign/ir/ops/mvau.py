"""Matrix-vector activation unit (FINN MVAU): a fully connected layer or the matmul half of a conv.

PE output channels and SIMD input elements are processed per cycle; binary weights and inputs use
XNOR-popcount in hardware, but the golden model always computes the true integer dot product.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..base import HWOp, divisors, exact_matmul
from ..datatypes import DataType
from ..thresholds import apply_thresholds


@dataclass
class MVAU(HWOp):
    mw: int = 0
    mh: int = 0
    spatial: tuple = ()  # output pixels (OH, OW) for convolutions, () for a plain vector
    idt: DataType = None
    wdt: DataType = None
    acc_dt: DataType = None
    odt: DataType = None
    out_bias: int = 0
    weights: np.ndarray = None  # (mw, mh)
    thresholds: np.ndarray = None  # (mh, nt) or None: then the output is the accumulator
    pe: int = 1
    simd: int = 1
    ram_style: str = "auto"
    res_type: str = "auto"
    mem_mode: str = "internal_embedded"
    OP_TYPE: ClassVar[str] = "MVAU"
    ARRAYS: ClassVar[tuple] = ("weights", "thresholds")
    STYLE_ATTRS: ClassVar[dict] = {
        "ram_style": ("auto", "block", "distributed", "ultra"),
        "res_type": ("auto", "lut", "dsp"),
        "mem_mode": ("internal_embedded", "internal_decoupled", "external"),
    }

    def legal_folding(self):
        return {"pe": divisors(self.mh), "simd": divisors(self.mw)}

    @property
    def num_vectors(self) -> int:
        return int(np.prod(self.spatial)) if self.spatial else 1

    @property
    def binary_xnor(self) -> bool:
        return bool(self.wdt.bipolar and self.idt.bipolar)

    def out_shapes(self):
        return [(*self.spatial, self.mh)]

    def out_dtypes(self):
        return [self.odt]

    def in_stream_bits(self) -> int:
        return self.simd * self.idt.bits

    def out_stream_bits(self) -> int:
        return self.pe * self.odt.bits

    # ---- cost model (codesign.hw: cycles, resources, roofline) -----------------------------
    def macs(self) -> int:
        """Multiply-accumulates per frame."""
        return self.mw * self.mh * self.num_vectors

    def mac_precision(self) -> tuple[int, int]:
        """(weight bits, input bits) of the MACs."""
        return self.wdt.bits, self.idt.bits

    def weight_bits(self) -> int:
        return self.mw * self.mh * self.wdt.bits

    def offchip_bits_per_frame(self) -> int:
        """Weight bits read from off-chip memory per frame: with mem_mode external FINN streams every
        weight in again for each input vector; on-chip modes read none."""
        return self.weight_bits() * self.num_vectors if self.mem_mode == "external" else 0

    def cycles(self) -> int:
        """FINN MVAU.get_exp_cycles: (MH/PE) * (MW/SIMD) * input vectors."""
        from ...hw import finn_formulas as F

        return F.mvau_exp_cycles(self.mw, self.mh, self.pe, self.simd, self.num_vectors)

    def latency_profile(self) -> dict:
        """Pipeline-overlap latency model (codesign.hw.estimate): the first output beat needs one input
        vector (1/vectors of the frame) and SF = MW/SIMD own cycles; after the last input beat the
        other NF-1 output groups of that vector remain ((NF-1)*SF + 1 cycles)."""
        sf, nf = self.mw // self.simd, self.mh // self.pe
        return {"input_fraction": 1 / self.num_vectors, "first": sf, "tail": (nf - 1) * sf + 1}

    def resources(self, est) -> dict:
        """LUT/FF/BRAM18/URAM/DSP under estimator ``est`` (codesign.hw.estimators)."""
        W, A, P, Q = self.wdt.bits, self.idt.bits, self.pe, self.simd
        acc, no_act = self.acc_dt.bits, self.thresholds is None
        if est.kind == "finn":
            from ...hw import finn_formulas as F

            kw = {"mem_mode": self.mem_mode, "ram_style": self.ram_style}
            return est.pack(
                LUT=F.mvau_lut_estimation(self.mw, self.mh, P, Q, W, A, acc_bits=acc, input_signed=self.idt.signed,
                                          output_bits=self.odt.bits, no_activation=no_act, res_type=self.res_type, **kw),
                BRAM18=F.mvau_bram_estimation(self.mw, self.mh, P, Q, W, **kw),
                URAM=F.mvau_uram_estimation(self.mw, self.mh, P, Q, W, **kw),
                DSP=F.mvau_dsp_estimation(P, Q, W, A, res_type=self.res_type),
            )
        sf, nf = self.mw // Q, self.mh // P
        dsp = extract = mult = 0
        if self.binary_xnor:  # XNOR folded into the first adder level of the popcount
            tree_lut, tree_ff, _ = est.adder_tree(Q, 1)
        elif est.uses_dsp(W, A, self.res_type):
            # PEs share the input beat: k PEs' weights pack into one DSP (WP487), SIMD lanes do not
            k = est.macs_per_dsp(W, A)
            slices = Q * -(-P // k)
            dsp = slices * est.dsps_per_product(W, A)
            extract = slices * (k - 1) * (W + A)  # sign correction of the packed lower products (WP487)
            tree_lut, tree_ff, _ = est.adder_tree(Q, W + A)
        else:
            mult = Q * est.mult_luts(W, A)
            tree_lut, tree_ff, _ = est.adder_tree(Q, W + A if min(W, A) > 1 else max(W, A) + 1)
        acc_lut = est.adder_luts(acc) if sf > 1 else 0
        thr_lut = thr_ff = 0
        parts = []
        if not no_act:
            nt = int(self.thresholds.shape[1])
            cnt_lut, _, _ = est.adder_tree(nt, 1)  # count the thresholds passed
            thr_lut = P * (nt * est.comparator_luts(acc) + cnt_lut)
            parts.append(est.memory(nf, P * nt * acc, "auto", rom=True).as_dict())
        if self.mem_mode == "internal_embedded":  # finn-hlslib weights: one ROM per PE (array partition dim 1)
            wmem = est.memory(sf * nf, Q * W, self.ram_style, rom=True, copies=P)
        elif self.mem_mode == "internal_decoupled":  # FINN memstream: one wide memory, PE*SIMD*W per word
            wmem = est.memory(sf * nf, P * Q * W, self.ram_style, rom=True)
        else:  # external: weights arrive on a stream from DDR
            wmem = est.memory(0, 0)
        parts.append(wmem.as_dict())
        if wmem.style == "distributed":
            thr_ff += P * Q * W  # LUT-ROM output register (BRAM/URAM use their internal output registers)
        if nf > 1:  # finn-hlslib inputBuf[SF] keeps the vector for the other NF-1 output groups
            parts.append(est.memory(sf, Q * A, "auto").as_dict())
        c_lut, c_ff = est.counters(sf, nf, self.num_vectors)
        p_lut, p_ff = est.stream_ports(2 + (self.mem_mode != "internal_embedded"))
        lut = est.HLS_ENGINE_LUT + P * (mult + tree_lut + acc_lut) + extract + thr_lut + c_lut + p_lut
        ff = Q * A + P * (tree_ff + acc) + P * self.odt.bits + thr_ff + c_ff + p_ff
        return est.add(est.pack(LUT=lut, FF=ff, DSP=dsp), *parts)

    def execute(self, x):
        # a flattened feature map arrives in (H, W, C) stream order: only the view changes
        x = x.reshape(len(x), *self.spatial, self.mw)
        acc = exact_matmul(x, self.weights, self.acc_dt.bits)
        if self.thresholds is None:
            return [acc]
        return [apply_thresholds(acc, self.thresholds, self.odt, self.out_bias)]

    def schedule(self) -> dict:
        """Per-frame read/write schedule of finn-hlslib's Matrix_Vector_Activate_Batch (II=1; keys: codesign.sim):
        for each input vector, for nf < MH/PE, for sf < MW/SIMD: read one SIMD-wide beat while nf == 0 (kept in
        inputBuf for the other nf), write one PE-wide beat at sf == SF-1. Output beat (v, nf) needs the vector's
        SF input beats. Pipeline depth (issue to the beat being readable downstream): 1 weight/input buffer read
        + 1 multiply (XNOR) + ceil(log2 SIMD) adder tree + 1 accumulate + 1 threshold compare (with thresholds)
        + 1 output register/FIFO write."""
        nf, sf, v = self.mh // self.pe, self.mw // self.simd, self.num_vectors
        start = np.arange(v, dtype=np.int64)[:, None] * (nf * sf)
        reads = (start + np.arange(sf)).ravel()
        writes = (start + np.arange(nf) * sf + sf - 1).ravel()
        need = np.repeat((np.arange(v, dtype=np.int64) + 1) * sf, nf)[:, None]
        depth = 4 + (int(self.simd) - 1).bit_length() + (self.thresholds is not None)
        return {"n": v * nf * sf, "depth": int(depth), "reads": [reads], "writes": [writes], "need": [need]}

    # ---- HLS binding (codesign.hls: which engine template and how its memories are laid out) ----
    def hls_binding(self):
        from ...hls.binding import HLSBinding, kind, mvau_weight_array, threshold_array

        arrays = [mvau_weight_array(f"{self.name}_weights", self.weights, self.pe, self.simd, self.wdt)]
        common = [self.mw, self.mh, self.simd, self.pe, self.num_vectors, self.idt.bits, kind(self.idt), self.wdt.bits,
                  kind(self.wdt), self.acc_dt.bits]
        if self.thresholds is None:
            return HLSBinding("mvau.h", "mvau", common, [self.simd], [self.idt.bits], [self.pe], [self.acc_dt.bits], arrays)
        t = threshold_array(f"{self.name}_thresholds", self.thresholds, self.pe)
        tbits = int(t.ctype[7:-1])
        return HLSBinding("mvau.h", "mvau_thr", common + [self.thresholds.shape[1], tbits, self.odt.bits, self.out_bias],
                          [self.simd], [self.idt.bits], [self.pe], [self.odt.bits], arrays + [t])
