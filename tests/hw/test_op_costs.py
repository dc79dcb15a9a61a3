"""Each op's cycles() and resources(est) pinned against hand-computed cases.

Every expected number is worked out by hand in the comment next to it, from the model as documented
(FINN's formula for cycles; codesign/hw/estimators.py's building blocks for the codesign resources),
not by calling the code. Building blocks used below (7-series = Pynq-Z1 unless said otherwise):

  adder of n bits        n LUT (carry chain)
  comparator of n bits   ceil(n/2) LUT
  adder_tree(n, b)       pairs per level, each adder one bit wider than its inputs; a register after
                         every 2nd level (FFs = operands left x their width)
  counters(n, ...)       per trip count n: b = bits(n-1); b+1 LUT, b FF (0 when n == 1)
  stream port            2 LUT + 2 FF each
  LUT ROM                width * ceil(depth/64) (+ muxes beyond 4 LUT6 on 7-series / 8 on US+)
  LUT RAM (SDP)          7-series: depth <= 32: ceil(width/6)*4, <= 64: ceil(width/3)*4
                         US+: depth <= 32: ceil(width/14)*8, <= 64: ceil(width/7)*8
  memory "auto"          the style using the smallest fraction of the board (LUT 53,200 / RAMB18 280 on
                         Pynq-Z1; 117,120 / 288 / URAM 64 on KV260)
  HLS engine control     300 LUT (FINN-R c0) for MVAU / VVAU / sliding window
"""
import numpy as np
import pytest

from codesign.hw.estimators import get_estimator
from codesign.ir import BIPOLAR, DataType
from codesign.ir.ops import (
    MVAU, VVAU, AddStreams, ConvolutionInputGenerator, DuplicateStreams, FMPadding, GlobalAccPool, LabelSelect,
    StreamingDataWidthConverter, StreamingFIFO, StreamingMaxPool, Thresholding,
)

PYNQ = get_estimator("codesign", "Pynq-Z1")
KV260 = get_estimator("codesign", "KV260")
FINN = get_estimator("finn", "Pynq-Z1")
U, S = (lambda b: DataType(b, False)), (lambda b: DataType(b, True))


def res(LUT=0, FF=0, BRAM18=0, URAM=0, DSP=0):
    return {"LUT": LUT, "FF": FF, "BRAM18": BRAM18, "URAM": URAM, "DSP": DSP}


# --------------------------------------------------------------------------- MVAU


def mvau_xnor():
    return MVAU(name="MVAU_0", inputs=["a"], outputs=["b"], mw=64, mh=32, idt=BIPOLAR, wdt=BIPOLAR, acc_dt=S(8),
                odt=BIPOLAR, thresholds=np.zeros((32, 1), dtype=np.int64), pe=4, simd=8)


def test_mvau_cycles():
    # (MH/PE) * (MW/SIMD) = (32/4) * (64/8) = 8 * 8 = 64
    assert mvau_xnor().cycles() == 64
    # conv: 2x3 output pixels -> 64 * 6 = 384
    op = mvau_xnor()
    op.spatial = (2, 3)
    assert op.cycles() == 384


def test_mvau_xnor_codesign_resources():
    # SF = 64/8 = 8, NF = 32/4 = 8, P = 4, Q = 8
    # popcount adder_tree(8, 1): level 1: 4 adders x 1 bit = 4; level 2: 2 x 2 = 4 (reg 2 x 3 = 6 FF);
    #   level 3: 1 x 3 = 3  -> 11 LUT, 6 FF
    # accumulator 8 LUT (SF > 1); threshold compare ceil(8/2) = 4 LUT per PE -> 16; count of 1 threshold: 0
    # threshold ROM depth NF=8 x (4 PE * 1 * 8 bits = 32): LUT ROM 32 (1/53200) vs 1 RAMB18 (1/280) -> 32 LUT
    # weight ROMs, one per PE, 64 x 8: 8 LUT each -> 32 LUT (+ 4*8 = 32 FF output register)
    # inputBuf SF=8 x 8 bits, LUT RAM: ceil(8/6)*4 = 8 LUT
    # counters(8, 8, 1): (3+1) + (3+1) = 8 LUT, 6 FF ; 2 stream ports: 4 LUT, 4 FF
    # LUT = 300 + 4*(11 + 8) + 16 + 8 + 4 + (32 + 32 + 8) = 300 + 76 + 28 + 72 = 476
    # FF  = Q*A 8 + P*(6 + 8) 56 + P*1 4 + 32 + 6 + 4 = 110
    assert mvau_xnor().resources(PYNQ) == res(LUT=476, FF=110)


def mvau_int8():
    return MVAU(name="MVAU_1", inputs=["a"], outputs=["b"], mw=16, mh=8, idt=S(8), wdt=S(8), acc_dt=S(20), odt=S(20),
                pe=4, simd=2, mem_mode="internal_decoupled")


def test_mvau_int8_dsp_packing_ultrascale_vs_7series():
    op = mvau_int8()
    # cycles: (8/4)*(16/2) = 16
    assert op.cycles() == 16
    # KV260 (DSP48E2, 27-bit port): INT8 packs k = (27-8)//18 + 1 = 2 products per DSP (WP487)
    #   DSPs = SIMD * ceil(PE/2) = 2 * 2 = 4 ; sign-correction LUTs 4 * (2-1) * 16 = 64
    #   adder_tree(2, 16): one 16-bit adder -> 16 LUT, no register ; accumulator 20 LUT
    #   weights decoupled: one 16 x 64 memory: LUT ROM 64 (64/117120) vs 2 RAMB18 (2/288) -> 64 LUT (+64 FF)
    #   inputBuf 8 x 16, US+ LUT RAM: ceil(16/14)*8 = 16 LUT
    #   counters(8, 2, 1): (3+1) + (1+1) = 6 LUT, 4 FF ; 3 stream ports (weights stream): 6 LUT, 6 FF
    #   LUT = 300 + 4*(16 + 20) + 64 + 6 + 6 + 64 + 16 = 300 + 144 + 64 + 12 + 80 = 600
    #   FF = Q*A 16 + P*acc 80 + P*odt 80 + 64 + 4 + 6 = 250
    assert op.resources(KV260) == res(LUT=600, FF=250, DSP=4)
    # Pynq-Z1 (DSP48E1, 25-bit port): (25-8)//18 + 1 = 1 -> 2 * 4 = 8 DSPs, no correction LUTs;
    #   inputBuf 7-series: ceil(16/6)*4 = 12 LUT -> LUT = 300 + 144 + 12 + 64 + 12 = 532
    assert op.resources(PYNQ) == res(LUT=532, FF=250, DSP=8)
    # res_type "lut": FINN-R multiplier (2*ceil(16/6) - 1) * 16 = 5 * 16 = 80 LUT per lane, 2 lanes per PE
    op.res_type = "lut"
    assert op.resources(PYNQ)["DSP"] == 0
    assert op.resources(PYNQ)["LUT"] == 532 + 4 * 2 * 80


def test_mvau_external_weights_cost_no_memory_and_count_offchip_bits():
    op = mvau_int8()
    op.mem_mode = "external"
    # weights stream in: no weight memory and no 64 FF ROM register: 532 - 64 = 468 LUT, 250 - 64 = 186 FF
    assert op.resources(PYNQ) == res(LUT=468, FF=186, DSP=8)
    assert op.offchip_bits_per_frame() == 16 * 8 * 8  # MW * MH * W per input vector
    assert mvau_int8().offchip_bits_per_frame() == 0


# --------------------------------------------------------------------------- VVAU


def vvau():
    return VVAU(name="VVAU_0", inputs=["a"], outputs=["b"], channels=8, kernel=(3, 3), spatial=(4, 4), idt=U(2),
                wdt=S(2), acc_dt=S(10), odt=U(2), thresholds=np.zeros((8, 3), dtype=np.int64), pe=2, simd=3)


def test_vvau_cycles_and_codesign_resources():
    op = vvau()
    # (8*9/2/3) * 16 = 12 * 16 = 192
    assert op.cycles() == 192
    # SF = 9/3 = 3, NF = 8/2 = 4; mult 2x2: (2*ceil(4/6)-1)*4 = 4 LUT per lane, 3 lanes -> 12
    # adder_tree(3, 4): 4 + 5 = 9 LUT, register after level 2: 1 x 6 = 6 FF ; accumulator 10 LUT
    # thresholds: 3 per channel: compare 3 * ceil(10/2) = 15 + count adder_tree(3,1) = 1 + 2 = 3 -> 18 per PE -> 36
    #   threshold ROM 4 x (2*3*10 = 60): 60 LUT ; weight ROMs 2 x (12 x 6): 6 LUT each -> 12
    # counters(3, 4, 16): 3 + 3 + 5 = 11 LUT, 2 + 2 + 4 = 8 FF ; 2 ports 4 LUT 4 FF
    # LUT = 300 + 2*(12 + 9 + 10) + 36 + 11 + 4 + 60 + 12 = 300 + 62 + 51 + 72 = 485
    # FF = P*Q*A 12 + P*(6 + 10) 32 + P*2 4 + 8 + 4 = 60
    assert op.resources(PYNQ) == res(LUT=485, FF=60)


# --------------------------------------------------------------------------- sliding window


def swg():
    return ConvolutionInputGenerator(name="ConvolutionInputGenerator_0", inputs=["a"], outputs=["b"], ifm=(6, 6, 4),
                                     kernel=(3, 3), stride=(1, 1), dt=U(2), simd=2)


def test_swg_cycles_and_resources():
    op = swg()
    # CF = 4/2 = 2; buffer ((3-1)*6 + 3)*2 = 30; OFM 4x4; write 4*3*3*2 = 72, read 1*6*2 = 12
    # cycles = 30 + 4*72 = 318
    assert op.cycles() == 318
    # codesign: buffer 30 x 4 bits LUT RAM ceil(4/6)*4 = 4 LUT
    # counters(6, 6, 2, 3, 3, 30, 30): 4+4+2+3+3+6+6 = 28 LUT, 3+3+1+2+2+5+5 = 21 FF ; ports 4 / 4
    # LUT = 300 + 28 + 4 + 4 = 336 ; FF = 2*4 + 21 + 4 = 33
    assert op.resources(PYNQ) == res(LUT=336, FF=33)
    # FINN (RTL, default style, auto): 300 LUT; depth 30 -> 36-wide aspect, ceil(4/36) * ceil(30/16384) = 1 RAMB18
    assert op.resources(FINN) == res(LUT=300, BRAM18=1)


# --------------------------------------------------------------------------- thresholding & co


def test_thresholding():
    op = Thresholding(name="Thresholding_0", inputs=["a"], outputs=["b"], channels=8, spatial=(2, 2), idt=S(6),
                      odt=U(2), thresholds=np.zeros((8, 3), dtype=np.int64), pe=2)
    # cycles: 4 pixels * 8/2 = 16
    assert op.cycles() == 16
    # codesign: per PE 3 compares ceil(6/2) = 3 each -> 9, count adder_tree(3,1) = 3 -> 12, x2 = 24
    #   threshold ROM 4 x (2*3*6 = 36) -> 36 LUT ; counters(4, 4): 3+3 LUT, 2+2 FF ; ports 4/4
    #   LUT = 24 + 6 + 4 + 36 = 70 ; FF = 2*(6+2) + 4 + 4 = 24
    assert op.resources(PYNQ) == res(LUT=70, FF=24)
    # FINN (auto -> Thresholding_hls default distributed): A*P + P*A*ceil(TMEM/64) = 12 + 12 = 24, TMEM 4
    assert op.resources(FINN) == res(LUT=24)


def test_maxpool():
    op = StreamingMaxPool(name="StreamingMaxPool_0", inputs=["a"], outputs=["b"], ifm=(4, 6, 8), kernel=(2, 2),
                          stride=(2, 2), dt=U(3), pe=4)
    # FINN 2D: int(IFM_w^2 * (1 + 1/4)) = int(36 * 1.25) = 45, scaled by C/PE = 2 -> 90
    assert op.cycles() == 90
    # codesign cycles: (4*6 + 2*3) * 2 = 60
    assert op.cycles_codesign() == 60
    assert PYNQ.cycles(op) == 60 and FINN.cycles(op) == 90
    # row buffer OFM_w * CF = 6 words x 12 bits: LUT RAM ceil(12/6)*4 = 8
    # per lane: compare ceil(3/2) = 2 + select ceil(3/2) = 2 -> 4, x4 = 16
    # counters(4, 6, 2, 2, 2): 3+4+2+2+2 = 13 LUT, 2+3+1+1+1 = 8 FF ; ports 4/4
    # LUT = 16 + 13 + 4 + 8 = 41 ; FF = 2*4*3 + 8 + 4 = 36
    assert op.resources(PYNQ) == res(LUT=41, FF=36)
    assert op.resources(FINN) == res()  # FINN has no estimate for it
    # PE = C: FINN's own formula, 45 cycles
    op.pe = 8
    assert op.cycles() == 45


def test_global_acc_pool():
    op = GlobalAccPool(name="GlobalAccPool_0", inputs=["a"], outputs=["b"], ifm=(2, 2, 8), idt=U(4), odt=U(6), pe=2)
    # H*W*C/PE + C/PE = 16 + 4 = 20
    assert op.cycles() == 20
    # sums 4 x 12 bits LUT RAM 8 ; adders 2*6 = 12 ; counters(4, 4) 6 LUT 4 FF ; ports 4/4
    # LUT = 12 + 6 + 4 + 8 = 30 ; FF = 2*(4+6) + 4 + 4 = 28
    assert op.resources(PYNQ) == res(LUT=30, FF=28)


def test_label_select():
    op = LabelSelect(name="LabelSelect_0", inputs=["a"], outputs=["b"], labels=10, k=1, idt=S(8), pe=2)
    # 10/2 = 5
    assert op.cycles() == 5
    # label bits: 0..9 -> 4 ; per lane 1 * (compare 4 + select ceil(12/2) = 6) = 10, x2 = 20
    # counters(5, 1): 3+1 = 4 LUT, 3 FF ; ports 4/4 ; LUT = 20 + 4 + 4 = 28
    # FF = 2*8 + 1*(8+4) + 4 + 3 + 4 = 39
    assert op.resources(PYNQ) == res(LUT=28, FF=39)


def test_add_and_duplicate_streams_and_padding():
    add = AddStreams(name="AddStreams_0", inputs=["a", "b"], outputs=["c"], channels=8, spatial=(2, 2), idt0=S(3),
                     idt1=S(4), odt=S(5), pe=4)
    # 4 pixels * 8/4 = 8 ; LUT 4*5 + counters(8) 4 + 3 ports 6 = 30 ; FF 4*(3+4+5) + 3 + 6 = 57
    assert add.cycles() == 8
    assert add.resources(PYNQ) == res(LUT=30, FF=57)
    dup = DuplicateStreams(name="DuplicateStreams_0", inputs=["a"], outputs=["b", "c"], shape=(2, 2, 8), dt=U(2), pe=4)
    # 4 * 8/4 = 8 ; LUT counters(8) 4 + 3 ports 6 + 2 = 12 ; FF 3*4*2 + 3 + 6 = 33
    assert dup.cycles() == 8
    assert dup.resources(PYNQ) == res(LUT=12, FF=33)
    pad = FMPadding(name="FMPadding_0", inputs=["a"], outputs=["b"], ifm=(4, 4, 2), pads=(1, 1, 1, 1), dt=U(8), simd=2)
    # (2/2) * 6 * 6 = 36 ; width 16: gating 8 + counters(6, 6, 1) 8 + ports 4 + 4 = 24 ; FF 32 + 6 + 4 = 42
    assert pad.cycles() == 36
    assert pad.resources(PYNQ) == res(LUT=24, FF=42)
    for op in (add, dup, pad):
        assert op.resources(FINN) == res()


def test_dwc():
    up = StreamingDataWidthConverter(name="StreamingDataWidthConverter_0", inputs=["a"], outputs=["b"], shape=(4, 12),
                                     dt=U(2), in_width=8, out_width=24)
    # FINN: folded in (4, 3, 4) = 48 + folded out (4, 1, 12) = 48 -> 96 ; codesign 48*2/8 = 12
    assert up.cycles() == 96 and up.cycles_codesign() == 12
    # up: counters(3) 3 LUT 2 FF + ports 4/4 -> LUT 7 ; FF 24 + 2 + 4 = 30
    assert up.resources(PYNQ) == res(LUT=7, FF=30)
    # FINN: lcm 24; |ceil(log2(8/24))| = 1 + cset 24 -> 25
    assert up.resources(FINN) == res(LUT=25)
    down = StreamingDataWidthConverter(name="d", inputs=["a"], outputs=["b"], shape=(4, 12), dt=U(2), in_width=24,
                                       out_width=8)
    # r = 3: 8 * ceil(2/3) = 8 + counters(3) 3 + ports 4 = 15 ; FF 24 + 2 + 4 = 30
    assert down.resources(PYNQ) == res(LUT=15, FF=30)
    odd = StreamingDataWidthConverter(name="o", inputs=["a"], outputs=["b"], shape=(4, 12), dt=U(2), in_width=12,
                                      out_width=8)
    # lcm 24, r = 3: 8 + counters(2, 3) (2 + 3) + 4 = 17 ; FF 24 + (1 + 2) + 4 = 31
    assert odd.resources(PYNQ) == res(LUT=17, FF=31)


def test_fifo():
    f = StreamingFIFO(name="StreamingFIFO_0", inputs=["a"], outputs=["b"], shape=(4, 8), dt=U(4), width=16, depth=64)
    # beats: 32 * 4 / 16 = 8
    assert f.cycles() == 8
    # SRL: 16 * ceil(64/32) = 32 + counters(64) 7 + ports 4 = 43 ; FF 16 + 6 + 4 = 26
    assert f.resources(PYNQ) == res(LUT=43, FF=26)
    # FINN rtl: 2*ceil(log2 64) = 12 + ceil(64/32)*ceil(16/2) = 16 -> 28
    assert f.resources(FINN) == res(LUT=28)
    f.depth = 1024
    # deep: LUT RAM (7-series) ceil(16/3)*4 = 24 per 64-deep block x 16 + muxes 16*ceil(3/3) = 400 LUT
    #   (400/53200 = 0.75%) vs 1 RAMB18 1Kx18 (1/280 = 0.36%) -> block ; pointers counters(1024, 1024) 22 LUT 20 FF
    #   LUT 22 + 4 = 26 ; FF 16 + 20 + 4 = 40
    assert f.resources(PYNQ) == res(LUT=26, FF=40, BRAM18=1)
    # FINN: depth > 256 -> vivado FIFO; with ram_style auto FINN counts address LUTs only: 2*10 = 20, no BRAM
    assert f.resources(FINN) == res(LUT=20)
    f.depth = 2
    # skid buffer: ceil(16/2) = 8 + 4 ; FF 2*16 + 4
    assert f.resources(PYNQ) == res(LUT=12, FF=36)


@pytest.mark.parametrize("est", [PYNQ, KV260, FINN])
def test_every_op_returns_all_keys_as_ints(est):
    ops = [mvau_xnor(), mvau_int8(), vvau(), swg()]
    for op in ops:
        r = est.resources(op)
        assert set(r) == {"LUT", "FF", "BRAM18", "URAM", "DSP"}
        assert all(isinstance(v, int) and v >= 0 for v in r.values())
