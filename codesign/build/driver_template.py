"""codesign runtime driver (generated next to the bitstream): runs the accelerator on a board.

PYNQ (Zynq boards) moves packed input beats to the accelerator through an AXI DMA and reads the
output beats back; XRT (Alveo) copies them to and from the kernel's memory banks. Packing and
unpacking are numpy-only and match the accelerator's stream format (see io_spec.json).
"""
import json
from pathlib import Path

import numpy as np

from codesign_packing import pack_beats, unpack_beats

HERE = Path(__file__).resolve().parent
AP_CTRL, NUM_FRAMES_REG = 0x00, 0x10  # Vitis HLS s_axilite map: control word, then the first scalar argument


class DataTypeSpec:
    """The few DataType facts the packing needs, read from io_spec.json."""

    def __init__(self, name):
        self.name = name
        self.bipolar = name == "BIPOLAR"
        self.signed = name.startswith("INT") or self.bipolar
        self.bits = 1 if name in ("BIPOLAR", "BINARY") else int(name.lstrip("UINT"))
        self.min = -1 if self.bipolar else (-(1 << (self.bits - 1)) if self.signed else 0)
        self.max = 1 if self.bipolar else ((1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1)

    def allowed(self, v):
        v = np.asarray(v)
        return bool(np.isin(v, (-1, 1)).all()) if self.bipolar else bool(((v >= self.min) & (v <= self.max)).all())


class IOSpec:
    def __init__(self, path=HERE / "io_spec.json"):
        self.spec = json.loads(Path(path).read_text())
        self.idt = DataTypeSpec(self.spec["input"]["dtype"])
        self.odt = DataTypeSpec(self.spec["output"]["dtype"])

    def quantize(self, x):
        """Float network input (as trained) -> the accelerator's integers (NHWC order)."""
        s = self.spec
        q = np.clip(np.round(np.asarray(x, dtype=np.float64) / s["input_scale"]), self.idt.min, self.idt.max).astype(np.int64)
        if s["input_layout"] == "NCHW" and q.ndim == 4:
            q = q.transpose(0, 2, 3, 1)
        return q.reshape(len(q), -1)

    def pack_input(self, x_int):
        return pack_beats(np.asarray(x_int).reshape(len(x_int), -1), self.idt, self.spec["input"]["lanes"])

    def unpack_output(self, packed, frames):
        o = self.spec["output"]
        raw = np.asarray(packed, dtype=np.uint8).reshape(frames, o["beats_per_frame"], -1)
        return unpack_beats(raw, self.odt, o["lanes"], o["elements_per_frame"])

    def dequantize(self, y_int):
        s = self.spec
        if s.get("output_mul") is None:
            return y_int
        return y_int * np.asarray(s["output_mul"]) + np.asarray(s["output_add"])


class PynqAccelerator(IOSpec):
    def __init__(self, bitfile=HERE / "codesign.bit"):
        from pynq import Overlay  # only on the board

        super().__init__()
        self.overlay = Overlay(str(bitfile))
        self.dma, self.accel = self.overlay.dma, self.overlay.accel

    def execute_int(self, x_int):
        from pynq import allocate

        frames = len(x_int)
        packed = self.pack_input(x_int)
        ibuf = allocate(shape=packed.size, dtype=np.uint8)
        obuf = allocate(shape=frames * self.spec["output"]["beats_per_frame"] * self.spec["output"]["beat_bytes"], dtype=np.uint8)
        ibuf[:] = packed.reshape(-1)
        self.accel.write(NUM_FRAMES_REG, frames)
        self.accel.write(AP_CTRL, 1)
        self.dma.recvchannel.transfer(obuf)
        self.dma.sendchannel.transfer(ibuf)
        self.dma.sendchannel.wait()
        self.dma.recvchannel.wait()
        return self.unpack_output(np.array(obuf), frames)

    def __call__(self, x):
        return self.dequantize(self.execute_int(self.quantize(x)))


class XrtAccelerator(IOSpec):
    def __init__(self, xclbin=HERE / "codesign.xclbin", device_index=0):
        import pyxrt  # only where XRT is installed

        super().__init__()
        self.pyxrt = pyxrt
        self.device = pyxrt.device(device_index)
        uuid = self.device.load_xclbin(str(xclbin))
        self.kernel = pyxrt.kernel(self.device, uuid, "codesign_kernel")

    def execute_int(self, x_int):
        xrt = self.pyxrt
        frames = len(x_int)
        packed = self.pack_input(x_int)
        # the kernel's memory words are the stream beats padded to CS_*_WIDTH bits
        ibo = xrt.bo(self.device, packed.size, xrt.bo.normal, self.kernel.group_id(0))
        out_bytes = frames * self.spec["output"]["beats_per_frame"] * self.spec["output"]["beat_bytes"]
        obo = xrt.bo(self.device, out_bytes, xrt.bo.normal, self.kernel.group_id(1))
        ibo.write(packed.reshape(-1).tobytes(), 0)
        ibo.sync(xrt.xclBOSyncDirection.XCL_BO_SYNC_BO_TO_DEVICE)
        run = self.kernel(ibo, obo, frames)
        run.wait()
        obo.sync(xrt.xclBOSyncDirection.XCL_BO_SYNC_BO_FROM_DEVICE)
        return self.unpack_output(np.frombuffer(obo.read(out_bytes, 0), dtype=np.uint8), frames)

    def __call__(self, x):
        return self.dequantize(self.execute_int(self.quantize(x)))


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="run the codesign accelerator on a batch (.npy in, .npy out)")
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--platform", choices=["pynq", "xrt"], default="pynq")
    args = ap.parse_args()
    acc = PynqAccelerator() if args.platform == "pynq" else XrtAccelerator()
    np.save(args.output, acc(np.load(args.input)))
