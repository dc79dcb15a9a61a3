"""Design-space exploration: per-layer bit-widths x folding against a board's budget.

``explore(ExploreConfig(...), out_dir)`` is what ``codesign explore`` runs:

- without ``search_bits``: fold the model at its bit-widths for the board (one design);
- with ``search_bits``: train a reference at ``ref_bits`` on the data set, measure every layer's
  quantisation sensitivity at every (w, a) pair (:mod:`codesign.dse.sensitivity`), generate
  candidates (every uniform configuration and a greedy path that lowers, one step at a time, the
  (layer, w|a) with the least predicted loss increase per bit-operation saved, both in bisection
  order and interleaved; then mutations of the current Pareto front), evaluate each as a real design (build, export, lower, fold for the board,
  estimate) on the executor with a resumable cache, keep the Pareto front over (proxy loss increase
  down, throughput up, dominant resource utilisation down), and confirm the front with short QAT
  runs (``codesign.train.train``), reporting the rank correlation between proxy and accuracy.

Every point is a complete design: bits + folding + estimate.
"""
from __future__ import annotations

import hashlib
import json
import random
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .executor import Executor, run_tasks
from .fold import FoldResult, _jsonable
from .solver import DSEInfeasible

DSE_JSON = "dse.json"
#: part of every cached task: bump it when a change makes cached evaluations stale
DSE_VERSION = 2


@dataclass
class ExploreConfig:
    model: str = "tfc"
    bits: object = "w1a1"  # the design's bits when not searching (and the QAT seed config's format)
    board: str = "Pynq-Z1"
    clock_mhz: float | None = None
    strategy: str = "codesign"
    estimator: str = "codesign"
    limits: object = None  # utilisation limits (fraction or per-resource); None = the board's
    search_bits: list | None = None  # e.g. [1, 2, 4]: search per-layer (w, a) over these
    act_bits: list | None = None  # activation bits to search (default: search_bits)
    dataset: str | None = None
    data_dir: str | None = None
    input_shape: tuple | None = None
    num_classes: int = 10
    model_kwargs: dict = field(default_factory=dict)
    checkpoint: str | None = None  # weights for the design (folding only) or the reference (search)
    ref_bits: str = "w8a8"
    ref_epochs: int = 15
    n_calibration: int = 512
    max_evals: int = 40
    confirm: int = 4  # QAT-confirm up to this many Pareto points (0: none)
    confirm_epochs: int = 8
    accuracy_tolerance: float = 0.01  # best = fastest front point within this of the best accuracy
    proxy_tolerance: float = 0.1  # ... or, without QAT, within this loss increase of the lowest proxy
    seed: int = 0
    executor: str = "process"
    workers: int | None = None
    tie_swg: str = "always"
    search_styles: bool = False  # also choose each op's ram_style / res_type
    fifo_depth: int | None = 32
    time_limit: float = 30.0
    progress: bool = True


# ------------------------------------------------------------------------------------------
# one design: build, lower, fold (module-level: runs in worker processes)
# ------------------------------------------------------------------------------------------
def _init_model(model, seed: int = 0):
    """Give a fresh zoo model realistic BatchNorm/activation statistics (as after training)."""
    import torch

    g = torch.Generator().manual_seed(seed)
    model.train()
    with torch.no_grad():
        for _ in range(2):
            model(torch.rand(16, *model.input_shape, generator=g) * 2 - 1)
    return model.eval()


_BUILT: dict = {}  # task key -> recently lowered graphs in this process (write_design reuses them)
_BUILT_KEEP = 8


def build_design(task: dict):
    """The lowered DataflowGraph of task's model at task's bits (weights from task['state'] if any)."""
    import copy

    import torch

    from .executor import task_key

    key = task_key({k: v for k, v in task.items() if k in _DESIGN_KEYS})
    if key in _BUILT:
        return copy.deepcopy(_BUILT[key])

    from ..export import export_qonnx_model
    from ..frontend import lower_qonnx
    from ..models import build_model

    torch.manual_seed(int(task.get("seed", 0)))
    model = build_model(task["model"], [tuple(b) for b in task["bits"]], task["input_shape"], task.get("num_classes", 10),
                        **task.get("model_kwargs", {}))
    if task.get("state"):
        blob = torch.load(task["state"], map_location="cpu", weights_only=False)
        model.load_state_dict(blob["state_dict"] if "state_dict" in blob else blob, strict=False)
        model.eval()
    else:
        _init_model(model, int(task.get("seed", 0)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.onnx"
        export_qonnx_model(model, path)
        graph = lower_qonnx(path)
    while len(_BUILT) >= _BUILT_KEEP:
        _BUILT.pop(next(iter(_BUILT)))
    _BUILT[key] = copy.deepcopy(graph)
    return graph


_DESIGN_KEYS = ("model", "bits", "input_shape", "num_classes", "model_kwargs", "state", "state_digest", "seed")


def evaluate_design(task: dict) -> dict:
    """Worker: one candidate design, folded for the board. JSON-serialisable result."""
    from .fold import optimise_folding

    t0 = time.monotonic()
    graph = build_design(task)
    try:
        r: FoldResult = optimise_folding(graph, task["board"], task.get("clock_mhz"), strategy=task["strategy"],
                                         estimator=task["estimator"], limits=task.get("limits"), tie_swg=task.get("tie_swg", "always"),
                                         fifo_depth=task.get("fifo_depth", 32), time_limit=task.get("time_limit", 30.0),
                                         search_styles=task.get("search_styles", False))
        out = r.to_dict()
    except DSEInfeasible as e:
        out = {"fits": False, "error": str(e), "throughput_fps": 0.0}
    out["bits"] = task["bits"]
    out["eval_seconds"] = time.monotonic() - t0
    return _jsonable(out)


def qat_confirm(task: dict) -> dict:
    """Worker: a short QAT run of one configuration; returns its test accuracy."""
    from ..data import load_dataset
    from ..train import TrainConfig, train

    cfg = TrainConfig(model=task["model"], bits=[tuple(b) for b in task["bits"]], dataset=task["dataset"], data_dir=task.get("data_dir"),
                      epochs=task["epochs"], seed=task.get("seed", 0), lr=task.get("lr", 0.02), model_kwargs=task.get("model_kwargs", {}))
    data = load_dataset(task["dataset"], task.get("data_dir"))
    with tempfile.TemporaryDirectory() as tmp:
        m = train(cfg, tmp, dataset=data, progress=False)
    return {"test_accuracy": m["test_accuracy"], "epochs": task["epochs"]}


# ------------------------------------------------------------------------------------------
# Pareto front
# ------------------------------------------------------------------------------------------
def dominant_utilisation(point: dict) -> float:
    u = [v for v in (point.get("utilisation") or {}).values() if v is not None]
    return float(max(u)) if u else float("inf")


def pareto_front(points: list[dict], objectives) -> list[dict]:
    """Non-dominated points; objectives = [(key or callable, "min"|"max"), ...]."""
    def val(p, o):
        k, sense = o
        v = k(p) if callable(k) else p[k]
        return v if sense == "min" else -v
    vecs = [tuple(val(p, o) for o in objectives) for p in points]
    front = []
    for i, v in enumerate(vecs):
        dominated = any(all(a <= b for a, b in zip(w, v)) and any(a < b for a, b in zip(w, v)) for j, w in enumerate(vecs) if j != i)
        if not dominated and v not in [vecs[j] for j in front]:
            front.append(i)
    return [points[i] for i in front]


def spearman(a, b) -> float | None:
    if len(a) < 3:
        return None
    ra = np.argsort(np.argsort(a)).astype(float)
    rb = np.argsort(np.argsort(b)).astype(float)
    if ra.std() == 0 or rb.std() == 0:
        return None
    return float(np.corrcoef(ra, rb)[0, 1])


# ------------------------------------------------------------------------------------------
# candidate generation
# ------------------------------------------------------------------------------------------
def layer_macs(model) -> list[int]:
    """Multiply-accumulates per weight layer (registration order = bit index order), one forward."""
    import torch

    layers = [m for m in model.modules() if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d))]
    macs = {}

    def hook(mod, inp, out):
        o = out.value if hasattr(out, "value") else out
        if isinstance(mod, torch.nn.Conv2d):
            k = mod.kernel_size[0] * mod.kernel_size[1] * mod.in_channels // mod.groups
            macs[id(mod)] = int(o[0].numel() * k)
        else:
            macs[id(mod)] = int(mod.in_features * mod.out_features)

    hs = [m.register_forward_hook(hook) for m in layers]
    try:
        model.eval()
        with torch.no_grad():
            model(torch.zeros(1, *model.input_shape))
    finally:
        for h in hs:
            h.remove()
    return [macs[id(m)] for m in layers]


def greedy_path(table, macs, wset, aset) -> list[list[list[int]]]:
    """From all-highest bits, repeatedly lower the one (layer, w|a) step that costs the least predicted
    loss per bit-operation saved, until everything is at the lowest bits."""
    L = len(macs)
    wset, aset = sorted(wset), sorted(aset)
    cur = [[wset[-1], aset[-1]] for _ in range(L)]
    path = [[list(b) for b in cur]]

    def bops(bits):
        return sum(m * w * a for m, (w, a) in zip(macs, bits))

    while True:
        best = None
        for l in range(L):
            for which, vals in ((0, wset), (1, aset)):
                if which == 1 and not table.act_used[l]:
                    continue
                i = vals.index(cur[l][which])
                if i == 0:
                    continue
                nxt = [list(b) for b in cur]
                nxt[l][which] = vals[i - 1]
                saved = bops(cur) - bops(nxt)
                if which == 1 and l + 1 < L:  # the activation is the next layer's input
                    saved += macs[l + 1] * cur[l + 1][0] * (cur[l][1] - vals[i - 1])
                dp = table.proxy(nxt) - table.proxy(cur)
                score = max(dp, 0.0) / max(saved, 1)
                if best is None or score < best[0]:
                    best = (score, nxt)
        if best is None:
            return path
        cur = best[1]
        path.append([list(b) for b in cur])


def bisection_order(n: int) -> list[int]:
    """0, n-1, then midpoints breadth-first: 0, 8, 4, 2, 6, 1, 3, 5, 7 for n = 9."""
    if n <= 0:
        return []
    order, seen = [0], {0}
    if n > 1:
        order.append(n - 1)
        seen.add(n - 1)
    spans = [(0, n - 1)]
    while spans:
        nxt = []
        for lo, hi in spans:
            if hi - lo < 2:
                continue
            mid = (lo + hi) // 2
            if mid not in seen:
                order.append(mid)
                seen.add(mid)
            nxt += [(lo, mid), (mid, hi)]
        spans = nxt
    return order


def _canon(bits, table) -> tuple:
    """Canonical key: the classifier's (unused) activation bits normalised."""
    out = []
    for l, (w, a) in enumerate(bits):
        out.append((int(w), int(a) if table is None or table.act_used[l] else 0))
    return tuple(out)


def _fix_unused(bits, table, aset):
    return [[w, a if table.act_used[l] else max(aset)] for l, (w, a) in enumerate(bits)]


def _is_uniform(bits, table) -> bool:
    ws = {int(w) for w, _ in bits}
    acts = {int(a) for l, (_, a) in enumerate(bits) if table.act_used[l]}
    return len(ws) == 1 and len(acts) <= 1


def mutate(bits, rng: random.Random, wset, aset, table) -> list[list[int]]:
    out = [list(b) for b in bits]
    l = rng.randrange(len(out))
    which = 0 if not table.act_used[l] else rng.randrange(2)
    vals = sorted(wset if which == 0 else aset)
    i = vals.index(out[l][which]) if out[l][which] in vals else 0
    j = min(len(vals) - 1, max(0, i + rng.choice([-1, 1])))
    if j == i:
        j = (i + 1) % len(vals)
    out[l][which] = vals[j]
    return out


# ------------------------------------------------------------------------------------------
# the exploration
# ------------------------------------------------------------------------------------------
def _digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def _design_task(cfg: ExploreConfig, bits, input_shape, state, state_digest) -> dict:
    return {"model": cfg.model, "bits": [list(map(int, b)) for b in bits], "input_shape": list(input_shape),
            "num_classes": cfg.num_classes, "model_kwargs": cfg.model_kwargs, "state": state, "state_digest": state_digest,
            "board": cfg.board, "clock_mhz": cfg.clock_mhz, "limits": cfg.limits, "strategy": cfg.strategy,
            "estimator": cfg.estimator, "tie_swg": cfg.tie_swg, "fifo_depth": cfg.fifo_depth, "time_limit": cfg.time_limit,
            "seed": cfg.seed, "search_styles": cfg.search_styles, "dse_version": DSE_VERSION}


def _summary(p: dict) -> dict:
    keys = ("bits", "throughput_fps", "max_cycles", "resources", "utilisation", "fits", "folding", "bottleneck",
            "lower_bound_cycles", "gap", "status", "proxy", "qat_accuracy", "strategy", "error")
    out = {k: p.get(k) for k in keys if k in p}
    est = p.get("estimate") or {}
    if est:
        out["estimate"] = {k: est.get(k) for k in ("throughput_fps", "max_cycles", "bottleneck", "limited_by", "latency_cycles",
                                                   "budget_utilisation", "fits", "converters_inserted")}
        out["layers"] = [{k: l.get(k) for k in ("name", "op", "pe", "simd", "cycles", "LUT", "FF", "BRAM18", "URAM", "DSP")}
                         for l in est.get("layers", [])]
    return out


def _reference(cfg: ExploreConfig, data, out: Path, progress: bool):
    """Train (or reuse) the reference model; returns (model, checkpoint path)."""
    from ..train import TrainConfig, load_checkpoint, train

    if cfg.checkpoint:
        return load_checkpoint(cfg.checkpoint), str(Path(cfg.checkpoint) / "checkpoint.pt" if Path(cfg.checkpoint).is_dir() else cfg.checkpoint)
    ref_dir = out / "reference"
    tc = TrainConfig(model=cfg.model, bits=cfg.ref_bits, dataset=data.name, data_dir=cfg.data_dir, epochs=cfg.ref_epochs,
                     seed=cfg.seed, model_kwargs=cfg.model_kwargs)
    cfg_file = ref_dir / "config.json"
    if not (cfg_file.is_file() and json.loads(cfg_file.read_text()) == json.loads(json.dumps(asdict(tc)))
            and (ref_dir / "checkpoint.pt").is_file()):
        train(tc, ref_dir, dataset=data, progress=progress)
    return load_checkpoint(ref_dir), str(ref_dir / "checkpoint.pt")


def explore(cfg: ExploreConfig, out_dir: str | Path) -> dict:
    """Run the exploration; writes ``out_dir/dse.json`` (and the caches) and returns its content.

    Torch runs single-threaded meanwhile: the work is many small models, where contending intra-op
    threads cost far more than they give (QAT of TFC on digits: 10x slower with 2 threads on a busy
    2-core machine); the process pool supplies the parallelism."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _explore(cfg, out_dir)
    finally:
        torch.set_num_threads(threads)


def _explore(cfg: ExploreConfig, out_dir: str | Path) -> dict:
    from ..hw.boards import budget as board_budget
    from ..hw.boards import load_board
    from ..models import DEFAULT_INPUT, n_weight_layers, parse_bits

    t0 = time.monotonic()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    board = load_board(cfg.board)
    doc = {"model": cfg.model, "board": board.name, "clock_mhz": cfg.clock_mhz or board.default_clock_mhz,
           "strategy": cfg.strategy, "estimator": cfg.estimator, "budget": board_budget(board, cfg.limits),
           "config": _jsonable({k: v for k, v in asdict(cfg).items() if k != "progress"})}
    L = n_weight_layers(cfg.model)
    if not cfg.search_bits:
        input_shape = cfg.input_shape
        if input_shape is None and cfg.dataset:
            from ..data import load_dataset
            input_shape = load_dataset(cfg.dataset, cfg.data_dir).input_shape
        input_shape = tuple(input_shape or DEFAULT_INPUT[cfg.model.lower().replace("-", "_")])
        bits = [[b.weight, b.act] for b in parse_bits(cfg.bits, L)]
        state = None
        if cfg.checkpoint:
            state = str(Path(cfg.checkpoint) / "checkpoint.pt" if Path(cfg.checkpoint).is_dir() else cfg.checkpoint)
        task = _design_task(cfg, bits, input_shape, state, _digest(state) if state else None)
        res = run_tasks(evaluate_design, [task], cache=out / "evaluated.jsonl", executor="serial", progress=cfg.progress,
                        desc="fold")[0]
        doc.update({"best": _summary(res), "pareto": [_summary(res)], "evaluated": 1, "input_shape": list(input_shape),
                    "design_task": task})
        doc["seconds"] = time.monotonic() - t0
        (out / DSE_JSON).write_text(json.dumps(_jsonable(doc), indent=1))
        return doc

    # ---- bit-width x folding search ----------------------------------------------------
    from ..data import load_dataset
    from .sensitivity import SensitivityTable, bits_pairs, layer_sensitivity

    data = load_dataset(cfg.dataset or "digits", cfg.data_dir)
    input_shape = tuple(data.input_shape)
    ref_model, ref_path = _reference(cfg, data, out, cfg.progress)
    wset = sorted(int(b) for b in cfg.search_bits)
    aset = sorted(int(b) for b in (cfg.act_bits or cfg.search_bits))
    sens_file = out / "sensitivity.json"
    digest = _digest(ref_path)
    table = None
    if sens_file.is_file():
        d = json.loads(sens_file.read_text())
        if d.get("digest") == digest and d["table"]["pairs"] == [list(p) for p in sorted(bits_pairs(wset, aset))] \
                and d["table"]["n_calibration"] == min(cfg.n_calibration, len(data.train)):
            table = SensitivityTable.from_dict(d["table"])
    if table is None:
        table = layer_sensitivity(ref_model, data.train.x, data.train.y, bits_pairs(wset, aset), n_calibration=cfg.n_calibration)
        sens_file.write_text(json.dumps({"digest": digest, "table": table.to_dict()}, indent=1))
    macs = layer_macs(ref_model)
    rng = random.Random(cfg.seed)

    seen: dict[tuple, dict] = {}
    order: list[list[list[int]]] = []

    def add(bits):
        bits = _fix_unused(bits, table, aset)
        k = _canon(bits, table)
        if k not in seen and len(order) < cfg.max_evals:
            seen[k] = None
            order.append(bits)

    # uniform configurations (cheapest first by bit-operations) and the greedy path, each in bisection
    # order (ends first, then midpoints) and interleaved, so a small max_evals still spans the space
    uniform = sorted(([[w, a]] * L for w in wset for a in aset), key=lambda b: (b[0][0] * b[0][1], b[0][0]))
    path = greedy_path(table, macs, wset, aset)
    ub, pb = [uniform[i] for i in bisection_order(len(uniform))], [path[i] for i in bisection_order(len(path))]
    for i in range(max(len(ub), len(pb))):
        if i < len(ub):
            add(ub[i])
        if i < len(pb):
            add(pb[i])

    runner = Executor(cfg.executor, cfg.workers, cfg.progress)

    def evaluate(batch):
        tasks = [_design_task(cfg, b, input_shape, ref_path, digest) for b in batch]
        res = runner.map(evaluate_design, tasks, cache=out / "evaluated.jsonl", desc="designs")
        for b, r in zip(batch, res):
            r = dict(r)
            r["proxy"] = table.proxy(b)
            r["uniform"] = _is_uniform(b, table)
            seen[_canon(b, table)] = r

    try:
        return _search(cfg, out, doc, t0, table, data, ref_path, digest, input_shape, wset, aset, seen, order, add, evaluate, runner, rng)
    finally:
        runner.close()


def _search(cfg, out, doc, t0, table, data, ref_path, digest, input_shape, wset, aset, seen, order, add, evaluate, runner, rng):
    evaluate(list(order))
    objectives = [("proxy", "min"), ("throughput_fps", "max"), (dominant_utilisation, "min")]
    stall = 0
    while len(order) < cfg.max_evals and stall < 50:
        points = [r for r in seen.values() if r and r.get("fits")]
        front = pareto_front(points, objectives) if points else []
        before = len(order)
        for _ in range(max(1, min(len(front), cfg.max_evals - len(order)))):
            parent = rng.choice(front)["bits"] if front else order[rng.randrange(len(order))]
            add(mutate(parent, rng, wset, aset, table))
        if len(order) == before:
            stall += 1
            continue
        evaluate(order[before:])
    points = [r for r in seen.values() if r]
    fitting = [r for r in points if r.get("fits")]
    front = sorted(pareto_front(fitting, objectives), key=lambda p: p["proxy"]) if fitting else []

    # ---- QAT confirmation of the front ---------------------------------------------------
    confirmed = []
    if cfg.confirm and front:
        idx = np.unique(np.linspace(0, len(front) - 1, min(cfg.confirm, len(front))).round().astype(int))
        picks = [front[i] for i in idx]
        tasks = [{"model": cfg.model, "bits": p["bits"], "dataset": data.name, "data_dir": cfg.data_dir, "epochs": cfg.confirm_epochs,
                  "seed": cfg.seed, "model_kwargs": cfg.model_kwargs} for p in picks]
        accs = runner.map(qat_confirm, tasks, cache=out / "qat.jsonl", desc="QAT confirm")
        for p, a in zip(picks, accs):
            p["qat_accuracy"] = a["test_accuracy"]
            confirmed.append(p)
    rho = spearman([-p["proxy"] for p in confirmed], [p["qat_accuracy"] for p in confirmed]) if confirmed else None
    if confirmed:
        top = max(p["qat_accuracy"] for p in confirmed)
        ok = [p for p in confirmed if p["qat_accuracy"] >= top - cfg.accuracy_tolerance]
    elif front:
        low = min(p["proxy"] for p in front)
        ok = [p for p in front if p["proxy"] <= low + cfg.proxy_tolerance]
    else:
        ok = []
    best = max(ok, key=lambda p: (p["throughput_fps"], -dominant_utilisation(p))) if ok else None
    doc.update({
        "best": _summary(best) if best else None,
        "pareto": [_summary(p) for p in front],
        "uniform": [_summary(p) for p in points if p.get("uniform")],
        "evaluated": len(points),
        "input_shape": list(input_shape),
        "reference": {"bits": cfg.ref_bits, "loss": table.ref_loss, "accuracy_calibration": table.ref_accuracy,
                      "checkpoint": ref_path},
        "proxy_vs_qat_spearman": rho,
        "search_bits": wset, "act_bits": aset,
    })
    if best:
        doc["design_task"] = _design_task(cfg, best["bits"], input_shape, ref_path, digest)
    doc["seconds"] = time.monotonic() - t0
    (out / DSE_JSON).write_text(json.dumps(_jsonable(doc), indent=1))
    return doc


def write_design(doc: dict, folder: str | Path) -> Path:
    """Rebuild the chosen design, apply its folding, save the design folder and its FINN folding
    config (``folding_config.json``)."""
    from .costs import apply_folding
    from .folding_io import write_folding_config

    task = doc["design_task"]
    graph = build_design(task)
    apply_folding(graph, doc["best"]["folding"])
    folder = Path(folder)
    graph.save(folder)
    write_folding_config(graph, folder / "folding_config.json")
    return folder


__all__ = ["ExploreConfig", "explore", "evaluate_design", "build_design", "qat_confirm", "pareto_front", "greedy_path",
           "write_design", "spearman", "layer_macs", "dominant_utilisation"]
