"""Candidate evaluation: process pool, resumable JSON-lines cache, Ray's clear error."""
import json

import pytest
from dse_synthetic import square_task

from codesign.dse.executor import Executor, load_cache, run_tasks, task_key


def test_cache_resume_skips_done_tasks(tmp_path):
    log, cache = tmp_path / "log.txt", tmp_path / "evaluated.jsonl"
    tasks = [{"x": i, "log": str(log)} for i in range(5)]
    assert [r["y"] for r in run_tasks(square_task, tasks[:3], cache=cache, executor="serial", progress=False)] == [0, 1, 4]
    # an interrupt leaves a torn last line: it is ignored, the complete ones are kept
    with open(cache, "a") as f:
        f.write('{"key": "abc", "res')
    out = run_tasks(square_task, tasks, cache=cache, executor="serial", progress=False)
    assert [r["y"] for r in out] == [0, 1, 4, 9, 16]
    calls = [int(line.split()[0]) for line in log.read_text().splitlines()]
    assert calls == [0, 1, 2, 3, 4]  # 0..2 were not evaluated again
    assert set(load_cache(cache)) == {task_key(t) for t in tasks}
    rec = json.loads(cache.read_text().splitlines()[0])
    assert rec["task"] == tasks[0] and rec["result"] == {"y": 0}


def test_process_pool_and_duplicates(tmp_path):
    log = tmp_path / "log.txt"
    tasks = [{"x": i % 3, "log": str(log)} for i in range(6)]  # duplicates are evaluated once
    with Executor("process", workers=2, progress=False) as ex:
        out = ex.map(square_task, tasks, cache=tmp_path / "c.jsonl")
        again = ex.map(square_task, tasks, cache=tmp_path / "c.jsonl")
    assert [r["y"] for r in out] == [0, 1, 4, 0, 1, 4] == [r["y"] for r in again]
    assert len(log.read_text().splitlines()) == 3


def test_ray_missing_is_a_clear_error(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_ray(name, *a, **k):
        if name == "ray":
            raise ImportError("No module named 'ray'")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(RuntimeError, match="pip install"):
        Executor("ray")


def test_unknown_executor():
    with pytest.raises(ValueError, match="process"):
        Executor("threads")
