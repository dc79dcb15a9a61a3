import numpy as np
import pytest

from codesign.hls.packing import beat_bytes, decode, encode, pack_beats, unpack_beats
from codesign.ir.datatypes import BIPOLAR, DataType


@pytest.mark.parametrize("dt", [BIPOLAR, DataType(2, True), DataType(3, False), DataType(4, True), DataType(8, False), DataType(12, True)])
@pytest.mark.parametrize("lanes", [1, 3, 4])
def test_pack_unpack_round_trip(dt, lanes):
    rng = np.random.default_rng(0)
    n = lanes * 5
    vals = rng.choice([-1, 1], size=(3, n)) if dt.bipolar else rng.integers(dt.min, dt.max + 1, size=(3, n))
    packed = pack_beats(vals, dt, lanes)
    assert packed.shape == (3, 5, beat_bytes(lanes, dt.bits))
    np.testing.assert_array_equal(unpack_beats(packed, dt, lanes, n), vals)


def test_lane_zero_is_least_significant():
    # INT4 lanes [-1, 2] -> codes 0xF, 0x2 -> byte 0x2F
    packed = pack_beats(np.array([[-1, 2]]), DataType(4, True), 2)
    assert packed.tolist() == [[[0x2F]]]
    # bipolar [+1, -1, +1] -> bits 1,0,1 -> 0b101
    assert pack_beats(np.array([[1, -1, 1]]), BIPOLAR, 3).tolist() == [[[5]]]


def test_encode_rejects_out_of_range():
    with pytest.raises(ValueError, match="UINT2"):
        encode(np.array([4]), DataType(2, False))
    assert decode(encode(np.array([-8, 7]), DataType(4, True)), DataType(4, True)).tolist() == [-8, 7]
