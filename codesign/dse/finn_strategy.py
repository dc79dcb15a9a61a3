"""Baseline ``--strategy finn``: FINN's folding heuristic, re-implemented on the DSE problem.

:func:`set_folding` follows ``SetFolding`` in finn/src/finn/transformation/fpgadataflow/set_folding.py
(Xilinx/finn, main, 2024 HW/HLS/RTL split) step by step:

- ``optimize_attribute_val``: set the attribute to 1, then walk its divisors in ascending order and
  stop at the first whose expected cycles are strictly below ``target_cycles_per_frame``;
- MVAU: PE = SIMD = 1; raise SIMD through the divisors of MW until the target is met, reverting
  the last step and stopping once ``weight bits x SIMD > mvau_wwidth_max`` (default 36); then
  ``optimize_attribute_val`` on PE over the divisors of MH;
- PE ops (AddStreams, ChannelwiseOp, DuplicateStreams, GlobalAccPool, Thresholding,
  ReplicateStream) and LabelSelect: ``optimize_attribute_val`` on PE;
- VVAU / Pool: SIMD = 1, optimise PE; only if PE reached its maximum and the target is still missed,
  optimise SIMD over the divisors of the kernel size; then set the producing (depthwise) sliding
  window generator's SIMD to the VVAU's PE;
- SIMD ops (FMPadding, DownSampler, non-depthwise ConvolutionInputGenerator): optimise SIMD;
  depthwise generators are skipped (their VVAU sets them);
- anything else (DWC, FIFO, 1D StreamingMaxPool) keeps its folding, as FINN only warns about it;
  a 2D StreamingMaxPool is set to PE = C: FINN's 2D max pool (finn-hlslib StreamingMaxPool_Batch)
  takes all channels in one beat and its PE attribute applies to 1D pools only, so C-wide is what
  FINN builds (this IR makes PE a free parameter of every max pool);
- two-pass relaxation: if the slowest node misses the target, run once more (without relaxation)
  with the target set to what was achieved, to balance the pipeline to the real bottleneck.

:func:`allocate_resources` wraps it as finn-experimental's ``AllocateResources``
(Xilinx/finn-experimental, src/finnexperimental/transformation/fpgadataflow/allocate_resources.py):
start from ``cpf_target = clk / fps_target`` (1 for the fastest design, fps_target = -1), fold, re-fold
at the achieved cycles if the target was missed, estimate resources, and while over budget multiply
the target by the worst over-budget ratio and fold again. Two deliberate differences, both so that
FINN's answer and ours are judged by the same estimator at the same budget: the resource check uses
the full problem evaluation (nodes plus the DWCs/FIFOs its folding implies, which FINN only inserts
after folding) and all five resources (FINN's loop checks LUT, BRAM, URAM and DSP, not FF;
``finn_resource_set=True`` restores that); and a loop still
over budget at the slowest folding raises :class:`DSEInfeasible` instead of spinning forever. SetMemMode (memory styles) is
not part of the folding search here.
"""
from __future__ import annotations

import math
import warnings

from .problem import RESOURCE_KEYS, DSENode, DSEProblem
from .solver import DSEInfeasible

PE_OPS = ("AddStreams", "ChannelwiseOp", "DuplicateStreams", "GlobalAccPool", "Thresholding", "ReplicateStream")
SIMD_OPS = ("DownSampler", "FMPadding", "FMPadding_Pixel", "ConvolutionInputGenerator")
DEPTHWISE_OP_EXCEPTIONS = ("VVAU", "Pool")
MVAU_OPS = ("MVAU",)


def _base_type(op_type: str) -> str:
    for suffix in ("_hls", "_rtl"):
        if op_type.endswith(suffix):
            return op_type[: -len(suffix)]
    return op_type


class _State:
    def __init__(self, problem: DSEProblem, trace: list | None):
        self.p = problem
        self.params = {}
        for n in problem.nodes:
            start = n.current
            if start is None:
                start = {}
                for k in n.param_names:
                    vals = n.legal_values(k)
                    start[k] = 1 if 1 in vals else ("auto" if "auto" in vals else vals[0])
            self.params[n.name] = dict(start)
        self.trace = trace

    def set(self, node: DSENode, attr: str, value: int):
        self.params[node.name][attr] = int(value)
        if self.trace is not None:
            self.trace.append((node.name, attr, int(value), self.cycles(node)))

    def cycles(self, node: DSENode) -> float:
        return node.choices[node.index_of(self.params[node.name])].cycles

    def max_cycles(self) -> tuple[float, str]:
        return max((self.cycles(n), n.name) for n in self.p.nodes)


def _optimize_attribute_val(st: _State, node: DSENode, attr: str, target: float):
    st.set(node, attr, 1)
    for val in node.legal_values(attr):  # divisors of the maximum, ascending
        st.set(node, attr, val)
        if st.cycles(node) < target:
            break


def _producer(problem: DSEProblem, node: DSENode) -> DSENode | None:
    for e in problem.edges:
        if e.dst == node.name:
            return problem.node(e.src)
    return None


def _one_pass(st: _State, target: float, mvau_wwidth_max: int):
    p = st.p
    for node in p.nodes:
        op = _base_type(node.op_type)
        if op in MVAU_OPS:
            st.set(node, "pe", 1)
            st.set(node, "simd", 1)
            wbits = int(node.meta.get("weight_bits", 1))
            for simd_val in node.legal_values("simd"):
                prev = st.params[node.name]["simd"]
                st.set(node, "simd", simd_val)
                if st.cycles(node) < target:
                    break
                if wbits * st.params[node.name]["simd"] > mvau_wwidth_max:
                    st.set(node, "simd", prev)
                    break
            _optimize_attribute_val(st, node, "pe", target)
        elif op in PE_OPS or op == "LabelSelect":
            _optimize_attribute_val(st, node, "pe", target)
        elif op in DEPTHWISE_OP_EXCEPTIONS:
            if "simd" in node.param_names:
                st.set(node, "simd", 1)
            _optimize_attribute_val(st, node, "pe", target)
            pe = st.params[node.name]["pe"]
            if "simd" in node.param_names and pe == max(node.legal_values("pe")) and st.cycles(node) > target:
                _optimize_attribute_val(st, node, "simd", target)
            swu = _producer(p, node)
            if swu is not None and _base_type(swu.op_type) == "ConvolutionInputGenerator":
                st.set(swu, "simd", pe)
            elif int(node.meta.get("kernel_size", 1)) != 1:
                raise ValueError(f"{node.name}: expected a sliding window generator on the input of a depthwise op, found "
                                 f"{swu.op_type if swu else 'nothing'}")
        elif op in SIMD_OPS:
            if op == "ConvolutionInputGenerator" and node.meta.get("depthwise"):
                continue  # set by its VVAU
            _optimize_attribute_val(st, node, "simd", target)
        elif op == "StreamingMaxPool" and not node.meta.get("pool_1d", False):
            st.set(node, "pe", max(node.legal_values("pe")))
        else:
            if node.param_names:
                warnings.warn(f"SetFolding doesn't know how to handle op_type {node.op_type}", stacklevel=3)


def set_folding(problem: DSEProblem, target_cycles_per_frame: float = 1000, mvau_wwidth_max: int = 36,
                two_pass_relaxation: bool = True, trace: list | None = None) -> dict[str, dict[str, int]]:
    """FINN's SetFolding on the problem's nodes; returns {node: {param: value}}.
    ``trace`` (a list) receives every (node, attr, value, node cycles) set, in order."""
    st = _State(problem, trace)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _one_pass(st, target_cycles_per_frame, mvau_wwidth_max)
    if two_pass_relaxation:
        achieved, _ = st.max_cycles()
        if achieved > target_cycles_per_frame:
            # FINN rebuilds from the folded model: nodes SetFolding does not touch keep their values
            relaxed = DSEProblem(
                [DSENode(n.name, n.choices, n.op_type, n.meta, st.params[n.name]) for n in problem.nodes],
                problem.budget, problem.edges, problem.ties, problem.max_stream_bits, problem.min_cycles, problem.clock_mhz)
            return set_folding(relaxed, achieved, mvau_wwidth_max, False, trace)
    return st.params


def allocate_resources(problem: DSEProblem, fps_target: float = -1, clock_mhz: float | None = None, max_iter: int = 200,
                       finn_resource_set: bool = False, history: list | None = None) -> dict[str, dict[str, int]]:
    """finn-experimental's AllocateResources loop around :func:`set_folding` (see the module doc)."""
    clock_mhz = clock_mhz or problem.clock_mhz
    cpf_target = 1.0 if fps_target == -1 else float(int(clock_mhz * 1e6 / fps_target))
    keys = ("LUT", "BRAM18", "URAM", "DSP") if finn_resource_set else RESOURCE_KEYS
    budget = problem.budget_vector
    slowest = set_folding(problem, math.inf, two_pass_relaxation=False)
    for _ in range(max_iter):
        fold = set_folding(problem, cpf_target)
        achieved = max(n.choices[n.index_of(fold[n.name])].cycles for n in problem.nodes)
        if cpf_target < achieved:
            fold = set_folding(problem, achieved)
        ev = problem.evaluate(fold)
        used = ev["resources"]
        ratios = {}
        for i, k in enumerate(RESOURCE_KEYS):
            if k not in keys:
                continue
            if budget[i] > 0:
                ratios[k] = used[k] / budget[i]
            elif used[k] > 0:
                raise DSEInfeasible(f"{k} allocated ({used[k]:.0f}) but the budget has none")
        worst = max(ratios.values())
        if history is not None:
            history.append({"cpf_target": cpf_target, "max_cycles": ev["max_cycles"], "worst_ratio": worst,
                            "resources": used})
        if worst <= 1.0 + 1e-12:
            return fold
        if fold == slowest:
            raise DSEInfeasible(f"FINN's loop is over budget (worst ratio {worst:.3f}) at its slowest folding")
        cpf_target *= worst
        if not math.isfinite(cpf_target):
            raise DSEInfeasible("FINN's loop diverged")
    raise DSEInfeasible(f"FINN's AllocateResources loop did not fit the budget in {max_iter} iterations")


__all__ = ["set_folding", "allocate_resources"]
