"""Pipeline plot: per-node activity over time (fraction of cycles an iteration went in, per time bin) and
the occupancy of the fullest FIFOs."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def _occupancy_steps(W: np.ndarray, R: np.ndarray):
    """(cycles, beats held from that cycle on) of a FIFO: +1 at a write, -1 the cycle after a read."""
    t = np.concatenate([W, R + 1])
    d = np.concatenate([np.ones(len(W), dtype=np.int64), -np.ones(len(R), dtype=np.int64)])
    order = np.argsort(t, kind="stable")
    t, level = t[order], np.cumsum(d[order])
    keep = np.append(t[1:] != t[:-1], True)  # the level after all events of a cycle
    return t[keep], level[keep]


def plot_pipeline(result, path, max_fifos: int = 12, bins: int = 600):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    raw, net = result.raw, result.net
    if raw is None or raw.T is None:
        raise ValueError("plot_pipeline needs a traced run: simulate(..., trace=True)")
    total = max(result.total_cycles, 1)
    edges = np.linspace(0, total, bins + 1)
    names = [n.name for n in net.nodes]
    act = np.zeros((len(names), bins))
    width = np.diff(edges)
    for k, T in enumerate(raw.T):
        if len(T):
            act[k] = np.histogram(T, bins=edges)[0] / width
    fig, (ax0, ax1) = plt.subplots(2, 1, figsize=(12, 3 + 0.28 * len(names) + 3), sharex=True,
                                   gridspec_kw={"height_ratios": [max(2, 0.28 * len(names)), 3]})
    im = ax0.imshow(act, aspect="auto", interpolation="nearest", cmap="viridis", vmin=0, vmax=1,
                    extent=(0, total, len(names) - 0.5, -0.5))
    ax0.set_yticks(range(len(names)))
    ax0.set_yticklabels(names, fontsize=7)
    for f, d in enumerate(result.frame_done):
        ax0.axvline(d, color="w", lw=0.6, ls="--")
    title = (f"{result.frames} frames: interval {result.interval_cycles} cycles, latency {result.latency_cycles} cycles"
             if not result.deadlock else f"DEADLOCK at cycle {result.deadlock_detail['cycle']}")
    ax0.set_title(f"node activity (fraction of cycles taking in an iteration) - {title}", fontsize=9)
    fig.colorbar(im, ax=ax0, fraction=0.02, pad=0.01)
    occ = sorted(result.fifo_max_occupancy.items(), key=lambda kv: -kv[1])[:max_fifos]
    for name, peak in occ:
        e = net.edge_id(name)
        t, level = _occupancy_steps(raw.W[e], raw.R[e])
        if len(t):
            ax1.step(np.concatenate([[0], t]), np.concatenate([[0], level]), where="post", lw=0.8,
                     label=f"{name} (max {peak} / depth {result.fifo_depths[name]})")
    ax1.set_yscale("symlog", linthresh=4)
    ax1.set_ylabel("beats in FIFO")
    ax1.set_xlabel("cycle")
    ax1.legend(fontsize=6, loc="upper right", ncol=2)
    ax1.set_title(f"occupancy of the {len(occ)} fullest FIFOs", fontsize=9)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
