"""The zoo's accuracy table: train (model, bits) pairs on one data set and record test accuracy.

Each run goes through `codesign.train.train` (Adam + cosine schedule, seeded) and is recorded with
its epochs, final and best test accuracy, wall time and device. Results go to
`<out-dir>/accuracy_<tag>.json` (rewritten after every finished run, so a run cut short keeps what
finished) and a markdown table is printed.

    python bench/accuracy.py --models tfc,sfc,lfc --bits w1a1,w2a2,w4a4 --dataset digits --epochs 40 --tag cpu_digits
    python bench/accuracy.py --models tfc,sfc,lfc --bits w1a1,w2a2,w4a4 --dataset mnist \\
        --data-dir /path/to/mnist --device cuda --jobs 9 --epochs 200 --time-budget 400 --tag gpu_mnist
    python bench/accuracy.py --models cnv --bits w1a1,w2a2 --dataset cifar10 --data-dir DIR \\
        --device cuda --batch-size 256 --lr 0.01 --augment crop-flip --tag gpu_cifar10

`--time-budget S` makes each run pick its own epoch count (at most `--epochs`) so that its training
takes about S seconds: a short probe measures one epoch's cost first. `--jobs N` trains N runs at
once in separate processes (on one GPU, small models are launch-bound, so several share it well).

CIFAR-10 augmentation (`--augment crop-flip`, the default for cifar10): random 32x32 crops of the
image padded by 4 (padding at -1, i.e. black) and random horizontal flips, drawn from a generator
seeded by `--seed`; it lives here, in front of `train`, as an indexable stand-in for the training
images.

`--pack-cifar OUT.npz` stores a CIFAR-10 subset losslessly as WebP mosaics (about 55% of the raw
bytes) so it fits a size-limited transfer; `--dataset cifar10 --data-dir DIR` reads every
`cifar10_pack*.npz` under DIR (when DIR has no standard CIFAR-10 folder) and joins them.

A missing data folder is skipped with a message (exit status 0), as the data sets are optional.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS (set before CUDA starts)

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"

# Published Brevitas BNN-PYNQ top-1 (src/brevitas_examples/bnn_pynq/README.md), after long training
# (up to 1000 epochs). Their MLPs take 1-bit inputs, CNV 8-bit; ours take 8-bit inputs throughout.
BREVITAS_TOP1 = {
    ("tfc", "w1a1", "mnist"): 93.17, ("tfc", "w2a2", "mnist"): 96.60,
    ("sfc", "w1a1", "mnist"): 97.81, ("sfc", "w2a2", "mnist"): 98.66,
    ("lfc", "w1a1", "mnist"): 98.88,
    ("cnv", "w1a1", "cifar10"): 84.22, ("cnv", "w2a2", "cifar10"): 89.03,
}

PACK_GLOB = "cifar10_pack*.npz"
MOSAIC = (25, 40)  # images per mosaic: rows x columns of 32x32 tiles


# ----------------------------------------------------------------------------- data


class CropFlipImages:
    """Stands in for `Split.x` during training: `x[idx]` returns the images at idx, each randomly
    cropped from the image padded by `pad` (fill -1) and flipped left-right with probability 1/2."""

    def __init__(self, x: np.ndarray, seed: int, pad: int = 4, fill: float = -1.0):
        self.x, self.pad, self.fill, self.seed = x, pad, fill, seed
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return len(self.x)

    @property
    def shape(self):
        return self.x.shape

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return CropFlipImages(self.x[idx], self.seed, self.pad, self.fill)
        b = self.x[idx]
        n, c, h, w = b.shape
        p = self.pad
        padded = np.full((n, c, h + 2 * p, w + 2 * p), self.fill, dtype=np.float32)
        padded[:, :, p : p + h, p : p + w] = b
        oy = self.rng.integers(0, 2 * p + 1, n)
        ox = self.rng.integers(0, 2 * p + 1, n)
        windows = np.lib.stride_tricks.sliding_window_view(padded, (h, w), axis=(2, 3))  # n,c,2p+1,2p+1,h,w
        out = windows[np.arange(n), :, oy, ox]  # n,c,h,w (a copy)
        flip = self.rng.random(n) < 0.5
        out[flip] = out[flip][..., ::-1]
        return np.ascontiguousarray(out, dtype=np.float32)


def _read_cifar_bin(path: Path) -> tuple[np.ndarray, np.ndarray]:
    rec = np.fromfile(path, dtype=np.uint8).reshape(-1, 3073)
    return rec[:, 1:].reshape(-1, 3, 32, 32), rec[:, 0].copy()


def _encode_mosaics(images: np.ndarray, method: int = 4) -> tuple[np.ndarray, np.ndarray]:
    from PIL import Image

    r, c = MOSAIC
    per = r * c
    blobs = []
    for i in range(0, len(images), per):
        chunk = images[i : i + per]
        grid = np.zeros((per, 3, 32, 32), dtype=np.uint8)
        grid[: len(chunk)] = chunk
        mosaic = grid.reshape(r, c, 3, 32, 32).transpose(0, 3, 1, 4, 2).reshape(r * 32, c * 32, 3)
        f = io.BytesIO()
        Image.fromarray(mosaic).save(f, "WEBP", lossless=True, quality=100, method=method)
        blobs.append(np.frombuffer(f.getvalue(), dtype=np.uint8))
    offsets = np.cumsum([0] + [len(b) for b in blobs]).astype(np.int64)
    return (np.concatenate(blobs) if blobs else np.zeros(0, np.uint8)), offsets


def _decode_mosaics(blob: np.ndarray, offsets: np.ndarray, n: int) -> np.ndarray:
    from PIL import Image

    r, c = MOSAIC
    out = []
    for a, b in zip(offsets[:-1], offsets[1:]):
        m = np.asarray(Image.open(io.BytesIO(blob[a:b].tobytes())).convert("RGB"))
        out.append(m.reshape(r, 32, c, 32, 3).transpose(0, 2, 4, 1, 3).reshape(r * c, 3, 32, 32))
    return (np.concatenate(out) if out else np.zeros((0, 3, 32, 32), np.uint8))[:n]


def pack_cifar(src: Path, out: Path, train_range: tuple[int, int] | None, test: bool) -> None:
    """Write a lossless WebP-mosaic pack of CIFAR-10 train[start:end] (and the test set if asked)."""
    folder = src / "cifar-10-batches-bin" if (src / "cifar-10-batches-bin").is_dir() else src
    arrays = {}
    if train_range:
        parts = [_read_cifar_bin(folder / f"data_batch_{i}.bin") for i in range(1, 6)]
        x, y = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        a, b = train_range
        x, y = x[a:b], y[a:b]
        blob, offs = _encode_mosaics(x)
        arrays.update(train_blob=blob, train_offsets=offs, train_y=y, train_range=np.array([a, a + len(y)]))
    if test:
        x, y = _read_cifar_bin(folder / "test_batch.bin")
        blob, offs = _encode_mosaics(x)
        arrays.update(test_blob=blob, test_offsets=offs, test_y=y)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, **arrays)
    # check the round trip is exact before anyone relies on it
    with np.load(out) as z:
        for split in ("train", "test"):
            if f"{split}_y" in z:
                got = _decode_mosaics(z[f"{split}_blob"], z[f"{split}_offsets"], len(z[f"{split}_y"]))
                ref = x if split == "test" else None
                if split == "train":
                    parts = [_read_cifar_bin(folder / f"data_batch_{i}.bin") for i in range(1, 6)]
                    ref = np.concatenate([p[0] for p in parts])[train_range[0] : train_range[1]]
                assert np.array_equal(got, ref), f"{out}: {split} round trip differs"
    print(f"packed {out} ({out.stat().st_size / 1e6:.1f} MB)")


def load_cifar_packs(folder: Path):
    """Join every cifar10_pack*.npz under folder (train parts in order of their ranges)."""
    from codesign.data import Dataset, Split

    trains, test = [], None
    for path in sorted(folder.rglob(PACK_GLOB)):
        with np.load(path) as z:
            if "train_y" in z:
                x = _decode_mosaics(z["train_blob"], z["train_offsets"], len(z["train_y"]))
                trains.append((int(z["train_range"][0]), x, z["train_y"].astype(np.int64)))
            if "test_y" in z and test is None:
                test = (_decode_mosaics(z["test_blob"], z["test_offsets"], len(z["test_y"])), z["test_y"].astype(np.int64))
    if not trains or test is None:
        return None
    trains.sort(key=lambda t: t[0])
    unit = lambda u8: (u8.astype(np.float32) / 255.0) * 2.0 - 1.0  # same mapping as codesign.data
    xtr = unit(np.concatenate([t[1] for t in trains]))
    ytr = np.concatenate([t[2] for t in trains])
    return Dataset("cifar10", Split(xtr, ytr), Split(unit(test[0]), test[1]), (3, 32, 32))


def load_data(name: str, data_dir: str | None):
    """The data set, or None (with the reason) when its folder is missing or incomplete."""
    from codesign.data import DataError, load_dataset

    if name == "digits":
        return load_dataset("digits"), None
    if not data_dir or not Path(data_dir).is_dir():
        return None, f"data folder {data_dir!r} for {name} does not exist (give --data-dir)"
    if name == "cifar10":
        std = any((Path(data_dir) / s).is_dir() for s in ("cifar-10-batches-bin", "cifar-10-batches-py"))
        if not std and any(Path(data_dir).rglob(PACK_GLOB)):
            data = load_cifar_packs(Path(data_dir))
            return (data, None) if data else (None, f"{data_dir}: cifar10 packs lack a train or test part")
    try:
        return load_dataset(name, data_dir), None
    except DataError as e:
        return None, str(e)


# ----------------------------------------------------------------------------- one run


def device_name(device: str) -> str:
    import torch

    if device.startswith("cuda"):
        return torch.cuda.get_device_name(torch.device(device))
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"CPU: {line.split(':', 1)[1].strip()}"
    except OSError:
        pass
    return f"CPU: {platform.processor() or platform.machine()}"


def _with_train(data, x):
    from codesign.data import Dataset, Split

    return Dataset(data.name, Split(x, data.train.y), data.test, data.input_shape, data.num_classes)


def _probe_epoch_seconds(cfg, data, device: str, augment: bool) -> float:
    """Seconds one full epoch (training + evaluation on the test set) takes, from a short probe."""
    import dataclasses

    import torch

    from codesign.data import Dataset, Split
    from codesign.models import build_model
    from codesign.train import evaluate, train

    n_train = min(len(data.train.y), cfg.train_limit or len(data.train.y))
    tiny_test = Split(data.test.x[:256], data.test.y[:256])

    def timed(n):
        x = CropFlipImages(data.train.x[:n], cfg.seed) if augment else data.train.x[:n]
        d = Dataset(data.name, Split(x, data.train.y[:n]), tiny_test, data.input_shape, data.num_classes)
        c = dataclasses.replace(cfg, epochs=1, train_limit=None)
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            train(c, tmp, dataset=d, device=device, progress=False)
            return time.perf_counter() - t

    # Fixed costs (model build, CUDA start, checkpoint) are removed by timing two sizes after a warm-up.
    n1, n2 = min(n_train, cfg.batch_size * 2), min(n_train, cfg.batch_size * 16)
    timed(n1)
    t1, t2 = timed(n1), timed(n2)
    per_sample = (t2 - t1) / (n2 - n1) if n2 > n1 and t2 > t1 else t2 / n2
    model = build_model(cfg.model, cfg.bits, input_shape=data.input_shape, num_classes=data.num_classes).to(device)
    evaluate(model, data.test.x, data.test.y, device=device)
    t = time.perf_counter()
    evaluate(model, data.test.x, data.test.y, device=device)
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return per_sample * n_train + (time.perf_counter() - t)


def run_one(job: dict) -> dict:
    """Train one (model, bits) and return its record. Runs in a worker process when --jobs > 1."""
    import torch

    if job["threads"]:
        torch.set_num_threads(job["threads"])
    import brevitas

    from codesign.train import TrainConfig, train

    t0 = time.perf_counter()
    data, why = load_data(job["dataset"], job["data_dir"])
    if data is None:
        raise RuntimeError(why)
    load_s = time.perf_counter() - t0
    device = job["device"]
    cfg = TrainConfig(model=job["model"], bits=job["bits"], dataset=job["dataset"], data_dir=job["data_dir"],
                      epochs=job["epochs"], batch_size=job["batch_size"], lr=job["lr"], weight_decay=job["weight_decay"],
                      seed=job["seed"], train_limit=job["train_limit"])
    probe_s, epoch_s_est = 0.0, None
    if job["time_budget"]:
        t = time.perf_counter()
        epoch_s_est = _probe_epoch_seconds(cfg, data, device, job["augment"])
        probe_s = time.perf_counter() - t
        fit = int((job["time_budget"] - probe_s) * 0.9 / epoch_s_est)
        cfg.epochs = max(1, min(job["epochs"], fit))
    print(f"[start] {cfg.model} {cfg.bits} {data.name}: {cfg.epochs} epochs"
          + (f" (probe: {epoch_s_est:.2f} s/epoch)" if epoch_s_est else ""), flush=True)
    train_data = _with_train(data, CropFlipImages(data.train.x, cfg.seed)) if job["augment"] else data
    run_dir = Path(job["runs_dir"]) / f"{cfg.model}_{cfg.bits}"
    t = time.perf_counter()
    metrics = train(cfg, run_dir, dataset=train_data, device=device, progress=job["progress"])
    wall = time.perf_counter() - t
    hist = metrics["history"]
    best = max(hist, key=lambda h: h["test_accuracy"])
    rec = {
        "model": cfg.model, "bits": cfg.bits, "dataset": data.name, "epochs": cfg.epochs,
        "test_accuracy": metrics["test_accuracy"],
        "best_test_accuracy": best["test_accuracy"], "best_epoch": best["epoch"],
        "wall_time_s": round(wall, 2), "data_load_s": round(load_s, 2), "probe_s": round(probe_s, 2),
        "device": device_name(device), "device_arg": device,
        "batch_size": cfg.batch_size, "lr": cfg.lr, "weight_decay": cfg.weight_decay, "seed": cfg.seed,
        "augment": "crop-flip" if job["augment"] else "none",
        "train_samples": len(data.train.y) if not cfg.train_limit else min(cfg.train_limit, len(data.train.y)),
        "test_samples": len(data.test.y),
        "epochs_from": "time budget" if job["time_budget"] else "fixed",
        "brevitas_top1": BREVITAS_TOP1.get((cfg.model, cfg.bits, data.name)),
        "torch": torch.__version__, "brevitas": brevitas.__version__, "python": platform.python_version(),
        "history": [{k: (round(v, 5) if isinstance(v, float) else v) for k, v in h.items()} for h in hist],
    }
    print(f"[done]  {cfg.model} {cfg.bits} {data.name}: {cfg.epochs} epochs, test acc {rec['test_accuracy']:.4f} "
          f"(best {rec['best_test_accuracy']:.4f} @ {rec['best_epoch']}), {wall:.1f} s", flush=True)
    return rec


# ----------------------------------------------------------------------------- table


def markdown_table(runs: list[dict]) -> str:
    lines = ["| model | bits | dataset | epochs | test acc. (final) | best epoch's acc. | Brevitas (published) | device | wall time |",
             "|---|---|---|---:|---:|---:|---:|---|---:|"]
    for r in runs:
        ref = f"{r['brevitas_top1']:.2f}%" if r.get("brevitas_top1") else "-"
        lines.append(f"| {r['model']} | {r['bits']} | {r['dataset']} | {r['epochs']} | {100 * r['test_accuracy']:.2f}% | "
                     f"{100 * r['best_test_accuracy']:.2f}% (ep. {r['best_epoch']}) | {ref} | {r['device']} | {r['wall_time_s']:.0f} s |")
    return "\n".join(lines)


def _order(runs, models, bits):
    key = {(m, b): i for i, (m, b) in enumerate((m, b) for m in models for b in bits)}
    return sorted(runs, key=lambda r: key.get((r["model"], r["bits"]), 1 << 30))


# ----------------------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="tfc,sfc,lfc", help="comma list of zoo models")
    ap.add_argument("--bits", default="w1a1,w2a2,w4a4", help="comma list of uniform bit specs (wXaY)")
    ap.add_argument("--dataset", default="digits", choices=["digits", "mnist", "fashion-mnist", "cifar10"])
    ap.add_argument("--data-dir", default=None, help="folder holding the data set (not needed for digits)")
    ap.add_argument("--epochs", type=int, default=40, help="epochs (the upper bound with --time-budget)")
    ap.add_argument("--time-budget", type=float, default=None, help="seconds of training per run; picks epochs <= --epochs")
    ap.add_argument("--device", default="cpu", help="cpu, cuda, cuda:N or auto")
    ap.add_argument("--tag", default=None, help="results go to <out-dir>/accuracy_<tag>.json (default: <device>_<dataset>)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.02)
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--augment", choices=["auto", "none", "crop-flip"], default="auto", help="auto: crop-flip for cifar10, none otherwise")
    ap.add_argument("--train-limit", type=int, default=None, help="use only the first N training samples")
    ap.add_argument("--jobs", type=int, default=1, help="runs trained at once, in separate processes")
    ap.add_argument("--threads", type=int, default=None, help="torch CPU threads per run (default: 1 when --jobs > 1)")
    ap.add_argument("--out-dir", default=str(RESULTS))
    ap.add_argument("--runs-dir", default=None, help="checkpoints and metrics per run (default: run/accuracy/<tag>)")
    ap.add_argument("--pack-cifar", metavar="OUT_NPZ", default=None, help="write a CIFAR-10 WebP pack from --data-dir and exit")
    ap.add_argument("--pack-train", default=None, metavar="START:END", help="with --pack-cifar: the training images to pack")
    ap.add_argument("--pack-test", action="store_true", help="with --pack-cifar: pack the test set too")
    args = ap.parse_args(argv)

    if args.pack_cifar:
        rng = tuple(int(v) for v in args.pack_train.split(":")) if args.pack_train else None
        pack_cifar(Path(args.data_dir), Path(args.pack_cifar), rng, args.pack_test)
        return 0

    import torch

    device = args.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        print(f"SKIP: --device {device} but torch {torch.__version__} sees no CUDA device", file=sys.stderr)
        return 0
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    bits = [b.strip() for b in args.bits.split(",") if b.strip()]
    tag = args.tag or f"{device.split(':')[0]}_{args.dataset}"

    data, why = load_data(args.dataset, args.data_dir)  # check up front, so a missing folder skips cleanly
    if data is None:
        print(f"SKIP {args.dataset}: {why}", file=sys.stderr)
        return 0
    print(f"{args.dataset}: {len(data.train.y)} train / {len(data.test.y)} test samples, input {data.input_shape}", flush=True)
    del data

    augment = args.augment == "crop-flip" or (args.augment == "auto" and args.dataset == "cifar10")
    threads = args.threads if args.threads is not None else (1 if args.jobs > 1 else None)
    runs_dir = Path(args.runs_dir) if args.runs_dir else ROOT / "run" / "accuracy" / tag
    jobs = [dict(model=m, bits=b, dataset=args.dataset, data_dir=args.data_dir, epochs=args.epochs,
                 time_budget=args.time_budget, batch_size=args.batch_size, lr=args.lr, weight_decay=args.weight_decay,
                 seed=args.seed, train_limit=args.train_limit, augment=augment, device=device, threads=threads,
                 runs_dir=str(runs_dir), progress=args.jobs == 1 and sys.stderr.isatty())
            for m in models for b in bits]

    out = Path(args.out_dir) / f"accuracy_{tag}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = {"tag": tag, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "host": platform.node(),
           "command": " ".join([Path(sys.argv[0]).name] + (argv if argv is not None else sys.argv[1:])), "runs": [], "failed": []}

    def save():
        doc["runs"] = _order(doc["runs"], models, bits)
        out.write_text(json.dumps(doc, indent=1))

    t0 = time.perf_counter()
    if args.jobs <= 1:
        for job in jobs:
            try:
                doc["runs"].append(run_one(job))
            except Exception as e:  # keep going: one failing config should not lose the others
                doc["failed"].append({"model": job["model"], "bits": job["bits"], "error": repr(e)})
                print(f"[fail]  {job['model']} {job['bits']}: {e!r}", flush=True)
            save()
    else:
        import multiprocessing as mp

        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=mp.get_context("spawn")) as pool:
            futures = {pool.submit(run_one, job): job for job in jobs}
            for fut in as_completed(futures):
                job = futures[fut]
                try:
                    doc["runs"].append(fut.result())
                except Exception as e:
                    doc["failed"].append({"model": job["model"], "bits": job["bits"], "error": repr(e)})
                    print(f"[fail]  {job['model']} {job['bits']}: {e!r}", flush=True)
                save()
    doc["total_wall_s"] = round(time.perf_counter() - t0, 1)
    save()
    print(f"\nwrote {out}\n")
    print(markdown_table(doc["runs"]))
    return 1 if doc["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
