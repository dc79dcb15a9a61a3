"""``codesign explore``: fold a model for a board, or search per-layer bit-widths x folding.

Registered by codesign.cli (``main.add_command(explore_command)``)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _fail(msg: str) -> None:
    click.echo(f"error: {msg}", err=True)
    sys.exit(2)


def _int_list(text: str | None, what: str) -> list[int] | None:
    if text is None or text == "":
        return None
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter(f"{what}: expected a comma list of integers such as 1,2,4, got {text!r}") from None


def _limits(text: str | None):
    """'0.6' -> 0.6 for every resource; 'LUT=0.7,BRAM18=0.8' -> mapping."""
    if text is None:
        return None
    try:
        if "=" not in text:
            return float(text)
        out = {}
        for part in text.split(","):
            k, v = part.split("=")
            out[k.strip()] = float(v)
        return out
    except ValueError:
        raise click.BadParameter(f"--limits: expected a fraction (0.6) or RES=fraction pairs (LUT=0.7,BRAM18=0.8), got {text!r}") from None


def plot_dse(doc: dict, path: str | Path) -> Path:
    """Pareto plot (searches) or per-layer cycles of the chosen folding (single design)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    best = doc.get("best") or {}
    if len(doc.get("pareto", [])) > 1 or doc.get("uniform"):
        fig, axes = plt.subplots(1, 2 if any(p.get("qat_accuracy") is not None for p in doc["pareto"]) else 1,
                                 figsize=(11, 4.2), squeeze=False)
        ax = axes[0, 0]
        front = doc["pareto"]
        uni = doc.get("uniform", [])
        ax.scatter([p["throughput_fps"] for p in uni], [p.get("proxy", 0) for p in uni], marker="s", c="tab:gray", label="uniform bits")
        ax.scatter([p["throughput_fps"] for p in front], [p.get("proxy", 0) for p in front], c="tab:blue", label="Pareto front")
        for p in uni:
            w, a = p["bits"][0]
            ax.annotate(f"w{w}a{a}", (p["throughput_fps"], p.get("proxy", 0)), fontsize=7, xytext=(3, 3), textcoords="offset points")
        if best:
            ax.scatter([best["throughput_fps"]], [best.get("proxy", 0)], marker="*", s=220, c="tab:red", label="chosen")
        ax.set_xscale("log")
        ax.set_xlabel("throughput (frames/s)")
        ax.set_ylabel("predicted loss increase (sensitivity proxy)")
        ax.set_title(f"{doc['model']} on {doc['board']}")
        ax.legend(fontsize=8)
        if axes.shape[1] > 1:
            ax2 = axes[0, 1]
            pts = [p for p in front if p.get("qat_accuracy") is not None]
            ax2.scatter([p["throughput_fps"] for p in pts], [p["qat_accuracy"] for p in pts], c="tab:green")
            for p in pts:
                ax2.annotate(",".join(f"{w}/{a}" for w, a in p["bits"]), (p["throughput_fps"], p["qat_accuracy"]), fontsize=6)
            ax2.set_xscale("log")
            ax2.set_xlabel("throughput (frames/s)")
            ax2.set_ylabel("test accuracy after short QAT")
            rho = doc.get("proxy_vs_qat_spearman")
            ax2.set_title("QAT confirmation" + (f" (Spearman {rho:.2f})" if rho is not None else ""))
    else:
        fig, ax = plt.subplots(figsize=(10, 4))
        layers = best.get("layers") or []
        names = [l["name"] for l in layers]
        cyc = [l["cycles"] for l in layers]
        ax.bar(range(len(names)), cyc)
        ax.set_xticks(range(len(names)), names, rotation=90, fontsize=7)
        ax.set_ylabel("cycles per frame")
        ax.set_title(f"{doc['model']} on {doc['board']}: {best.get('throughput_fps', 0):.0f} fps")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


@click.command("explore")
@click.option("--study", default=None, help="study spec (YAML/JSON of ExploreConfig fields, see dse/); options given here override it")
@click.option("--model", default="tfc", show_default=True, help="zoo model: tfc sfc lfc cnv lenet5 mobilenet_v1 resnet8")
@click.option("--bits", default="w1a1", show_default=True, help="the design's bits when not searching: wXaY or a comma list per layer")
@click.option("--board", default="Pynq-Z1", show_default=True, help="board name or board JSON file")
@click.option("--clock-mhz", type=float, default=None, help="clock (default: the board's)")
@click.option("--strategy", type=click.Choice(["codesign", "finn"]), default="codesign", show_default=True,
              help="codesign: exact folding optimiser; finn: FINN's SetFolding + AllocateResources")
@click.option("--estimator", type=click.Choice(["codesign", "finn"]), default="codesign", show_default=True)
@click.option("--search-styles", is_flag=True, help="also choose each layer's ram_style and res_type (codesign strategy)")
@click.option("--limits", default=None, help="utilisation limits: one fraction, or LUT=0.7,BRAM18=0.8 (default: the board's)")
@click.option("--search-bits", default=None, help="search per-layer weight/activation bits over this set, e.g. 1,2,4")
@click.option("--act-bits", default=None, help="activation bits to search (default: --search-bits)")
@click.option("--dataset", default=None, help="data set for the accuracy proxy and QAT (default digits when searching)")
@click.option("--data-dir", default=None)
@click.option("--checkpoint", default=None, help="run folder or checkpoint: the design's weights, or the search's reference")
@click.option("--ref-bits", default="w8a8", show_default=True, help="bits of the reference model the sensitivities are measured against")
@click.option("--ref-epochs", default=15, show_default=True, type=int)
@click.option("--max-evals", default=40, show_default=True, type=int, help="designs to evaluate in the search")
@click.option("--confirm", default=4, show_default=True, type=int, help="Pareto points to confirm by short QAT (0: none)")
@click.option("--confirm-epochs", default=8, show_default=True, type=int)
@click.option("--executor", type=click.Choice(["process", "ray", "serial"]), default="process", show_default=True)
@click.option("--workers", type=int, default=None)
@click.option("--width", type=float, default=None, help="MobileNet-v1 width multiplier")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--work-dir", default=None, help="folder for caches (default: <json name>.work/ next to --json); re-runs resume")
@click.option("--json", "json_path", required=True, help="where to write the result (dse.json)")
@click.option("--plot", default=None, help="PNG of the Pareto front (search) or the per-layer cycles (single design)")
@click.option("-o", "--output", default=None, help="design folder for the chosen design (+ folding_config.json); the FINN "
              "folding config is always written next to --json as <name>_folding.json")
@click.option("--quiet", is_flag=True, help="no progress bars")
def explore_command(study, model, bits, board, clock_mhz, strategy, estimator, search_styles, limits, search_bits, act_bits, dataset, data_dir, checkpoint,
                    ref_bits, ref_epochs, max_evals, confirm, confirm_epochs, executor, workers, width, seed, work_dir, json_path,
                    plot, output, quiet):
    """Fold a model for a board (max throughput within the budget), or search bit-widths x folding."""
    from .costs import CostModelUnavailable
    from .explore import ExploreConfig, explore, write_design
    from .solver import DSEInfeasible

    json_path = Path(json_path)
    work = Path(work_dir) if work_dir else json_path.with_name(json_path.stem + ".work")
    given = ExploreConfig(model=model, bits=bits, board=board, clock_mhz=clock_mhz, strategy=strategy, estimator=estimator,
                        limits=_limits(limits), search_bits=_int_list(search_bits, "--search-bits"),
                        act_bits=_int_list(act_bits, "--act-bits"), dataset=dataset, data_dir=data_dir, checkpoint=checkpoint,
                        ref_bits=ref_bits, ref_epochs=ref_epochs, max_evals=max_evals, confirm=confirm,
                        confirm_epochs=confirm_epochs, seed=seed, executor=executor, workers=workers, search_styles=search_styles,
                        model_kwargs={"width": width} if width is not None else {}, progress=not quiet)
    cfg = given
    if study:
        from dataclasses import replace

        from .study import load_study

        try:
            cfg, _ = load_study(study)
        except (ValueError, FileNotFoundError, RuntimeError, TypeError) as e:
            _fail(str(e))
        ctx = click.get_current_context()
        field_of = {"width": "model_kwargs", "quiet": "progress"}
        overrides = {}
        for name in ctx.params:
            if name in ("study", "json_path", "plot", "output", "work_dir"):
                continue
            if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE:
                f = field_of.get(name, name)
                overrides[f] = getattr(given, f)
        cfg = replace(cfg, **overrides)
    try:
        doc = explore(cfg, work)
        if output and doc.get("best"):
            write_design(doc, output)
            doc["design_folder"] = str(output)
    except (CostModelUnavailable, DSEInfeasible, ValueError, FileNotFoundError, RuntimeError) as e:
        _fail(str(e))
    json_path.parent.mkdir(parents=True, exist_ok=True)
    if doc.get("best"):
        from .folding_io import folding_config_from_dict

        fpath = json_path.with_name(json_path.stem + "_folding.json")
        fpath.write_text(json.dumps(folding_config_from_dict(doc["best"]["folding"]), indent=2) + "\n")
        doc["folding_config"] = str(fpath)
    json_path.write_text(json.dumps(doc, indent=1))
    if plot:
        plot_dse(doc, plot)
    best = doc.get("best")
    if not best:
        _fail(f"no evaluated design fits {doc['board']}'s budget; see {json_path}")
    res = best.get("utilisation", {})
    click.echo(f"best: {best['throughput_fps']:.1f} fps ({best.get('max_cycles', 0):.0f} cycles/frame), "
               f"{best.get('bits')}, utilisation " + ", ".join(f"{k} {v:.0%}" for k, v in res.items() if v)
               + f"; {doc['evaluated']} designs in {doc['seconds']:.1f} s -> {json_path}")


__all__ = ["explore_command", "plot_dse"]
