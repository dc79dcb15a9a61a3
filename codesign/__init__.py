"""codesign: FPGA algorithm-hardware co-design, from Brevitas QAT to streaming HLS dataflow."""

__version__ = "0.1.0"
