"""Timing engines. All three compute the same thing: the cycle at which every node takes in each loop
iteration and writes each beat, for a network of II=1 HLS pipelines joined by FIFOs (one writer, one
reader each). The pipeline model is FINN's flushable pipeline (finn-hlslib's `#pragma HLS pipeline
style=flp II=1`) with blocking stream accesses:

- a node has depth L: an iteration taken in at cycle t (its input beats read then) reaches the write
  stage at t + L - 1 when nothing stalls, and its output beat is readable downstream one cycle later
  (the FIFO's register): a beat written at cycle w can be read at w + 1;
- missing input beats make the node take in nothing that cycle (a bubble); older iterations keep moving;
- an iteration at the write stage whose FIFO is full freezes the whole pipeline (no intake, nothing
  moves) until a slot is free: a FIFO of depth D accepts beat b once beat b - D has been read, one
  cycle after that read (registered ready, as FINN's RTL FIFO);
- every cycle the node is not frozen it takes in its next iteration if that iteration's input beats
  are readable (iterations that read nothing always go in).

Engines:
- "c": event-driven in dependency order ("dater" form, no clock): each node advances its pipeline
  step by step as far as the beats it reads have been written and the slots it writes into have been
  freed, jumping over runs of iterations that touch no stream and over bubble stretches at once;
  rounds over the nodes repeat until all are done, or until a round moves none: a deadlock, where
  every unfinished node waits on a beat or a slot that only another waiting node can supply. Cost
  grows with the beats moved, not with the cycles simulated. A compiled C core (built once with the
  system C compiler `cc` through ctypes, cached by source hash).
- "python": the same algorithm in Python (used when no C compiler works; and to test the C core).
- "cycle": the naive reference: a clock ticks every cycle and every node's pipeline is stepped by the
  rules above. The baseline of bench/sim_speed.py and an independent check of the other two: the tests
  require identical beat times and stall counts from all three.

Per node, cycles up to its last intake are counted as busy (an iteration went in), starved (a bubble:
an input beat was missing) or blocked (the pipeline was frozen by a full output FIFO).
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import subprocess
import tempfile
import time
import warnings
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .network import Network

I64 = np.int64
INF = 1 << 62
# per-node state words
J, TAU, CYC, BUSY, STARVED, BLOCKED, FIRST, EV, RHEAD, RCOUNT, LAST, HHEAD, HCOUNT = range(13)
STATE = 14

C_SOURCE = r"""
#include <stdint.h>
typedef int64_t i64;
typedef int32_t i32;
#define INF ((i64)1 << 62)
enum { J, TAU, CYC, BUSY, STARVED, BLOCKED, FIRST, EV, RHEAD, RCOUNT, LAST, HHEAD, HCOUNT, STATE = 14 };

/* one node's ports, for the helpers */
typedef struct { const i32 *ie, *oe; i32 ic, oc; } ports_t;

/* cycle every input beat flagged in f is readable; -INF if none; 0 in *known if one is not written yet */
static i64 avail(ports_t P, i32 f, const i64 *W, const i64 *nw, const i64 *nr, const i64 *eo, int *known) {
    i64 a = -INF;
    for (i32 p = 0; p < P.ic; p++) {
        if (!(f & (1 << p))) continue;
        const i32 e = P.ie[p];
        if (nr[e] >= nw[e]) { *known = 0; return 0; }
        const i64 x = W[eo[e] + nr[e]] + 1;
        if (x > a) a = x;
    }
    return a;
}

/* earliest cycle the writes flagged in f may happen: a slot is free the cycle after the read of the beat
   depth places earlier; -INF if unconstrained; 0 in *known if that read has not happened yet */
static i64 space(ports_t P, i32 f, const i64 *R, const i64 *nw, const i64 *nr, const i64 *eo, const i64 *depth, int *known) {
    i64 sp = -INF;
    for (i32 q = 0; q < P.oc; q++) {
        if (!(f & (1 << (8 + q)))) continue;
        const i32 e = P.oe[q];
        const i64 back = nw[e] - depth[e];
        if (back < 0) continue;
        if (back >= nr[e]) { *known = 0; return 0; }
        const i64 x = R[eo[e] + back] + 1;
        if (x > sp) sp = x;
    }
    return sp;
}

int codesign_sim_run(i32 nn, i64 frames, const i64 *n_iter, const i64 *wlat,
                     const i64 *ev_off, const i64 *ev_cnt, const i64 *ev_idx, const i32 *ev_flag,
                     const i32 *in_off, const i32 *in_cnt, const i32 *in_edge,
                     const i32 *out_off, const i32 *out_cnt, const i32 *out_edge,
                     const i64 *depth, const i64 *eo,
                     i64 *W, i64 *R, i64 *nw, i64 *nr, i64 *state,
                     const i64 *ring_off, const i64 *ring_cap, i64 *ring_step, i32 *ring_flag,
                     i64 *hist_step, i64 *hist_cyc, i64 *hist_frz,
                     i64 *T, const i64 *T_off,
                     const i32 *nb_off, const i32 *nb_cnt, const i32 *nb, i32 *queue, char *queued)
{
    /* worklist: a node is revisited only after a neighbour moved (it may have new beats or free slots) */
    i64 qh = 0, qn = nn;
    for (i32 k = 0; k < nn; k++) { queue[k] = k; queued[k] = 1; }
    while (qn > 0) {
        const i32 k = queue[qh];
        qh = qh + 1 == nn ? 0 : qh + 1;
        qn--;
        queued[k] = 0;
        i64 *st = state + STATE * (i64)k;
        const i64 n = n_iter[k], total = n * frames, ne = ev_cnt[k], wl = wlat[k];
        i64 j = st[J], cnt = st[RCOUNT];
        if (j >= total && cnt == 0) continue;
        i64 tau = st[TAU], c = st[CYC], busy = st[BUSY], starved = st[STARVED], blocked = st[BLOCKED];
        i64 ev = st[EV], head = st[RHEAD], last = st[LAST], hh = st[HHEAD], hc = st[HCOUNT];
        i64 i = j % n;
        const i64 tau0 = tau, j0 = j;
        const i64 *ei = ev_idx + ev_off[k];
        const i32 *ef = ev_flag + ev_off[k];
        const ports_t P = { in_edge + in_off[k], out_edge + out_off[k], in_cnt[k], out_cnt[k] };
        const i64 ro = ring_off[k], cap = ring_cap[k];

#define TAKE(STEP, CYC, F) do { \
            const i64 cy_ = (CYC); const i32 f_ = (F); \
            for (i32 p = 0; p < P.ic; p++) if (f_ & (1 << p)) { const i32 e = P.ie[p]; R[eo[e] + nr[e]] = cy_; nr[e]++; } \
            if (f_ >> 8) { \
                if (wl == 0) { \
                    for (i32 q = 0; q < P.oc; q++) if (f_ & (1 << (8 + q))) { const i32 e = P.oe[q]; W[eo[e] + nw[e]] = cy_; nw[e]++; } \
                } else { \
                    i64 t_ = head + cnt; if (t_ >= cap) t_ -= cap; \
                    ring_step[ro + t_] = (STEP) + wl; ring_flag[ro + t_] = f_; cnt++; \
                } \
            } \
            if (T) T[T_off[k] + j] = cy_; \
            if (j == 0) st[FIRST] = cy_; \
            busy++; last = cy_; j++; \
            if (ev < ne && ei[ev] == i) ev++; \
            if (++i == n) { i = 0; ev = 0; } \
        } while (0)
#define HPUSH(STEP, CYC, FRZ) do { \
            i64 t_ = hh + hc; if (t_ >= cap) t_ -= cap; \
            hist_step[ro + t_] = (STEP); hist_cyc[ro + t_] = (CYC); hist_frz[ro + t_] = (FRZ); hc++; \
        } while (0)
#define HPOP() do { hh = hh + 1 == cap ? 0 : hh + 1; hc--; } while (0)

        for (;;) {
            if (j >= total && cnt == 0) break;
            if (j < total) {
                const i64 nxt = ev < ne ? ei[ev] : n;
                const i32 f = nxt == i ? ef[ev] : 0;
                int known = 1;
                const i64 a = avail(P, f, W, nw, nr, eo, &known);
                if (known && wl == 0) {  /* a depth-1 node writes as it takes in */
                    int sk = 1;
                    const i64 sp = space(P, f, R, nw, nr, eo, depth, &sk);
                    if (!sk) break;
                    const i64 cn = c + 1, ready = a > cn ? a : cn, go = sp > ready ? sp : ready;
                    starved += ready - cn;
                    blocked += go - ready;
                    TAKE(tau + 1, go, f);
                    tau += 1; c = go;
                    continue;
                }
                if (known) {
                    while (hc && hist_cyc[ro + hh] < a) { starved++; blocked += hist_frz[ro + hh]; HPOP(); }
                    if (hc) {  /* the intake lands on a step already committed for the writes in flight */
                        const i64 sstep = hist_step[ro + hh], scyc = hist_cyc[ro + hh];
                        blocked += hist_frz[ro + hh];
                        HPOP();
                        TAKE(sstep, scyc, f);
                        continue;
                    }
                    const i64 lam = cnt ? ring_step[ro + head] : INF;
                    if (lam > tau + 1) {  /* the next step writes nothing: no freeze, its cycle is c + 1 */
                        if (a <= c + 1) {
                            if (f == 0) {  /* a run of iterations that touch no stream: all go in, one per cycle */
                                i64 m = nxt - i;
                                if (lam - tau - 1 < m) m = lam - tau - 1;
                                if (T) for (i64 x = 0; x < m; x++) T[T_off[k] + j + x] = c + 1 + x;
                                if (j == 0) st[FIRST] = c + 1;
                                busy += m; last = c + m; j += m; i += m;
                                if (i == n) { i = 0; ev = 0; }
                                tau += m; c += m;
                            } else {
                                TAKE(tau + 1, c + 1, f);
                                tau += 1; c += 1;
                            }
                        } else {  /* bubbles until the beat is readable or a write is due */
                            i64 m = a - c - 1;
                            if (lam - tau - 1 < m) m = lam - tau - 1;
                            starved += m; tau += m; c += m;
                        }
                        continue;
                    }
                    /* else the next step is a write step: commit it below, then decide */
                }
            }
            if (!cnt) break;
            const i64 lam = ring_step[ro + head];
            const i32 wf = ring_flag[ro + head];
            int sk = 1;
            const i64 sp = space(P, wf, R, nw, nr, eo, depth, &sk);
            if (!sk) break;
            if (j < total) for (i64 x = 1; x < lam - tau; x++) HPUSH(tau + x, c + x, 0);
            c += lam - tau - 1;
            const i64 cyc = sp > c + 1 ? sp : c + 1;
            for (i32 q = 0; q < P.oc; q++) if (wf & (1 << (8 + q))) { const i32 e = P.oe[q]; W[eo[e] + nw[e]] = cyc; nw[e]++; }
            head = head + 1 == cap ? 0 : head + 1;
            cnt--;
            if (j < total) HPUSH(lam, cyc, cyc - c - 1);
            tau = lam; c = cyc;
        }
#undef TAKE
#undef HPUSH
#undef HPOP
        st[J] = j; st[TAU] = tau; st[CYC] = c; st[BUSY] = busy; st[STARVED] = starved; st[BLOCKED] = blocked;
        st[EV] = ev; st[RHEAD] = head; st[RCOUNT] = cnt; st[LAST] = last; st[HHEAD] = hh; st[HCOUNT] = hc;
        if (tau != tau0 || j != j0) {
            for (i32 x = 0; x < nb_cnt[k]; x++) {
                const i32 m = nb[nb_off[k] + x];
                if (!queued[m]) {
                    i64 t = qh + qn; if (t >= nn) t -= nn;
                    queue[t] = m; queued[m] = 1; qn++;
                }
            }
        }
    }
    for (i32 k = 0; k < nn; k++) {
        const i64 *st = state + STATE * (i64)k;
        if (st[J] < n_iter[k] * frames || st[RCOUNT]) return 1;  /* nobody can move, someone is not done */
    }
    return 0;
}
"""

_LIB = None
_LIB_ERROR = None


def _cache_dir() -> Path:
    base = os.path.join(os.path.expanduser("~"), ".cache", "codesign")
    d = Path(base) / "sim"
    try:
        d.mkdir(parents=True, exist_ok=True)
        probe = d / f".probe{os.getpid()}"
        probe.write_text("")
        probe.unlink()
        return d
    except OSError:
        d = Path(tempfile.gettempdir()) / f"codesign-sim-{os.getuid() if hasattr(os, 'getuid') else 'u'}"
        d.mkdir(parents=True, exist_ok=True)
        return d


def load_core():
    """The compiled core (ctypes), building it on first use; None if no C compiler works."""
    global _LIB, _LIB_ERROR
    if _LIB is not None or _LIB_ERROR is not None:
        return _LIB
    try:
        tag = hashlib.sha256(C_SOURCE.encode()).hexdigest()[:16]
        d = _cache_dir()
        lib_path = d / f"simcore_{tag}.so"
        if not lib_path.exists():
            cc = "cc"
            with tempfile.TemporaryDirectory(dir=d) as tmp:
                src = Path(tmp) / "simcore.c"
                src.write_text(C_SOURCE)
                out = Path(tmp) / "simcore.so"
                subprocess.run([cc, "-O2", "-shared", "-fPIC", "-o", str(out), str(src)], check=True,
                               capture_output=True, timeout=120)
                os.replace(out, lib_path)  # atomic: concurrent builders race harmlessly
        lib = ctypes.CDLL(str(lib_path))
        p64, p32 = ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_int32)
        lib.codesign_sim_run.restype = ctypes.c_int
        lib.codesign_sim_run.argtypes = [ctypes.c_int32, ctypes.c_int64, p64, p64, p64, p64, p64, p32,  # nodes, events
                                         p32, p32, p32, p32, p32, p32,  # ports
                                         p64, p64, p64, p64, p64, p64, p64,  # depth, edge_off, W, R, nw, nr, state
                                         p64, p64, p64, p32, p64, p64, p64, p64, p64,  # ring, hist, trace
                                         p32, p32, p32, p32, ctypes.c_char_p]  # neighbours, worklist
        _LIB = lib
    except Exception as e:  # no compiler, no write access, ...: the Python engine still works
        _LIB_ERROR = e
        warnings.warn(f"codesign.sim: compiled core unavailable ({e}); using the pure-Python engine", RuntimeWarning)
    return _LIB


@dataclass
class RawRun:
    """What an engine returns: per-edge write and read cycles of every beat (W[e][:nw[e]], R[e][:nr[e]]),
    per-node state rows (see the STATE word names), the write flags of each node's iterations still in
    its pipeline, the deadlock flag, and per-node intake cycles of every iteration when traced."""
    frames: int
    W: list
    R: list
    nw: np.ndarray
    nr: np.ndarray
    state: np.ndarray
    pending: list
    deadlock: bool
    T: list | None
    engine: str
    seconds: float


class Packed:
    """The network flattened into arrays for the engines (built once per network and frame count). A node's
    schedule is kept as its events only (the iterations that read or write), so memory grows with the beats
    moved, not with the cycles computed."""

    def __init__(self, net: Network, frames: int):
        self.net, self.frames = net, frames
        nodes, edges = net.nodes, net.edges
        self.n_iter = np.array([n.n for n in nodes], dtype=I64)
        self.wlat = np.array([n.depth - 1 for n in nodes], dtype=I64)  # intake at t: write stage at t + depth - 1
        events = [n.events() for n in nodes]
        self.events = events
        self.ev_cnt = np.array([len(ix) for ix, _ in events], dtype=I64)
        self.ev_off = np.concatenate([[0], np.cumsum(self.ev_cnt)[:-1]]).astype(I64)
        self.ev_idx = np.ascontiguousarray(np.concatenate([ix for ix, _ in events] + [np.zeros(1, I64)]).astype(I64))
        self.ev_flag = np.ascontiguousarray(np.concatenate([f for _, f in events] + [np.zeros(1, np.int32)]).astype(np.int32))
        self.in_cnt = np.array([len(n.inputs) for n in nodes], dtype=np.int32)
        self.out_cnt = np.array([len(n.outputs) for n in nodes], dtype=np.int32)
        self.in_off = np.concatenate([[0], np.cumsum(self.in_cnt)[:-1]]).astype(np.int32)
        self.out_off = np.concatenate([[0], np.cumsum(self.out_cnt)[:-1]]).astype(np.int32)
        self.in_edge = np.array([e for n in nodes for e in n.inputs] or [0], dtype=np.int32)
        self.out_edge = np.array([e for n in nodes for e in n.outputs] or [0], dtype=np.int32)
        self.edge_beats = np.array([e.beats for e in edges], dtype=I64) * frames
        self.edge_off = np.concatenate([[0], np.cumsum(self.edge_beats)[:-1]]).astype(I64)
        self.total_beats = int(self.edge_beats.sum())
        self.ring_cap = self.wlat + 1
        self.ring_off = np.concatenate([[0], np.cumsum(self.ring_cap)[:-1]]).astype(I64)
        self.T_off = np.concatenate([[0], np.cumsum(self.n_iter * frames)[:-1]]).astype(I64)
        nbrs = [sorted({edges[e].producer for e in n.inputs} | {edges[e].consumer for e in n.outputs}) for n in nodes]
        self.nbrs = nbrs
        self.nb_cnt = np.array([len(x) for x in nbrs], dtype=np.int32)
        self.nb_off = np.concatenate([[0], np.cumsum(self.nb_cnt)[:-1]]).astype(np.int32)
        self.nb = np.array([m for x in nbrs for m in x] or [0], dtype=np.int32)
        self.total_iters = int((self.n_iter * frames).sum())


def _ptr(a: np.ndarray, ctype):
    return a.ctypes.data_as(ctypes.POINTER(ctype))


def _new_state(nn: int) -> np.ndarray:
    st = np.zeros((nn, STATE), dtype=I64)
    st[:, TAU] = -1
    st[:, CYC] = -1
    st[:, FIRST] = -1
    st[:, LAST] = -1
    return st


def run_c(pk: Packed, depths: np.ndarray, trace: bool) -> RawRun:
    lib = load_core()
    t0 = time.perf_counter()
    nn, ne = len(pk.n_iter), len(pk.edge_beats)
    W = np.empty(max(pk.total_beats, 1), dtype=I64)
    R = np.empty(max(pk.total_beats, 1), dtype=I64)
    nw, nr = np.zeros(ne, dtype=I64), np.zeros(ne, dtype=I64)
    state = _new_state(nn)
    ring_step = np.zeros(int(pk.ring_cap.sum()), dtype=I64)
    ring_flag = np.zeros(int(pk.ring_cap.sum()), dtype=np.int32)
    hist = np.zeros((3, int(pk.ring_cap.sum())), dtype=I64)
    depths = np.ascontiguousarray(depths, dtype=I64)
    T = np.empty(max(pk.total_iters, 1), dtype=I64) if trace else None
    p64, p32 = ctypes.c_int64, ctypes.c_int32
    rc = lib.codesign_sim_run(nn, pk.frames, _ptr(pk.n_iter, p64), _ptr(pk.wlat, p64),
                              _ptr(pk.ev_off, p64), _ptr(pk.ev_cnt, p64), _ptr(pk.ev_idx, p64), _ptr(pk.ev_flag, p32),
                              _ptr(pk.in_off, p32), _ptr(pk.in_cnt, p32), _ptr(pk.in_edge, p32),
                              _ptr(pk.out_off, p32), _ptr(pk.out_cnt, p32), _ptr(pk.out_edge, p32),
                              _ptr(depths, p64), _ptr(pk.edge_off, p64),
                              _ptr(W, p64), _ptr(R, p64), _ptr(nw, p64), _ptr(nr, p64), _ptr(state, p64),
                              _ptr(pk.ring_off, p64), _ptr(pk.ring_cap, p64), _ptr(ring_step, p64), _ptr(ring_flag, p32),
                              _ptr(hist[0], p64), _ptr(hist[1], p64), _ptr(hist[2], p64),
                              _ptr(T, p64) if trace else ctypes.POINTER(ctypes.c_int64)(), _ptr(pk.T_off, p64),
                              _ptr(pk.nb_off, p32), _ptr(pk.nb_cnt, p32), _ptr(pk.nb, p32),
                              _ptr(np.zeros(nn, dtype=np.int32), p32), ctypes.create_string_buffer(nn))
    secs = time.perf_counter() - t0
    pending = []
    for k in range(nn):
        o, cap, h, c = pk.ring_off[k], pk.ring_cap[k], state[k, RHEAD], state[k, RCOUNT]
        pending.append([int(ring_flag[o + (h + x) % cap]) for x in range(c)])
    Ws = [W[o:o + c] for o, c in zip(pk.edge_off, nw)]
    Rs = [R[o:o + c] for o, c in zip(pk.edge_off, nr)]
    Ts = [T[o:o + s[J]] for o, s in zip(pk.T_off, state)] if trace else None
    return RawRun(pk.frames, Ws, Rs, nw, nr, state, pending, bool(rc), Ts, "c", secs)


def _init(pk: Packed, depths: np.ndarray, trace: bool):
    net = pk.net
    ne = len(net.edges)
    W = [[] for _ in range(ne)]
    R = [[] for _ in range(ne)]
    D = [int(d) for d in depths]
    events = [(ix.tolist(), f.tolist()) for ix, f in pk.events]
    T = [[] for _ in net.nodes] if trace else None
    ins = [[(1 << p, e) for p, e in enumerate(n.inputs)] for n in net.nodes]
    outs = [[(1 << (8 + q), e) for q, e in enumerate(n.outputs)] for n in net.nodes]
    return W, R, D, events, T, ins, outs


def _raw(pk, W, R, state, pending, deadlock, T, engine, t0) -> RawRun:
    return RawRun(pk.frames, [np.array(w, dtype=I64) for w in W], [np.array(r, dtype=I64) for r in R],
                  np.array([len(w) for w in W], dtype=I64), np.array([len(r) for r in R], dtype=I64),
                  np.array(state, dtype=I64), pending, deadlock,
                  [np.array(x, dtype=I64) for x in T] if T is not None else None, engine, time.perf_counter() - t0)


def _space(outs, f, W, R, D):
    """Earliest cycle the writes flagged in f may happen (-INF if unconstrained), or None if a slot waits
    on a read not yet known."""
    sp = -INF
    for bit, e in outs:
        if f & bit:
            back = len(W[e]) - D[e]
            if back >= 0:
                if back >= len(R[e]):
                    return None
                sp = max(sp, R[e][back] + 1)
    return sp


def _avail(ins, f, W, R):
    """Cycle all input beats flagged in f are readable (-INF if none), or None if one is not written yet."""
    a = -INF
    for bit, e in ins:
        if f & bit:
            r = len(R[e])
            if r >= len(W[e]):
                return None
            a = max(a, W[e][r] + 1)
    return a


def run_python(pk: Packed, depths: np.ndarray, trace: bool) -> RawRun:
    """The event-driven algorithm of the C core, in Python. Per node: `tau`/`c` are its last committed
    pipeline step and that step's cycle; `tin` the step of its last intake; `ring` the iterations in flight
    that write (write step, flags); `hist` the steps committed since its last intake, with their cycle and
    freeze (at most depth-1 of them: the writes in flight may be committed before the node knows when its
    next input beat is readable, and that intake may then land on one of these steps)."""
    t0 = time.perf_counter()
    F, nodes = pk.frames, pk.net.nodes
    W, R, D, events, T, INS, OUTS = _init(pk, depths, trace)
    state = _new_state(len(nodes)).tolist()
    rings = [deque() for _ in nodes]
    hists = [deque() for _ in nodes]
    queue, queued = deque(range(len(nodes))), [True] * len(nodes)
    while queue:
        k = queue.popleft()
        queued[k] = False
        node, st, ring, hist = nodes[k], state[k], rings[k], hists[k]
        n, wl = node.n, node.depth - 1
        total = n * F
        if st[J] >= total and not ring:
            continue
        (eidx, eflag), ins, outs = events[k], INS[k], OUTS[k]
        ne = len(eidx)
        j, tau, c, ev = st[J], st[TAU], st[CYC], st[EV]
        tau0, j0, i = tau, j, j % n

        def take(step, cyc, f):
            nonlocal j, i, ev
            for bit, e in ins:
                if f & bit:
                    R[e].append(cyc)
            if f >> 8:
                if wl == 0:
                    for bit, e in outs:
                        if f & bit:
                            W[e].append(cyc)
                else:
                    ring.append((step + wl, f))
            if trace:
                T[k].append(cyc)
            if j == 0:
                st[FIRST] = cyc
            st[BUSY] += 1
            st[LAST] = cyc
            j += 1
            if ev < ne and eidx[ev] == i:
                ev += 1
            i += 1
            if i == n:
                i = ev = 0

        while j < total or ring:
            if j < total:
                nxt = eidx[ev] if ev < ne else n
                f = eflag[ev] if nxt == i else 0
                a = _avail(ins, f, W, R)
                if a is not None and wl == 0:  # a depth-1 node writes as it takes in
                    sp = _space(outs, f, W, R, D)
                    if sp is None:
                        break
                    cn = c + 1
                    ready = max(a, cn)
                    go = max(ready, sp)
                    st[STARVED] += ready - cn
                    st[BLOCKED] += go - ready
                    take(tau + 1, go, f)
                    tau, c = tau + 1, go
                    continue
                if a is not None:
                    while hist and hist[0][1] < a:  # committed steps before the beat is readable: bubbles
                        st[STARVED] += 1
                        st[BLOCKED] += hist.popleft()[2]
                    if hist:
                        step, cyc, frz = hist.popleft()
                        st[BLOCKED] += frz
                        take(step, cyc, f)
                        continue
                    lam = ring[0][0] if ring else INF
                    if lam > tau + 1:  # the next step writes nothing: no freeze, its cycle is c + 1
                        if a <= c + 1:
                            if f == 0:  # a run of iterations that touch no stream: all go in, one per cycle
                                m = min(nxt - i, lam - tau - 1)
                                if trace:
                                    T[k].extend(range(c + 1, c + 1 + m))
                                if j == 0:
                                    st[FIRST] = c + 1
                                st[BUSY] += m
                                st[LAST] = c + m
                                j, i = j + m, i + m
                                if i == n:
                                    i = ev = 0
                            else:
                                m = 1
                                take(tau + 1, c + 1, f)
                            tau, c = tau + m, c + m
                        else:
                            m = min(a - c - 1, lam - tau - 1)
                            st[STARVED] += m
                            tau, c = tau + m, c + m
                        continue
                    # else the next step is a write step: commit it below, then decide
            if not ring:
                break
            lam, wf = ring[0]
            sp = _space(outs, wf, W, R, D)
            if sp is None:
                break
            for x in range(1, lam - tau):  # steps before the write step, if any, move nothing
                if j < total:
                    hist.append((tau + x, c + x, 0))
            c += lam - tau - 1
            cyc = max(c + 1, sp)
            ring.popleft()
            for bit, e in outs:
                if wf & bit:
                    W[e].append(cyc)
            if j < total:
                hist.append((lam, cyc, cyc - c - 1))
            tau, c = lam, cyc
        st[J], st[TAU], st[CYC], st[EV] = j, tau, c, ev
        if tau != tau0 or j != j0:
            for m in pk.nbrs[k]:
                if not queued[m]:
                    queued[m] = True
                    queue.append(m)
    deadlock = any(state[k][J] < nodes[k].n * F or rings[k] for k in range(len(nodes)))
    pending = [[f for _, f in ring] for ring in rings]
    return _raw(pk, W, R, state, pending, deadlock, T, "python", t0)


def run_cycle(pk: Packed, depths: np.ndarray, trace: bool, max_cycles: int | None = None) -> RawRun:
    """Naive reference: a clock ticks every cycle and each node's pipeline is stepped by the rules of the
    module docstring. Within a cycle the order of nodes does not matter: a beat written at t is readable
    at t + 1 and a slot freed at t is writable at t + 1. (After a deadlock it has also counted stall
    cycles up to the cycle it noticed; the dater engines count stalls only up to each node's last intake.)"""
    t0 = time.perf_counter()
    F, nodes = pk.frames, pk.net.nodes
    W, R, D, events, T, INS, OUTS = _init(pk, depths, trace)
    state = _new_state(len(nodes)).tolist()
    pipes = [deque() for _ in nodes]  # [stages left to the write stage, flags] of iterations that write
    totals = [n.n * F for n in nodes]
    wls = [n.depth - 1 for n in nodes]
    t = 0
    deadlock = False

    def space_ok(outs, f):
        """(slots free now, or only freed this cycle and so free next cycle)"""
        for bit, e in outs:
            if f & bit:
                back = len(W[e]) - D[e]
                if back >= 0 and (back >= len(R[e]) or R[e][back] + 1 > t):
                    return False, back < len(R[e])
        return True, False

    while True:
        moved, waiting_on_time, left = False, False, False
        for k, node in enumerate(nodes):
            st, pipe, wl = state[k], pipes[k], wls[k]
            if st[J] >= totals[k] and not pipe:
                continue
            left = True
            ins, outs = INS[k], OUTS[k]
            j = st[J]
            active = j < totals[k]
            if pipe and pipe[0][0] == 0:
                ok, soon = space_ok(outs, pipe[0][1])
                if not ok:
                    waiting_on_time |= soon
                    if active:
                        st[BLOCKED] += 1
                    continue  # frozen
            if pipe and pipe[0][0] == 0:
                _, wf = pipe.popleft()
                for bit, e in outs:
                    if wf & bit:
                        W[e].append(t)
                moved = True
            if active:
                eidx, eflag = events[k]
                i = j % node.n
                f = eflag[st[EV]] if st[EV] < len(eidx) and eidx[st[EV]] == i else 0
                ready = True
                for bit, e in ins:
                    if f & bit:
                        r = len(R[e])
                        if r >= len(W[e]) or W[e][r] + 1 > t:
                            ready = False
                            waiting_on_time |= r < len(W[e])
                            break
                if ready and wl == 0:
                    ok, soon = space_ok(outs, f)
                    if not ok:
                        waiting_on_time |= soon
                        st[BLOCKED] += 1
                        ready = None
                if ready:
                    for bit, e in ins:
                        if f & bit:
                            R[e].append(t)
                    if f >> 8:
                        if wl == 0:
                            for bit, e in outs:
                                if f & bit:
                                    W[e].append(t)
                        else:
                            pipe.append([wl, f])
                    if trace:
                        T[k].append(t)
                    if j == 0:
                        st[FIRST] = t
                    st[BUSY] += 1
                    st[LAST] = t
                    st[J] += 1
                    if f:
                        st[EV] += 1
                    if st[J] % node.n == 0:
                        st[EV] = 0
                    moved = True
                elif ready is False:
                    st[STARVED] += 1
            if pipe:
                moved = True
                for item in pipe:
                    item[0] -= 1
                if pipe[0][0] < 0:
                    raise AssertionError("pipeline item passed its write stage")
        if not left:
            break
        if not moved and not waiting_on_time:
            deadlock = True
            break
        t += 1
        if max_cycles is not None and t > max_cycles:
            raise RuntimeError(f"cycle engine passed {max_cycles} cycles")
    pending = [[f for _, f in pipe] for pipe in pipes]
    return _raw(pk, W, R, state, pending, deadlock, T, "cycle", t0)


ENGINES = {"c": run_c, "python": run_python, "cycle": run_cycle}


def pick_engine(engine: str = "auto") -> str:
    if engine == "auto":
        return "c" if load_core() is not None else "python"
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; engines: auto, {', '.join(ENGINES)}")
    if engine == "c" and load_core() is None:
        raise RuntimeError(f"the compiled simulator core is unavailable: {_LIB_ERROR}")
    return engine


def run(pk: Packed, depths: np.ndarray, engine: str = "auto", trace: bool = False) -> RawRun:
    return ENGINES[pick_engine(engine)](pk, depths, trace)
