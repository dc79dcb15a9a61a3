import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def digits():
    from codesign.data import load_digits

    return load_digits()
