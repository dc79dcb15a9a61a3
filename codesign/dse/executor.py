"""Running candidate evaluations: a local process pool by default, Ray optionally, serial for tests.

Every finished evaluation is appended at once to a JSON-lines cache (``{"key", "task", "result"}``)
keyed by a hash of the task, so an interrupted exploration resumes where it stopped: a re-run
skips every task whose key is already in the file. ``fn`` must be a module-level function (it is
pickled to the workers) taking the task dict and returning a JSON-serialisable result.
"""
from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import multiprocessing as mp
import os
from pathlib import Path
from typing import Callable

from tqdm import tqdm

EXECUTORS = ("process", "ray", "serial")


def task_key(task: dict) -> str:
    blob = json.dumps(task, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def load_cache(path: str | Path | None) -> dict[str, dict]:
    """key -> result of every complete line (a torn last line from an interrupt is ignored)."""
    out: dict[str, dict] = {}
    if path is None or not Path(path).is_file():
        return out
    for line in Path(path).read_text().splitlines():
        try:
            rec = json.loads(line)
            out[rec["key"]] = rec["result"]
        except (json.JSONDecodeError, KeyError, TypeError):
            continue
    return out


def _init_worker():
    """One compute thread per worker (the pool supplies the parallelism); torch reads these
    variables when a task first imports it."""
    import sys

    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = "1"
    if "torch" in sys.modules:  # pragma: no cover
        sys.modules["torch"].set_num_threads(1)
    import warnings

    warnings.filterwarnings("ignore")


class Executor:
    """A reusable pool (workers start once: importing torch/brevitas and warming the exporter
    costs seconds per worker) with :meth:`map` over task lists, each with its own cache file."""

    def __init__(self, kind: str = "process", workers: int | None = None, progress: bool = True):
        if kind not in EXECUTORS:
            raise ValueError(f"executor must be one of {EXECUTORS}, got {kind!r}")
        if kind == "ray":
            try:
                import ray  # noqa: F401
            except ImportError:
                raise RuntimeError("--executor ray needs Ray: pip install 'codesign[ray]' (or pip install ray)") from None
        self.kind = kind
        self.workers = workers
        self.progress = progress
        self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _process_pool(self, n_tasks: int):
        if self._pool is None:
            n = self.workers or max(1, min(n_tasks, os.cpu_count() or 1))
            self._pool = cf.ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("spawn"), initializer=_init_worker)
        return self._pool

    def map(self, fn: Callable[[dict], dict], tasks: list[dict], *, cache: str | Path | None = None, desc: str = "evaluate") -> list[dict]:
        """Results of fn(task) in task order, from the cache where present, else computed (and cached)."""
        keys = [task_key(t) for t in tasks]
        done = load_cache(cache)
        results: dict[str, dict] = {k: done[k] for k in keys if k in done}
        todo, seen = [], set()
        for k, t in zip(keys, tasks):
            if k not in results and k not in seen:
                todo.append((k, t))
                seen.add(k)
        fh = None
        if cache is not None and todo:
            Path(cache).parent.mkdir(parents=True, exist_ok=True)
            torn = Path(cache).is_file() and Path(cache).stat().st_size > 0 and not Path(cache).read_bytes().endswith(b"\n")
            fh = open(cache, "a")
            if torn:  # an interrupt cut the last line: start a fresh one
                fh.write("\n")

        def record(k, t, r):
            results[k] = r
            if fh is not None:
                fh.write(json.dumps({"key": k, "task": t, "result": r}, sort_keys=True, default=str) + "\n")
                fh.flush()
                os.fsync(fh.fileno())

        bar = tqdm(total=len(keys), initial=len(keys) - len(todo), desc=desc, disable=not self.progress, unit="cand")
        try:
            if not todo:
                pass
            elif self.kind == "serial" or (self.kind == "process" and self.workers == 1):
                for k, t in todo:
                    record(k, t, fn(t))
                    bar.update()
            elif self.kind == "process":
                pool = self._process_pool(len(todo))
                futs = {pool.submit(fn, t): (k, t) for k, t in todo}
                try:
                    for f in cf.as_completed(futs):
                        k, t = futs[f]
                        record(k, t, f.result())
                        bar.update()
                except BaseException:
                    for f in futs:
                        f.cancel()
                    raise
            else:
                _run_ray(fn, todo, record, bar, self.workers)
        finally:
            bar.close()
            if fh is not None:
                fh.close()
        return [results[k] for k in keys]


def run_tasks(fn: Callable[[dict], dict], tasks: list[dict], *, cache: str | Path | None = None, executor: str = "process",
              workers: int | None = None, desc: str = "evaluate", progress: bool = True) -> list[dict]:
    """One-shot :meth:`Executor.map` (the pool is shut down afterwards)."""
    with Executor(executor, workers, progress) as ex:
        return ex.map(fn, tasks, cache=cache, desc=desc)


def _run_ray(fn, todo, record, bar, workers):
    import ray

    if not ray.is_initialized():
        ray.init(ignore_reinit_error=True, num_cpus=workers, log_to_driver=False)
    remote = ray.remote(fn)
    refs = {remote.remote(t): (k, t) for k, t in todo}
    pending = list(refs)
    try:
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            for r in ready:
                k, t = refs[r]
                record(k, t, ray.get(r))
                bar.update()
    except BaseException:
        for r in pending:
            ray.cancel(r, force=True)
        raise


__all__ = ["Executor", "run_tasks", "task_key", "load_cache", "EXECUTORS"]
