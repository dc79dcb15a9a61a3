"""Compilation checks: g++'s diagnostics surface, illegal foldings are rejected at compile time,
every header is self-contained and warning-free, and no vendor header lives in hls_templates/."""

from __future__ import annotations

import subprocess

import pytest

from hls_harness import CXXFLAGS, TEMPLATES_DIR, CompileError, ap_types_include, compile_cpp, gxx

ENGINE_HEADERS = ["cs_common.h", "mvau.h", "vvau.h", "swg.h", "pad.h", "thresholding.h", "maxpool.h",
                  "global_acc_pool.h", "label_select.h", "add_streams.h", "duplicate_streams.h",
                  "concat.h", "dwc.h", "fifo.h"]


def test_broken_source_surfaces_gxx_error(tmp_path):
    src = '#include "mvau.h"\nint main() { codesign_undeclared_thing x; return 0 }\n'
    with pytest.raises(CompileError) as info:
        compile_cpp(src, tmp_path, "broken")
    msg = str(info.value)
    assert "error" in msg and "codesign_undeclared_thing" in msg


def test_warning_in_our_code_is_reported(tmp_path):
    src = '#include "cs_common.h"\nint main() { int unused_variable_here = 3; return 0; }\n'
    with pytest.raises(CompileError) as info:
        compile_cpp(src, tmp_path, "warns")
    assert "unused_variable_here" in str(info.value) and "warning" in str(info.value)


def test_illegal_folding_is_a_compile_error(tmp_path):
    src = """#include "mvau.h"
int main() {
    hls::stream<ap_uint<4 * 3> > in;
    hls::stream<ap_uint<2 * 16> > out;
    static const ap_uint<2 * 3 * 2> w[1] = {};
    codesign::mvau<10, 4, 3, 2, 1, 4, codesign::DT_UINT, 2, codesign::DT_INT, 16>(in, out, w, 1);
    return 0;
}
"""
    with pytest.raises(CompileError) as info:
        compile_cpp(src, tmp_path, "badfold")
    assert "SIMD must divide MW" in str(info.value)


@pytest.mark.parametrize("header", ENGINE_HEADERS)
def test_header_is_self_contained(tmp_path, header):
    src = tmp_path / "only.cpp"
    src.write_text(f'#include "{header}"\nint main() {{ return 0; }}\n')
    cmd = [gxx(), *CXXFLAGS, "-fsyntax-only", "-I", str(ap_types_include()), "-I", str(TEMPLATES_DIR),
           str(src)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0 and "warning" not in proc.stderr, proc.stderr


def test_template_dir_holds_only_our_headers():
    names = {p.name for p in TEMPLATES_DIR.iterdir() if p.suffix == ".h"}
    assert set(ENGINE_HEADERS) <= names
    assert not names & {"ap_int.h", "ap_fixed.h", "hls_stream.h", "ap_common.h", "ap_private.h"}
