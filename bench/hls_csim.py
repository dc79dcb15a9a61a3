"""C simulation of the generated HLS against the golden model for the zoo at full input sizes.

For each (model, bits): build a calibrated model (random weights, realistic BatchNorm statistics),
export, lower, fold with our optimiser for a Pynq-Z1, generate the HLS, compile it with g++ and
run FRAMES frames; report bit-exactness and compile/run times. Usage:

    python bench/hls_csim.py --models cnv,lfc,mobilenet_v1,resnet8 --bits w1a1,w2a2,w4a4,mixed --frames 8
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from zoo_helpers import calibrated, mixed_bits, random_inputs  # noqa: E402

from codesign.dse.fold import optimise_folding  # noqa: E402
from codesign.dse.solver import DSEInfeasible  # noqa: E402
from codesign.export import export_qonnx_model  # noqa: E402
from codesign.frontend import lower_qonnx  # noqa: E402
from codesign.hls.codegen import generate_hls  # noqa: E402
from codesign.hls.csim import compile_csim, run_csim_int  # noqa: E402
from codesign.models import DEFAULT_INPUT, n_weight_layers  # noqa: E402


def one(name: str, bits: str, frames: int, work: Path) -> dict:
    spec = mixed_bits(name, n_weight_layers(name)) if bits == "mixed" else bits
    model = calibrated(name, spec, input_shape=DEFAULT_INPUT[name])
    export_qonnx_model(model, work / "m.onnx")
    graph = lower_qonnx(work / "m.onnx")
    board = "Pynq-Z1"
    try:
        fps = optimise_folding(graph, board, 100.0, strategy="codesign").throughput_fps
    except DSEInfeasible:  # too big for a Pynq: fold for a ZCU102 (unfolded weight arrays get huge)
        board = "ZCU102"
        fps = optimise_folding(graph, board, 100.0, strategy="codesign").throughput_fps
    generate_hls(graph, work / "hls", "xc7z020clg400-1", 100.0)
    t0 = time.time()
    compile_csim(work / "hls")
    t_compile = time.time() - t0
    x = graph.quantize_input(random_inputs(model, frames))
    t0 = time.time()
    got = run_csim_int(work / "hls", x)
    t_run = time.time() - t0
    ref = graph.execute(x)[graph.output_name].reshape(frames, -1)
    return {"model": name, "bits": bits, "frames": frames, "nodes": len(graph.ops), "bit_exact": bool(np.array_equal(got, ref)),
            "folded_for": board, "fps_estimate": fps, "compile_s": round(t_compile, 1), "run_s": round(t_run, 2)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="cnv,lfc,sfc,tfc,lenet5,mobilenet_v1,resnet8")
    ap.add_argument("--bits", default="w1a1,w2a2,w4a4,mixed")
    ap.add_argument("--frames", type=int, default=8)
    ap.add_argument("--json", default=str(ROOT / "bench" / "results" / "hls_csim.json"))
    args = ap.parse_args()
    rows = []
    for name in args.models.split(","):
        for bits in args.bits.split(","):
            with tempfile.TemporaryDirectory() as tmp:
                try:
                    row = one(name, bits, args.frames, Path(tmp))
                except Exception as e:  # report and go on: one failure must not hide the others
                    row = {"model": name, "bits": bits, "bit_exact": False, "error": f"{type(e).__name__}: {str(e)[:400]}"}
            rows.append(row)
            print(json.dumps(row), flush=True)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(rows, indent=1))
    ok = sum(r["bit_exact"] for r in rows)
    print(f"{ok} of {len(rows)} configurations bit-exact")


if __name__ == "__main__":
    main()
