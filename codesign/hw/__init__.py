"""Hardware estimation: board database and FINN-compatible cost formulas.

- :mod:`codesign.hw.boards`: boards (device resources, shell share, DMA port, memory bandwidth)
  and the resource budget left for user logic.
- :mod:`codesign.hw.finn_formulas`: FINN's published cycle and resource formulas as pure
  functions of plain numbers.
"""

from codesign.hw.boards import Board, available, budget, list_boards, load_board

__all__ = ["Board", "available", "budget", "list_boards", "load_board"]
