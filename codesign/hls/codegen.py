"""Dataflow IR -> Vitis HLS C++ project: one engine call per op inside a DATAFLOW region, packed
constant arrays, an AXI-Stream top with AXI-Lite control, a file-driven C++ testbench and the
Vitis HLS Tcl script. Output is deterministic: same design, same bytes."""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..ir import DataflowGraph
from .binding import ConstArray, HLSBinding
from .project import TOP_NAME, HLSProject, StreamPort

TEMPLATES = Path(__file__).resolve().parents[2] / "hls_templates"
CORE_NAME = "codesign_core"
DEFAULT_DEPTH = 2


class CodegenError(ValueError):
    """The design cannot be expressed with the engine library; names the nodes involved."""


@dataclass
class _Stream:
    var: str
    lanes: int
    bits: int
    elements: int

    @property
    def width(self) -> int:
        return self.lanes * self.bits


def _literal(value: int, ctype: str) -> str:
    bits = int(ctype[ctype.index("<") + 1 : -1])
    if ctype.startswith("ap_int"):
        return str(int(value))
    if bits <= 64:
        return f"0x{int(value):x}ULL" if value > 0xFFFFFFFF else f"0x{int(value):x}"
    return f'{ctype}("{int(value):x}", 16)'


def _array_decl(arr: ConstArray) -> str:
    vals = [_literal(v, arr.ctype) for v in arr.values]

    def nest(values, dims):
        if len(dims) == 1:
            lines = [", ".join(values[i : i + 8]) for i in range(0, len(values), 8)]
            return "{" + ",\n    ".join(lines) + "}"
        step = len(values) // dims[0]
        return "{" + ",\n".join(nest(values[i * step : (i + 1) * step], dims[1:]) for i in range(dims[0])) + "}"

    dims = "".join(f"[{d}]" for d in arr.dims)
    return f"static const {arr.ctype} {arr.name}{dims} = {nest(vals, list(arr.dims))};\n"


def _check_depthwise_pairs(graph: DataflowGraph) -> None:
    for op in graph.ops:
        if op.OP_TYPE == "ConvolutionInputGenerator" and op.depthwise:
            for consumer in graph.consumers(op.outputs[0]):
                if consumer.OP_TYPE == "VVAU" and consumer.pe != op.simd:
                    raise CodegenError(f"{op.name} feeds depthwise {consumer.name}: its SIMD ({op.simd}) must equal the VVAU's "
                                       f"PE ({consumer.pe}); set both to the same value")


def generate_hls(graph: DataflowGraph, out_dir: str | Path, part: str, clock_mhz: float, fifo_depths: dict | None = None) -> HLSProject:
    """Write the HLS project for graph into out_dir and return its description."""
    _check_depthwise_pairs(graph)
    fifo_depths = fifo_depths or {}
    bindings = {op.name: op.hls_binding() for op in graph.ops}
    elements = {t: int(np.prod(info.shape)) for t, info in graph.tensors.items()}
    headers = sorted({b.header for b in bindings.values()} | {"dwc.h"})

    decls, calls, arrays = [], [], []
    produced: dict[str, _Stream] = {}
    counter = [0]

    def new_stream(tensor: str, lanes: int, bits: int, depth: int | None = None) -> _Stream:
        var = f"s{counter[0]}_{tensor}"
        counter[0] += 1
        decls.append(f"    hls::stream<ap_uint<{lanes * bits}> > {var}(\"{var}\");\n"
                     f"#pragma HLS STREAM variable={var} depth={int(depth or fifo_depths.get(tensor, DEFAULT_DEPTH))}\n")
        return _Stream(var, lanes, bits, elements[tensor])

    # the graph input port takes the lane format of its (single) reader
    first = graph.consumers(graph.input_name)
    if len(first) != 1:
        raise CodegenError(f"graph input {graph.input_name} must have exactly one reader, has {len(first)}")
    b0 = bindings[first[0].name]
    in_port = _Stream("in0", b0.in_lanes[first[0].inputs.index(graph.input_name)], b0.in_bits[0], elements[graph.input_name])
    produced[graph.input_name] = in_port
    out_port = None

    for op in graph.ops:
        b: HLSBinding = bindings[op.name]
        ins = []
        for i, tensor in enumerate(op.inputs):
            src = produced[tensor]
            want_lanes, want_bits = b.in_lanes[i], b.in_bits[i]
            if src.bits != want_bits:
                raise CodegenError(f"{op.name} reads {tensor} as {want_bits}-bit elements, its producer writes {src.bits}-bit ones")
            if src.lanes != want_lanes:
                if src.elements % want_lanes:
                    raise CodegenError(f"{op.name}: {src.elements} elements of {tensor} do not split into beats of {want_lanes}")
                conv = new_stream(tensor, want_lanes, want_bits)
                calls.append(f"    codesign::dwc<{src.width}, {conv.width}, {src.elements * src.bits}>({src.var}, {conv.var}, num_frames);\n")
                src = conv
            ins.append(src.var)
        outs = []
        for j, tensor in enumerate(op.outputs):
            if tensor == graph.output_name:
                s = _Stream("out0", b.out_lanes[j], b.out_bits[j], elements[tensor])
                out_port = s
            else:
                s = new_stream(tensor, b.out_lanes[j], b.out_bits[j])
            produced[tensor] = s
            outs.append(s.var)
        for arr in b.arrays:
            arrays.append(_array_decl(arr))
        targs = ", ".join(str(a) for a in b.template)
        args = ", ".join(ins + outs + [a.name for a in b.arrays] + ["num_frames"])
        calls.append(f"    // {op.name} ({op.OP_TYPE})\n    codesign::{b.func}<{targs}>({args});\n")
    if out_port is None:
        raise CodegenError(f"graph output {graph.output_name} is not produced by any node")

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if (out / "hls_templates").exists():
        shutil.rmtree(out / "hls_templates")
    shutil.copytree(TEMPLATES, out / "hls_templates")
    inp = StreamPort("in0", in_port.lanes, in_port.bits, graph.tensors[graph.input_name].dt.name,
                     in_port.elements // in_port.lanes, in_port.elements)
    outp = StreamPort("out0", out_port.lanes, out_port.bits, graph.tensors[graph.output_name].dt.name,
                      out_port.elements // out_port.lanes, out_port.elements)
    (out / "top.h").write_text(_top_h(inp, outp, headers))
    (out / "params.h").write_text("// Generated by codesign: packed weights and thresholds.\n#pragma once\n#include \"top.h\"\n\n" + "\n".join(arrays))
    (out / "top.cpp").write_text(_top_cpp(inp, outp, decls, calls))
    (out / "tb.cpp").write_text(_testbench())
    (out / "run_hls.tcl").write_text(_hls_tcl(part, clock_mhz))
    project = HLSProject(str(out), TOP_NAME, part, float(clock_mhz), inp, outp, sources=["top.cpp"])
    from ..build.flow import io_spec

    (out / "io_spec.json").write_text(json.dumps(io_spec(graph, project), indent=1, sort_keys=True))
    project.save()
    return project


def _top_h(inp: StreamPort, outp: StreamPort, headers: list[str]) -> str:
    includes = "".join(f'#include "hls_templates/{h}"\n' for h in headers)
    return f"""// Generated by codesign: interface of the dataflow accelerator.
#pragma once
{includes}
#define CS_IN_BITS {inp.lanes * inp.bits}
#define CS_IN_WIDTH {inp.width_bits}
#define CS_IN_BEATS {inp.beats_per_frame}
#define CS_OUT_BITS {outp.lanes * outp.bits}
#define CS_OUT_WIDTH {outp.width_bits}
#define CS_OUT_BEATS {outp.beats_per_frame}

#if defined(__has_include)
#if __has_include(<ap_axi_sdata.h>)
#include <ap_axi_sdata.h>
#define CS_HAVE_AXI_SDATA 1
#endif
#endif
#ifdef CS_HAVE_AXI_SDATA
template <int W> using cs_axis = ap_axiu<W, 0, 0, 0>;
#else
// C simulation without the vendor's ap_axi_sdata.h: the same members AXI-Stream maps to
template <int W> struct cs_axis {{
    ap_uint<W> data;
    ap_uint<W / 8> keep;
    ap_uint<W / 8> strb;
    ap_uint<1> last;
}};
#endif

void {CORE_NAME}(hls::stream<ap_uint<CS_IN_BITS> >& in0, hls::stream<ap_uint<CS_OUT_BITS> >& out0, unsigned num_frames);
void {TOP_NAME}(hls::stream<cs_axis<CS_IN_WIDTH> >& in0, hls::stream<cs_axis<CS_OUT_WIDTH> >& out0, unsigned num_frames);
"""


def _top_cpp(inp: StreamPort, outp: StreamPort, decls: list[str], calls: list[str]) -> str:
    return f"""// Generated by codesign: the dataflow accelerator, one engine per layer, FIFOs between.
#include "top.h"
#include "params.h"

void {CORE_NAME}(hls::stream<ap_uint<CS_IN_BITS> >& in0, hls::stream<ap_uint<CS_OUT_BITS> >& out0, unsigned num_frames) {{
#pragma HLS DATAFLOW
{''.join(decls)}
{''.join(calls)}}}

static void cs_from_axis(hls::stream<cs_axis<CS_IN_WIDTH> >& src, hls::stream<ap_uint<CS_IN_BITS> >& dst, unsigned beats) {{
    for (unsigned i = 0; i < beats; i++) {{
#pragma HLS PIPELINE II=1
        dst.write(ap_uint<CS_IN_BITS>(src.read().data));
    }}
}}

static void cs_to_axis(hls::stream<ap_uint<CS_OUT_BITS> >& src, hls::stream<cs_axis<CS_OUT_WIDTH> >& dst, unsigned beats) {{
    for (unsigned i = 0; i < beats; i++) {{
#pragma HLS PIPELINE II=1
        cs_axis<CS_OUT_WIDTH> w;
        w.data = ap_uint<CS_OUT_WIDTH>(src.read());
        w.keep = -1;
        w.strb = -1;
        w.last = (i == beats - 1) ? 1 : 0;  // one DMA transfer carries the whole batch
        dst.write(w);
    }}
}}

void {TOP_NAME}(hls::stream<cs_axis<CS_IN_WIDTH> >& in0, hls::stream<cs_axis<CS_OUT_WIDTH> >& out0, unsigned num_frames) {{
#pragma HLS INTERFACE axis port=in0
#pragma HLS INTERFACE axis port=out0
#pragma HLS INTERFACE s_axilite port=num_frames bundle=control
#pragma HLS INTERFACE s_axilite port=return bundle=control
#pragma HLS DATAFLOW
    hls::stream<ap_uint<CS_IN_BITS> > core_in("core_in");
    hls::stream<ap_uint<CS_OUT_BITS> > core_out("core_out");
    cs_from_axis(in0, core_in, num_frames * CS_IN_BEATS);
    {CORE_NAME}(core_in, core_out, num_frames);
    cs_to_axis(core_out, out0, num_frames * CS_OUT_BEATS);
}}
"""


def _testbench() -> str:
    return f"""// Generated by codesign: file-driven testbench (packed beats in, packed beats out).
// usage: csim input.bin output.bin num_frames
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>
#include "top.h"

int main(int argc, char** argv) {{
    if (argc != 4) {{ std::fprintf(stderr, "usage: %s input.bin output.bin num_frames\\n", argv[0]); return 2; }}
    const unsigned frames = (unsigned)std::atoi(argv[3]);
    const unsigned in_bytes = CS_IN_WIDTH / 8, out_bytes = CS_OUT_WIDTH / 8;
    std::ifstream fin(argv[1], std::ios::binary);
    std::vector<unsigned char> data((std::istreambuf_iterator<char>(fin)), std::istreambuf_iterator<char>());
    if (data.size() != (size_t)frames * CS_IN_BEATS * in_bytes) {{
        std::fprintf(stderr, "input.bin holds %zu bytes, expected %u frames x %d beats x %u bytes\\n", data.size(), frames, CS_IN_BEATS, in_bytes);
        return 3;
    }}
    hls::stream<cs_axis<CS_IN_WIDTH> > in("tb_in");
    hls::stream<cs_axis<CS_OUT_WIDTH> > out("tb_out");
    for (size_t beat = 0; beat < data.size() / in_bytes; beat++) {{
        cs_axis<CS_IN_WIDTH> w;
        w.data = 0;
        for (unsigned b = 0; b < in_bytes; b++) w.data.range(8 * b + 7, 8 * b) = data[beat * in_bytes + b];
        w.keep = -1;
        w.strb = -1;
        w.last = (beat == data.size() / in_bytes - 1);
        in.write(w);
    }}
    {TOP_NAME}(in, out, frames);
    if (!in.empty()) {{ std::fprintf(stderr, "the accelerator left input beats unread\\n"); return 4; }}
    std::ofstream fout(argv[2], std::ios::binary);
    const unsigned expected = frames * CS_OUT_BEATS;
    for (unsigned i = 0; i < expected; i++) {{
        if (out.empty()) {{ std::fprintf(stderr, "only %u of %u output beats were written\\n", i, expected); return 5; }}
        cs_axis<CS_OUT_WIDTH> w = out.read();
        if ((w.last == 1) != (i == expected - 1)) {{ std::fprintf(stderr, "TLAST wrong at output beat %u\\n", i); return 6; }}
        for (unsigned b = 0; b < out_bytes; b++) fout.put((char)(unsigned)w.data.range(8 * b + 7, 8 * b));
    }}
    if (!out.empty()) {{ std::fprintf(stderr, "the accelerator wrote more than %u output beats\\n", expected); return 7; }}
    return 0;
}}
"""


def _hls_tcl(part: str, clock_mhz: float) -> str:
    return f"""# Generated by codesign: Vitis HLS project for the accelerator.
# Run: vitis_hls -f run_hls.tcl   (C simulation, synthesis, IP export)
open_project -reset codesign_hls
set_top {TOP_NAME}
add_files -cflags "-std=c++14 -I. -Ihls_templates" top.cpp
add_files -tb -cflags "-std=c++14 -I. -Ihls_templates" tb.cpp
open_solution -reset solution1
set_part {part}
create_clock -period {1000.0 / clock_mhz:.3f} -name default
csim_design -argv "csim_input.bin csim_output.bin 1"
csynth_design
export_design -format ip_catalog -vendor xilinx.com -ipname {TOP_NAME} -version 1.0
exit
"""
