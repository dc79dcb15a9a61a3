"""Shared helpers for the HLS C-simulation tests of hls_templates/.

Each test writes a small C++ testbench into pytest's tmp_path, compiles it with g++ against the
vendor ap_int.h / hls_stream.h shipped in the hls4ml wheel (found at run time, never copied), runs it
on files of hex-encoded stream beats and compares the produced beats bit-for-bit against a numpy
reference written in the test.

Protocol between Python and the testbench: a binary holds several *cases*; case i reads its input
tokens (whitespace separated: hex words for stream beats and packed weights, decimal integers for
thresholds) from ``in_<i>.txt`` and writes every output beat as one hex word per line to
``out_<i>.txt``.  After each case the testbench fails (exit 3) if an input stream still holds data,
and the harness fails if the vendor stream model printed a WARNING (read from an empty stream,
leftover data).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = REPO_ROOT / "hls_templates"

CXXFLAGS = ["-std=c++14", "-O1", "-Wall", "-Wno-unknown-pragmas"]

# C++ spelling of the element kinds (cs_common.h)
UINT, INT, BIPOLAR = "uint", "int", "bipolar"
KIND_CPP = {UINT: "codesign::DT_UINT", INT: "codesign::DT_INT", BIPOLAR: "codesign::DT_BIPOLAR"}


class CompileError(AssertionError):
    """g++ rejected (or warned about) a testbench; the message carries g++'s stderr."""


# ----------------------------------------------------------------------------- environment
def ap_types_include() -> Path:
    """The directory holding the vendor ap_int.h / hls_stream.h (from the hls4ml wheel)."""
    try:
        import hls4ml  # noqa: PLC0415
    except Exception as exc:  # pragma: no cover - depends on the environment
        pytest.skip(f"hls4ml (source of ap_int.h / hls_stream.h) is not importable: {exc}")
    inc = Path(hls4ml.__file__).resolve().parent / "templates" / "vivado" / "ap_types"
    if not (inc / "ap_int.h").is_file() or not (inc / "hls_stream.h").is_file():
        pytest.skip(f"ap_int.h / hls_stream.h not found under {inc}")
    return inc


def gxx() -> str:
    exe = os.environ.get("CXX") or shutil.which("g++")
    if not exe:
        pytest.skip("g++ not found on PATH")
    return exe


def compile_cpp(source: str, workdir: Path, name: str = "tb", extra_flags: Sequence[str] = ()) -> Path:
    """Compile one C++ file into an executable; raise CompileError with g++'s stderr on an error
    or on any warning (cs_common.h silences the vendor headers' own diagnostics, so a warning is ours)."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    src = workdir / f"{name}.cpp"
    exe = workdir / name
    src.write_text(source)
    cmd = [gxx(), *CXXFLAGS, *extra_flags, "-I", str(ap_types_include()),
           "-I", str(TEMPLATES_DIR), str(src), "-o", str(exe)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise CompileError(f"g++ failed (rc={proc.returncode}) on {src}:\n{proc.stderr}")
    if "warning:" in proc.stderr:
        raise CompileError(f"g++ warnings on {src}:\n{proc.stderr}")
    return exe


def run_exe(exe: Path, cwd: Path, args: Sequence[str] = (), timeout: float = 30) -> str:
    try:
        proc = subprocess.run([str(exe), *args], cwd=str(cwd), capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired as exc:  # an engine that never finishes a frame
        raise AssertionError(f"{exe.name} did not finish within {timeout} s (hung engine?)") from exc
    if proc.returncode != 0:
        raise AssertionError(f"{exe.name} exited with {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    if "WARNING" in proc.stdout or "WARNING" in proc.stderr:
        raise AssertionError(f"stream model warnings from {exe.name}:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


# ----------------------------------------------------------------------------- C++ prelude
TB_PRELUDE = r"""
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

static int tb_hexval(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    std::cerr << "bad hex digit '" << ch << "'" << std::endl;
    std::exit(2);
}

template <int W>
ap_uint<W> tb_parse_hex(const std::string& s) {
    ap_uint<W> v = 0;
    const int n = (int)s.size();
    for (int b = 0; b < W; b++) {
        const int nib = b / 4;
        if (nib >= n) break;
        const int d = tb_hexval(s[n - 1 - nib]);
        v[b] = (d >> (b % 4)) & 1;
    }
    return v;
}

template <int W>
std::string tb_to_hex(const ap_uint<W>& v) {
    const int n = (W + 3) / 4;
    std::string s(n, '0');
    for (int nib = 0; nib < n; nib++) {
        int d = 0;
        for (int k = 0; k < 4 && nib * 4 + k < W; k++) d |= (int)v[nib * 4 + k] << k;
        s[n - 1 - nib] = "0123456789abcdef"[d];
    }
    return s;
}

struct TbIn {
    std::ifstream f;
    explicit TbIn(const std::string& path) : f(path.c_str()) {
        if (!f) { std::cerr << "cannot open " << path << std::endl; std::exit(2); }
    }
    std::string tok() {
        std::string s;
        if (!(f >> s)) { std::cerr << "input file exhausted" << std::endl; std::exit(2); }
        return s;
    }
    long long num() { return std::stoll(tok()); }
    template <int W> ap_uint<W> word() { return tb_parse_hex<W>(tok()); }
};

struct TbOut {
    std::ofstream f;
    explicit TbOut(const std::string& path) : f(path.c_str()) {}
    template <int W> void word(const ap_uint<W>& w) { f << tb_to_hex<W>(w) << "\n"; }
};

template <int W>
void tb_feed(TbIn& in, hls::stream<ap_uint<W> >& s, long long n) {
    for (long long i = 0; i < n; i++) s.write(in.word<W>());
}

template <int W>
void tb_drain(TbOut& out, hls::stream<ap_uint<W> >& s) {
    while (!s.empty()) out.word<W>(s.read());
}

template <int W>
void tb_expect_empty(hls::stream<ap_uint<W> >& s, const char* what) {
    if (!s.empty()) {
        std::cerr << "stream " << what << " has " << s.size() << " unconsumed beats" << std::endl;
        std::exit(3);
    }
}
"""


# ----------------------------------------------------------------------------- cases
@dataclass
class Case:
    """One configuration run inside a shared testbench binary.

    body:   C++ statements of ``static void case_i(TbIn& in, TbOut& out)``.
    tokens: the input file contents (hex words / decimal numbers), in the order the body reads them.
    check:  called with the list of output hex words; asserts bit-exactness.
    """

    name: str
    body: str
    tokens: list[str]
    check: Callable[[list[str]], None]
    extra: dict = field(default_factory=dict)


def build_source(includes: Sequence[str], cases: Sequence[Case], prologue: str = "") -> str:
    parts = [f'#include "{h}"' for h in includes]
    if prologue:
        parts.append(prologue)
    parts.append(TB_PRELUDE)
    for i, c in enumerate(cases):
        parts.append(f"// case {i}: {c.name}\nstatic void case_{i}(TbIn& in, TbOut& out) {{\n{c.body}\n}}\n")
    calls = "\n".join(
        f'    if (which < 0 || which == {i}) {{ TbIn in("in_{i}.txt"); TbOut out("out_{i}.txt"); case_{i}(in, out); }}'
        for i in range(len(cases)))
    parts.append("int main(int argc, char** argv) {\n"
                 "    const int which = argc > 1 ? std::atoi(argv[1]) : -1;\n"
                 f"{calls}\n    return 0;\n}}\n")
    return "\n".join(parts)


def run_cases(workdir: Path, includes: Sequence[str], cases: Sequence[Case], name: str = "tb",
              prologue: str = "") -> None:
    """Compile all cases into one binary, run it once, check every case.  `prologue` is C++ placed
    after the includes and before the testbench code (e.g. a generated top-level function)."""
    workdir = Path(workdir)
    exe = compile_cpp(build_source(includes, cases, prologue), workdir, name)
    for i, c in enumerate(cases):
        (workdir / f"in_{i}.txt").write_text(" ".join(c.tokens) + "\n")
    run_exe(exe, workdir)
    for i, c in enumerate(cases):
        out = (workdir / f"out_{i}.txt").read_text().split()
        try:
            c.check(out)
        except AssertionError as exc:
            raise AssertionError(f"case {i} ({c.name}): {exc}") from exc


# ----------------------------------------------------------------------------- value helpers
def rand_vals(rng: np.random.Generator, kind: str, bits: int, shape) -> np.ndarray:
    """Random integer values of an element kind (bipolar -> +-1)."""
    if kind == BIPOLAR:
        assert bits == 1
        return rng.choice(np.array([-1, 1], dtype=np.int64), size=shape)
    if kind == UINT:
        return rng.integers(0, 1 << bits, size=shape, dtype=np.int64)
    if kind == INT:
        return rng.integers(-(1 << (bits - 1)), 1 << (bits - 1), size=shape, dtype=np.int64)
    raise ValueError(kind)


def encode(vals, kind: str, bits: int) -> np.ndarray:
    """Integer values -> raw lane codes (unsigned ints < 2**bits)."""
    v = np.asarray(vals, dtype=np.int64)
    if kind == BIPOLAR:
        assert np.all(np.abs(v) == 1)
        return (v > 0).astype(np.int64)
    lo, hi = (0, (1 << bits) - 1) if kind == UINT else (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
    assert v.min(initial=lo) >= lo and v.max(initial=hi) <= hi, f"value out of {kind}{bits} range"
    return v & ((1 << bits) - 1)


def decode(raw, kind: str, bits: int) -> np.ndarray:
    """Raw lane codes -> integer values."""
    r = np.asarray(raw, dtype=np.int64)
    if kind == BIPOLAR:
        return np.where(r & 1, 1, -1).astype(np.int64)
    if kind == INT:
        return np.where(r >= (1 << (bits - 1)), r - (1 << bits), r).astype(np.int64)
    return r


def wrap(vals, bits: int) -> np.ndarray:
    """Low `bits` bits of the two's complement of vals (the raw code of a wrapped result)."""
    return np.asarray(vals, dtype=np.int64) & ((1 << bits) - 1)


def pack_words(raw_lanes, bits: int) -> list[int]:
    """(n_words, lanes) raw codes -> python ints, lane i at bits [i*bits, (i+1)*bits)."""
    arr = np.asarray(raw_lanes, dtype=np.int64)
    words = []
    for row in arr.reshape(arr.shape[0], -1):
        w = 0
        for i, v in enumerate(row.tolist()):
            assert 0 <= v < (1 << bits)
            w |= int(v) << (i * bits)
        words.append(w)
    return words


def unpack_words(words: Sequence[int], lanes: int, bits: int) -> np.ndarray:
    """python ints -> (n_words, lanes) raw codes."""
    mask = (1 << bits) - 1
    return np.array([[(int(w) >> (i * bits)) & mask for i in range(lanes)] for w in words],
                    dtype=np.int64).reshape(len(words), lanes)


def hex_tokens(words: Sequence[int]) -> list[str]:
    return [format(int(w), "x") for w in words]


def stream_tokens(raw_elems, lanes: int, bits: int) -> list[str]:
    """Flat raw element codes (stream order) -> hex tokens of `lanes`-wide beats."""
    flat = np.asarray(raw_elems, dtype=np.int64).reshape(-1)
    assert flat.size % lanes == 0
    return hex_tokens(pack_words(flat.reshape(-1, lanes), bits))


def parse_out(tokens: Sequence[str], lanes: int, bits: int) -> np.ndarray:
    """Output hex tokens -> flat raw element codes in stream order."""
    return unpack_words([int(t, 16) for t in tokens], lanes, bits).reshape(-1)


def assert_stream(tokens: Sequence[str], expected_raw, lanes: int, bits: int) -> None:
    exp = np.asarray(expected_raw, dtype=np.int64).reshape(-1)
    assert len(tokens) * lanes == exp.size, f"got {len(tokens)} beats, expected {exp.size // lanes}"
    got = parse_out(tokens, lanes, bits)
    if not np.array_equal(got, exp):
        bad = np.flatnonzero(got != exp)
        raise AssertionError(f"{bad.size} of {exp.size} elements differ; first at {bad[:8].tolist()}: "
                             f"got {got[bad[:8]].tolist()} expected {exp[bad[:8]].tolist()}")


def assert_words(tokens: Sequence[str], expected_words: Sequence[int]) -> None:
    """Compare output beats as (arbitrarily wide) python ints."""
    got = [int(t, 16) for t in tokens]
    exp = [int(w) for w in expected_words]
    assert len(got) == len(exp), f"got {len(got)} beats, expected {len(exp)}"
    bad = [i for i, (g, e) in enumerate(zip(got, exp)) if g != e]
    assert not bad, f"{len(bad)} of {len(exp)} beats differ; first at {bad[:4]}: got " \
                    f"{[hex(got[i]) for i in bad[:4]]} expected {[hex(exp[i]) for i in bad[:4]]}"


def rand_words(rng: np.random.Generator, width: int, n: int) -> list[int]:
    """n uniformly random width-bit python ints."""
    nbytes = (width + 7) // 8
    return [int.from_bytes(rng.bytes(nbytes), "little") & ((1 << width) - 1) for _ in range(n)]


def cpp_kind(kind: str) -> str:
    return KIND_CPP[kind]


# ----------------------------------------------------------------------------- memory layouts
# Test-side statement of the packed weight / threshold layouts documented in mvau.h / vvau.h.
def pack_mvau_weights(W: np.ndarray, w_kind: str, w_bits: int, pe: int, simd: int) -> list[int]:
    """W (MW, MH) integer values -> words[nf*SF + sf], field (p*SIMD + s) = W[sf*SIMD+s, nf*PE+p]."""
    mw, mh = W.shape
    nf_n, sf_n = mh // pe, mw // simd
    raw = encode(W, w_kind, w_bits)
    fields = np.zeros((nf_n, sf_n, pe, simd), dtype=np.int64)
    for nf in range(nf_n):
        for sf in range(sf_n):
            for p in range(pe):
                for s in range(simd):
                    fields[nf, sf, p, s] = raw[sf * simd + s, nf * pe + p]
    return pack_words(fields.reshape(nf_n * sf_n, pe * simd), w_bits)


def pack_vvau_weights(Wck: np.ndarray, w_kind: str, w_bits: int, pe: int, simd: int) -> list[int]:
    """W (C, K) values -> words[cf*KF + kf], field (p*SIMD + s) = W[cf*PE + p][kf*SIMD + s]."""
    c, k = Wck.shape
    cf_n, kf_n = c // pe, k // simd
    raw = encode(Wck, w_kind, w_bits)
    fields = raw.reshape(cf_n, pe, kf_n, simd).transpose(0, 2, 1, 3)  # (cf, kf, p, s)
    return pack_words(fields.reshape(cf_n * kf_n, pe * simd), w_bits)


def thr_tokens(T: np.ndarray, pe: int) -> list[str]:
    """T (C, NT) -> tokens in thresholds[p][cf][j] order, T[cf*PE + p][j]."""
    c, nt = T.shape
    return [str(int(v)) for v in T.reshape(c // pe, pe, nt).transpose(1, 0, 2).reshape(-1)]
