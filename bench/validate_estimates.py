"""Predicted vs published: throughput and resources of BNN-PYNQ's CNV-W1A1 and LFC-W1A1.

Published figures (all public, cited in docs/validation.md):

- Foldings: Xilinx/BNN-PYNQ bnn/src/network/{cnvW1A1,lfcW1A1}/hw/config.h (PE, SIMD, WMEM per layer);
  the same files are used for the Pynq-Z1/Z2 and the Ultra96 bitstreams.
- Resources: bnn/src/network/{cnvW1A1,lfcW1A1}/README.md, Vivado 2018.2 post-placement utilisation
  of the whole Pynq-Z1 block design (PS7 + AXI interconnect + the BlackBoxJam accelerator with its
  own DMA and runtime weight loading), xc7z020clg400-1, 100 MHz (FCLK_CLK0 in
  bnn/src/library/script/pynqZ1-Z2/make-vivado-proj.tcl).
- Throughput: notebooks/CNV-QNN_Cifar10_Testset.ipynb and LFC-QNN_MNIST.ipynb (stored outputs of a
  hardware run on a 64-bit PYNQ board, i.e. the Ultra96, whose accelerator clock is pl_clk2, 299 MHz
  per bnn/src/library/script/ultra96/make-vivado-proj.tcl): 10,000 images; CNV-W1A1 9,149.98
  images/s, LFC-W1A1 356,633 images/s, including the host driver's overhead.

The topologies are rebuilt here as Dataflow IR graphs with BNN-PYNQ's exact layer shapes (the LFC
input padded to 832 binarized pixels, the last layers padded to 64 outputs as in config.h), so the
published foldings apply unchanged. Then the zoo's CNV-W1A1 and TFC-W1A1 (randomly initialised,
exported and lowered through the real frontend) are estimated with finn-examples' folding files
(build/bnn-pynq/folding_config/{cnv,tfc}-w1a1_folding_config.json, embedded below) - no public
post-synthesis numbers exist for those builds, so they are reported for the record only.

    python bench/validate_estimates.py [--json out.json] [--skip-zoo]

No constant of the estimators was fitted to these numbers.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from codesign.hw.estimate import estimate
from codesign.hw.folding import apply_folding
from codesign.ir import BIPOLAR, DataflowGraph, DataType, TensorInfo
from codesign.ir.ops import MVAU, ConvolutionInputGenerator, StreamingMaxPool

# --------------------------------------------------------------------------- published numbers

PUBLISHED = {
    "cnvW1A1": {
        # README: Slice LUTs 26072, Slice Registers 41312, RAMB36 76 + RAMB18 96, DSPs 24
        "resources_pynq_z1": {"LUT": 26072, "FF": 41312, "BRAM18": 2 * 76 + 96, "DSP": 24},
        # notebook: "Inference took 1092898.03 microseconds, 109.29 usec per image" (Ultra96)
        "fps_ultra96": 9149.98,
    },
    "lfcW1A1": {
        # README: Slice LUTs 28360, Slice Registers 33470, RAMB36 6 + RAMB18 208, DSPs 4
        "resources_pynq_z1": {"LUT": 28360, "FF": 33470, "BRAM18": 2 * 6 + 208, "DSP": 4},
        # notebook: "Inference took 28040.00 microseconds, 2.80 usec per image" (Ultra96)
        "fps_ultra96": 356633.39,
    },
}
ULTRA96_MHZ = 300.0  # pl_clk2, shown as "299 MHz" in the block design script
PYNQ_MHZ = 100.0

# finn-examples build/bnn-pynq/folding_config (Xilinx/finn-examples), verbatim
FINN_EXAMPLES_CNV_W1A1 = {
    "Defaults": {},
    "Thresholding_Batch_0": {"PE": 1, "ram_style": "distributed"},
    "ConvolutionInputGenerator_0": {"SIMD": 3, "ram_style": "distributed"},
    "MatrixVectorActivation_0": {"PE": 16, "SIMD": 3, "ram_style": "auto"},
    "ConvolutionInputGenerator_1": {"SIMD": 32, "ram_style": "distributed"},
    "MatrixVectorActivation_1": {"PE": 32, "SIMD": 32, "ram_style": "auto"},
    "ConvolutionInputGenerator_2": {"SIMD": 32, "ram_style": "distributed"},
    "MatrixVectorActivation_2": {"PE": 16, "SIMD": 32, "ram_style": "auto"},
    "ConvolutionInputGenerator_3": {"SIMD": 32, "ram_style": "distributed"},
    "MatrixVectorActivation_3": {"PE": 16, "SIMD": 32, "ram_style": "auto"},
    "ConvolutionInputGenerator_4": {"SIMD": 32, "ram_style": "distributed"},
    "MatrixVectorActivation_4": {"PE": 4, "SIMD": 32, "ram_style": "auto"},
    "ConvolutionInputGenerator_5": {"SIMD": 32, "ram_style": "distributed"},
    "MatrixVectorActivation_5": {"PE": 1, "SIMD": 32, "ram_style": "auto"},
    "MatrixVectorActivation_6": {"PE": 1, "SIMD": 4, "ram_style": "auto"},
    "MatrixVectorActivation_7": {"PE": 1, "SIMD": 8, "ram_style": "auto"},
    "MatrixVectorActivation_8": {"PE": 5, "SIMD": 1, "ram_style": "auto"},
    "LabelSelect_Batch_0": {"PE": 1},
}
FINN_EXAMPLES_TFC_W1A1 = {
    "Defaults": {},
    "Thresholding_hls_0": {"PE": 49, "ram_style": "distributed"},
    "MVAU_hls_0": {"PE": 16, "SIMD": 49, "ram_style": "block"},
    "MVAU_hls_1": {"PE": 8, "SIMD": 8, "ram_style": "auto"},
    "MVAU_hls_2": {"PE": 8, "SIMD": 8, "ram_style": "auto"},
    "MVAU_hls_3": {"PE": 10, "SIMD": 8, "ram_style": "distributed"},
    "LabelSelect_hls_0": {"PE": 1},
}

# --------------------------------------------------------------------------- BNN-PYNQ topologies


class _Builder:
    def __init__(self, in_shape, in_dt, seed=0):
        self.rng = np.random.default_rng(seed)
        self.ops, self.tensors = [], {"global_in": TensorInfo(tuple(in_shape), in_dt)}
        self.cur, self.n = "global_in", {}

    def _emit(self, cls, shape, out_dt, **kw):
        i = self.n.get(cls.OP_TYPE, 0)
        self.n[cls.OP_TYPE] = i + 1
        name = f"{cls.OP_TYPE}_{i}"
        out = f"{name}_out0"
        self.ops.append(cls(name=name, inputs=[self.cur], outputs=[out], **kw))
        self.tensors[out] = TensorInfo(tuple(shape), out_dt)
        self.cur = out
        return self.ops[-1]

    def mvau(self, mw, mh, spatial, idt, pe, simd, odt=BIPOLAR, act=True):
        acc = DataType.for_range(-mw * max(abs(idt.min), idt.max), mw * max(abs(idt.min), idt.max))
        w = self.rng.choice([-1, 1], size=(mw, mh))
        thr = np.zeros((mh, 1), dtype=np.int64) if act else None
        return self._emit(MVAU, (*spatial, mh), odt, mw=mw, mh=mh, spatial=tuple(spatial), idt=idt, wdt=BIPOLAR,
                          acc_dt=acc, odt=odt, weights=w, thresholds=thr, pe=pe, simd=simd, mem_mode="internal_embedded")

    def conv(self, ifm, c_out, pe, simd, idt):
        h, w, c = ifm
        self._emit(ConvolutionInputGenerator, (h - 2, w - 2, 9 * c), idt, ifm=tuple(ifm), kernel=(3, 3), stride=(1, 1),
                   dt=idt, simd=simd)
        return self.mvau(9 * c, c_out, (h - 2, w - 2), idt, pe, simd)

    def pool(self, ifm):
        h, w, c = ifm
        return self._emit(StreamingMaxPool, (h // 2, w // 2, c), BIPOLAR, ifm=tuple(ifm), kernel=(2, 2), stride=(2, 2),
                          dt=BIPOLAR, pe=c)  # BNN-PYNQ/FINN 2D max pool: all channels per beat

    def graph(self):
        g = DataflowGraph(self.ops, self.tensors, "global_in", self.cur, 1.0, "NHWC")
        g.check()
        return g


def bnn_pynq_cnv_w1a1() -> DataflowGraph:
    """cnvW1A1/hw/config.h: L0..L5 conv (SIMD, PE) = (3,16) (32,32) (32,16) (32,16) (32,4) (32,1);
    L6..L8 FC (4,1) (8,1) (1,4); L8 is 512 -> 64 (padded) without activation, 16-bit output."""
    b = _Builder((32, 32, 3), DataType(8, False))
    b.conv((32, 32, 3), 64, 16, 3, DataType(8, False))
    b.conv((30, 30, 64), 64, 32, 32, BIPOLAR)
    b.pool((28, 28, 64))
    b.conv((14, 14, 64), 128, 16, 32, BIPOLAR)
    b.conv((12, 12, 128), 128, 16, 32, BIPOLAR)
    b.pool((10, 10, 128))
    b.conv((5, 5, 128), 256, 4, 32, BIPOLAR)
    b.conv((3, 3, 256), 256, 1, 32, BIPOLAR)
    b.mvau(256, 512, (), BIPOLAR, 1, 4)
    b.mvau(512, 512, (), BIPOLAR, 1, 8)
    b.mvau(512, 64, (), BIPOLAR, 4, 1, odt=DataType(16, True), act=False)
    return b.graph()


def bnn_pynq_lfc_w1a1() -> DataflowGraph:
    """lfcW1A1/hw/config.h: 832 (784 binarized pixels padded) -> 1024 -> 1024 -> 1024 -> 64 (padded),
    (SIMD, PE) = (64,32) (32,64) (64,32) (8,16); last layer without activation, 16-bit output."""
    b = _Builder((832,), BIPOLAR)
    b.mvau(832, 1024, (), BIPOLAR, 32, 64)
    b.mvau(1024, 1024, (), BIPOLAR, 64, 32)
    b.mvau(1024, 1024, (), BIPOLAR, 32, 64)
    b.mvau(1024, 64, (), BIPOLAR, 16, 8, odt=DataType(16, True), act=False)
    return b.graph()


# --------------------------------------------------------------------------- zoo designs


def zoo_design(name: str, bits: str, shape) -> DataflowGraph:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from zoo_helpers import calibrated

    from codesign.export import export_qonnx_model
    from codesign.frontend import lower_qonnx
    from codesign.frontend.passes import add_label_select

    model = calibrated(name, bits, input_shape=shape)
    with tempfile.TemporaryDirectory() as d:
        export_qonnx_model(model, f"{d}/m.onnx")
        g = lower_qonnx(f"{d}/m.onnx")
    add_label_select(g)
    return g


def finn_style(g: DataflowGraph, cfg: dict) -> DataflowGraph:
    """Apply a finn-examples folding; FINN's defaults for what the file does not set: MVAU mem_mode
    internal_decoupled (FINN's build default), 2D max pool with all channels per beat."""
    for op in g.ops:
        if op.OP_TYPE == "MVAU":
            op.mem_mode = "internal_decoupled"
        if op.OP_TYPE == "StreamingMaxPool":
            op.pe = op.ifm[2]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        apply_folding(g, cfg)
    for w in caught:
        print(f"  folding: {w.message}")
    return g


# --------------------------------------------------------------------------- report


def _err(pred, pub):
    return None if not pub else (pred - pub) / pub


def compare(name: str, g: DataflowGraph) -> dict:
    pub = PUBLISHED[name]
    out = {"design": name}
    for kind in ("codesign", "finn"):
        pyn = estimate(g, "Pynq-Z1", PYNQ_MHZ, kind)
        u96 = estimate(g, "Ultra96-V2", ULTRA96_MHZ, kind)
        res = {k: pyn["resources"][k] for k in ("LUT", "FF", "BRAM18", "URAM", "DSP")}
        out[kind] = {
            "pynq_z1_100mhz": {"throughput_fps": pyn["throughput_fps"], "bottleneck": pyn["bottleneck"],
                               "max_cycles": pyn["max_cycles"], "latency_us": pyn["latency_us"],
                               "latency_us_finn_sum": pyn["latency_cycles_finn"] / PYNQ_MHZ, "resources": res},
            "ultra96_300mhz": {"throughput_fps": u96["throughput_fps"], "limited_by": u96["limited_by"]},
            "error_vs_published": {
                "fps_ultra96": _err(u96["throughput_fps"], pub["fps_ultra96"]),
                **{k: _err(res[k], pub["resources_pynq_z1"][k]) for k in ("LUT", "FF", "BRAM18", "DSP")},
            },
        }
    out["published"] = pub
    return out


def _pct(x):
    return "n/a" if x is None else f"{100 * x:+.0f}%"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", default=None, help="write all numbers to this JSON file")
    ap.add_argument("--skip-zoo", action="store_true", help="skip the zoo designs (no torch export)")
    args = ap.parse_args(argv)
    report = {"bnn_pynq": [compare("cnvW1A1", bnn_pynq_cnv_w1a1()), compare("lfcW1A1", bnn_pynq_lfc_w1a1())]}
    print("BNN-PYNQ, published foldings: predicted vs published")
    print(f"{'design':9s} {'estimator':9s} {'fps U96 pred':>12s} {'pub':>9s} {'err':>6s} | "
          f"{'LUT':>6s} {'err':>6s} {'FF':>6s} {'err':>6s} {'BRAM18':>6s} {'err':>6s} {'DSP':>4s} {'err':>6s}")
    for r in report["bnn_pynq"]:
        pub = r["published"]
        for kind in ("codesign", "finn"):
            e, res = r[kind]["error_vs_published"], r[kind]["pynq_z1_100mhz"]["resources"]
            print(f"{r['design']:9s} {kind:9s} {r[kind]['ultra96_300mhz']['throughput_fps']:12,.0f} "
                  f"{pub['fps_ultra96']:9,.0f} {_pct(e['fps_ultra96']):>6s} | "
                  f"{res['LUT']:6d} {_pct(e['LUT']):>6s} {res['FF']:6d} {_pct(e['FF']):>6s} "
                  f"{res['BRAM18']:6d} {_pct(e['BRAM18']):>6s} {res['DSP']:4d} {_pct(e['DSP']):>6s}")
        p = pub["resources_pynq_z1"]
        print(f"{'':9s} {'published':9s} {'':12s} {'':9s} {'':6s} | {p['LUT']:6d} {'':6s} {p['FF']:6d} {'':6s} "
              f"{p['BRAM18']:6d} {'':6s} {p['DSP']:4d}")
    if not args.skip_zoo:
        report["zoo"] = []
        for name, cfg, shape in (("cnv", FINN_EXAMPLES_CNV_W1A1, (3, 32, 32)), ("tfc", FINN_EXAMPLES_TFC_W1A1, (1, 28, 28))):
            print(f"\nzoo {name}-w1a1 with finn-examples folding:")
            g = finn_style(zoo_design(name, "w1a1", shape), cfg)
            row = {"design": f"{name}-w1a1 (zoo, finn-examples folding)"}
            for kind in ("codesign", "finn"):
                e = estimate(g, "Pynq-Z1", PYNQ_MHZ, kind)
                row[kind] = {k: e[k] for k in ("throughput_fps", "limited_by", "bottleneck", "max_cycles", "latency_us",
                                               "latency_cycles_finn", "resources", "fits")}
                print(f"  {kind:9s} {e['throughput_fps']:10,.0f} fps ({e['limited_by']}, {e['bottleneck']}) "
                      f"latency {e['latency_us']:.1f} us (FINN sum {e['latency_cycles_finn'] / PYNQ_MHZ:.1f} us) {e['resources']}")
            report["zoo"].append(row)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1) + "\n")
        print(f"wrote {args.json}")
    return report


if __name__ == "__main__":
    main()
