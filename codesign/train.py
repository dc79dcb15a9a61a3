"""Quantization-aware training of zoo models, with optional knowledge distillation.

A run folder holds checkpoint.pt (model spec + state dict), metrics.json (loss and accuracy per
epoch) and config.json. Same seed and inputs give the same weights (single-threaded determinism).
"""
from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from .data import Dataset, load_dataset
from .models import ZooModel, build_model, model_from_spec

CHECKPOINT = "checkpoint.pt"
METRICS = "metrics.json"


@dataclass
class TrainConfig:
    model: str = "tfc"
    bits: str = "w1a1"
    dataset: str = "digits"
    data_dir: str | None = None
    epochs: int = 20
    batch_size: int = 64
    lr: float = 0.02
    weight_decay: float = 0.0
    seed: int = 0
    teacher: str | None = None
    kd_alpha: float = 0.7
    kd_temperature: float = 4.0
    train_limit: int | None = None  # use only the first N training samples (quick runs)
    model_kwargs: dict = field(default_factory=dict)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def save_checkpoint(model: ZooModel, path: Path) -> None:
    torch.save({"spec": model.spec(), "state_dict": model.state_dict()}, path)


def load_checkpoint(path: str | Path, map_location="cpu") -> ZooModel:
    """Rebuild a zoo model from a checkpoint file or a run folder holding one."""
    path = Path(path)
    if path.is_dir():
        path = path / CHECKPOINT
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path} (expected a run folder with {CHECKPOINT} or a .pt file)")
    blob = torch.load(path, map_location=map_location, weights_only=False)
    if not isinstance(blob, dict) or "spec" not in blob or "state_dict" not in blob:
        raise ValueError(f"{path}: not a codesign checkpoint (needs 'spec' and 'state_dict')")
    model = model_from_spec(blob["spec"])
    model.load_state_dict(blob["state_dict"])
    return model.eval()


@torch.no_grad()
def evaluate(model: torch.nn.Module, x: np.ndarray, y: np.ndarray, batch_size: int = 256, device="cpu") -> tuple[float, float]:
    """(accuracy, mean cross-entropy) of model on (x, y)."""
    model.eval()
    correct, loss_sum = 0, 0.0
    for i in range(0, len(y), batch_size):
        xb = torch.from_numpy(x[i : i + batch_size]).to(device)
        yb = torch.from_numpy(y[i : i + batch_size]).to(device)
        out = model(xb)
        out = out.value if hasattr(out, "value") else out
        loss_sum += F.cross_entropy(out, yb, reduction="sum").item()
        correct += (out.argmax(1) == yb).sum().item()
    return correct / len(y), loss_sum / len(y)


def _logits(out):
    return out.value if hasattr(out, "value") else out


def train(cfg: TrainConfig, out_dir: str | Path, dataset: Dataset | None = None, device: str = "cpu", progress: bool = True) -> dict:
    """Train cfg.model at cfg.bits; write checkpoint, metrics and config to out_dir; return metrics."""
    out = Path(out_dir)
    seed_everything(cfg.seed)
    data = dataset or load_dataset(cfg.dataset, cfg.data_dir)
    model = build_model(cfg.model, cfg.bits, input_shape=data.input_shape, num_classes=data.num_classes, **cfg.model_kwargs).to(device)
    teacher = load_checkpoint(cfg.teacher).to(device) if cfg.teacher else None
    xtr, ytr = data.train.x, data.train.y
    if cfg.train_limit:
        xtr, ytr = xtr[: cfg.train_limit], ytr[: cfg.train_limit]
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps_per_epoch = (len(ytr) + cfg.batch_size - 1) // cfg.batch_size
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, cfg.epochs * steps_per_epoch))
    gen = torch.Generator().manual_seed(cfg.seed)
    history = []
    bar = tqdm(range(cfg.epochs), desc=f"train {cfg.model} {cfg.bits}", disable=not progress, unit="epoch")
    for epoch in bar:
        model.train()
        perm = torch.randperm(len(ytr), generator=gen).numpy()
        loss_sum = 0.0
        for i in range(0, len(ytr), cfg.batch_size):
            idx = perm[i : i + cfg.batch_size]
            xb = torch.from_numpy(xtr[idx]).to(device)
            yb = torch.from_numpy(ytr[idx]).to(device)
            logits = _logits(model(xb))
            loss = F.cross_entropy(logits, yb)
            if teacher is not None:
                with torch.no_grad():
                    t_logits = _logits(teacher(xb))
                t = cfg.kd_temperature
                kd = F.kl_div(F.log_softmax(logits / t, 1), F.softmax(t_logits / t, 1), reduction="batchmean") * t * t
                loss = cfg.kd_alpha * kd + (1 - cfg.kd_alpha) * loss
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += loss.item() * len(idx)
        acc, test_loss = evaluate(model, data.test.x, data.test.y, device=device)
        history.append({"epoch": epoch + 1, "train_loss": loss_sum / len(ytr), "test_loss": test_loss, "test_accuracy": acc})
        bar.set_postfix(loss=f"{loss_sum / len(ytr):.3f}", acc=f"{acc:.3f}")
    model = model.cpu().eval()
    out.mkdir(parents=True, exist_ok=True)
    save_checkpoint(model, out / CHECKPOINT)
    metrics = {
        "model": cfg.model, "bits": cfg.bits, "dataset": data.name, "epochs": cfg.epochs,
        "test_accuracy": history[-1]["test_accuracy"] if history else None,
        "history": history, "spec": model.spec(),
    }
    (out / METRICS).write_text(json.dumps(metrics, indent=2))
    (out / "config.json").write_text(json.dumps(asdict(cfg), indent=2))
    return metrics
