"""Design-space exploration: folding (PE/SIMD) and per-layer bit-widths against a board's budget.

- :mod:`~codesign.dse.problem`: the backend-neutral problem (DSENode, Choice, Tie, Edge, DSEProblem);
- :mod:`~codesign.dse.costs`: the adapter that builds it from a Dataflow IR graph and an estimator;
- :mod:`~codesign.dse.solver`: the exact folding optimiser (min max-cycles, gap reported);
- :mod:`~codesign.dse.finn_strategy`: FINN's SetFolding + finn-experimental's AllocateResources;
- :mod:`~codesign.dse.fold`: ``optimise_folding(graph, board)``, verified by codesign.hw.estimate;
- :mod:`~codesign.dse.sensitivity`: per-layer quantisation sensitivity (the accuracy proxy);
- :mod:`~codesign.dse.explore`: bits x folding search, Pareto front, QAT confirmation;
- :mod:`~codesign.dse.executor`: process pool / Ray / serial with a resumable JSON-lines cache;
- :mod:`~codesign.dse.cli_explore`: the ``codesign explore`` command.
"""
from .problem import RESOURCE_KEYS, Choice, DSENode, DSEProblem, Edge, Tie
from .solver import DSEInfeasible, Solution, brute_force, solve

__all__ = ["RESOURCE_KEYS", "Choice", "DSENode", "DSEProblem", "Edge", "Tie", "DSEInfeasible", "Solution", "solve",
           "brute_force", "optimise_folding", "explore", "ExploreConfig", "set_folding", "allocate_resources"]


def __getattr__(name):  # heavier modules (torch, the IR) load on first use
    if name == "optimise_folding":
        from .fold import optimise_folding
        return optimise_folding
    if name in ("explore", "ExploreConfig"):
        from . import explore as _e
        return getattr(_e, name)
    if name in ("set_folding", "allocate_resources"):
        from . import finn_strategy as _f
        return getattr(_f, name)
    raise AttributeError(name)
