"""Simulator speed on CNV w1a1 (32x32x3, BNN-PYNQ folding): simulated cycles per second of each engine and
the time to size every FIFO, with ratios against the naive clock-driven engine measured in the same run.

    python bench/sim_speed.py [--frames 3] [--json out.json] [--python-sizing]

Engines (codesign/sim/engine.py): "c" event-driven compiled core, "python" the same algorithm in Python,
"cycle" a naive clock that steps every node every cycle (the baseline). All three must agree exactly;
the script checks it.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

# BNN-PYNQ / FINN end-to-end CNV folding: (PE, SIMD) per MVAU; SWGs take their MVAU's SIMD; FINN's max pool
# streams all channels per beat, so converters sit around it
from codesign.hw.folding import fold_like_bnn_pynq_cnv


def cnv_design():
    from codesign.export import export_qonnx_model
    from codesign.frontend import lower_qonnx
    from codesign.models import build_model

    with tempfile.TemporaryDirectory() as tmp:
        export_qonnx_model(build_model("cnv", "w1a1").eval(), Path(tmp) / "cnv.onnx")
        graph = lower_qonnx(Path(tmp) / "cnv.onnx")
    return fold_like_bnn_pynq_cnv(graph)


def timed(fn, repeat=1):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frames", type=int, default=3)
    ap.add_argument("--json", default=None, help="write the numbers here")
    ap.add_argument("--python-sizing", action="store_true", help="also size the FIFOs with the Python engine (slow)")
    args = ap.parse_args(argv)

    import numpy as np

    from codesign.sim import build_network, size_fifos
    from codesign.sim.engine import load_core, run
    from codesign.sim.simulate import frame_times, packed

    t_lower, graph = timed(cnv_design)
    t_net, net = timed(lambda: build_network(graph))
    t_pack, pk = timed(lambda: packed(net, args.frames))
    have_c = load_core() is not None
    engines = (["c"] if have_c else []) + ["python", "cycle"]
    print(f"CNV w1a1, BNN-PYNQ folding: {len(net.nodes)} nodes ({sum(n.implicit for n in net.nodes)} inserted converters), "
          f"{len(net.edges)} FIFOs, bottleneck {net.max_schedule_cycles()}; {args.frames} frames")
    print(f"export+lower {t_lower:.2f} s, network {t_net * 1e3:.1f} ms, packing {t_pack * 1e3:.1f} ms\n")

    results = {"frames": args.frames, "nodes": len(net.nodes), "fifos": len(net.edges), "runs": {}, "sizing": {}}
    sized = size_fifos(net, frames=args.frames, engine="c" if have_c else "python")
    configs = {"unbounded FIFOs": net.depths("unbounded"), "sized FIFOs": net.depths(sized.depths),
               "depth-2 FIFOs": net.depths(2)}
    print(f"{'configuration':<16} {'engine':<7} {'cycles':>9} {'wall s':>9} {'Mcycles/s':>10} {'x naive':>8}")
    for label, depths in configs.items():
        ref, base = None, None
        for eng in reversed(engines):  # the naive clock first: it is the baseline
            secs, raw = timed(lambda: run(pk, depths, eng), repeat=1 if eng == "cycle" else 3)
            done, interval, latency = frame_times(net, raw)
            cycles = done[-1] + 1
            if ref is None:
                ref, base = (done, [w.tolist() for w in raw.W]), secs
            else:
                assert done == ref[0] and [w.tolist() for w in raw.W] == ref[1], f"{eng} disagrees with the naive engine"
            rate = cycles / secs
            print(f"{label:<16} {eng:<7} {cycles:9d} {secs:9.4f} {rate / 1e6:10.2f} {base / secs:8.1f}")
            results["runs"].setdefault(label, {})[eng] = {"cycles": cycles, "seconds": secs, "cycles_per_second": rate,
                                                         "speedup_vs_naive": base / secs, "interval": interval,
                                                         "latency": latency}
    print()
    # FIFO sizing: timed with the fastest engine; the baseline is its simulation count at the naive engine's
    # measured seconds per run (the naive engine itself would take that long)
    t_size, sized = timed(lambda: size_fifos(net, frames=args.frames, engine="c" if have_c else "python"))
    naive_run = results["runs"]["sized FIFOs"]["cycle"]["seconds"]
    est_naive = sized.simulations * naive_run
    print(f"FIFO sizing ({'c' if have_c else 'python'} engine): {t_size:.3f} s, {sized.simulations} simulations "
          f"({t_size / sized.simulations * 1e3:.1f} ms each); naive engine at {naive_run:.2f} s per run would take "
          f"~{est_naive:.0f} s (x{est_naive / t_size:.0f})")
    results["sizing"] = {"engine": "c" if have_c else "python", "seconds": t_size, "simulations": sized.simulations,
                         "naive_engine_estimate_seconds": est_naive, "interval": sized.interval_sized,
                         "interval_unbounded": sized.interval_unbounded, "totals": sized.totals}
    if args.python_sizing and have_c:
        t_py, _ = timed(lambda: size_fifos(net, frames=args.frames, engine="python"))
        print(f"FIFO sizing (python engine): {t_py:.2f} s (x{t_py / t_size:.0f} the compiled core)")
        results["sizing"]["python_seconds"] = t_py
    print(f"sized: {sized.totals['sized']['lut']} LUT, {sized.totals['sized']['bram18']} BRAM18; naive whole-frame FIFOs: "
          f"{sized.totals['naive']['lut']} LUT, {sized.totals['naive']['bram18']} BRAM18; interval {sized.interval_sized} "
          f"(unbounded {sized.interval_unbounded}), latency {sized.latency_sized} (unbounded {sized.latency_unbounded})")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=float))
    return results


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
