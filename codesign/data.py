"""Data sets as normalised float tensors in [-1, 1], NCHW, with integer labels.

`digits` (scikit-learn's bundled 8x8 digits) is the embedded default and never touches the
network. MNIST / Fashion-MNIST (IDX .gz) and CIFAR-10 (binary or python batches) are read from a
local folder; torchvision downloads happen only when the caller asks with download=True.
"""
from __future__ import annotations

import gzip
import pickle
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATASETS = ("digits", "mnist", "fashion-mnist", "cifar10")
IDX_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
CIFAR_BIN = ("cifar-10-batches-bin", [f"data_batch_{i}.bin" for i in range(1, 6)], "test_batch.bin")
CIFAR_PY = ("cifar-10-batches-py", [f"data_batch_{i}" for i in range(1, 6)], "test_batch")


@dataclass
class Split:
    x: np.ndarray  # float32, NCHW, in [-1, 1]
    y: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.y)


@dataclass
class Dataset:
    name: str
    train: Split
    test: Split
    input_shape: tuple[int, int, int]
    num_classes: int = 10


class DataError(ValueError):
    """A data folder is missing or malformed; the message names the path and the expected files."""


def _to_unit(images_u8: np.ndarray) -> np.ndarray:
    return (images_u8.astype(np.float32) / 255.0) * 2.0 - 1.0


def load_digits(test_fraction: float = 0.2, seed: int = 0) -> Dataset:
    from sklearn.datasets import load_digits as sk_digits
    from sklearn.model_selection import train_test_split

    d = sk_digits()
    x = (d.images.astype(np.float32) / 16.0 * 2.0 - 1.0)[:, None, :, :]
    xtr, xte, ytr, yte = train_test_split(x, d.target.astype(np.int64), test_size=test_fraction, random_state=seed, stratify=d.target)
    return Dataset("digits", Split(xtr, ytr), Split(xte, yte), (1, 8, 8))


def _read_idx(path: Path) -> np.ndarray:
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as e:
        raise DataError(f"{path}: not a readable gzip IDX file ({e})") from e
    if len(raw) < 8:
        raise DataError(f"{path}: truncated IDX header")
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise DataError(f"{path}: bad IDX magic (expected unsigned-byte IDX, got type 0x{dtype:02x})")
    dims = struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise DataError(f"{path}: header says {dims} but holds {data.size} bytes")
    return data.reshape(dims)


def _require(folder: Path, names: list[str], what: str) -> None:
    missing = [n for n in names if not (folder / n).is_file()]
    if missing:
        raise DataError(f"{what}: folder {folder} lacks {', '.join(missing)} (expected files: {', '.join(names)})")


def load_idx_dataset(name: str, folder: str | Path) -> Dataset:
    """MNIST or Fashion-MNIST from the four standard IDX .gz files."""
    folder = Path(folder)
    _require(folder, [f for pair in IDX_FILES.values() for f in pair], name)
    splits = {}
    for split, (img, lab) in IDX_FILES.items():
        x = _read_idx(folder / img)
        y = _read_idx(folder / lab).astype(np.int64)
        if x.ndim != 3 or len(x) != len(y):
            raise DataError(f"{folder / img}: expected N x 28 x 28 images matching {len(y)} labels, got shape {x.shape}")
        splits[split] = Split(_to_unit(x)[:, None], y)
    h, w = splits["train"].x.shape[2:]
    return Dataset(name, splits["train"], splits["test"], (1, h, w))


def _cifar_bin(path: Path) -> Split:
    raw = np.fromfile(path, dtype=np.uint8)
    if raw.size % 3073:
        raise DataError(f"{path}: size {raw.size} is not a multiple of 3073-byte CIFAR-10 records")
    rec = raw.reshape(-1, 3073)
    return Split(_to_unit(rec[:, 1:].reshape(-1, 3, 32, 32)), rec[:, 0].astype(np.int64))


def _cifar_py(path: Path) -> Split:
    try:
        with open(path, "rb") as f:
            d = pickle.load(f, encoding="bytes")
        data, labels = d[b"data"], d[b"labels"]
    except Exception as e:  # a corrupt pickle can raise nearly anything
        raise DataError(f"{path}: not a CIFAR-10 python batch ({e})") from e
    return Split(_to_unit(np.asarray(data, dtype=np.uint8).reshape(-1, 3, 32, 32)), np.asarray(labels, dtype=np.int64))


def load_cifar10(folder: str | Path) -> Dataset:
    """CIFAR-10 from the official binary batches or the python pickles (in folder or its subfolder)."""
    folder = Path(folder)
    for sub, train_files, test_file, reader in (CIFAR_BIN + (_cifar_bin,), CIFAR_PY + (_cifar_py,)):
        for base in (folder / sub, folder):
            if all((base / f).is_file() for f in train_files + [test_file]):
                parts = [reader(base / f) for f in train_files]
                train = Split(np.concatenate([p.x for p in parts]), np.concatenate([p.y for p in parts]))
                return Dataset("cifar10", train, reader(base / test_file), (3, 32, 32))
    raise DataError(
        f"cifar10: folder {folder} holds neither {CIFAR_BIN[0]}/ ({', '.join(CIFAR_BIN[1])}, {CIFAR_BIN[2]}) "
        f"nor {CIFAR_PY[0]}/ ({', '.join(CIFAR_PY[1])}, {CIFAR_PY[2]})"
    )


def _download(name: str, folder: Path) -> None:
    import torchvision  # optional: only for users who ask for a download

    cls = {"mnist": torchvision.datasets.MNIST, "fashion-mnist": torchvision.datasets.FashionMNIST, "cifar10": torchvision.datasets.CIFAR10}[name]
    for train in (True, False):
        cls(str(folder), train=train, download=True)


def load_dataset(name: str, root: str | Path | None = None, download: bool = False) -> Dataset:
    """Load a data set by name. root: the folder holding its files (not needed for digits)."""
    key = name.lower()
    if key == "digits":
        return load_digits()
    if key not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    if root is None:
        raise DataError(f"{key}: give the folder that holds it (--data-dir); codesign never downloads unless asked (--download)")
    root = Path(root)
    if download:
        _download(key, root)
    if key == "cifar10":
        return load_cifar10(root)
    # torchvision keeps IDX files under <root>/<Class>/raw
    for candidate in (root, root / "MNIST" / "raw", root / "FashionMNIST" / "raw"):
        if all((candidate / f).is_file() for pair in IDX_FILES.values() for f in pair):
            return load_idx_dataset(key, candidate)
    return load_idx_dataset(key, root)  # raises with the list of missing files
