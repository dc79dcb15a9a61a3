import json

from click.testing import CliRunner

from codesign.cli import main
from codesign.train import TrainConfig, load_checkpoint, train


def test_training_is_deterministic_and_learns(tmp_path, digits):
    cfg = TrainConfig(model="tfc", bits="w1a1", epochs=3)
    m1 = train(cfg, tmp_path / "a", dataset=digits, progress=False)
    m2 = train(cfg, tmp_path / "b", dataset=digits, progress=False)
    assert m1["history"] == m2["history"]
    assert m1["test_accuracy"] > 0.5  # chance is 0.1
    a, b = load_checkpoint(tmp_path / "a"), load_checkpoint(tmp_path / "b")
    for (k, va), vb in zip(a.state_dict().items(), b.state_dict().values()):
        assert (va == vb).all(), k
    saved = json.loads((tmp_path / "a" / "metrics.json").read_text())
    assert len(saved["history"]) == 3 and "test_loss" in saved["history"][0]


def test_distillation_from_teacher(tmp_path, digits):
    train(TrainConfig(model="tfc", bits="w32a32", epochs=2), tmp_path / "teacher", dataset=digits, progress=False)
    m = train(TrainConfig(model="tfc", bits="w1a1", epochs=2, teacher=str(tmp_path / "teacher")), tmp_path / "s", dataset=digits, progress=False)
    assert m["test_accuracy"] > 0.3


def test_cli_train_and_export(tmp_path):
    r = CliRunner().invoke(main, ["train", "--model", "tfc", "--bits", "w2a2", "--epochs", "1", "--out", str(tmp_path / "run")])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["export", str(tmp_path / "run"), "-o", str(tmp_path / "m.onnx")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "m.onnx").stat().st_size > 0


def test_cli_bad_dataset_folder(tmp_path):
    r = CliRunner().invoke(main, ["train", "--dataset", "mnist", "--data-dir", str(tmp_path), "--out", str(tmp_path / "r")])
    assert r.exit_code == 2 and "train-images-idx3-ubyte.gz" in r.output
    assert not (tmp_path / "r").exists()
