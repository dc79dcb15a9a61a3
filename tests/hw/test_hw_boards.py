"""Board database: every board loads and validates, figures match the datasheets, lookups and errors."""

import json
from pathlib import Path

import pytest

from codesign.hw import boards as B
from codesign.hw.boards import (
    Board,
    BoardSpecError,
    available,
    board_from_dict,
    budget,
    list_boards,
    load_board,
)

ALL = [
    "Pynq-Z1",
    "Pynq-Z2",
    "Ultra96-V2",
    "KV260",
    "ZCU104",
    "ZCU102",
    "Alveo-U50",
    "Alveo-U250",
    "Alveo-U280",
]

# Datasheet figures (LUT, FF, BRAM18 = 2 x BRAM36, URAM, DSP), written out independently of the
# JSON files: DS190 (XC7Z020), DS891 (ZU3EG, ZU7EV, ZU9EG), DS987 (K26), DS965 (U50),
# DS962 (U250), DS963 (U280).
EXPECTED = {
    "Pynq-Z1": ("xc7z020clg400-1", 53_200, 106_400, 2 * 140, 0, 220),
    "Pynq-Z2": ("xc7z020clg400-1", 53_200, 106_400, 2 * 140, 0, 220),
    "Ultra96-V2": ("xczu3eg-sbva484-1-i", 70_560, 141_120, 2 * 216, 0, 360),
    "KV260": ("xck26-sfvc784-2LV-c", 117_120, 234_240, 2 * 144, 64, 1_248),
    "ZCU104": ("xczu7ev-ffvc1156-2-e", 230_400, 460_800, 2 * 312, 96, 1_728),
    "ZCU102": ("xczu9eg-ffvb1156-2-e", 274_080, 548_160, 2 * 912, 0, 2_520),
    "Alveo-U50": ("xcu50-fsvh2104-2L-e", 871_680, 1_743_360, 2 * 1_344, 640, 5_952),
    "Alveo-U250": ("xcu250-figd2104-2L-e", 1_728_000, 3_456_000, 2 * 2_688, 1_280, 12_288),
    "Alveo-U280": ("xcu280-fsvh2892-2L-e", 1_303_680, 2_607_360, 2 * 2_016, 960, 9_024),
}

BOARD_DIR = Path(B.__file__).parent / "boards"


def test_list_boards_has_all_and_only_the_shipped_files():
    assert sorted(list_boards()) == sorted(ALL)
    assert sorted(p.stem for p in BOARD_DIR.glob("*.json")) == sorted(ALL)


@pytest.mark.parametrize("name", ALL)
def test_board_loads_validates_and_matches_datasheet(name):
    b = load_board(name)
    assert isinstance(b, Board)
    assert b.name == name
    part, lut, ff, bram18, uram, dsp = EXPECTED[name]
    assert b.part == part
    assert dict(b.resources) == {"LUT": lut, "FF": ff, "BRAM18": bram18, "URAM": uram, "DSP": dsp}
    # every number is cited
    assert b.sources and all(isinstance(s, str) and s for s in b.sources)
    for key in ("resources", "shell_share", "dma_port_bits", "ddr_bandwidth_gbps", "utilisation_limits"):
        assert any(s.startswith(key) or key in s for s in b.sources), (name, key)
    # FINN default limits
    assert dict(b.utilisation_limits) == {"LUT": 0.7, "FF": 0.5, "BRAM18": 0.8, "URAM": 0.8, "DSP": 0.8}
    # the JSON file round-trips through the validator
    data = json.loads((BOARD_DIR / f"{name}.json").read_text())
    assert board_from_dict(data, source=name) == b


@pytest.mark.parametrize(
    "name,family,series,port",
    [
        ("Pynq-Z1", "zynq7000", "7series", 64),
        ("Pynq-Z2", "zynq7000", "7series", 64),
        ("Ultra96-V2", "zynqmp", "ultrascale+", 128),
        ("KV260", "zynqmp", "ultrascale+", 128),
        ("ZCU104", "zynqmp", "ultrascale+", 128),
        ("ZCU102", "zynqmp", "ultrascale+", 128),
        ("Alveo-U50", "alveo", "ultrascale+", 512),
        ("Alveo-U250", "alveo", "ultrascale+", 512),
        ("Alveo-U280", "alveo", "ultrascale+", 512),
    ],
)
def test_family_series_and_dma_port(name, family, series, port):
    b = load_board(name)
    assert (b.family, b.fpga_series, b.dma_port_bits) == (family, series, port)


def test_zynq_boards_have_no_shell_and_full_availability():
    for name in ["Pynq-Z1", "Pynq-Z2", "Ultra96-V2", "KV260", "ZCU104", "ZCU102"]:
        b = load_board(name)
        assert all(v == 0 for v in b.shell_share.values())
        assert available(b) == dict(b.resources)


def test_alveo_available_after_shell():
    # U250: FINN platforms.py user region 4 SLRs x [375000, 750000, 1152, 320, 2880]
    assert available("Alveo-U250") == {
        "LUT": 4 * 375_000,
        "FF": 4 * 750_000,
        "BRAM18": 4 * 1_152,
        "URAM": 4 * 320,
        "DSP": 4 * 2_880,
    }
    # U50: SLR0 [374400, 748800, 1128, 304, 2592] + SLR1 [368160, 736320, 1128, 304, 2760]
    assert available("Alveo-U50") == {
        "LUT": 374_400 + 368_160,
        "FF": 748_800 + 736_320,
        "BRAM18": 1_128 + 1_128,
        "URAM": 304 + 304,
        "DSP": 2_592 + 2_760,
    }
    # U280: [400800, 801600, 1200, 320, 2736] + [382080, ..., 1152, 320, 2880] + [380640, ..., 1152, 320, 2880]
    assert available("Alveo-U280") == {
        "LUT": 400_800 + 382_080 + 380_640,
        "FF": 2 * (400_800 + 382_080 + 380_640),
        "BRAM18": 1_200 + 1_152 + 1_152,
        "URAM": 3 * 320,
        "DSP": 2_736 + 2_880 + 2_880,
    }


def test_budget_default_and_overrides():
    # Pynq-Z1: 53200*0.7 = 37240, 106400*0.5 = 53200, 280*0.8 = 224, 0, 220*0.8 = 176
    assert budget("Pynq-Z1") == pytest.approx(
        {"LUT": 37_240, "FF": 53_200, "BRAM18": 224, "URAM": 0, "DSP": 176}
    )
    # U250 LUT: (1728000 - 228000) * 0.7 = 1050000
    assert budget("Alveo-U250")["LUT"] == pytest.approx(1_050_000)
    # single fraction for all resources: 280 * 1.0
    assert budget("Pynq-Z1", 1.0)["BRAM18"] == pytest.approx(280)
    # partial mapping: LUT overridden to 0.5 -> 26600, FF keeps 0.5 -> 53200
    b = budget(load_board("Pynq-Z1"), {"LUT": 0.5})
    assert b["LUT"] == pytest.approx(26_600) and b["FF"] == pytest.approx(53_200)
    # method form equals function form
    assert load_board("ZCU104").budget() == budget("ZCU104")
    with pytest.raises(ValueError, match="LUT"):
        budget("Pynq-Z1", {"LUT": 1.5})
    with pytest.raises(ValueError, match="BRAM"):
        budget("Pynq-Z1", {"BRAM": 0.5})


@pytest.mark.parametrize(
    "query,name",
    [
        ("pynq-z1", "Pynq-Z1"),
        ("PYNQ_Z1", "Pynq-Z1"),
        ("pynqz2", "Pynq-Z2"),
        ("kv260_som", "KV260"),  # FINN's board name
        ("K26", "KV260"),
        ("ultra96v2", "Ultra96-V2"),
        ("U250", "Alveo-U250"),
        ("u50", "Alveo-U50"),
        ("alveo_u280", "Alveo-U280"),
        ("zcu104", "ZCU104"),
    ],
)
def test_alias_and_case_insensitive_lookup(query, name):
    assert load_board(query).name == name


def test_load_board_passes_board_through():
    b = load_board("ZCU102")
    assert load_board(b) is b


def test_unknown_board_lists_known_ones():
    with pytest.raises(ValueError) as ei:
        load_board("ZCU999")
    msg = str(ei.value)
    assert "ZCU999" in msg
    for name in ALL:
        assert name in msg


def _good():
    return json.loads((BOARD_DIR / "ZCU104.json").read_text()) | {"name": "MyBoard", "aliases": []}


def test_user_json_file_loads_by_path(tmp_path):
    d = _good()
    d["shell_share"] = 0.25
    del d["utilisation_limits"]  # optional: FINN defaults apply
    p = tmp_path / "myboard.json"
    p.write_text(json.dumps(d))
    b = load_board(str(p))
    assert b.name == "MyBoard" and b.path == str(p)
    assert load_board(p) == b  # PathLike works too
    # 25 % of 230400 LUTs taken by the shell: 172800 left, x 0.7 = 120960
    assert available(b)["LUT"] == 172_800
    assert budget(b)["LUT"] == pytest.approx(120_960)


def test_no_environment_variable_adds_boards(tmp_path, monkeypatch):
    # project rule: configuration is data (a JSON path), never an environment variable
    d = _good()
    (tmp_path / "MyBoard.json").write_text(json.dumps(d))
    monkeypatch.setenv("CODESIGN_BOARD_PATH", str(tmp_path))
    assert "MyBoard" not in list_boards()
    with pytest.raises(ValueError, match="unknown board"):
        load_board("MyBoard")
    assert load_board(str(tmp_path / "MyBoard.json")).name == "MyBoard"  # by path it works


@pytest.mark.parametrize(
    "mutate,field",
    [
        (lambda d: d.pop("part"), "part"),
        (lambda d: d.__setitem__("family", "versal"), "family"),
        (lambda d: d.__setitem__("fpga_series", "7series"), "fpga_series"),  # zynqmp is ultrascale+
        (lambda d: d["resources"].pop("DSP"), "resources.DSP"),
        (lambda d: d["resources"].__setitem__("LUT", -5), "resources.LUT"),
        (lambda d: d["resources"].__setitem__("FF", 1.5), "resources.FF"),
        (lambda d: d["resources"].__setitem__("BRAM36", 5), "resources.BRAM36"),
        (lambda d: d.__setitem__("shell_share", 1.2), "shell_share"),
        (lambda d: d.__setitem__("shell_share", {"LUT": 10**9}), "shell_share.LUT"),
        (lambda d: d.__setitem__("shell_share", "lots"), "shell_share"),
        (lambda d: d.__setitem__("default_clock_mhz", 0), "default_clock_mhz"),
        (lambda d: d.__setitem__("dma_port_bits", 100), "dma_port_bits"),
        (lambda d: d.__setitem__("ddr_bandwidth_gbps", "fast"), "ddr_bandwidth_gbps"),
        (lambda d: d.__setitem__("utilisation_limits", {"LUT": 1.5}), "utilisation_limits.LUT"),
        (lambda d: d.__setitem__("utilisation_limits", {"CLB": 0.5}), "utilisation_limits.CLB"),
        (lambda d: d.__setitem__("sources", "DS891"), "sources"),
        (lambda d: d.__setitem__("aliases", "zcu"), "aliases"),
        (lambda d: d.__setitem__("name", ""), "name"),
        (lambda d: d.__setitem__("colour", "green"), "colour"),
    ],
)
def test_malformed_user_json_names_file_and_field(tmp_path, mutate, field):
    d = _good()
    mutate(d)
    p = tmp_path / "bad_board.json"
    p.write_text(json.dumps(d))
    with pytest.raises(BoardSpecError) as ei:
        load_board(str(p))
    assert ei.value.field == field
    assert str(p) in str(ei.value)
    assert f"'{field}'" in str(ei.value)
    assert isinstance(ei.value, ValueError)


def test_7series_board_cannot_have_uram(tmp_path):
    d = json.loads((BOARD_DIR / "Pynq-Z1.json").read_text()) | {"name": "X", "aliases": []}
    d["resources"]["URAM"] = 4
    with pytest.raises(BoardSpecError, match="resources.URAM"):
        board_from_dict(d, source="x.json")


def test_invalid_json_names_file(tmp_path):
    p = tmp_path / "broken.json"
    p.write_text("{not json")
    with pytest.raises(BoardSpecError, match="broken.json"):
        load_board(str(p))


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        load_board(str(tmp_path / "nope.json"))


def test_duplicate_alias_among_board_files_is_reported(tmp_path, monkeypatch):
    d = _good()
    d["aliases"] = ["U250"]  # already Alveo-U250's alias
    (tmp_path / "clash.json").write_text(json.dumps(d))
    builtin = B._builtin_files()
    monkeypatch.setattr(B, "_builtin_files", lambda: builtin + [tmp_path / "clash.json"])
    monkeypatch.setattr(B, "_REGISTRY_CACHE", {})
    with pytest.raises(BoardSpecError, match="aliases"):
        list_boards()


def test_board_is_immutable_and_hashable():
    b = load_board("KV260")
    with pytest.raises(Exception):
        b.name = "x"
    with pytest.raises(TypeError):
        b.resources["LUT"] = 1
    assert hash(b) == hash(load_board("kv260"))
