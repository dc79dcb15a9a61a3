import gzip
import os
import struct
from pathlib import Path

import numpy as np
import pytest

from codesign.data import DataError, load_cifar10, load_dataset, load_idx_dataset

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def test_digits_is_embedded_and_normalised(digits):
    assert digits.input_shape == (1, 8, 8)
    assert len(digits.train) + len(digits.test) == 1797
    assert digits.train.x.min() >= -1 and digits.train.x.max() <= 1
    assert set(np.unique(digits.test.y)) == set(range(10))


def _write_idx(path, arr):
    header = struct.pack(">HBB", 0, 8, arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + arr.astype(np.uint8).tobytes())


def test_idx_roundtrip(tmp_path):
    rng = np.random.default_rng(0)
    imgs = rng.integers(0, 256, (5, 28, 28))
    labels = rng.integers(0, 10, 5)
    for prefix in ("train", "t10k"):
        _write_idx(tmp_path / f"{prefix}-images-idx3-ubyte.gz", imgs)
        _write_idx(tmp_path / f"{prefix}-labels-idx1-ubyte.gz", labels)
    d = load_idx_dataset("mnist", tmp_path)
    assert d.train.x.shape == (5, 1, 28, 28)
    np.testing.assert_array_equal(d.test.y, labels)
    np.testing.assert_allclose(d.train.x[0, 0], imgs[0] / 255 * 2 - 1, atol=1e-6)


def test_missing_folder_names_path_and_files(tmp_path):
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte.gz") as e:
        load_dataset("mnist", tmp_path)
    assert str(tmp_path) in str(e.value)
    with pytest.raises(DataError, match="cifar-10-batches-bin"):
        load_cifar10(tmp_path)
    with pytest.raises(DataError, match="--data-dir"):
        load_dataset("mnist", None)


def test_malformed_idx_is_named(tmp_path):
    for prefix in ("train", "t10k"):
        for kind in ("images-idx3", "labels-idx1"):
            (tmp_path / f"{prefix}-{kind}-ubyte.gz").write_bytes(b"not gzip")
    with pytest.raises(DataError, match="train-images-idx3-ubyte.gz"):
        load_dataset("mnist", tmp_path)


def test_cifar_binary_records(tmp_path):
    sub = tmp_path / "cifar-10-batches-bin"
    sub.mkdir()
    rng = np.random.default_rng(0)
    for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
        rec = rng.integers(0, 256, (3, 3073), dtype=np.uint8)
        rec[:, 0] = [1, 2, 3]
        rec.tofile(sub / name)
    d = load_cifar10(tmp_path)
    assert d.train.x.shape == (15, 3, 32, 32) and list(d.test.y) == [1, 2, 3]
    (sub / "test_batch.bin").write_bytes(b"\x00" * 100)
    with pytest.raises(DataError, match="3073"):
        load_cifar10(tmp_path)


@pytest.mark.skipif(not (SHARED / "mnist").is_dir(), reason="../shared/data/mnist not present")
def test_real_mnist_when_present():
    d = load_dataset("mnist", SHARED / "mnist")
    assert len(d.train) == 60000 and len(d.test) == 10000
    assert np.bincount(d.test.y).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
