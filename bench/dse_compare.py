"""Folding optimiser vs FINN's heuristic, and mixed-precision Pareto front vs uniform bit-widths.

Part 1 (folding, one process): CNV w1a1, TFC w1a1 (28x28) and MobileNet-v1 w4a4 (width 0.25, 32x32)
on Pynq-Z1, Ultra96-V2 and ZCU104 at the same clock and budget (the board's utilisation limits).
Each design is folded three times: ``--strategy finn`` (FINN's SetFolding inside finn-experimental's
AllocateResources loop), ``--strategy codesign`` (the exact optimiser over the same PE/SIMD space) and
``--strategy codesign --search-styles`` (the optimiser also picking each layer's ram_style/res_type,
which FINN's loop leaves at "auto"); all foldings are judged by the same estimator
(``codesign.hw.estimate``) at the same budget: FPS, ratios to FINN, fit, utilisation, solve time and the
optimiser's proven optimality gap.

Part 2 (bit-widths, digits): ``explore`` on TFC (8x8 digits) searching per-layer (w, a) in {1,2,4}
on a board at a tightened budget, then short QAT of every uniform configuration as well as the
Pareto front, so the front's accuracy/throughput trade-off can be compared with uniform bits.

    python bench/dse_compare.py --out bench/results/dse_compare.json            # both parts
    python bench/dse_compare.py --part folding                                  # part 1 only
    python bench/dse_compare.py --part bits --bits-board Pynq-Z1 --bits-limits 0.15 --workers 2

Results: a JSON file and markdown tables on stdout.
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")

MODELS = [("cnv", "w1a1", (3, 32, 32)), ("tfc", "w1a1", (1, 28, 28)), ("mobilenet_v1", "w4a4", (3, 32, 32))]
BOARDS = ["Pynq-Z1", "Ultra96-V2", "ZCU104"]


def folding_part(clock_mhz: float, estimator: str, models, boards) -> list[dict]:
    from codesign.dse.explore import build_design
    from codesign.dse.fold import optimise_folding
    from codesign.hw.estimate import estimate

    rows = []
    for name, bits, shape in models:
        t0 = time.monotonic()
        from codesign.models import n_weight_layers, parse_bits

        layer_bits = [[b.weight, b.act] for b in parse_bits(bits, n_weight_layers(name))]
        graph = build_design({"model": name, "bits": layer_bits, "input_shape": list(shape)})
        build_s = time.monotonic() - t0
        for board in boards:
            row = {"model": name, "bits": bits, "board": board, "clock_mhz": clock_mhz, "estimator": estimator,
                   "nodes": len(graph.ops), "build_seconds": build_s}
            for key, strategy, styles in (("codesign", "codesign", False), ("finn", "finn", False),
                                          ("codesign_styles", "codesign", True)):
                g = copy.deepcopy(graph)
                t = time.monotonic()
                try:
                    r = optimise_folding(g, board, clock_mhz, strategy=strategy, estimator=estimator, search_styles=styles)
                except Exception as e:  # a strategy that finds nothing within the budget
                    row[key] = {"error": str(e)}
                    continue
                secs = time.monotonic() - t
                est = estimate(g, board, clock_mhz, estimator=estimator)
                row[key] = {
                    "fps": est["throughput_fps"], "max_cycles": est["max_cycles"], "bottleneck": est["bottleneck"],
                    "limited_by": est["limited_by"], "fits": est["fits"], "budget_utilisation": est["budget_utilisation"],
                    "resources": est["resources"], "seconds": secs, "status": r.status, "gap": r.gap,
                    "lower_bound_cycles": r.lower_bound_cycles, "folding": r.folding,
                }
            if "fps" in row.get("codesign", {}) and "fps" in row.get("finn", {}):
                row["ratio"] = row["codesign"]["fps"] / row["finn"]["fps"]
            if "fps" in row.get("codesign_styles", {}) and "fps" in row.get("finn", {}):
                row["ratio_styles"] = row["codesign_styles"]["fps"] / row["finn"]["fps"]
            rows.append(row)
            print(f"  {name} {bits} {board}: codesign {row.get('codesign', {}).get('fps', 0):.0f} fps, "
                  f"finn {row.get('finn', {}).get('fps', 0):.0f} fps", file=sys.stderr)
    return rows


def folding_table(rows) -> str:
    def util(d):
        u = d.get("budget_utilisation", {})
        top = max((k for k in u if u[k] is not None), key=lambda k: u[k])
        return f"{top} {u[top]:.0%}"

    lines = ["| model | board | finn fps (cycles, bottleneck) | codesign fps (cycles, bottleneck) | ratio | "
             "codesign + styles fps (cycles) | ratio | fits (finn/ours/+styles) | max budget use (finn / ours / +styles) | "
             "seconds (finn / ours / +styles) | gap (ours / +styles) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        c, f, s = r.get("codesign", {}), r.get("finn", {}), r.get("codesign_styles", {})
        if "fps" not in c or "fps" not in f or "fps" not in s:
            errs = " / ".join(d.get("error", "") for d in (f, c, s))
            lines.append(f"| {r['model']} {r['bits']} | {r['board']} | {errs} | | | | | | | | |")
            continue
        lines.append(
            f"| {r['model']} {r['bits']} | {r['board']} | {f['fps']:.0f} ({f['max_cycles']}, {f['bottleneck']}) | "
            f"{c['fps']:.0f} ({c['max_cycles']}, {c['bottleneck']}) | {r['ratio']:.2f} | {s['fps']:.0f} ({s['max_cycles']}) | "
            f"{r['ratio_styles']:.2f} | {f['fits']}/{c['fits']}/{s['fits']} | {util(f)} / {util(c)} / {util(s)} | "
            f"{f['seconds']:.2f} / {c['seconds']:.2f} / {s['seconds']:.2f} | {c['gap']:.3g} / {s['gap']:.3g} |")
    return "\n".join(lines)


def bits_part(board: str, limits, out_dir: Path, workers, max_evals: int, epochs: int, seeds: int, executor: str) -> dict:
    from codesign.dse.executor import Executor
    from codesign.dse.explore import ExploreConfig, explore, qat_confirm

    cfg = ExploreConfig(model="tfc", board=board, limits=limits, search_bits=[1, 2, 4], dataset="digits", ref_epochs=15,
                        max_evals=max_evals, confirm=8, confirm_epochs=epochs, executor=executor, workers=workers)
    doc = explore(cfg, out_dir)
    # QAT every uniform configuration and every front point with the same recipe (several seeds)
    points = {json.dumps(p["bits"]): p for p in doc["uniform"] + doc["pareto"]}
    tasks, keys = [], []
    for k, p in points.items():
        for s in range(seeds):
            tasks.append({"model": "tfc", "bits": p["bits"], "dataset": "digits", "epochs": epochs, "seed": s})
            keys.append(k)
    with Executor(executor, workers) as ex:
        accs = ex.map(qat_confirm, tasks, cache=out_dir / "qat_bench.jsonl", desc="QAT uniform + front")
    per = {}
    for k, a in zip(keys, accs):
        per.setdefault(k, []).append(a["test_accuracy"])
    table = []
    front_keys = {json.dumps(p["bits"]) for p in doc["pareto"]}
    for k, p in points.items():
        table.append({"bits": p["bits"], "uniform": k in {json.dumps(u["bits"]) for u in doc["uniform"]}, "front": k in front_keys,
                      "fps": p["throughput_fps"], "LUT": p["utilisation"].get("LUT"), "DSP": p["utilisation"].get("DSP"),
                      "proxy": p.get("proxy"), "qat_accuracy_mean": sum(per[k]) / len(per[k]), "qat_accuracy": per[k]})
    # dominance: for each uniform point, the front points at least as fast with at least its mean accuracy
    for row in table:
        if row["uniform"]:
            row["dominated_by_front"] = [r["bits"] for r in table if r["front"] and not r["uniform"] and r["fps"] >= row["fps"]
                                         and r["qat_accuracy_mean"] >= row["qat_accuracy_mean"]]
    from codesign.dse.explore import spearman

    rho = spearman([-r["proxy"] for r in table], [r["qat_accuracy_mean"] for r in table])
    return {"board": board, "limits": limits, "explore": {k: doc[k] for k in ("best", "evaluated", "seconds", "proxy_vs_qat_spearman")},
            "points": sorted(table, key=lambda r: (-r["fps"], -r["qat_accuracy_mean"])), "proxy_vs_qat_spearman_all": rho,
            "qat_epochs": epochs, "seeds": seeds}


def bits_table(res) -> str:
    lines = ["| bits (w,a per layer) | uniform | on front | fps | LUT | DSP | proxy | QAT acc (mean) |", "|---|---|---|---|---|---|---|---|"]
    for r in res["points"]:
        b = " ".join(f"{w}/{a}" for w, a in r["bits"])
        lines.append(f"| {b} | {'yes' if r['uniform'] else ''} | {'yes' if r['front'] else ''} | {r['fps']:.0f} | "
                     f"{(r['LUT'] or 0):.1%} | {(r['DSP'] or 0):.1%} | {r['proxy']:.3f} | {r['qat_accuracy_mean']:.4f} |")
    return "\n".join(lines)


def main(argv=None):
    import torch

    torch.set_num_threads(1)  # small models: contending intra-op threads only slow them down
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=["all", "folding", "bits"], default="all")
    ap.add_argument("--clock-mhz", type=float, default=100.0)
    ap.add_argument("--estimator", default="codesign", choices=["codesign", "finn"])
    ap.add_argument("--bits-board", default="Pynq-Z1")
    ap.add_argument("--bits-limits", type=float, default=0.15, help="utilisation limit for part 2 (a small budget so bits matter)")
    ap.add_argument("--max-evals", type=int, default=40)
    ap.add_argument("--qat-epochs", type=int, default=15)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--executor", default="process", choices=["process", "serial", "ray"])
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--work-dir", default=None, help="cache folder for part 2 (resumable); default: a temporary folder")
    ap.add_argument("--out", default=None, help="JSON results file")
    args = ap.parse_args(argv)
    out = {"clock_mhz": args.clock_mhz, "estimator": args.estimator}
    t0 = time.monotonic()
    if args.part in ("all", "folding"):
        rows = folding_part(args.clock_mhz, args.estimator, MODELS, BOARDS)
        out["folding"] = rows
        print("\n## Folding: codesign optimiser vs FINN SetFolding + AllocateResources (same estimator, same budget)\n")
        print(folding_table(rows))
    if args.part in ("all", "bits"):
        work = Path(args.work_dir) if args.work_dir else Path(tempfile.mkdtemp(prefix="dse_bits_"))
        res = bits_part(args.bits_board, args.bits_limits, work, args.workers, args.max_evals, args.qat_epochs, args.seeds, args.executor)
        out["bits"] = res
        print(f"\n## Mixed precision vs uniform: TFC on digits, {args.bits_board} at limits {args.bits_limits}\n")
        print(bits_table(res))
        print(f"\nSpearman(proxy, QAT accuracy) over all points: {res['proxy_vs_qat_spearman_all']}")
    out["seconds"] = time.monotonic() - t0
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(out, indent=1, default=str))
    return out


if __name__ == "__main__":
    main()
