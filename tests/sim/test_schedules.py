"""Every op's read/write schedule: well formed, causal (a beat is written only after the input beats it
depends on were read), and its `need` (those input beats) checked against the golden model: perturbing
every later input beat must leave the output beat unchanged."""
import numpy as np
import pytest

from codesign.ir import DataType
from codesign.ir.ops import (
    MVAU, VVAU, AddStreams, ConvolutionInputGenerator, DuplicateStreams, FMPadding, GlobalAccPool, LabelSelect,
    StreamingDataWidthConverter, StreamingFIFO, StreamingMaxPool, Thresholding,
)

U2, I2, I3, I8 = DataType(2, False), DataType(2, True), DataType(3, True), DataType(8, True)


def _rng(seed=0):
    return np.random.default_rng(seed)


def mvau(mw, mh, spatial, pe, simd, thresholds=True):
    r = _rng(mw * mh)
    return MVAU(name="MVAU_0", inputs=["x"], outputs=["y"], mw=mw, mh=mh, spatial=spatial, idt=U2, wdt=I2, acc_dt=I8,
                odt=U2 if thresholds else I8, weights=r.integers(-2, 2, (mw, mh)),
                thresholds=np.sort(r.integers(-6, 7, (mh, 3)), 1) if thresholds else None, pe=pe, simd=simd), [(*spatial, mw)]


def vvau(pe, simd):
    r = _rng(1)
    return VVAU(name="VVAU_0", inputs=["x"], outputs=["y"], channels=4, kernel=(3, 3), spatial=(2, 2), idt=U2, wdt=I2,
                acc_dt=I8, odt=U2, weights=r.integers(-2, 2, (4, 9)), thresholds=np.sort(r.integers(-6, 7, (4, 3)), 1),
                pe=pe, simd=simd), [(2, 2, 36)]


def swg(ifm, k, s, simd, depthwise=False):
    return ConvolutionInputGenerator(name="SWG_0", inputs=["x"], outputs=["y"], ifm=ifm, kernel=k, stride=s, dt=U2,
                                     depthwise=depthwise, simd=simd), [ifm]


def thr(pe):
    return Thresholding(name="Thr_0", inputs=["x"], outputs=["y"], channels=4, spatial=(2, 3), idt=I3, odt=U2,
                        thresholds=np.sort(_rng(2).integers(-4, 4, (4, 3)), 1), pe=pe), [(2, 3, 4)]


CASES = {
    **{f"mvau_pe{p}_simd{q}": (lambda p=p, q=q: mvau(6, 4, (3,), p, q)) for p, q in [(1, 1), (2, 3), (4, 6), (2, 2)]},
    "mvau_fc": lambda: mvau(8, 6, (), 3, 4, thresholds=False),
    **{f"vvau_pe{p}_simd{q}": (lambda p=p, q=q: vvau(p, q)) for p, q in [(1, 1), (2, 3), (4, 9), (4, 1)]},
    "swg_k3s1_simd1": lambda: swg((6, 6, 4), (3, 3), (1, 1), 1),
    "swg_k3s1_simd4": lambda: swg((6, 6, 4), (3, 3), (1, 1), 4),
    "swg_k2s2": lambda: swg((6, 6, 4), (2, 2), (2, 2), 2),
    "swg_k1s2": lambda: swg((8, 8, 2), (1, 1), (2, 2), 1),
    "swg_nonsquare": lambda: swg((7, 5, 2), (3, 2), (2, 1), 2),
    "swg_dw_k3s1": lambda: swg((6, 6, 4), (3, 3), (1, 1), 2, True),
    "swg_dw_k3s2": lambda: swg((7, 7, 2), (3, 3), (2, 2), 1, True),
    **{f"thr_pe{p}": (lambda p=p: thr(p)) for p in (1, 2, 4)},
    "add": lambda: (AddStreams(name="Add_0", inputs=["a", "b"], outputs=["y"], channels=4, spatial=(3,), idt0=I3, idt1=U2,
                               odt=DataType(4, True), pe=2), [(3, 4), (3, 4)]),
    "dup3": lambda: (DuplicateStreams(name="Dup_0", inputs=["x"], outputs=["y0", "y1", "y2"], shape=(3, 4), dt=U2, pe=2), [(3, 4)]),
    "fmpad": lambda: (FMPadding(name="Pad_0", inputs=["x"], outputs=["y"], ifm=(3, 4, 4), pads=(1, 2, 0, 1), dt=U2, simd=2),
                      [(3, 4, 4)]),
    "maxpool_k2s2": lambda: (StreamingMaxPool(name="Pool_0", inputs=["x"], outputs=["y"], ifm=(5, 6, 4), kernel=(2, 2),
                                              stride=(2, 2), dt=U2, pe=2), [(5, 6, 4)]),
    "maxpool_k3s2": lambda: (StreamingMaxPool(name="Pool_0", inputs=["x"], outputs=["y"], ifm=(7, 7, 2), kernel=(3, 3),
                                              stride=(2, 2), dt=U2, pe=1), [(7, 7, 2)]),
    "gap": lambda: (GlobalAccPool(name="GAP_0", inputs=["x"], outputs=["y"], ifm=(3, 3, 4), idt=U2, odt=DataType(6, False),
                                  pe=2), [(3, 3, 4)]),
    **{f"labelselect_pe{p}": (lambda p=p: (LabelSelect(name="LS_0", inputs=["x"], outputs=["y"], labels=10, k=3, idt=I3, pe=p),
                                            [(10,)])) for p in (2, 5)},
    **{f"dwc_{a}to{b}": (lambda a=a, b=b: (StreamingDataWidthConverter(name="DWC_0", inputs=["x"], outputs=["y"], shape=(3, 12),
                                                                        dt=U2, in_width=2 * a, out_width=2 * b), [(3, 12)]))
       for a, b in [(4, 6), (6, 2), (2, 6), (12, 3)]},
    "fifo": lambda: (StreamingFIFO(name="FIFO_0", inputs=["x"], outputs=["y"], shape=(3, 4), dt=U2, width=4, depth=5), [(3, 4)]),
}


def _dtype_in(op, p):
    for attr in (f"idt{p}", "idt", "dt"):
        if getattr(op, attr, None) is not None:
            return getattr(op, attr)
    raise AttributeError


def _random(dt, size, rng):
    if dt.bipolar:
        return rng.choice([-1, 1], size=size)
    return rng.integers(dt.min, dt.max + 1, size=size)


def _in_perm(op, p, n_elems):
    """Stream position -> IR flat position of the input elements (FINN's depthwise window order for the VVAU)."""
    if isinstance(op, VVAU):
        v = int(np.prod(op.spatial))
        nf, sf, c = op.channels // op.pe, op.k // op.simd, op.channels
        px, f, s, kk, pe = np.meshgrid(np.arange(v), np.arange(nf), np.arange(sf), np.arange(op.simd), np.arange(op.pe), indexing="ij")
        return (px * op.k * c + (s * op.simd + kk) * c + f * op.pe + pe).ravel()
    return np.arange(n_elems)


def _out_perm(op, q, n_elems):
    if isinstance(op, ConvolutionInputGenerator) and op.depthwise:
        (oh, ow), (kh, kw), c = op.ofm, op.kernel, op.ifm[2]
        cf = c // op.simd
        o, f, ky, kx, s = np.meshgrid(np.arange(oh * ow), np.arange(cf), np.arange(kh), np.arange(kw), np.arange(op.simd), indexing="ij")
        return (o * kh * kw * c + (ky * kw + kx) * c + f * op.simd + s).ravel()
    return np.arange(n_elems)


@pytest.mark.parametrize("case", sorted(CASES))
def test_schedule_well_formed_and_causal(case):
    op, in_shapes = CASES[case]()
    s = op.schedule()
    n = s["n"]
    assert n > 0 and s["depth"] >= 1
    assert len(s["reads"]) == len(op.inputs) and len(s["writes"]) == len(op.outputs) == len(s["need"])
    for arr in s["reads"] + s["writes"]:
        assert arr.dtype == np.int64 and (np.diff(arr) > 0).all() and arr[0] >= 0 and arr[-1] < n
    for shape, r in zip(in_shapes, s["reads"]):
        assert int(np.prod(shape)) % len(r) == 0
    for shape, w, need in zip(op.out_shapes(), s["writes"], s["need"]):
        assert int(np.prod(shape)) % len(w) == 0
        assert need.shape == (len(w), len(op.inputs))
        read_by = np.stack([np.searchsorted(r, w, side="right") for r in s["reads"]], axis=1)
        assert (read_by >= need).all(), f"{case}: a beat is written before the input it needs was read"
        assert (need <= np.array([len(r) for r in s["reads"]])).all()


def _need_violations(op, in_shapes, need, reduce=0, seed=0):
    """Output beats whose value changes when the input beats after need[k] - reduce are perturbed."""
    rng = np.random.default_rng(seed)
    s = op.schedule()
    xs = [_random(_dtype_in(op, p), (1, *shape), rng) for p, shape in enumerate(in_shapes)]
    base = op.execute(*xs)
    bad = 0
    for q, (w, nq) in enumerate(zip(s["writes"], need)):
        out_elems = int(np.prod(op.out_shapes()[q]))
        fold_out = out_elems // len(w)
        operm = _out_perm(op, q, out_elems)
        for k in range(len(w)):
            pert = []
            for p, shape in enumerate(in_shapes):
                e = int(np.prod(shape))
                fold = e // len(s["reads"][p])
                first = max(0, int(nq[k, p]) - reduce) * fold
                x = xs[p].reshape(-1).copy()
                pos = _in_perm(op, p, e)[first:]
                x[pos] = _random(_dtype_in(op, p), len(pos), rng)
                pert.append(x.reshape(xs[p].shape))
            out = op.execute(*pert)[q].reshape(-1)
            idx = operm[k * fold_out:(k + 1) * fold_out]
            bad += not np.array_equal(out[idx], base[q].reshape(-1)[idx])
    return bad


@pytest.mark.parametrize("case", sorted(CASES))
def test_need_holds_against_golden_model(case):
    op, in_shapes = CASES[case]()
    need = op.schedule()["need"]
    for seed in range(3):
        assert _need_violations(op, in_shapes, need, seed=seed) == 0


@pytest.mark.parametrize("case", ["mvau_pe2_simd3", "swg_k3s1_simd1", "vvau_pe2_simd3", "thr_pe2", "maxpool_k2s2", "dwc_4to6"])
def test_perturbation_check_has_teeth(case):
    """One input beat too few in `need` is caught: the check can fail."""
    op, in_shapes = CASES[case]()
    need = op.schedule()["need"]
    assert sum(_need_violations(op, in_shapes, need, reduce=1, seed=s) for s in range(3)) > 0


def test_swg_matches_finn_rtl_formula_where_k_ge_stride():
    from codesign.hw import finn_formulas as F

    for ifm, k, s, simd in [((32, 32, 3), 3, 1, 3), ((30, 30, 64), 3, 1, 32), ((34, 34, 16), 3, 2, 4), ((6, 6, 4), 2, 2, 2)]:
        op, _ = swg(ifm, (k, k), (s, s), simd)
        assert op.schedule()["n"] == F.swg_rtl_exp_cycles("default", ifm[2], k, ifm[:2], op.ofm, simd, s)
