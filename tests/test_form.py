"""The form definition: the seed appendix, codes, aggregation, terms, broken definitions."""

from __future__ import annotations

import csv
import json
import re
import textwrap
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from unionxl.cli import main
from unionxl.errors import FormDefinitionError, UnknownFormError
from unionxl.form import TIME_AGGS, load_form, load_form_file, nfc

SEED_TABLE = Path(__file__).parent / "data" / "seed_appendix.tsv"
SEED_TEXT = Path(__file__).parent / "data" / "seed_000_appendix.txt"  # seed 000 from «PHỤ LỤC»


def seed_rows() -> list[dict[str, str]]:
    lines = [ln for ln in SEED_TABLE.read_text(encoding="utf-8").splitlines()
             if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def source_rows(indicators: list[dict]) -> list[list[dict]]:
    """Form indicators grouped back into seed rows (a compound row's a/b measures are one)."""
    groups: list[list[dict]] = []
    for ind in indicators:
        base = re.sub(r"[a-z]$", "", ind["code"])
        if groups and re.sub(r"[a-z]$", "", groups[-1][0]["code"]) == base:
            groups[-1].append(ind)
        else:
            groups.append([ind])
    return groups


def form_json(capsys, *args: str) -> dict:
    assert main(["form", "show", "phu-luc-nhiem-ky", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_transcription_matches_the_seed_file():
    """Every label of the transcribed table is a line of the seed's own appendix text."""
    text = nfc(SEED_TEXT.read_text(encoding="utf-8")).split("PHỤ LỤC", 1)[1]
    lines = {re.sub(r"\s+", " ", ln).strip() for ln in text.splitlines()}
    for row in seed_rows():
        assert re.sub(r"\s+", " ", row["label"]).strip() in lines, row["label"]


def test_kept_appendix_text_is_the_seeds_own():
    seed = SEEDS / "000_d49f28cdcf29cb26.txt"
    if not seed.exists():
        pytest.skip("shared/seeds not beside this checkout: the kept copy is what is tested")
    kept = SEED_TEXT.read_text(encoding="utf-8").split("PHỤ LỤC", 1)[1]
    assert nfc(seed.read_text(encoding="utf-8")).endswith(kept)


def test_form_show_covers_every_seed_row(capsys):
    data = form_json(capsys)
    # rates added where the seed's targets are rates are not rows of the seed
    groups = source_rows([i for i in data["indicators"] if i["kind"] != "ratio"])
    rows = seed_rows()
    assert len(groups) == len(rows) == 101
    numbered = [g[0]["code"] for g in groups if g[0]["parent"] is None]
    assert [re.sub(r"[a-z]$", "", c) for c in numbered] == [str(n) for n in range(1, 40)]
    for seed, group in zip(rows, groups):
        first = group[0]
        fixed = any(i["fix"] for i in group) or _parent_fixed(data, first)
        if seed["number"]:
            assert re.sub(r"[a-z]$", "", first["code"]) == seed["number"]
        if len(group) == 1:
            assert first["label"] == nfc(seed["label"]) or fixed, (seed, first)
            assert first["unit"] == seed["unit"] or fixed, (seed, first)
        else:  # compound "vụ/người": one input row per measure
            assert "/".join(i["unit"] for i in group) == seed["unit"].replace(" ", "")
            assert [i["code"][-1] for i in group] == ["a", "b"]
        for ind in group:
            assert ind["unit"] or ind["kind"] == "heading", ind
            assert ind["time_aggregation"] in TIME_AGGS


def _parent_fixed(data: dict, ind: dict) -> bool:
    by_code = {i["code"]: i for i in data["indicators"]}
    while ind.get("parent"):
        ind = by_code[ind["parent"]]
        if ind["fix"]:
            return True
    return False


def test_codes_parents_and_aggregation(form):
    assert form.indicator("7.1").parent == "7"
    assert form.indicator("10.4").parent == "10.3"
    assert form.indicator("4.4b").parent == "4.3b"
    assert form.indicator("32").time == "last"  # a stock: never summed over years
    assert form.indicator("32.1").time == "sum"  # a flow
    assert form.indicator("33").time == "last"
    assert form.indicator("7").time == "last"  # enterprises with a collective agreement
    assert form.indicator("32.3").kind == "derived"
    assert form.indicator("14").kind == "heading"
    assert [s.number for s in form.sections] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert form.sections[5].fix  # the second "IV" of the seed, noted
    assert form.indicator("27.2").unit == "BNC" and form.indicator("27").fix
    for ind in form.indicators:
        if ind.time not in ("sum",) and ind.has_values:
            assert ind.why, f"{ind.code}: non-obvious aggregation needs a one-line reason"


def test_next_term(capsys):
    data = form_json(capsys, "--term", "2023-2028")
    assert [p["key"] for p in data["periods"]] == ["2023", "2024", "2025", "2026", "2027"]
    assert data["title"].endswith("2023 - 2028")
    form = load_form("phu-luc-nhiem-ky", "2023-2028")
    assert form.period_line() == "(Số liệu lấy từ ngày 01/01/2023 đến hết ngày 31/12/2027)"


def test_unknown_form_and_bad_term():
    with pytest.raises(UnknownFormError, match="unionxl form list"):
        load_form("khong-co")
    with pytest.raises(FormDefinitionError, match="2023-2028"):
        load_form("phu-luc-nhiem-ky", "2028-2023")


GOOD = """\
id: mini
version: 1
title: Thử
sheet: Số liệu
term: {start: 2020, end: 2022}
units:
  người: {type: integer}
sections:
  - number: I
    label: Mục một
    rows:
      - code: "1"
        label: Tổng
        unit: người
        rows:
          - {code: "1.1", label: "+ Phần", unit: người}
"""


@pytest.mark.parametrize(
    "old,new,entry,problem",
    [
        ("label: Tổng\n", "label: Tổng\n        tme: sum\n", "dòng «1»", "khóa không biết: tme"),
        ('code: "1.1"', 'code: "1.2"', "dòng «1.2»", "mã phải là «1.1»"),
        ('code: "1"', 'code: "2"', "dòng «2»", "phải là «1»"),
        ("unit: người\n        rows", "unit: ngừoi\n        rows", "dòng «1»",
         "đơn vị tính «ngừoi» không có"),
        ("label: Tổng\n", "label: Tổng\n        time: weekly\n", "dòng «1»", "time phải là"),
        ("sheet: Số liệu", "sheet: Số liệu báo cáo của các đơn vị trực thuộc", "sheet",
         "31 ký tự"),
        ("label: Tổng\n", "label: Tổng\n        kind: derived\n", "dòng «1»", "formula"),
        ("label: Tổng\n", 'label: Tổng\n        sum_of: ["9.9"]\n', "dòng «1»", "9.9"),
        ("label: Mục một", "label: Mục: một: hai", "dòng", "YAML sai cú pháp"),
        ("term: {start: 2020, end: 2022}", "term: {start: 2022, end: 2020}", "term", "end >"),
    ],
)
def test_broken_definition_names_file_entry_problem(tmp_path, old, new, entry, problem):
    assert old in GOOD
    path = tmp_path / "mini.yaml"
    path.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(FormDefinitionError) as err:
        load_form_file(str(path))
    msg = str(err.value)
    assert str(path) in msg and entry in msg and problem in msg, msg


def test_good_mini_definition_loads(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(GOOD, encoding="utf-8")
    form = load_form_file(str(path))
    assert [i.code for i in form.indicators] == ["1", "1.1"]
    assert form.period_keys == ["2020", "2021"]


def test_derived_formula_must_reference_rows_above(tmp_path):
    text = GOOD + textwrap.indent(textwrap.dedent("""\
        - code: "2"
          label: Tính
          unit: người
          kind: derived
          formula: "{1} - {3}"
    """), "      ")
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="«3» chưa có phía trên"):
        load_form_file(str(path))


def test_cli_reports_broken_definition_without_traceback(tmp_path, capsys):
    path = tmp_path / "mini.yaml"
    path.write_text(GOOD.replace("label: Tổng\n", "label: Tổng\n        tme: sum\n"),
                    encoding="utf-8")
    assert main(["form", "show", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Lỗi: Định nghĩa biểu mẫu sai" in err and "Traceback" not in err
