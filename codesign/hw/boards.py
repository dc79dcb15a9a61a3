"""Board database: FPGA boards, their device resources and the budget left for user logic.

Each board is one JSON file in ``codesign/hw/boards/``. Users add their own boards by writing a
JSON file with the same fields and passing its path to :func:`load_board` (or the CLI's ``--board``).
Configuration is data: there is no environment variable that adds boards.

Fields of a board file (all required unless marked optional):

``name``                str, unique (case-insensitive, ``-``/``_``/space ignored) among boards
``aliases``             list of str, other names the board is found by (e.g. FINN's ``KV260_SOM``)
``family``              ``"zynq7000"`` | ``"zynqmp"`` | ``"alveo"``
``part``                Xilinx part string, e.g. ``"xc7z020clg400-1"``
``fpga_series``         ``"7series"`` | ``"ultrascale+"`` (must match the family)
``resources``           ``{LUT, FF, BRAM18, URAM, DSP}``: whole-device counts (non-negative ints);
                        BRAM18 counts RAMB18 halves, i.e. 2 x the datasheet's 36Kb block RAMs
``shell_share``         resources taken by a shell / static region: ``0`` (Zynq), a fraction in
                        ``[0, 1)`` applied to every resource, or an object of absolute amounts per
                        resource (missing resources count as 0)
``default_clock_mhz``   nominal target clock in MHz (> 0)
``dma_port_bits``       width of the AXI port the accelerator's DMA uses (positive multiple of 8)
``ddr_bandwidth_gbps``  peak off-chip memory bandwidth in gigabytes per second, GB/s (> 0)
``utilisation_limits``  optional; per-resource fractions in ``(0, 1]``; missing entries take FINN's
                        defaults (LUT 0.7, FF 0.5, BRAM18/URAM/DSP 0.8)
``sources``             list of str citing where each number comes from
``notes``               optional free text (str or list of str)
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from importlib import resources as _ires
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

__all__ = [
    "RESOURCE_KEYS",
    "FAMILIES",
    "FPGA_SERIES",
    "DEFAULT_UTILISATION_LIMITS",
    "BoardSpecError",
    "Board",
    "board_from_dict",
    "load_board",
    "list_boards",
    "available",
    "budget",
]

#: Resource kinds, in FINN's order (LUT, FF, BRAM_18K, URAM, DSP).
RESOURCE_KEYS: tuple[str, ...] = ("LUT", "FF", "BRAM18", "URAM", "DSP")

#: Board family -> the FPGA series its fabric belongs to.
FAMILIES: Mapping[str, str] = MappingProxyType(
    {"zynq7000": "7series", "zynqmp": "ultrascale+", "alveo": "ultrascale+"}
)
FPGA_SERIES: tuple[str, ...] = ("7series", "ultrascale+")

#: FINN's recommended utilisation limits for timing closure
#: (finn/src/finn/util/platforms.py DEFAULT_RES_LIMITS = [0.7, 0.5, 0.80, 0.80, 0.80]).
DEFAULT_UTILISATION_LIMITS: Mapping[str, float] = MappingProxyType(
    {"LUT": 0.7, "FF": 0.5, "BRAM18": 0.8, "URAM": 0.8, "DSP": 0.8}
)


_REQUIRED = (
    "name",
    "aliases",
    "family",
    "part",
    "fpga_series",
    "resources",
    "shell_share",
    "default_clock_mhz",
    "dma_port_bits",
    "ddr_bandwidth_gbps",
    "sources",
)
_OPTIONAL = ("utilisation_limits", "notes")


class BoardSpecError(ValueError):
    """A board file (or dict) is malformed. The message names the file and the field."""

    def __init__(self, source: str, fieldname: str, problem: str):
        self.source = source
        self.field = fieldname
        self.problem = problem
        super().__init__(f"{source}: field '{fieldname}': {problem}")


@dataclass(frozen=True)
class Board:
    """One FPGA board. Immutable; mappings are read-only views.

    ``shell_share`` is normalised to absolute amounts per resource (a fraction given in the file
    is multiplied out, so those amounts may be non-integer).
    """

    name: str
    aliases: tuple[str, ...]
    family: str
    part: str
    fpga_series: str
    resources: Mapping[str, int]
    shell_share: Mapping[str, float]
    default_clock_mhz: float
    dma_port_bits: int
    ddr_bandwidth_gbps: float
    utilisation_limits: Mapping[str, float]
    sources: tuple[str, ...]
    notes: str = ""
    path: str | None = field(default=None, compare=False)

    def __hash__(self) -> int:  # mappings are unhashable; name and part identify a board
        return hash((self.name, self.part))

    @property
    def available(self) -> dict[str, float]:
        """Resources left for user logic after the shell share (see :func:`available`)."""
        return available(self)

    def budget(self, limits: Mapping[str, float] | float | None = None) -> dict[str, float]:
        """See :func:`budget`."""
        return budget(self, limits)


# --------------------------------------------------------------------------- validation


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _normalise_key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch not in "-_ ")


def board_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> Board:
    """Validate a board description (the parsed JSON) and build a :class:`Board`.

    Raises :class:`BoardSpecError` naming ``source`` and the offending field.
    """

    def err(fieldname: str, problem: str) -> BoardSpecError:
        return BoardSpecError(source, fieldname, problem)

    if not isinstance(data, Mapping):
        raise err("<top level>", f"expected a JSON object, got {type(data).__name__}")
    for key in _REQUIRED:
        if key not in data:
            raise err(key, "missing (required)")
    unknown = sorted(set(data) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise err(
            unknown[0],
            f"unknown field (allowed: {', '.join(_REQUIRED + _OPTIONAL)})",
        )

    name = data["name"]
    if not isinstance(name, str) or not name.strip():
        raise err("name", "must be a non-empty string")

    aliases = data["aliases"]
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise err("aliases", "must be a list of non-empty strings")

    family = data["family"]
    if family not in FAMILIES:
        raise err("family", f"must be one of {sorted(FAMILIES)}, got {family!r}")

    part = data["part"]
    if not isinstance(part, str) or not part.strip():
        raise err("part", "must be a non-empty string (Xilinx part name)")

    series = data["fpga_series"]
    if series not in FPGA_SERIES:
        raise err("fpga_series", f"must be one of {list(FPGA_SERIES)}, got {series!r}")
    if FAMILIES[family] != series:
        raise err(
            "fpga_series",
            f"family {family!r} is {FAMILIES[family]!r} fabric, got {series!r}",
        )

    res = data["resources"]
    if not isinstance(res, Mapping):
        raise err("resources", f"must be an object with keys {list(RESOURCE_KEYS)}")
    for k in RESOURCE_KEYS:
        if k not in res:
            raise err(f"resources.{k}", "missing (required)")
        if not _is_int(res[k]) or res[k] < 0:
            raise err(f"resources.{k}", f"must be a non-negative integer, got {res[k]!r}")
    extra = sorted(set(res) - set(RESOURCE_KEYS))
    if extra:
        raise err(f"resources.{extra[0]}", f"unknown resource (allowed: {list(RESOURCE_KEYS)})")
    if series == "7series" and res["URAM"] != 0:
        raise err("resources.URAM", "7-series devices have no UltraRAM; must be 0")
    resources = {k: int(res[k]) for k in RESOURCE_KEYS}

    share = data["shell_share"]
    if _is_number(share):
        if not 0 <= share < 1:
            raise err("shell_share", f"a fraction must be in [0, 1), got {share!r}")
        shell = {k: (resources[k] * share if share else 0) for k in RESOURCE_KEYS}
    elif isinstance(share, Mapping):
        extra = sorted(set(share) - set(RESOURCE_KEYS))
        if extra:
            raise err(f"shell_share.{extra[0]}", f"unknown resource (allowed: {list(RESOURCE_KEYS)})")
        shell = {}
        for k in RESOURCE_KEYS:
            v = share.get(k, 0)
            if not _is_number(v) or v < 0:
                raise err(f"shell_share.{k}", f"must be a non-negative number, got {v!r}")
            if v > resources[k]:
                raise err(
                    f"shell_share.{k}",
                    f"{v} exceeds the device's {resources[k]} {k}",
                )
            shell[k] = v
    else:
        raise err(
            "shell_share",
            "must be 0, a fraction in [0, 1), or an object of absolute amounts per resource",
        )

    clk = data["default_clock_mhz"]
    if not _is_number(clk) or clk <= 0:
        raise err("default_clock_mhz", f"must be a positive number (MHz), got {clk!r}")

    port = data["dma_port_bits"]
    if not _is_int(port) or port <= 0 or port % 8:
        raise err("dma_port_bits", f"must be a positive multiple of 8, got {port!r}")

    bw = data["ddr_bandwidth_gbps"]
    if not _is_number(bw) or bw <= 0:
        raise err("ddr_bandwidth_gbps", f"must be a positive number (GB/s), got {bw!r}")

    limits = dict(DEFAULT_UTILISATION_LIMITS)
    if "utilisation_limits" in data:
        ul = data["utilisation_limits"]
        if not isinstance(ul, Mapping):
            raise err("utilisation_limits", "must be an object of per-resource fractions")
        for k, v in ul.items():
            if k not in RESOURCE_KEYS:
                raise err(
                    f"utilisation_limits.{k}",
                    f"unknown resource (allowed: {list(RESOURCE_KEYS)})",
                )
            if not _is_number(v) or not 0 < v <= 1:
                raise err(f"utilisation_limits.{k}", f"must be a fraction in (0, 1], got {v!r}")
            limits[k] = float(v)

    sources = data["sources"]
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise err("sources", "must be a list of strings citing where the figures come from")

    notes = data.get("notes", "")
    if isinstance(notes, list) and all(isinstance(s, str) for s in notes):
        notes = "\n".join(notes)
    if not isinstance(notes, str):
        raise err("notes", "must be a string or a list of strings")

    return Board(
        name=name,
        aliases=tuple(aliases),
        family=family,
        part=part,
        fpga_series=series,
        resources=MappingProxyType(resources),
        shell_share=MappingProxyType(shell),
        default_clock_mhz=float(clk),
        dma_port_bits=int(port),
        ddr_bandwidth_gbps=float(bw),
        utilisation_limits=MappingProxyType(limits),
        sources=tuple(sources),
        notes=notes,
        path=None if source.startswith("<") else source,
    )


def _load_file(path: Path) -> Board:
    src = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise BoardSpecError(src, "<file>", f"cannot read: {e}") from e
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise BoardSpecError(src, "<file>", f"invalid JSON: {e}") from e
    return board_from_dict(data, source=src)


# --------------------------------------------------------------------------- registry


def _builtin_files() -> list[Path]:
    root = _ires.files("codesign.hw") / "boards"
    return sorted(Path(str(p)) for p in root.iterdir() if str(p).endswith(".json"))


def _registry() -> dict[str, Board]:
    """Normalised name/alias -> Board over the built-in board files (loaded once)."""
    if _REGISTRY_CACHE:
        return _REGISTRY_CACHE
    reg: dict[str, Board] = {}
    for path in _builtin_files():
        board = _load_file(path)
        for label in (board.name,) + board.aliases:
            k = _normalise_key(label)
            if k in reg and reg[k] is not board:
                raise BoardSpecError(
                    str(path),
                    "name" if label == board.name else "aliases",
                    f"{label!r} is already used by board {reg[k].name!r} ({reg[k].path})",
                )
            reg[k] = board
    _REGISTRY_CACHE.update(reg)
    return _REGISTRY_CACHE


_REGISTRY_CACHE: dict[str, Board] = {}


def list_boards() -> list[str]:
    """Names of all built-in boards, sorted."""
    return sorted({b.name for b in _registry().values()}, key=str.lower)


def load_board(name_or_path: str | os.PathLike | Board) -> Board:
    """Load a board by name or alias (case-insensitive; ``-``, ``_`` and spaces ignored), or from a
    path to a user JSON file. A :class:`Board` is returned unchanged.

    Raises :class:`ValueError` listing the known boards if the name is unknown, and
    :class:`BoardSpecError` (a ValueError) naming the file and field if a file is malformed.
    """
    if isinstance(name_or_path, Board):
        return name_or_path
    if isinstance(name_or_path, os.PathLike):
        return _load_file(Path(name_or_path))
    if not isinstance(name_or_path, str):
        raise TypeError(f"expected a board name, a path or a Board, got {type(name_or_path).__name__}")
    p = Path(name_or_path)
    if name_or_path.lower().endswith(".json") or p.is_file():
        if not p.is_file():
            raise ValueError(f"board file not found: {name_or_path}")
        return _load_file(p)
    reg = _registry()
    board = reg.get(_normalise_key(name_or_path))
    if board is None:
        raise ValueError(
            f"unknown board {name_or_path!r}; known boards: {', '.join(list_boards())} "
            f"(or pass a path to a board JSON file)"
        )
    return board


# --------------------------------------------------------------------------- budgets


def available(board: Board | str) -> dict[str, float]:
    """Resources available to user logic: device resources minus the shell share, per resource."""
    b = load_board(board)
    out: dict[str, float] = {}
    for k in RESOURCE_KEYS:
        v = b.resources[k] - b.shell_share[k]
        out[k] = int(v) if float(v).is_integer() else v
    return out


def budget(
    board: Board | str, limits: Mapping[str, float] | float | None = None
) -> dict[str, float]:
    """Resource budget = available resources x utilisation limits, per resource (floats, unrounded).

    ``limits`` overrides the board's ``utilisation_limits``: a single fraction for every resource,
    or a mapping for some resources (the rest keep the board's values). Fractions must be in (0, 1].
    """
    b = load_board(board)
    lim = dict(b.utilisation_limits)
    if limits is not None:
        if _is_number(limits):
            lim = {k: float(limits) for k in RESOURCE_KEYS}
        elif isinstance(limits, Mapping):
            for k, v in limits.items():
                if k not in RESOURCE_KEYS:
                    raise ValueError(f"unknown resource {k!r} in limits (allowed: {list(RESOURCE_KEYS)})")
                lim[k] = v
        else:
            raise TypeError("limits must be a fraction or a mapping of per-resource fractions")
        for k, v in lim.items():
            if not _is_number(v) or not 0 < v <= 1:
                raise ValueError(f"utilisation limit for {k} must be in (0, 1], got {v!r}")
    avail = available(b)
    return {k: avail[k] * lim[k] for k in RESOURCE_KEYS}
