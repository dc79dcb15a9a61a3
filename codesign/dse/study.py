"""Design-space study specs: a YAML or JSON file naming an exploration (the fields of
:class:`codesign.dse.explore.ExploreConfig`), so a study is data that can be re-run and compared
with its stored reference result.

    name: tfc_digits_mixed
    model: tfc
    board: Pynq-Z1
    limits: 0.15
    search_bits: [1, 2, 4]
    dataset: digits

``codesign explore --study dse/tfc_digits_mixed.yaml --json out.json`` runs one (command-line options
given explicitly override the file).
"""
from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

from .explore import ExploreConfig

META_KEYS = ("name", "description", "reference")


def load_study(path: str | Path) -> tuple[ExploreConfig, dict]:
    """(config, meta) from a study file; unknown keys are an error naming them and the known ones."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no study file at {path}")
    text = path.read_text()
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise RuntimeError(f"{path}: reading YAML needs PyYAML (pip install pyyaml), or write the study as JSON") from None
        doc = yaml.safe_load(text) or {}
    else:
        doc = json.loads(text)
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: a study is a mapping of ExploreConfig fields")
    known = {f.name for f in fields(ExploreConfig)}
    unknown = sorted(set(doc) - known - set(META_KEYS))
    if unknown:
        raise ValueError(f"{path}: unknown keys {unknown}; known: {sorted(known | set(META_KEYS))}")
    meta = {k: doc[k] for k in META_KEYS if k in doc}
    cfg = ExploreConfig(**{k: (tuple(v) if k == "input_shape" and v is not None else v) for k, v in doc.items() if k in known})
    return cfg, meta


__all__ = ["load_study"]
