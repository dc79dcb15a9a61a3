"""Vendor reports -> the same resource schema as `codesign estimate`, so estimate and reality
sit side by side. Parses Vivado's report_utilization and report_timing_summary text reports and
Vitis HLS's csynth.xml."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

KEYS = ("LUT", "FF", "BRAM18", "URAM", "DSP")
# Row labels of report_utilization: 7-series names first, UltraScale+ second
ROWS = {
    "LUT": ("Slice LUTs", "CLB LUTs"),
    "FF": ("Slice Registers", "CLB Registers"),
    "BRAM_TILE": ("Block RAM Tile",),
    "URAM": ("URAM",),
    "DSP": ("DSPs",),
}


class ReportError(ValueError):
    pass


def _table_rows(text: str) -> dict[str, dict[str, str]]:
    """Rows of every '| Site Type | Used | ... |' table, by label, as {column: cell}.

    Column positions differ between Vivado versions (2022.1 added 'Prohibited'), so each table's
    own header names the columns."""
    rows, header = {}, None
    for line in text.splitlines():
        if not (line.startswith("|") and line.count("|") >= 4):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "Site Type":
            header = cells
            continue
        label = cells[0].rstrip("*").strip()
        if header and label and label not in rows:
            rows[label] = dict(zip(header[1:], cells[1:]))
    return rows


def parse_utilization(path: str | Path) -> dict:
    """report_utilization (flat) -> {"used": {...}, "available": {...}} with BRAM in RAMB18 units."""
    path = Path(path)
    rows = _table_rows(path.read_text())
    used, avail = {}, {}
    for key, labels in ROWS.items():
        cells = next((rows[l] for l in labels if l in rows), None)
        if cells is None:
            if key == "URAM":  # 7-series devices have no URAM row
                used[key], avail[key] = 0.0, 0.0
                continue
            raise ReportError(f"{path}: no row {' / '.join(labels)!r} in the utilization table")
        try:
            used[key], avail[key] = float(cells["Used"]), float(cells["Available"])
        except (ValueError, KeyError) as e:
            raise ReportError(f"{path}: row {labels[0]!r} has no numeric Used/Available columns: {cells}") from e
    # a Block RAM Tile is one RAMB36 = two RAMB18 (0.5 tiles per RAMB18)
    used["BRAM18"], avail["BRAM18"] = used.pop("BRAM_TILE") * 2, avail.pop("BRAM_TILE") * 2
    return {"used": {k: int(round(used[k])) for k in KEYS}, "available": {k: int(round(avail[k])) for k in KEYS}}


def parse_timing_summary(path: str | Path, clock_mhz: float) -> dict:
    """report_timing_summary -> worst negative slack and the clock it allows."""
    path = Path(path)
    lines = Path(path).read_text().splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^\s*WNS\(ns\)\s+TNS\(ns\)", line):
            for data in lines[i + 1 : i + 4]:
                fields = data.split()
                if fields and re.fullmatch(r"-?\d+(\.\d+)?", fields[0]):
                    wns = float(fields[0])
                    period = 1000.0 / clock_mhz
                    return {"wns_ns": wns, "met": wns >= 0, "target_mhz": clock_mhz, "fmax_mhz": round(1000.0 / (period - wns), 2)}
    raise ReportError(f"{path}: no 'WNS(ns) TNS(ns) ...' design timing summary found")


def parse_csynth_xml(path: str | Path) -> dict:
    """Vitis HLS csynth.xml -> resources, estimated clock period and interval in cycles."""
    path = Path(path)
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        raise ReportError(f"{path}: not valid XML ({e})") from e
    res = root.find("AreaEstimates/Resources")
    if res is None:
        raise ReportError(f"{path}: no AreaEstimates/Resources element")
    tags = {"LUT": "LUT", "FF": "FF", "BRAM18": "BRAM_18K", "URAM": "URAM", "DSP": "DSP"}
    out = {"resources": {k: int(float(res.findtext(t, "0"))) for k, t in tags.items()}}
    period = root.findtext("PerformanceEstimates/SummaryOfTimingAnalysis/EstimatedClockPeriod")
    if period is not None:
        out["estimated_clock_period_ns"] = float(period)
    interval = root.findtext("PerformanceEstimates/SummaryOfOverallLatency/Interval-max")
    if interval is not None and interval.strip().isdigit():
        out["interval_cycles"] = int(interval)
    return out


def actual_vs_estimate(util: dict, estimate: dict | None) -> dict:
    """Side-by-side table: measured, estimated and their ratio per resource."""
    rows = {}
    for k in KEYS:
        got = util["used"][k]
        est = (estimate or {}).get("resources", {}).get(k)
        rows[k] = {"actual": got, "estimate": est, "ratio": (round(est / got, 3) if est is not None and got else None)}
    return rows
