"""Bit-width-aware roofline of a dataflow design.

Numbers (``roofline_numbers``, stored under ``"roofline"`` in the estimate JSON) and a plot
(``plot_roofline(est, path)``, matplotlib Agg backend).

- Operations per frame = 2 x MACs (multiply + add), from each op's ``macs()``; ops without MACs
  (pooling, thresholds, converters) add none.
- Off-chip bytes per frame: the input and output frames (always through the DMAs) plus weights that
  live off chip (``mem_mode="external"``, re-streamed for every input vector). On-chip weights cost no
  off-chip traffic, which is what makes a dataflow design's arithmetic intensity high.
  Per layer: its external weights, plus the input frame for the layers that read the graph input and
  the output frame for those that write the graph output; a layer with none has no finite
  intensity (``arithmetic_intensity: null``, drawn at the right edge of the plot).
- Device peak at a precision W/A: every available LUT building MACs at the codesign estimator's
  LUTs-per-MAC for W/A (multiplier + adder-tree share; XNOR-popcount for W1A1) plus every DSP at
  its packed MACs per slice (WP487-style packing, DSP48E1 vs DSP48E2), times 2 ops x f_clk.
  That is an upper bound nobody reaches (routing, control, memories need LUTs too); it shows how
  far a folding is from what the fabric could do at that precision.
- Memory roofs: DDR bandwidth (board ``ddr_bandwidth_gbps``) and the DMA port (dma_port_bits x f).
"""
from __future__ import annotations

import math

from .estimators import CodesignEstimator

__all__ = ["roofline_numbers", "peak_ops_per_s", "plot_roofline"]


def _none_if_inf(x):
    return None if x is None or math.isinf(x) or math.isnan(x) else float(x)


def peak_ops_per_s(board, clock_hz: float, w: int, a: int) -> dict:
    """Peak ops/s of the board's available LUTs and DSPs at precision W/A."""
    est = CodesignEstimator(board)
    avail = est.board.available
    lpm = est.luts_per_mac(w, a)
    lut_macs = avail["LUT"] / lpm if lpm > 0 else 0.0
    if min(w, a) > 1:
        mpd = est.macs_per_dsp(w, a) / est.dsps_per_product(w, a)
    else:
        mpd = 0.0  # 1-bit products are sign selects / XNORs: no multiplier to map
    dsp_macs = avail["DSP"] * mpd
    return {
        "precision": f"W{w}A{a}",
        "luts_per_mac": lpm,
        "macs_per_dsp": mpd,
        "lut_ops_per_s": 2 * clock_hz * lut_macs,
        "dsp_ops_per_s": 2 * clock_hz * dsp_macs,
        "peak_ops_per_s": 2 * clock_hz * (lut_macs + dsp_macs),
    }


def roofline_numbers(graph, nodes, cycles: dict, board, clock_hz: float, fps: float, bits_in: int, bits_out: int,
                     ext_bits: int) -> dict:
    """Per layer and for the design; ``nodes`` are estimate.stream_nodes(graph), ``cycles`` per node name."""
    in_bytes, out_bytes = bits_in / 8, bits_out / 8
    peaks, layers = {}, []
    total_ops = 0
    for n in nodes:
        op = n.op
        macs_fn = getattr(op, "macs", None)
        if macs_fn is None:
            continue
        macs = int(macs_fn())
        w, a = op.mac_precision()
        key = f"W{w}A{a}"
        if key not in peaks:
            peaks[key] = peak_ops_per_s(board, clock_hz, w, a)
        ops = 2 * macs
        total_ops += ops
        ext = int(getattr(op, "offchip_bits_per_frame", lambda: 0)()) / 8
        io = (in_bytes if graph.input_name in op.inputs else 0) + (out_bytes if graph.output_name in op.outputs else 0)
        offchip = ext + io
        cyc = cycles.get(op.name, 0)
        layers.append({
            "name": op.name,
            "op": op.OP_TYPE,
            "precision": key,
            "macs_per_frame": macs,
            "ops_per_frame": ops,
            "weight_bytes": op.weight_bits() / 8 if hasattr(op, "weight_bits") else 0,
            "weights_on_chip": ext == 0,
            "offchip_bytes_per_frame": offchip,
            "arithmetic_intensity": ops / offchip if offchip else None,
            "achieved_ops_per_s": ops * fps,
            "layer_roof_ops_per_s": ops * clock_hz / cyc if cyc else None,
            "peak_ops_per_s": peaks[key]["peak_ops_per_s"],
        })
    offchip = in_bytes + out_bytes + ext_bits / 8
    return {
        "clock_hz": clock_hz,
        "ddr_bytes_per_s": board.ddr_bandwidth_gbps * 1e9,
        "dma_bytes_per_s": board.dma_port_bits / 8 * clock_hz,
        "peaks": peaks,
        "design": {
            "ops_per_frame": total_ops,
            "offchip_bytes_per_frame": offchip,
            "arithmetic_intensity": total_ops / offchip if offchip else None,
            "achieved_ops_per_s": total_ops * fps,
        },
        "layers": layers,
    }


def plot_roofline(est: dict, path, title: str | None = None):
    """Draw the roofline of an estimate dict (``estimate(...)``) to ``path`` (PNG). Returns the path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rf = est["roofline"]
    layers = rf["layers"]
    design = rf["design"]
    ais = [l["arithmetic_intensity"] for l in layers if l["arithmetic_intensity"]]
    if design["arithmetic_intensity"]:
        ais.append(design["arithmetic_intensity"])
    x_lo = max(min(ais + [1.0]) / 10, 1e-3)
    x_hi = max(ais + [10.0]) * 30
    peaks = rf["peaks"]
    top = max([p["peak_ops_per_s"] for p in peaks.values()] + [1.0])
    fig, ax = plt.subplots(figsize=(7.5, 5))
    xs = [x_lo, x_hi]
    for label, bw, style in (("DDR", rf["ddr_bytes_per_s"], "-"), ("DMA port", rf["dma_bytes_per_s"], ":")):
        ax.plot(xs, [min(bw * x, top * 3) for x in xs], "k" + style, lw=1, label=f"{label} {bw / 1e9:.2f} GB/s")
    for i, (key, p) in enumerate(sorted(peaks.items())):
        ax.axhline(p["peak_ops_per_s"], ls="--", lw=1, color=f"C{i}", label=f"peak {key} {p['peak_ops_per_s'] / 1e12:.2f} TOp/s")
    edge = x_hi / 3
    for l in layers:
        x = l["arithmetic_intensity"] or edge
        ax.plot(x, l["achieved_ops_per_s"] or 1, ">" if l["arithmetic_intensity"] is None else "o", ms=5, alpha=0.8)
        ax.annotate(l["name"], (x, l["achieved_ops_per_s"] or 1), fontsize=6, xytext=(3, 2), textcoords="offset points")
    if design["arithmetic_intensity"]:
        ax.plot(design["arithmetic_intensity"], design["achieved_ops_per_s"] or 1, "r*", ms=14, label="design")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(x_lo, x_hi)
    ax.set_xlabel("arithmetic intensity [ops / off-chip byte]  (> : weights on chip, no off-chip traffic)")
    ax.set_ylabel("ops / s")
    ax.set_title(title or f"{est['board']} @ {est['clock_mhz']:.0f} MHz, {est['throughput_fps']:.0f} fps ({est['estimator']})")
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(True, which="both", alpha=0.2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
