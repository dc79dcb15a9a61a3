"""C simulation of generated HLS without Xilinx tools: g++ against the Apache-2.0 ap_int /
hls_stream headers shipped in the hls4ml wheel, then a run on packed input beats."""
from __future__ import annotations

import hashlib
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from ..ir.datatypes import DataType
from .packing import pack_beats, unpack_beats
from .project import HLSProject

CXXFLAGS = ["-std=c++14", "-O1", "-Wall", "-Wno-unknown-pragmas"]


class CompileError(RuntimeError):
    pass


def vendor_include_dir() -> Path:
    """Xilinx's ap_types headers (Apache-2.0) as packaged by the hls4ml wheel."""
    import hls4ml

    inc = Path(hls4ml.__file__).parent / "templates" / "vivado" / "ap_types"
    if not (inc / "ap_int.h").is_file():
        raise FileNotFoundError(f"ap_int.h not found under {inc}; reinstall hls4ml")
    return inc


def _raise_stack_limit() -> None:
    """cc1plus recurses over large constant initialisers (unfolded weight arrays): give it the
    largest stack the hard limit allows, as compiling in a shell with `ulimit -s unlimited` would."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    resource.setrlimit(resource.RLIMIT_STACK, (hard, hard))


def compile_csim(folder: str | Path, werror: bool = False) -> Path:
    """Compile top.cpp + tb.cpp into folder/csim (cached on the sources' hash); g++ errors surface whole."""
    folder = Path(folder)
    sources = [folder / "top.cpp", folder / "tb.cpp"]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources + [folder / "top.h", folder / "params.h"]) + str(werror).encode()).hexdigest()[:16]
    exe = folder / "csim"
    stamp = folder / "csim.stamp"
    if exe.exists() and stamp.exists() and stamp.read_text() == digest:
        return exe
    cmd = ["g++", *CXXFLAGS, *(["-Werror"] if werror else []), "-isystem", str(vendor_include_dir()), "-I", str(folder),
           "-I", str(folder / "hls_templates"), *map(str, sources), "-o", str(exe)]
    proc = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=_raise_stack_limit)
    if proc.returncode != 0:
        raise CompileError(f"g++ failed (exit {proc.returncode}) compiling {folder}:\n{proc.stderr[-8000:]}")
    stamp.write_text(digest)
    (folder / "csim.warnings.txt").write_text(proc.stderr)
    return exe


def run_csim_int(folder: str | Path, x_int: np.ndarray) -> np.ndarray:
    """Integer accelerator input (frames, ...) -> integer output (frames, elements) via the compiled testbench."""
    project = HLSProject.load(folder)
    exe = compile_csim(folder)
    frames = len(x_int)
    idt, odt = DataType.from_name(project.input.dtype), DataType.from_name(project.output.dtype)
    packed = pack_beats(np.asarray(x_int).reshape(frames, -1), idt, project.input.lanes)
    with tempfile.TemporaryDirectory() as tmp:
        fin, fout = Path(tmp) / "in.bin", Path(tmp) / "out.bin"
        fin.write_bytes(packed.tobytes())
        proc = subprocess.run([str(exe), str(fin), str(fout), str(frames)], capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"C simulation failed (exit {proc.returncode}):\n{proc.stdout[-4000:]}{proc.stderr[-4000:]}")
        raw = np.frombuffer(fout.read_bytes(), dtype=np.uint8)
    o = project.output
    return unpack_beats(raw.reshape(frames, o.beats_per_frame, o.width_bits // 8), odt, o.lanes, o.elements_per_frame)


def run_csim(folder: str | Path, x: np.ndarray, raw: bool = False) -> np.ndarray:
    """Float network input -> float network output (or integers in and out with raw=True)."""
    spec = json.loads((Path(folder) / "io_spec.json").read_text())
    if raw:
        return run_csim_int(folder, x)
    idt = DataType.from_name(spec["input"]["dtype"])
    q = np.clip(np.round(np.asarray(x, dtype=np.float64) / spec["input_scale"]), idt.min, idt.max).astype(np.int64)
    if spec["input_layout"] == "NCHW" and q.ndim == 4:
        q = q.transpose(0, 2, 3, 1)
    y = run_csim_int(folder, q.reshape(len(q), -1))
    if spec.get("output_mul") is None:
        return y
    return y * np.asarray(spec["output_mul"]) + np.asarray(spec["output_add"])
