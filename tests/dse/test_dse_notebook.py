"""notebooks/dse.ipynb executes headless (nbclient, kernel python3) within 90 s and shows its front."""
import time
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "dse.ipynb"


def test_dse_notebook_executes(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("DSE_OUT", str(tmp_path / "dse_out"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    t0 = time.monotonic()
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    elapsed = time.monotonic() - t0
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "designs evaluated" in text and "uniform configurations" in text and "codesign:" in text and "finn    :" in text
    assert [o for o in outputs if o.output_type == "display_data" and "image/png" in o.get("data", {})]
    assert (tmp_path / "dse_out" / "design" / "folding_config.json").is_file()
    assert elapsed < 90, f"the notebook took {elapsed:.0f} s"
