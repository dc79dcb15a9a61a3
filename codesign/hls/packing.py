"""The accelerator's stream format: integer tensors <-> packed beats and bytes.

A stream of LANES elements of BITS bits per beat carries element i of the beat in bits
[i*BITS, (i+1)*BITS), lane 0 in the least significant bits; signed elements in two's complement,
bipolar -1/+1 as 0/1. On the memory side each beat is padded to whole bytes and stored
little-endian, which is what an AXI DMA moving the stream to and from DDR sees.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # this module is also shipped standalone next to the runtime driver
    from ..ir.datatypes import DataType


def encode(values: np.ndarray, dt: DataType) -> np.ndarray:
    """Element values -> their raw unsigned BITS-bit codes (uint64)."""
    v = np.asarray(values, dtype=np.int64)
    if not dt.allowed(v):
        raise ValueError(f"values outside {dt.name} [{dt.min}, {dt.max}]: {v.min()}..{v.max()}")
    if dt.bipolar:
        return (v > 0).astype(np.uint64)
    return (v & ((1 << dt.bits) - 1)).astype(np.uint64)


def decode(codes: np.ndarray, dt: DataType) -> np.ndarray:
    c = np.asarray(codes, dtype=np.int64)
    if dt.bipolar:
        return np.where(c & 1, 1, -1).astype(np.int64)
    if dt.signed:
        sign = 1 << (dt.bits - 1)
        return (c ^ sign) - sign
    return c


def beat_bytes(lanes: int, bits: int) -> int:
    return (lanes * bits + 7) // 8


def pack_beats(values: np.ndarray, dt: DataType, lanes: int) -> np.ndarray:
    """(frames, elements) integers -> (frames, beats, beat_bytes) uint8, little-endian beats."""
    v = np.asarray(values).reshape(len(values), -1)
    n = v.shape[1]
    if n % lanes:
        raise ValueError(f"{n} elements per frame do not split into beats of {lanes} lanes")
    codes = encode(v, dt).reshape(len(v), n // lanes, lanes)
    bits = np.unpackbits(codes.astype("<u8").view(np.uint8).reshape(*codes.shape, 8), axis=-1, bitorder="little")[..., : dt.bits]
    flat = bits.reshape(len(v), n // lanes, lanes * dt.bits)
    nbytes = beat_bytes(lanes, dt.bits)
    padded = np.zeros((len(v), n // lanes, nbytes * 8), dtype=np.uint8)
    padded[..., : lanes * dt.bits] = flat
    return np.packbits(padded, axis=-1, bitorder="little")


def unpack_beats(packed: np.ndarray, dt: DataType, lanes: int, elements: int) -> np.ndarray:
    """(frames, beats, beat_bytes) uint8 -> (frames, elements) int64."""
    p = np.asarray(packed, dtype=np.uint8)
    frames = len(p)
    bits = np.unpackbits(p, axis=-1, bitorder="little")[..., : lanes * dt.bits]
    bits = bits.reshape(frames, -1, lanes, dt.bits)
    codes = np.zeros(bits.shape[:-1], dtype=np.int64)
    for b in range(dt.bits):
        codes |= bits[..., b].astype(np.int64) << b
    return decode(codes.reshape(frames, -1)[:, :elements], dt)


def pack_words(values: np.ndarray, bits: int, signed_or_bipolar: DataType | None = None) -> list[int]:
    """A list of integers (one per word) from rows of lane values: row i -> word i (lane 0 in LSBs).

    Used to write constant arrays (weights, thresholds) into generated C++ as hex literals.
    """
    rows = np.asarray(values)
    words = []
    for row in rows.reshape(len(rows), -1):
        codes = encode(row, signed_or_bipolar) if signed_or_bipolar is not None else row.astype(np.uint64)
        w = 0
        for i, c in enumerate(codes.tolist()):
            w |= int(c) << (i * bits)
        words.append(w)
    return words
