"""Running vendor tools: found on PATH or not, every return code checked, output shown on failure."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


class ToolError(RuntimeError):
    pass


def have(tool: str) -> bool:
    return shutil.which(tool) is not None


def run_tool(cmd: list[str], cwd: Path, log: Path) -> None:
    """Run cmd in cwd, logging to log; raise ToolError with the output's tail if it fails."""
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log.write_text(proc.stdout)
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-40:])
        raise ToolError(f"{' '.join(cmd)} failed with exit code {proc.returncode} (full log: {log}):\n{tail}")
