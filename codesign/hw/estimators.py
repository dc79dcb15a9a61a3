"""Resource estimators: one interface, two models.

Each hardware op owns its cost model (``op.cycles()``, ``op.resources(est)`` in
``codesign/ir/ops/<op>.py``); the estimator object passed to ``resources`` says *which* model to
use and supplies the board-dependent building blocks:

``finn``      FINN's own formulas (:mod:`codesign.hw.finn_formulas`), called faithfully with FINN's
              knobs taken from the op attributes (``ram_style``, ``res_type`` -> ``resType``,
              ``mem_mode``). FINN has no flip-flop model, so FF is 0.
``codesign``  (default) a structural refinement: LUTs counted from the datapath (adders on the carry
              chain, XNOR-popcount, LUT multipliers), flip-flops, control overhead, data-width
              converters and FIFOs, DSP packing of low-bit MACs (the "INT8 packing" idea of Xilinx
              WP487 generalised to narrower operands), 7-series vs UltraScale+ differences (LUT6 the
              same; DSP48E1 25x18 vs DSP48E2 27x18; distributed-RAM primitives; URAM only on US+) and
              a board-aware memory-style choice (LUTRAM / BRAM / URAM).

Every constant below carries a comment saying where it comes from. Where a number is an
engineering assumption rather than a datasheet fact it says so; docs/validation.md reports how the
totals compare with published post-implementation figures.

``get_estimator("finn" | "codesign", board)`` returns an estimator; ``est.resources(op)`` and
``est.cycles(op)`` are what the network estimate calls.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .boards import RESOURCE_KEYS, Board, load_board

__all__ = ["ESTIMATORS", "Estimator", "FinnEstimator", "CodesignEstimator", "get_estimator", "MemoryCost"]


def _ceil(x: float) -> int:
    return int(math.ceil(x - 1e-9))


def _clog2(n: int) -> int:
    """Bits of a counter that counts n states (0 for n <= 1)."""
    return max(0, int(n - 1).bit_length())


# --------------------------------------------------------------------------- device facts

#: RAMB18 simple-dual-port aspect ratios (depth, width) incl. parity bits, identical on 7-series
#: RAMB18E1 (UG473 "7 Series FPGAs Memory Resources", Table 1-3/1-4) and UltraScale RAMB18E2
#: (UG573 "UltraScale Architecture Memory Resources", Table 1-2): 16Kx1, 8Kx2, 4Kx4, 2Kx9, 1Kx18, 512x36.
RAMB18_ASPECTS = ((16384, 1), (8192, 2), (4096, 4), (2048, 9), (1024, 18), (512, 36))
#: A RAMB36 in SDP mode is 512 x 72 (UG473, UG573) and counts as two RAMB18.
RAMB36_SDP = (512, 72)
#: UltraRAM: one fixed 4K x 72 configuration (UG573, "UltraRAM"), UltraScale+ only.
URAM_DEPTH, URAM_WIDTH = 4096, 72
#: Bits in one LUT6 used as ROM or single-port RAM: 64 x 1 (UG474 "7 Series CLB", UG574 "UltraScale CLB").
LUT6_BITS = 64
#: SRLC32E: one LUT6 is a 32-deep 1-bit shift register (UG474, UG574); FINN's RTL FIFO (Q_srl) uses them.
SRL_DEPTH = 32
#: LUTs combined for free by the wide-function muxes in one slice/CLB: MUXF7+MUXF8 join 4 LUTs on
#: 7-series (UG474), MUXF7/F8/F9 join 8 LUTs on UltraScale+ (UG574).
FREE_MUX_LUTS = {"7series": 4, "ultrascale+": 8}
#: Simple-dual-port distributed RAM primitives, (depth, data bits, LUTs):
#: 7-series RAM32M = 32x6 SDP in 4 LUTs, RAM64M = 64x3 SDP in 4 LUTs (UG474 Table 2-3/2-4 "quad port"
#: used as SDP); UltraScale+ RAM32M16 = 32x14 in 8 LUTs, RAM64M8 = 64x7 in 8 LUTs (UG574 Table 2-3).
SDP_LUTRAM = {
    "7series": ((32, 6, 4), (64, 3, 4)),
    "ultrascale+": ((32, 14, 8), (64, 7, 8)),
}
#: DSP slice multiplier: DSP48E1 (7-series, UG479) 25 x 18 signed with a 48-bit accumulator,
#: DSP48E2 (UltraScale+, UG579) 27 x 18 signed with a 48-bit accumulator.
DSP_BLOCK = {"7series": ("DSP48E1", 25, 18, 48), "ultrascale+": ("DSP48E2", 27, 18, 48)}
#: Guard bits between two products packed into one DSP multiplier: WP487 ("Deep Learning with INT8
#: Optimization on Xilinx Devices") places two INT8 weights 18 bits apart, i.e. 16 product bits + 2.
DSP_PACK_GUARD_BITS = 2

# --------------------------------------------------------------------------- modelling constants

#: HLS control, AXI-Stream handshake and loop logic of one compute engine (MVAU/VVAU/sliding window):
#: FINN-R's fitted constant c0 = 300 LUT (Blott et al., TRETS 2018; finn hls/matrixvectoractivation_hls.py
#: lut_estimation, rtl/convolutioninputgenerator_rtl.py lut_estimation). FINN-R's multiplicative
#: c1 = 1.1 is NOT used: the datapath is counted structurally instead.
HLS_ENGINE_LUT = 300
#: Assumption (not calibrated): Vivado HLS at 100-300 MHz inserts a pipeline register about every
#: second level of an adder tree; FFs of an adder tree = output widths of every 2nd level.
ADDER_LEVELS_PER_REGISTER = 2
#: Assumption (not calibrated): ``res_type="auto"`` keeps a product in the fabric when either
#: operand has 1 bit (sign select / AND, absorbed into the adder LUTs) or when the product has at
#: most 8 bits (<= 24 LUTs by the FINN-R multiplier formula); wider products go to DSP slices.
AUTO_DSP_MIN_PRODUCT_BITS = 9
#: AXI-Stream handshake of one stream port (valid/ready + a skid register's control): 2 LUT + 2 FF
#: per port; an engineering estimate (the data registers are counted separately).
STREAM_PORT_LUT, STREAM_PORT_FF = 2, 2
#: Depth at and below which FINN instantiates a FIFO as the RTL shift-register FIFO (Q_srl) rather than
#: the Vivado FIFO IP: finn InsertFIFO(max_qsrl_depth=256).
MAX_SRL_FIFO_DEPTH = 256


@dataclass(frozen=True)
class MemoryCost:
    style: str  # "registers" | "distributed" | "block" | "ultra" | "none"
    LUT: int = 0
    FF: int = 0
    BRAM18: int = 0
    URAM: int = 0

    def as_dict(self) -> dict:
        return {"LUT": self.LUT, "FF": self.FF, "BRAM18": self.BRAM18, "URAM": self.URAM}


class Estimator:
    """Common interface. ``kind`` is "finn" or "codesign"; ``board`` the target board."""

    kind = ""
    #: whether data-width converters the network estimate inserts count towards max_cycles
    converters_in_throughput = True

    def __init__(self, board: Board | str):
        self.board = load_board(board)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.board.name!r})"

    # ---- board facts ----------------------------------------------------------------------
    @property
    def series(self) -> str:
        return self.board.fpga_series

    @property
    def has_uram(self) -> bool:
        return self.series == "ultrascale+" and self.board.resources["URAM"] > 0

    @property
    def dsp_block(self) -> str:
        return DSP_BLOCK[self.series][0]

    # ---- entry points used by the network estimate -------------------------------------------
    def resources(self, op) -> dict:
        res = op.resources(self)
        return {k: int(res.get(k, 0)) for k in RESOURCE_KEYS}

    def cycles(self, op) -> int:
        return int(op.cycles())

    # ---- helpers for the op cost methods ----------------------------------------------------
    @staticmethod
    def pack(LUT=0, FF=0, BRAM18=0, URAM=0, DSP=0) -> dict:
        """A resource dict with every key, rounded up to integers."""
        vals = {"LUT": LUT, "FF": FF, "BRAM18": BRAM18, "URAM": URAM, "DSP": DSP}
        return {k: _ceil(max(0.0, float(v))) for k, v in vals.items()}

    @staticmethod
    def add(*parts: dict) -> dict:
        out = {k: 0 for k in RESOURCE_KEYS}
        for p in parts:
            for k, v in p.items():
                if k in out:
                    out[k] += v
        return out


class FinnEstimator(Estimator):
    """FINN's formulas, faithfully (including the quirks documented in finn_formulas)."""

    kind = "finn"
    #: FINN generates its estimate reports (step_generate_estimate_reports) before InsertDWC runs,
    #: so converters never appear in FINN's max_cycles; we list them and count their LUTs only.
    converters_in_throughput = False


class CodesignEstimator(Estimator):
    """Structural model with board-aware refinements (see module docstring)."""

    kind = "codesign"
    HLS_ENGINE_LUT = HLS_ENGINE_LUT

    def cycles(self, op) -> int:
        refined = getattr(op, "cycles_codesign", None)
        return int(refined() if refined is not None else op.cycles())

    # ---- arithmetic ---------------------------------------------------------------------------
    @staticmethod
    def adder_luts(bits: int) -> int:
        """A two-input adder of ``bits`` bits: one LUT per bit on the carry chain (CARRY4 on
        7-series, UG474; CARRY8 on UltraScale+, UG574)."""
        return max(0, int(bits))

    @staticmethod
    def comparator_luts(bits: int) -> int:
        """An a >= b comparator on the carry chain: each LUT6 computes propagate (O6) and generate (O5)
        of two bit pairs (4 inputs, dual-output LUT), so ceil(bits/2) LUTs (UG474/UG574 carry logic)."""
        return _ceil(max(0, bits) / 2)

    @staticmethod
    def adder_tree(n: int, bits: int) -> tuple[int, int, int]:
        """Binary adder tree summing ``n`` operands of ``bits`` bits.

        Returns (LUTs, FFs, output bits): each level pairs the operands with adders one bit wider
        than their inputs (one LUT per bit, see :meth:`adder_luts`); a register follows every
        ``ADDER_LEVELS_PER_REGISTER``-th level.
        """
        luts = ffs = 0
        m, w, level = int(n), int(bits), 0
        while m > 1:
            pairs = m // 2
            luts += pairs * w
            m, w, level = pairs + m % 2, w + 1, level + 1
            if level % ADDER_LEVELS_PER_REGISTER == 0:
                ffs += m * w
        return luts, ffs, w

    @staticmethod
    def mult_luts(w: int, a: int) -> int:
        """LUTs of a ``w`` x ``a`` multiplier in the fabric. 0 when either side has 1 bit (a sign
        select or AND that the first adder level absorbs: its LUT has inputs to spare). Otherwise
        FINN-R's LUT-multiplier cost (2*ceil((W+A)/6) - 1) * (W+A) (Blott et al. 2018;
        finn MVAU_hls.lut_estimation)."""
        if min(w, a) <= 1:
            return 0
        return (2 * _ceil((w + a) / 6) - 1) * (w + a)

    def uses_dsp(self, w: int, a: int, res_type: str) -> bool:
        if min(w, a) <= 1:  # XNOR / sign select never needs a multiplier
            return False
        if res_type == "dsp":
            return True
        if res_type == "lut":
            return False
        return w + a >= AUTO_DSP_MIN_PRODUCT_BITS

    def macs_per_dsp(self, w: int, a: int) -> int:
        """Products of one shared ``a``-bit operand with ``k`` different ``w``-bit operands computed
        by one DSP slice: the ``w``-bit operands are packed into the wide multiplier port
        (27 bits on DSP48E2, 25 on DSP48E1) ``s = w + a + 2`` bits apart (WP487's INT8 packing puts
        two 8-bit weights 18 bits apart), so k = floor((port - w) / s) + 1, also bounded by the
        48-bit product register. For INT8 this gives 2 on DSP48E2 and 1 on DSP48E1, as WP487 says
        (the packing needs the 27-bit port); 4-bit operands give 3, 2-bit 5."""
        _, port, port_b, p_bits = DSP_BLOCK[self.series]
        if w > port or a > port_b:
            return 1
        s = w + a + DSP_PACK_GUARD_BITS
        k = (port - w) // s + 1
        k = min(k, (p_bits - (w + a)) // s + 1)
        return max(1, k)

    def dsps_per_product(self, w: int, a: int) -> int:
        """DSP slices for one product wider than the slice's multiplier (27/25 x 18)."""
        _, port, port_b, _ = DSP_BLOCK[self.series]
        big, small = max(w, a), min(w, a)
        return _ceil(big / port) * _ceil(small / port_b)

    def luts_per_mac(self, w: int, a: int) -> float:
        """Fabric LUTs per MAC of a large dot-product engine at W/A bits (used by the roofline):
        multiplier plus its share of the adder tree (about one adder of the product width per
        operand). Binary (XNOR-popcount) MACs cost the 1-bit adder tree only."""
        if w == 1 and a == 1:
            luts, _, _ = self.adder_tree(1024, 1)
            return luts / 1024
        p = w + a if min(w, a) > 1 else max(w, a) + 1
        luts, _, _ = self.adder_tree(1024, p)
        return self.mult_luts(w, a) + luts / 1024

    # ---- memories -----------------------------------------------------------------------------
    def lut_rom(self, depth: int, width: int) -> int:
        """A constant table in LUT6s: width * ceil(depth/64) LUTs, plus 4:1 LUT muxes per bit beyond
        what the slice's MUXF7/F8(/F9) join for free."""
        blocks = _ceil(depth / LUT6_BITS)
        free = FREE_MUX_LUTS[self.series]
        groups = _ceil(blocks / free)
        mux = _ceil((groups - 1) / 3) if groups > 1 else 0
        return width * (blocks + mux)

    def lut_ram(self, depth: int, width: int) -> int:
        """A writable simple-dual-port memory in distributed RAM (RAM32M/RAM64M on 7-series,
        RAM32M16/RAM64M8 on UltraScale+), stacked in 64-deep blocks with output muxes."""
        (d32, b32, l32), (d64, b64, l64) = SDP_LUTRAM[self.series]
        if depth <= d32:
            return _ceil(width / b32) * l32
        per_block = _ceil(width / b64) * l64
        blocks = _ceil(depth / d64)
        groups = _ceil(blocks / FREE_MUX_LUTS[self.series])
        mux = width * _ceil((groups - 1) / 3) if groups > 1 else 0
        return per_block * blocks + mux

    @staticmethod
    def bram18(depth: int, width: int) -> int:
        """RAMB18 count of the best aspect ratio (the cheapest of 16Kx1 .. 512x36, or RAMB36 512x72
        counted as two), unlike FINN's fixed depth ladder."""
        best = min(_ceil(depth / d) * _ceil(width / w) for d, w in RAMB18_ASPECTS)
        d, w = RAMB36_SDP
        return min(best, 2 * _ceil(depth / d) * _ceil(width / w))

    @staticmethod
    def uram(depth: int, width: int) -> int:
        return _ceil(depth / URAM_DEPTH) * _ceil(width / URAM_WIDTH)

    def memory(self, depth: int, width: int, style: str = "auto", rom: bool = False, copies: int = 1) -> MemoryCost:
        """Cost of ``copies`` memories of ``depth`` words x ``width`` bits.

        ``style`` "distributed" / "block" / "ultra" is honoured ("ultra" falls back to block RAM on a
        board without UltraRAM). "auto" picks the style that uses the smallest fraction of the board's
        available LUT, RAMB18 or URAM (so LUTRAM for small memories, BRAM otherwise, URAM on boards
        that have it once a memory is big enough to fill URAMs better than BRAMs). One-word memories
        are registers. ``rom`` memories (constant weights/thresholds) use LUTs as ROM rather than
        distributed RAM.
        """
        depth, width, copies = int(depth), int(width), int(copies)
        if depth <= 0 or width <= 0 or copies <= 0:
            return MemoryCost("none")
        if depth == 1:
            return MemoryCost("registers", FF=width * copies)
        lut = (self.lut_rom(depth, width) if rom else self.lut_ram(depth, width)) * copies
        cands = {
            "distributed": MemoryCost("distributed", LUT=lut),
            "block": MemoryCost("block", BRAM18=self.bram18(depth, width) * copies),
        }
        if self.has_uram:
            cands["ultra"] = MemoryCost("ultra", URAM=self.uram(depth, width) * copies)
        if style == "ultra" and not self.has_uram:
            style = "block"
        if style in cands:
            return cands[style]
        avail = self.board.available

        def frac(c: MemoryCost) -> float:
            used = [c.LUT / max(avail["LUT"], 1), c.BRAM18 / max(avail["BRAM18"], 1), c.URAM / max(avail["URAM"], 1)]
            return max(used)

        return min(cands.values(), key=lambda c: (frac(c), ("distributed", "block", "ultra").index(c.style)))

    # ---- streams and control ----------------------------------------------------------------
    @staticmethod
    def counters(*bounds: int) -> tuple[int, int]:
        """Loop counters for the given trip counts: each is an incrementer with terminal-count compare
        (one LUT per bit on the carry chain + one for the compare) and its register bits."""
        lut = ff = 0
        for n in bounds:
            b = _clog2(int(n))
            if b:
                lut += b + 1
                ff += b
        return lut, ff

    @staticmethod
    def stream_ports(n: int) -> tuple[int, int]:
        return STREAM_PORT_LUT * n, STREAM_PORT_FF * n


ESTIMATORS = {"finn": FinnEstimator, "codesign": CodesignEstimator}


def get_estimator(kind: str | Estimator = "codesign", board: Board | str = "Pynq-Z1") -> Estimator:
    """``get_estimator("finn" | "codesign", board)``; an Estimator passes through unchanged."""
    if isinstance(kind, Estimator):
        return kind
    if kind not in ESTIMATORS:
        raise ValueError(f"unknown estimator {kind!r}; choose one of {sorted(ESTIMATORS)}")
    return ESTIMATORS[kind](board)
