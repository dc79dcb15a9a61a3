"""Cycle-accurate stream simulation of a Dataflow IR design, and FIFO sizing.

What is simulated
-----------------
Every op replays the read/write schedule of its HLS loop nest, `op.schedule()` (in the op's own file):
a dict with, per frame, `n` loop iterations (II=1: at most one per cycle), for each input port the
iterations that read one beat, for each output port the iterations that write one, the pipeline
`depth` (cycles from an iteration going in to its output beat being readable downstream), and `need`
(for each output beat, how many input beats of the frame it depends on). Frames follow back to back.
Around the ops: a source writing the accelerator input one beat per cycle at the first op's input
width, a sink reading the output one beat per cycle, a FIFO on every stream (depth in beats; a
StreamingFIFO node in the graph becomes the depth of its stream) and a data-width converter wherever a
producer's beat holds a different number of elements than its consumer's (as FINN inserts them; its
schedule is the DWC op's). Forks (DuplicateStreams: writes all outputs in the same iteration, so it
stalls while any is full) and joins (AddStreams: needs a beat from both inputs) are ordinary nodes.

The pipeline model is FINN's flushable HLS pipeline (`#pragma HLS pipeline style=flp II=1`) with
blocking stream reads and writes, see engine.py: a missing input beat is a bubble (older iterations
keep moving), an output beat meeting a full FIFO freezes the node; a FIFO slot is reusable the cycle
after its beat is read, a beat readable the cycle after it is written (so depth 2 sustains one beat per
cycle, depth 1 half of that). Three engines compute the same cycles: an event-driven compiled core
("c", built with the system C compiler through ctypes and cached), the same algorithm in Python
("python"), and a naive clock ("cycle"), which the tests compare beat for beat.

Results (simulate -> SimResult)
-------------------------------
latency: cycles from the first input beat read to the last output beat of frame 0, both counted;
interval: cycles between the last two frame completions; per node busy / starved (bubble: an input beat
missing) / blocked (frozen on a full output FIFO) cycles up to its last intake; per FIFO most beats held
at once; on a deadlock (nothing can move and frames remain) a report naming the full and the empty FIFOs
and what each waiting node waits for. In data mode the values are carried through the simulated streams
(each node applies its golden model to the beats it read, in stream order; converters repack them) and
the output is compared with `graph.execute`; every output beat is checked to depend only on input beats
its node had read by the iteration that writes it (`need`, which tests validate against the golden
models by perturbing later input beats).

Agreement with the analytical model (tolerance: 0 cycles)
---------------------------------------------------------
For a pipeline whose FIFOs never fill (unbounded, or as deep as the unbounded run's maximum occupancies;
the sized depths keep it by construction), the interval from the third frame on equals the largest per-frame iteration count of any node,
`Network.max_schedule_cycles()`, exactly; tests check it on hand-built graphs, the zoo designs and CNV
with BNN-PYNQ folding. From first principles: a node takes in at most one iteration per cycle, so the
node with N_max iterations per frame cannot finish frames faster than one per N_max cycles. Conversely,
the source never waits, every node upstream of the bottleneck is faster and, with FIFOs that do not fill,
gets N_max - N_up cycles further ahead each frame, so after the first frame the bottleneck never starves
and is never blocked; nodes downstream are faster and follow it at a fixed offset, so frames leave every
N_max cycles. (Frame 0 to 1 can differ: the pipeline is still filling.)
Our iteration counts are FINN's cycle formulas (codesign/hw/finn_formulas.py, as the ops' cycles() give
them) exactly for MVAU ((MH/PE)(MW/SIMD) per vector), VVAU, Thresholding, AddStreams, DuplicateStreams,
FMPadding, GlobalAccPool, and the sliding-window generator whenever K >= stride and it is not a strided
depthwise one: its schedule has the structure of FINN's RTL default-style generator, so it takes
((K_h-1)*IFM_w + K_w)*CF + OFM_h*max(OFM_w*K_h*K_w*CF, stride*IFM_w*CF) iterations. They differ where the
formula is not a schedule: a 1x1 window with stride 2 (our last block only reads what is left of the
frame: 16 to 32 cycles fewer on ResNet-8's downsampling branches), strided depthwise windows (FINN adds
terms for its depthwise controller, which we do not model: up to 10% fewer), StreamingMaxPool (FINN's 2D
formula IFM_w^2*(1+1/k^2) ignores the height; ours reads every input row, then writes each pooled row),
LabelSelect (ours adds the k output iterations) and the data-width converter (FINN counts elements twice;
ours is max(words in, words out)). So the simulated interval
equals FINN's max layer cycles whenever the bottleneck is one of the exact ops, which is the usual case.
What the analytical model does not give, and the simulation does: the latency (layers overlap; each
waits for what it needs, e.g. an SWG for K rows, an MVAU for a whole vector), the loss when FIFOs are too
shallow (a slow consumer's backpressure or a fork/join whose short branch must hold what the long branch
needs before its first output; too little and the design deadlocks, as in hardware), and therefore
FIFO sizing. Not modelled: the I/O roof (the source delivers a beat per cycle at whatever width the first
op reads; the DMA port width is the roofline model's business), clock-domain crossings, memory stalls
of decoupled weights.
"""
from .fifo_sizing import FifoSizing, apply_fifo_depths, fifo_cost, size_fifos
from .network import Network, NetworkError, build_network
from .simulate import NodeStats, SimResult, simulate

__all__ = ["FifoSizing", "Network", "NetworkError", "NodeStats", "SimResult", "apply_fifo_depths", "build_network",
           "fifo_cost", "simulate", "size_fifos", "plot_pipeline"]


def plot_pipeline(result, path, max_fifos: int = 12):
    """Per-node activity over time and FIFO occupancy of a traced SimResult (simulate(..., trace=True))."""
    from .plot import plot_pipeline as _plot

    return _plot(result, path, max_fifos)
