"""The estimators: codesign building blocks pinned by hand, and the FINN estimator reproducing finn_formulas."""
import numpy as np
import pytest

from codesign.hw import finn_formulas as F
from codesign.hw.estimators import CodesignEstimator, FinnEstimator, get_estimator
from codesign.ir import BIPOLAR, DataType
from codesign.ir.ops import MVAU, VVAU, ConvolutionInputGenerator, StreamingFIFO, Thresholding

U, S = (lambda b: DataType(b, False)), (lambda b: DataType(b, True))


def test_get_estimator():
    assert isinstance(get_estimator("finn", "Pynq-Z1"), FinnEstimator)
    assert isinstance(get_estimator("codesign", "kv260_som"), CodesignEstimator)
    e = get_estimator("codesign", "ZCU104")
    assert get_estimator(e) is e
    with pytest.raises(ValueError, match="codesign"):
        get_estimator("vivado", "Pynq-Z1")


def test_series_facts():
    z1, kv = get_estimator("codesign", "Pynq-Z1"), get_estimator("codesign", "KV260")
    assert (z1.series, z1.dsp_block, z1.has_uram) == ("7series", "DSP48E1", False)
    assert (kv.series, kv.dsp_block, kv.has_uram) == ("ultrascale+", "DSP48E2", True)
    assert get_estimator("codesign", "ZCU102").has_uram is False  # US+ part without UltraRAM


def test_bram18_best_aspect():
    b = CodesignEstimator.bram18
    # 2304 x 32: 16Kx1 32, 8Kx2 16, 4Kx4 8, 2Kx9 2*4 = 8, 1Kx18 3*2 = 6, 512x36 5*1 = 5, 512x72 2*5 = 10 -> 5
    assert b(2304, 32) == 5
    # 512 x 72: one RAMB36 in SDP = 2 RAMB18 (512x36 would also be 2)
    assert b(512, 72) == 2
    # 18432 x 32: 512x36 36, 1Kx18 18*2 = 36, 16Kx1 2*32 = 64 -> 36
    assert b(18432, 32) == 36
    # 100 x 1 still needs a whole RAMB18
    assert b(100, 1) == 1


def test_lut_memories_by_series():
    z1, kv = get_estimator("codesign", "Pynq-Z1"), get_estimator("codesign", "KV260")
    # ROM 300 x 8: 5 LUT6 per bit; 7-series joins 4 for free -> 2 groups -> 1 extra 4:1 mux: 8*(5+1) = 48
    assert z1.lut_rom(300, 8) == 48
    # UltraScale+ joins 8 (MUXF9) -> no extra mux: 8*5 = 40
    assert kv.lut_rom(300, 8) == 40
    # SDP RAM 64 x 7: 7-series RAM64M (64x3 in 4 LUT): ceil(7/3)*4 = 12 ; US+ RAM64M8 (64x7 in 8): 8
    assert (z1.lut_ram(64, 7), kv.lut_ram(64, 7)) == (12, 8)
    # 32 x 6: RAM32M (32x6 in 4) = 4 ; RAM32M16 (32x14 in 8) = 8
    assert (z1.lut_ram(32, 6), kv.lut_ram(32, 6)) == (4, 8)


def test_memory_style_choice():
    z1 = get_estimator("codesign", "Pynq-Z1")
    # small: 64 x 8 ROM = 8 LUT (8/53200) vs 1 RAMB18 (1/280) -> LUT
    m = z1.memory(64, 8, rom=True)
    assert (m.style, m.LUT, m.BRAM18) == ("distributed", 8, 0)
    # big: 2304 x 32 ROM = 32*36 LUT6 + muxes -> > 1000 LUT (2%) vs 5 RAMB18 (1.8%) -> block
    m = z1.memory(2304, 32, rom=True)
    assert (m.style, m.BRAM18) == ("block", 5)
    # explicit styles win; "ultra" without UltraRAM falls back to block
    assert z1.memory(64, 8, "block", rom=True).BRAM18 == 1
    assert z1.memory(64, 8, "ultra", rom=True).style == "block"
    assert z1.memory(2304, 32, "distributed", rom=True).style == "distributed"
    # one word: registers
    assert z1.memory(1, 40).FF == 40
    # U250: 65536 x 72 -> 256 RAMB18 (256/4608 = 5.6%) vs 16 URAM (16/1280 = 1.25%) -> ultra
    m = get_estimator("codesign", "U250").memory(65536, 72, rom=True)
    assert (m.style, m.URAM) == ("ultra", 16)
    # ZCU102 has no UltraRAM -> block
    assert get_estimator("codesign", "ZCU102").memory(65536, 72, rom=True).style == "block"


def test_dsp_packing_wp487():
    z1, kv = get_estimator("codesign", "Pynq-Z1"), get_estimator("codesign", "KV260")
    # INT8: spacing 8+8+2 = 18 (WP487); DSP48E2 27-bit port: (27-8)//18 + 1 = 2 ; DSP48E1 25-bit: 1
    assert (kv.macs_per_dsp(8, 8), z1.macs_per_dsp(8, 8)) == (2, 1)
    # 4-bit: spacing 10: (27-4)//10 + 1 = 3 ; (25-4)//10 + 1 = 3
    assert (kv.macs_per_dsp(4, 4), z1.macs_per_dsp(4, 4)) == (3, 3)
    # 2-bit: spacing 6: (27-2)//6 + 1 = 5 ; (25-2)//6 + 1 = 4
    assert (kv.macs_per_dsp(2, 2), z1.macs_per_dsp(2, 2)) == (5, 4)
    # 16-bit: no room for a second product
    assert kv.macs_per_dsp(16, 16) == 1
    # 32 x 8 needs ceil(32/27) * ceil(8/18) = 2 DSP48E2 slices
    assert kv.dsps_per_product(32, 8) == 2


def test_auto_dsp_rule_and_multiplier_luts():
    e = get_estimator("codesign", "Pynq-Z1")
    assert e.uses_dsp(1, 8, "auto") is False  # sign select
    assert e.uses_dsp(1, 8, "dsp") is False  # nothing to multiply
    assert e.uses_dsp(4, 4, "auto") is False  # 8 product bits stay in LUTs
    assert e.uses_dsp(8, 4, "auto") is True  # 12 product bits
    assert e.uses_dsp(4, 4, "dsp") is True and e.uses_dsp(8, 8, "lut") is False
    # FINN-R multiplier: (2*ceil((W+A)/6) - 1) * (W+A): 4x4 -> 3*8 = 24 ; 8x8 -> 5*16 = 80 ; 1-bit -> 0
    assert (e.mult_luts(4, 4), e.mult_luts(8, 8), e.mult_luts(1, 8)) == (24, 80, 0)


def test_adder_tree():
    # 8 one-bit operands: 4x1 + 2x2 + 1x3 = 11 LUT; register after level 2: 2 operands x 3 bits; out 4 bits
    assert CodesignEstimator.adder_tree(8, 1) == (11, 6, 4)
    # 3 operands of 4 bits: 4 + 5 = 9 LUT; level 2 register 1 x 6; out 6 bits
    assert CodesignEstimator.adder_tree(3, 4) == (9, 6, 6)
    assert CodesignEstimator.adder_tree(1, 7) == (0, 0, 7)


# --------------------------------------------------------------------------- FINN estimator == finn_formulas


def _mvau(**kw):
    d = dict(name="MVAU_0", inputs=["a"], outputs=["b"], mw=64, mh=32, idt=U(2), wdt=S(2), acc_dt=S(12), odt=U(2),
             thresholds=np.zeros((32, 3), dtype=np.int64), pe=4, simd=8)
    d.update(kw)
    return MVAU(**d)


@pytest.mark.parametrize("mem_mode", ["internal_embedded", "internal_decoupled", "external"])
@pytest.mark.parametrize("ram_style", ["auto", "block", "distributed", "ultra"])
@pytest.mark.parametrize("res_type", ["auto", "lut", "dsp"])
def test_finn_estimator_mvau_reproduces_finn_formulas(mem_mode, ram_style, res_type):
    op = _mvau(mem_mode=mem_mode, ram_style=ram_style, res_type=res_type)
    est = get_estimator("finn", "KV260")
    kw = dict(mem_mode=mem_mode, ram_style=ram_style)
    expected = {
        "LUT": F.mvau_lut_estimation(64, 32, 4, 8, 2, 2, acc_bits=12, input_signed=False, output_bits=2,
                                     no_activation=False, res_type=res_type, **kw),
        "FF": 0,
        "BRAM18": F.mvau_bram_estimation(64, 32, 4, 8, 2, **kw),
        "URAM": F.mvau_uram_estimation(64, 32, 4, 8, 2, **kw),
        "DSP": F.mvau_dsp_estimation(4, 8, 2, 2, res_type=res_type),
    }
    assert est.resources(op) == expected


def test_finn_estimator_mvau_hand_pin():
    # MW=64 MH=32 PE=4 SIMD=8 W=A=2 unsigned, acc 12 -> bound 11, decoupled/auto: c2 = 0
    # mult 8*(2*1-1)*4 = 32 ; adder 4*15 = 60 ; acc min(12, 11) = 11 ; thresholds: ram_style_thresholds auto -> 0
    # int(300 + 1.1*4*(32+60+11)) = int(753.2) = 753
    op = _mvau(mem_mode="internal_decoupled")
    assert get_estimator("finn", "Pynq-Z1").resources(op)["LUT"] == 753


def test_finn_estimator_other_ops_reproduce_finn_formulas():
    est = get_estimator("finn", "Pynq-Z1")
    v = VVAU(name="VVAU_0", inputs=["a"], outputs=["b"], channels=16, kernel=(3, 3), spatial=(4, 4), idt=U(4), wdt=S(4),
             acc_dt=S(14), odt=U(4), thresholds=np.zeros((16, 15), dtype=np.int64), pe=4, simd=3, ram_style="block",
             res_type="dsp")
    kw = dict(mem_mode="internal_decoupled", ram_style="block")
    assert est.resources(v) == {
        "LUT": F.vvau_lut_estimation(16, (3, 3), 4, 3, 4, 4, acc_bits=14, input_signed=False, output_bits=4,
                                     no_activation=False, res_type="dsp", **kw),
        "FF": 0, "BRAM18": F.vvau_bram_estimation(16, (3, 3), 4, 3, 4, **kw),
        "URAM": F.vvau_uram_estimation(16, (3, 3), 4, 3, 4, **kw),
        "DSP": F.vvau_dsp_estimation(4, 4, 4, simd=3, res_type="dsp"),
    }
    s = ConvolutionInputGenerator(name="c", inputs=["a"], outputs=["b"], ifm=(32, 32, 64), kernel=(3, 3), stride=(1, 1),
                                  dt=U(8), simd=4, ram_style="distributed")
    a = ("default", 64, (3, 3), (32, 32), 4, 8, (1, 1))
    assert est.resources(s) == {"LUT": F.swg_rtl_lut_estimation(*a, ram_style="distributed"), "FF": 0,
                                "BRAM18": F.swg_rtl_bram_estimation(*a, ram_style="distributed"),
                                "URAM": F.swg_rtl_uram_estimation(*a, ram_style="distributed"), "DSP": 0}
    assert est.cycles(s) == F.swg_rtl_exp_cycles("default", 64, (3, 3), (32, 32), (30, 30), 4, (1, 1))
    t = Thresholding(name="t", inputs=["a"], outputs=["b"], channels=64, spatial=(8, 8), idt=S(8), odt=U(2),
                     thresholds=np.zeros((64, 3), dtype=np.int64), pe=4, ram_style="block")
    assert est.resources(t) == {"LUT": F.thresholding_lut_estimation(64, 4, 8, ram_style="block"), "FF": 0,
                                "BRAM18": F.thresholding_bram_estimation(64, 4, 8, ram_style="block"), "URAM": 0, "DSP": 0}
    f = StreamingFIFO(name="f", inputs=["a"], outputs=["b"], shape=(8, 8, 40), dt=U(1), width=40, depth=1000,
                      ram_style="block")
    kw = dict(impl_style="vivado", ram_style="block")
    assert est.resources(f) == {"LUT": F.fifo_lut_estimation(1000, 40, **kw), "FF": 0,
                                "BRAM18": F.fifo_bram_estimation(1000, 40, **kw),
                                "URAM": F.fifo_uram_estimation(1000, 40, **kw), "DSP": 0}


def test_bipolar_mvau_finn_and_codesign_differ_as_documented():
    op = _mvau(idt=BIPOLAR, wdt=BIPOLAR, acc_dt=S(8), odt=BIPOLAR, thresholds=np.zeros((32, 1), dtype=np.int64))
    finn = get_estimator("finn", "Pynq-Z1").resources(op)
    code = get_estimator("codesign", "Pynq-Z1").resources(op)
    # FINN-R prices the XNOR as a 1x1 multiplier plus a 2-bit adder tree; the codesign popcount is cheaper
    assert code["LUT"] < finn["LUT"] and code["FF"] > 0 == finn["FF"]
