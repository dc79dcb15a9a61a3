"""Writing the chosen folding as a FINN folding-config JSON.

Uses ``codesign.hw.folding``'s writer where it exists (the estimation layer owns the format);
otherwise writes FINN's format itself: ``{"Defaults": {}, "<node>": {"PE": .., "SIMD": .., <style
attributes>}}``, as FINN's ``ApplyConfig`` reads it (finn/src/finn/transformation/fpgadataflow/
... qonnx ``ApplyConfig``: node name -> attribute -> value).
"""
from __future__ import annotations

import json
from pathlib import Path

FINN_ATTR = {"pe": "PE", "simd": "SIMD", "res_type": "resType"}


def folding_config_from_dict(folding: dict) -> dict:
    """FINN folding config from a DSE folding ``{node: {pe, simd, [ram_style, res_type]}}`` (no graph needed)."""
    cfg: dict = {"Defaults": {}}
    for name, params in folding.items():
        if params:
            cfg[name] = {FINN_ATTR.get(k, k): (v if isinstance(v, str) else int(v)) for k, v in params.items()}
    return cfg


def folding_config(graph) -> dict:
    cfg: dict = {"Defaults": {}}
    for op in graph.ops:
        entry = {FINN_ATTR.get(k, k): int(v) for k, v in op.folding().items()}
        for attr in getattr(op, "STYLE_ATTRS", {}):
            entry[attr] = getattr(op, attr)
        if entry:
            cfg[op.name] = entry
    return cfg


def write_folding_config(graph, path: str | Path) -> Path:
    path = Path(path)
    try:
        from ..hw import folding as hw_folding
    except ImportError:
        hw_folding = None
    writer = None
    if hw_folding is not None:
        for name in ("write_folding_config", "write_folding", "save_folding_config", "write"):
            writer = getattr(hw_folding, name, None)
            if callable(writer):
                break
    if writer is not None:
        writer(graph, path)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(folding_config(graph), indent=2, sort_keys=True))
    return path
