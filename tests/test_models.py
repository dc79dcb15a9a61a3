import pytest
import torch

from codesign.models import ZOO, build_model, bits_label, model_from_spec, n_weight_layers, parse_bits
from codesign.models.quant import LayerBits

from zoo_helpers import SMALL_INPUT, calibrated, mixed_bits


def test_parse_uniform_and_per_layer():
    assert parse_bits("w2a4", 3) == [LayerBits(2, 4)] * 3
    assert parse_bits([(1, 1), (8, 2)], 2) == [LayerBits(1, 1), LayerBits(8, 2)]
    assert parse_bits("w1a1,w4a4", 2) == [LayerBits(1, 1), LayerBits(4, 4)]
    assert bits_label(parse_bits("w1a1", 2)) == "w1a1"
    assert bits_label(parse_bits([(1, 1), (2, 2)], 2)) == "w1a1,w2a2"


@pytest.mark.parametrize("spec, needle", [("w5a1", "5 bits"), ("x1", "wXaY"), ([(1, 1)], "4 weight layers")])
def test_parse_errors_name_the_problem(spec, needle):
    with pytest.raises(ValueError, match=needle):
        parse_bits(spec, 4)


@pytest.mark.parametrize("name", sorted(ZOO))
@pytest.mark.parametrize("bits", ["w1a1", "w2a2", "w4a4", "mixed"])
def test_every_model_builds_and_runs(name, bits):
    spec = mixed_bits(name, n_weight_layers(name)) if bits == "mixed" else bits
    model = calibrated(name, spec)
    out = model(torch.rand(2, *model.input_shape) * 2 - 1)
    out = out.value if hasattr(out, "value") else out
    assert out.shape == (2, 10)
    again = model_from_spec(model.spec())
    again.load_state_dict(model.state_dict())
    out2 = again.eval()(torch.zeros(1, *model.input_shape))
    ref = model(torch.zeros(1, *model.input_shape))
    assert torch.equal(getattr(out2, "value", out2), getattr(ref, "value", ref))


def test_mlps_take_any_input_size():
    for shape in [(1, 8, 8), (1, 28, 28)]:
        m = build_model("tfc", "w1a1", input_shape=shape)
        assert m.features[0].in_features == shape[1] * shape[2]


def test_unknown_model_lists_zoo():
    with pytest.raises(ValueError, match="tfc"):
        build_model("vgg99")


def test_cnv_rejects_small_inputs():
    with pytest.raises(ValueError, match="32x32"):
        build_model("cnv", "w1a1", input_shape=(1, 8, 8))
