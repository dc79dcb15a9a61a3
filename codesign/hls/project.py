"""What code generation hands to the build flow: the generated HLS project and its interface."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

TOP_NAME = "codesign_top"
PROJECT_JSON = "hls_project.json"


@dataclass
class StreamPort:
    """An AXI-Stream port of the accelerator: elements per beat and bits per element."""

    name: str
    lanes: int
    bits: int
    dtype: str  # DataType name
    beats_per_frame: int
    elements_per_frame: int

    @property
    def width_bits(self) -> int:
        """TDATA width: the beat padded to whole bytes, as AXI-Stream requires."""
        return ((self.lanes * self.bits + 7) // 8) * 8


@dataclass
class HLSProject:
    folder: str
    top: str
    part: str
    clock_mhz: float
    input: StreamPort
    output: StreamPort
    sources: list[str] = field(default_factory=list)  # relative to folder
    testbench: str = "tb.cpp"
    tcl: str = "run_hls.tcl"

    def save(self) -> Path:
        path = Path(self.folder) / PROJECT_JSON
        doc = asdict(self)
        doc["folder"] = "."  # relocatable, and the same bytes wherever it is generated
        path.write_text(json.dumps(doc, indent=1, sort_keys=True))
        return path

    @staticmethod
    def load(folder: str | Path) -> "HLSProject":
        path = Path(folder) / PROJECT_JSON
        if not path.is_file():
            raise FileNotFoundError(f"{folder} is not a generated HLS folder ({PROJECT_JSON} missing); run `codesign codegen` first")
        d = json.loads(path.read_text())
        d["input"], d["output"] = StreamPort(**d["input"]), StreamPort(**d["output"])
        d["folder"] = str(Path(folder))
        return HLSProject(**d)
