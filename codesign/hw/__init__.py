"""Hardware estimation: board database, FINN-compatible cost formulas, estimators, network estimate,
roofline and FINN folding configs.

- :mod:`codesign.hw.boards`: boards (device resources, shell share, DMA port, memory bandwidth)
  and the resource budget left for user logic.
- :mod:`codesign.hw.finn_formulas`: FINN's published cycle and resource formulas as pure
  functions of plain numbers.
- :mod:`codesign.hw.estimators`: ``get_estimator("finn" | "codesign", board)``, the object each op's
  ``resources(est)`` is priced with.
- :mod:`codesign.hw.estimate`: ``estimate(graph, board, clock_mhz, estimator, limits)`` -> JSON-able dict.
- :mod:`codesign.hw.roofline`: bit-width-aware roofline numbers and ``plot_roofline(est, path)``.
- :mod:`codesign.hw.folding`: FINN folding-config JSON, ``apply_folding`` / ``write_folding``.
- :mod:`codesign.hw.cli_estimate`: the ``codesign estimate`` command.
"""

from codesign.hw.boards import Board, available, budget, list_boards, load_board
from codesign.hw.estimate import estimate
from codesign.hw.estimators import get_estimator
from codesign.hw.folding import apply_folding, read_folding, write_folding
from codesign.hw.roofline import plot_roofline

__all__ = ["Board", "available", "budget", "list_boards", "load_board", "estimate", "get_estimator",
           "apply_folding", "read_folding", "write_folding", "plot_roofline"]
