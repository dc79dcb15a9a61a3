"""The --strategy finn baseline reproduces FINN's SetFolding / AllocateResources steps, traced by hand."""
import pytest
from dse_synthetic import mvau_node

from codesign.dse.finn_strategy import allocate_resources, set_folding
from codesign.dse.problem import Choice, DSENode, DSEProblem, Edge, res_vector

BIG = {"LUT": 1e9, "FF": 1e9, "BRAM18": 1e9, "URAM": 1e9, "DSP": 1e9}


def thresholding(name, channels, pixels):
    ch = [Choice({"pe": pe}, pixels * channels // pe, res_vector({"LUT": 10 * pe}), pe * 4, pe * 2, pe * 4)
          for pe in range(1, channels + 1) if channels % pe == 0]
    return DSENode(name, ch, "Thresholding")


def test_set_folding_hand_trace():
    # A: MVAU MW=8 MH=4, 8-bit weights (SIMD capped by mvau_wwidth_max=36 at 4); B: Thresholding C=4 x 2 pixels;
    # C: MVAU MW=4 MH=6, binary weights. Target 3 cycles.
    a = mvau_node("A", 8, 4, wbits=8)
    b = thresholding("B", 4, 2)
    c = mvau_node("C", 4, 6, wbits=1)
    p = DSEProblem([a, b, c], BIG, [Edge("A", "B"), Edge("B", "C")])
    trace = []
    fold = set_folding(p, 3, trace=trace)
    expected = [
        # A: reset, SIMD walk 1,2,4,8 (8 x 8 bits = 64 > 36: revert to 4), then PE walk 1,2,4 (2 < 3: stop)
        ("A", "pe", 1, 32), ("A", "simd", 1, 32), ("A", "simd", 1, 32), ("A", "simd", 2, 16), ("A", "simd", 4, 8),
        ("A", "simd", 8, 4), ("A", "simd", 4, 8), ("A", "pe", 1, 8), ("A", "pe", 1, 8), ("A", "pe", 2, 4), ("A", "pe", 4, 2),
        # B: PE walk 1,2,4
        ("B", "pe", 1, 8), ("B", "pe", 1, 8), ("B", "pe", 2, 4), ("B", "pe", 4, 2),
        # C: SIMD walk 1,2,4 (never < 3, width 4 bits ok), PE walk 1,2,3 (2 < 3: stop)
        ("C", "pe", 1, 24), ("C", "simd", 1, 24), ("C", "simd", 1, 24), ("C", "simd", 2, 12), ("C", "simd", 4, 6),
        ("C", "pe", 1, 6), ("C", "pe", 1, 6), ("C", "pe", 2, 3), ("C", "pe", 3, 2),
    ]
    assert trace == expected
    assert fold == {"A": {"pe": 4, "simd": 4}, "B": {"pe": 4}, "C": {"pe": 3, "simd": 4}}


def test_two_pass_relaxation_balances_to_the_bottleneck():
    # First pass (target 1): A (MH=1, 8-bit weights) stops at SIMD=4 (8 cycles; SIMD=8 misses the target and is
    # 64 bits > 36, so it is reverted); C reaches 1 cycle. Second pass (target 8): C relaxes to SIMD=4, PE=1
    # (6 < 8); A's SIMD walk now meets the target at SIMD=8 (4 < 8) and FINN breaks on the cycle test *before*
    # the width test, so A ends with a 64-bit weight stream, as FINN's code does.
    a = mvau_node("A", 32, 1, wbits=8)
    c = mvau_node("C", 4, 6, wbits=1)
    p = DSEProblem([a, c], BIG, [Edge("A", "C")])
    one = set_folding(p, 1, two_pass_relaxation=False)
    assert one["C"] == {"pe": 6, "simd": 4} and one["A"] == {"pe": 1, "simd": 4}
    two = set_folding(p, 1)
    assert two["C"] == {"pe": 1, "simd": 4} and two["A"] == {"pe": 1, "simd": 8}


def test_depthwise_swg_follows_vvau_pe_and_vvau_simd_after_pe():
    swg = DSENode("SWG", [Choice({"simd": s}, 100 * 8 // s, res_vector({"LUT": s}), s, s, s) for s in (1, 2, 4, 8)],
                  "ConvolutionInputGenerator", {"depthwise": True})
    vv = DSENode("VV", [Choice({"pe": pe, "simd": sd}, 100 * (8 // pe) * (9 // sd), res_vector({"LUT": pe * sd}), pe * sd, pe, pe * sd)
                        for pe in (1, 2, 4, 8) for sd in (1, 3, 9)], "VVAU", {"kernel_size": 9})
    p = DSEProblem([swg, vv], BIG, [Edge("SWG", "VV")])
    fold = set_folding(p, 150, two_pass_relaxation=False)
    # PE walks to 8 (900 cycles, still > 150), then SIMD 1, 3 (300), 9 (100 < 150); the SWG takes SIMD = PE = 8
    assert fold == {"SWG": {"simd": 8}, "VV": {"pe": 8, "simd": 9}}


def test_allocate_resources_hand_trace():
    # one MVAU 4x4, binary: LUT = 100 + 4 * PE * SIMD; budget 150 LUT. Target 1 folds fully (PE=SIMD=4, 164 LUT):
    # over by 164/150, so the target grows x1.0933 per round until it exceeds 2 cycles (round 9: 1.0933^8 = 2.04),
    # where PE=2 (2 cycles < 2.04, 132 LUT) fits.
    n = mvau_node("M", 4, 4)
    p = DSEProblem([n], {"LUT": 150, "FF": 1e9, "BRAM18": 10, "URAM": 0, "DSP": 10}, clock_mhz=100)
    hist = []
    fold = allocate_resources(p, history=hist)
    assert fold == {"M": {"pe": 2, "simd": 4}}
    assert len(hist) == 9
    assert hist[0]["cpf_target"] == 1.0 and hist[0]["resources"]["LUT"] == 164
    for h0, h1 in zip(hist, hist[1:]):
        assert h1["cpf_target"] == pytest.approx(h0["cpf_target"] * 164 / 150)
    assert hist[-1]["resources"]["LUT"] == 132 and hist[-1]["max_cycles"] == 2


def test_allocate_resources_fps_target():
    n = mvau_node("M", 4, 4)
    p = DSEProblem([n], BIG, clock_mhz=100)
    fold = allocate_resources(p, fps_target=100e6 / 5)  # 5 cycles per frame: SIMD 4 then PE 1 (4 < 5)
    assert fold == {"M": {"pe": 1, "simd": 4}}
