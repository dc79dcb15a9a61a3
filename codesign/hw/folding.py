"""FINN folding-config JSON: read, apply (all or nothing), write.

The format is FINN's (``ApplyConfig`` / ``step_apply_folding_config``)::

    {"Defaults": {"ram_style": ["block", ["MVAU_hls"]]},      # attr: [value, "all" | [op types]]
     "MVAU_hls_0": {"PE": 16, "SIMD": 32, "ram_style": "block"},
     "ConvolutionInputGenerator_rtl_0": {"SIMD": 3}, ...}

Node names: FINN names nodes ``<OpType>_<n>`` and, since its 2024 HLS/RTL split, the specialised
ones ``<OpType>_hls_<n>`` / ``<OpType>_rtl_<n>``; older configs use ``_Batch`` variants and the legacy
names ``MatrixVectorActivation`` / ``StreamingFCLayer`` (MVAU) and ``VectorVectorActivation`` (VVAU).
All of these map to this IR's ``<OP_TYPE>_<n>`` (the frontend names nodes FINN-style). FINN numbers
hls and rtl nodes of one type separately, so in a config mixing ``MVAU_hls_*`` and ``MVAU_rtl_*`` the
index is ambiguous; that is warned about.

Attributes: ``PE``/``SIMD`` -> the op's ``pe``/``simd`` (checked against ``legal_folding()``);
``ram_style``, ``resType`` (-> ``res_type``), ``mem_mode`` where the op has that notion
(``op.STYLE_ATTRS``); ``depth`` on ops with a FIFO depth. Anything else is warned about (a
:class:`FoldingWarning` naming the node and the attribute) and skipped, as are entries naming nodes
the design does not have. Illegal values raise :class:`~codesign.ir.base.FoldingError` naming the
node, the value and the legal ones, before anything is changed.
"""
from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

from ..ir.base import FoldingError

__all__ = ["FoldingError", "FoldingWarning", "read_folding", "apply_folding", "write_folding", "folding_config",
           "map_node_name"]

#: FINN's historical names of ops that this IR calls differently (FINN < 0.10 and BNN-PYNQ era configs).
LEGACY_OP_NAMES = {"MatrixVectorActivation": "MVAU", "StreamingFCLayer": "MVAU", "VectorVectorActivation": "VVAU"}
#: FINN attribute name -> IR attribute name (folding parameters and memory/compute styles).
ATTR_NAMES = {"PE": "pe", "SIMD": "simd", "ram_style": "ram_style", "resType": "res_type", "res_type": "res_type",
              "mem_mode": "mem_mode", "depth": "depth"}
#: FINN's pre-2024 mem_mode names.
MEM_MODE_ALIASES = {"const": "internal_embedded", "decoupled": "internal_decoupled"}
_NAME = re.compile(r"^(?P<base>[A-Za-z][A-Za-z0-9]*?)(?:_(?P<suffix>hls|rtl|Batch))?_(?P<idx>\d+)$")


class FoldingWarning(UserWarning):
    """An entry or attribute of a folding config that was skipped."""


def _base_type(name: str) -> str:
    return LEGACY_OP_NAMES.get(name, name)


def map_node_name(finn_name: str) -> tuple[str, str | None]:
    """FINN node name -> (IR node name, backend suffix or None): "MVAU_hls_0" -> ("MVAU_0", "hls"),
    "MatrixVectorActivation_3" -> ("MVAU_3", None), "StreamingFCLayer_Batch_1" -> ("MVAU_1", "Batch")."""
    m = _NAME.match(finn_name)
    if not m:
        return finn_name, None
    return f"{_base_type(m['base'])}_{m['idx']}", m["suffix"]


def _op_type_of(finn_type: str) -> str:
    """FINN op type ("MVAU_hls", "Thresholding_Batch", "MatrixVectorActivation") -> IR OP_TYPE."""
    t = re.sub(r"_(hls|rtl|Batch)$", "", finn_type)
    return _base_type(t)


def read_folding(path) -> dict:
    """Parse a folding-config JSON file (or pass a dict through)."""
    if isinstance(path, dict):
        return path
    p = Path(path)
    try:
        cfg = json.loads(p.read_text())
    except OSError as e:
        raise FoldingError(f"cannot read folding config {p}: {e}") from e
    except json.JSONDecodeError as e:
        raise FoldingError(f"folding config {p} is not valid JSON: {e}") from e
    if not isinstance(cfg, dict):
        raise FoldingError(f"folding config {p}: expected a JSON object of node entries, got {type(cfg).__name__}")
    return cfg


def _warn(msg: str) -> None:
    warnings.warn(msg, FoldingWarning, stacklevel=3)


def _plan_attr(op, finn_attr: str, value, plan: list, errors: list, *, quiet: bool = False) -> None:
    """Validate one attribute for one op and queue it in ``plan`` as (op, kind, attr, value)."""
    attr = ATTR_NAMES.get(finn_attr)
    where = f"{op.name} ({op.OP_TYPE})"
    legal = op.legal_folding()
    if attr in ("pe", "simd"):
        if attr not in legal:
            if not quiet:
                _warn(f"{where}: {finn_attr}={value!r} ignored: this op has no {finn_attr} (folding parameters: "
                      f"{', '.join(legal) or 'none'})")
            return
        if isinstance(value, bool) or not isinstance(value, int) or value not in legal[attr]:
            errors.append(f"{where}: {finn_attr}={value!r} is illegal; legal values: {legal[attr]}")
            return
        plan.append((op, "fold", attr, int(value)))
    elif attr in ("ram_style", "res_type", "mem_mode"):
        allowed = op.STYLE_ATTRS.get(attr)
        if allowed is None:
            if not quiet:
                _warn(f"{where}: {finn_attr}={value!r} ignored: this op has no notion of {finn_attr}")
            return
        if attr == "mem_mode":
            value = MEM_MODE_ALIASES.get(value, value)
        if value not in allowed:
            errors.append(f"{where}: {finn_attr}={value!r} is illegal; legal values: {list(allowed)}")
            return
        plan.append((op, "style", attr, value))
    elif attr == "depth":
        if not hasattr(op, "depth"):
            if not quiet:
                _warn(f"{where}: depth={value!r} ignored: this op has no FIFO depth")
            return
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors.append(f"{where}: depth={value!r} is illegal; legal values: integers >= 1")
            return
        plan.append((op, "set", "depth", int(value)))
    elif not quiet:
        _warn(f"{where}: attribute {finn_attr!r} (= {value!r}) is not supported and was ignored")


def apply_folding(graph, config) -> list[str]:
    """Apply a FINN folding config (path or dict) to ``graph`` in place, all or nothing: every entry is
    validated first and a :class:`FoldingError` (naming node, value and legal values; all problems in
    one message) leaves the graph untouched. Returns the names of the nodes that were configured."""
    cfg = read_folding(config)
    by_name = {op.name: op for op in graph.ops}
    plan: list = []
    errors: list[str] = []

    defaults = cfg.get("Defaults", {}) or {}
    if not isinstance(defaults, dict):
        raise FoldingError(f"folding config 'Defaults' must be an object, got {type(defaults).__name__}")
    for finn_attr, spec in defaults.items():
        if not (isinstance(spec, (list, tuple)) and len(spec) == 2):
            raise FoldingError(f"folding config Defaults[{finn_attr!r}] must be [value, \"all\" | [op types]], got {spec!r}")
        value, types = spec
        everything = types == "all" or types == ["all"]
        wanted = set() if everything else {_op_type_of(t) for t in types}
        for op in graph.ops:
            if everything or op.OP_TYPE in wanted:
                _plan_attr(op, finn_attr, value, plan, errors, quiet=everything)

    suffixes: dict[str, set] = {}
    configured = []
    for key, entry in cfg.items():
        if key == "Defaults":
            continue
        name, suffix = (key, None) if key in by_name else map_node_name(key)
        op = by_name.get(name)
        if op is None:
            _warn(f"folding config entry {key!r} names no node of this design (looked for {name!r}); skipped")
            continue
        if not isinstance(entry, dict):
            errors.append(f"{key}: expected an object of attributes, got {entry!r}")
            continue
        if suffix in ("hls", "rtl"):
            suffixes.setdefault(op.OP_TYPE, set()).add(suffix)
        for finn_attr, value in entry.items():
            _plan_attr(op, finn_attr, value, plan, errors)
        configured.append(op.name)
    for op_type, s in suffixes.items():
        if len(s) > 1:
            _warn(f"folding config mixes {op_type}_hls_* and {op_type}_rtl_* entries: FINN numbers each backend "
                  f"separately, so mapping them onto {op_type}_<n> by index may pick the wrong nodes")
    if errors:
        raise FoldingError("; ".join(errors))
    for op, kind, attr, value in plan:  # node entries come after Defaults, so they override them
        if kind == "fold":
            op.set_folding(**{attr: value})
        elif kind == "style":
            op.set_style(attr, value)
        else:
            setattr(op, attr, value)
    return configured


#: IR attribute -> FINN attribute, for writing.
_FINN_ATTRS = {"pe": "PE", "simd": "SIMD", "ram_style": "ram_style", "res_type": "resType", "mem_mode": "mem_mode"}


def folding_config(graph, suffix: str | None = None) -> dict:
    """The graph's folding as a FINN folding-config dict. ``suffix`` ("hls"/"rtl") renames nodes
    ``<OpType>_<suffix>_<n>`` for FINN >= 0.10 builds; by default the IR names are used."""
    cfg: dict = {"Defaults": {}}
    for op in graph.ops:
        entry = {_FINN_ATTRS[k]: v for k, v in op.folding().items()}
        for attr in op.STYLE_ATTRS:
            entry[_FINN_ATTRS.get(attr, attr)] = getattr(op, attr)
        if hasattr(op, "depth") and op.OP_TYPE == "StreamingFIFO":
            entry["depth"] = int(op.depth)
        if not entry:
            continue
        name = op.name
        if suffix:
            m = re.match(r"^(.*)_(\d+)$", name)
            name = f"{m[1]}_{suffix}_{m[2]}" if m else name
        cfg[name] = entry
    return cfg


def write_folding(graph, path, suffix: str | None = None) -> Path:
    """Write :func:`folding_config` as JSON to ``path``."""
    p = Path(path)
    p.write_text(json.dumps(folding_config(graph, suffix), indent=2) + "\n")
    return p


# BNN-PYNQ's CNV folding (its config.h: per layer PE, SIMD of the six convolutions and three FCs),
# the reference design the simulator benchmark and tests fold CNV with.
BNN_PYNQ_CNV_FOLDING = [(16, 3), (32, 32), (16, 32), (16, 32), (4, 32), (1, 32), (1, 4), (1, 8), (5, 1)]


def fold_like_bnn_pynq_cnv(graph):
    """Apply BNN_PYNQ_CNV_FOLDING to a lowered CNV: MVAUs in order, each window generator at its
    MVAU's SIMD, max pools fully parallel (as FINN builds them)."""
    mvaus = [o for o in graph.ops if o.OP_TYPE == "MVAU"]
    swgs = [o for o in graph.ops if o.OP_TYPE == "ConvolutionInputGenerator"]
    for op, (pe, simd) in zip(mvaus, BNN_PYNQ_CNV_FOLDING):
        op.set_folding(pe=pe, simd=simd)
    for op, (_, simd) in zip(swgs, BNN_PYNQ_CNV_FOLDING):
        op.set_folding(simd=simd)
    for op in graph.ops:
        if op.OP_TYPE == "StreamingMaxPool":
            op.set_folding(pe=op.ifm[2])
    return graph
