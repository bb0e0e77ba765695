"""No province baked in: a workbook made for province P and term T holds no text of another
province or term anywhere (cells, headers and footers, prompts, document properties); the
province profile and its CLI overrides; defaults that follow the calendar."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest

from unionxl.cli import main
from unionxl.errors import FormDefinitionError
from unionxl.form import available_forms, calendar, load_form, load_form_file, load_profile
from unionxl.workbook.blank import DEFAULT_DIR

# The 63 provinces before 2025 (the 34 of today are among them).
PROVINCES = """An Giang, Bà Rịa - Vũng Tàu, Bạc Liêu, Bắc Giang, Bắc Kạn, Bắc Ninh, Bến Tre,
Bình Dương, Bình Định, Bình Phước, Bình Thuận, Cà Mau, Cao Bằng, Cần Thơ, Đà Nẵng, Đắk Lắk,
Đắk Nông, Điện Biên, Đồng Nai, Đồng Tháp, Gia Lai, Hà Giang, Hà Nam, Hà Nội, Hà Tĩnh,
Hải Dương, Hải Phòng, Hậu Giang, Hòa Bình, Hồ Chí Minh, Hưng Yên, Khánh Hòa, Kiên Giang,
Kon Tum, Lai Châu, Lạng Sơn, Lào Cai, Lâm Đồng, Long An, Nam Định, Nghệ An, Ninh Bình,
Ninh Thuận, Phú Thọ, Phú Yên, Quảng Bình, Quảng Nam, Quảng Ngãi, Quảng Ninh, Quảng Trị,
Sóc Trăng, Sơn La, Tây Ninh, Thái Bình, Thái Nguyên, Thanh Hóa, Thừa Thiên Huế,
Tiền Giang, Trà Vinh, Tuyên Quang, Vĩnh Long, Vĩnh Phúc, Yên Bái"""
NAMES = [n.strip() for n in PROVINCES.replace("\n", " ").split(",")]
OLD_TEXT = ["hướng dẫn số 63", "đh xvi", "đh xviii"]  # the seeds' own documents
TEXT_ATTRS = {"prompt", "error", "promptTitle", "errorTitle"}


def norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("Hoà", "Hòa").casefold()


def texts(path: Path) -> list[str]:
    """Every text a user can read in the workbook: cell strings, header and footer, data
    validation prompts, document properties (not the timestamps of the file)."""
    out = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not name.endswith(".xml"):
                continue
            root = ElementTree.fromstring(zf.read(name))
            for el in root.iter():
                tag = el.tag.rsplit("}", 1)[-1]
                if tag in ("f", "v", "created", "modified", "calcChain"):
                    continue  # formulas, numbers, the file's own dates
                if el.text and el.text.strip():
                    out.append(el.text)
                out += [v for k, v in el.attrib.items() if k in TEXT_ATTRS]
    return out


def foreign(path: Path, province: str, term: str, previous_term: bool = False) -> list[str]:
    """Other provinces' names, the seeds' documents, and terms or years outside ``term``."""
    found = []
    start, _, end = term.partition("-")
    # the year before and the previous term: the comparison columns' own labels
    span = range(int(start) - 1, int(end or start) + 1)
    previous = f"{2 * int(start) - int(end)}-{start}" if end and previous_term else ""
    for text in texts(path):
        # facts of the world a form states (the portal programme ended 01/9/2023), and the
        # previous term a comparison column names, are not leftovers
        text = text.replace("01/9/2023", "").replace(previous, "") if previous else \
            text.replace("01/9/2023", "")
        low = norm(text)
        found += [n for n in NAMES if norm(n) in low and norm(n) != norm(province)]
        found += [t for t in OLD_TEXT if t in low]
        for a, b in re.findall(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b", text):
            if f"{a}-{b}" not in (term, previous):
                found.append(f"{a}-{b}")
        for year in re.findall(r"\b(?:19|20)\d\d\b", text):
            if int(year) not in span:
                found.append(year)
    return sorted(set(found))


CASES = [("phu-luc-nhiem-ky", "2023-2028"), ("phu-luc-nhiem-ky", "2030-2035"),
         ("bao-cao-nam", "2027"), ("bao-cao-quy", "2027"), ("phan-bo-chi-tieu", "2025-2030"),
         ("so-ket-giua-nhiem-ky", "2030-2035")]


@pytest.mark.parametrize("form_id,term", CASES)
def test_template_for_p_and_t_holds_no_other_province_or_term(tmp_path, form_id, term):
    assert {f for f, _ in CASES} == set(available_forms())
    units = tmp_path / "dv.csv"  # the allocation's rows: the province's own units
    units.write_text("code,name,kind,parent\nLDLD-DB,Liên đoàn Lao động tỉnh Điện Biên,LĐLĐ "
                     "tỉnh,\nX1,Công đoàn xã Mường Phăng,Công đoàn xã,LDLD-DB\n"
                     "P1,Công đoàn phường Mường Thanh,Công đoàn phường,LDLD-DB\n",
                     encoding="utf-8")
    out = tmp_path / "t.xlsx"
    args = ["template", form_id, "-o", str(out), "--province", "Điện Biên", "--term", term,
            "--units", str(units)]
    assert main(args) == 0
    # the mid-term review compares with the previous term, by name
    assert foreign(out, "Điện Biên", term, "prev" in load_form(form_id).compare and
                   "-" in term) == []
    seen = " ".join(texts(out))
    assert "ĐIỆN BIÊN" in seen  # the province is there: the search reads the right places
    if form_id == "phu-luc-nhiem-ky":
        assert f"Chỉ tiêu NQ Đại hội Công đoàn tỉnh Điện Biên, nhiệm kỳ {term}" in seen


def test_the_search_finds_what_it_looks_for(tmp_path):
    """The check above can fail: the seed's allocation names Bắc Giang and its term."""
    sample = DEFAULT_DIR / "phan-bo-chi-tieu_2023-2028_Bac-Giang.xlsx"
    assert "Bắc Giang" in foreign(sample, "Điện Biên", "2023-2028")
    assert "2023-2028" in foreign(sample, "Bắc Giang", "2025-2030")
    out = tmp_path / "t.xlsx"
    assert main(["template", "phu-luc-nhiem-ky", "-o", str(out), "--province", "Lạng Sơn",
                 "--term", "2018-2023", "--guidance", "(Kèm theo Hướng dẫn số 63/HD-LĐLĐ)"]) == 0
    assert foreign(out, "Điện Biên", "2023-2028") == ["2018", "2018-2023", "2019", "2020",
                                                      "2021", "Lạng Sơn", "hướng dẫn số 63"]
    assert "2018-2023" in foreign(out, "Điện Biên", "2024-2029", previous_term=True)


def test_blank_templates_name_no_province():
    for name in ("phu-luc-nhiem-ky.xlsx", "bao-cao-nam.xlsx", "bao-cao-quy.xlsx"):
        seen = texts(DEFAULT_DIR / name)
        assert not [n for n in NAMES if any(norm(n) in norm(t) for t in seen)], name
        assert "LIÊN ĐOÀN LAO ĐỘNG TỈNH ……" in seen


def test_the_profile_prints_where_the_form_says(tmp_path):
    profile = load_profile(Path("unionxl/data/ho-so-tinh.yaml"))
    out = tmp_path / "p.xlsx"
    assert main(["template", "phu-luc-nhiem-ky", "-o", str(out), "--profile",
                 "unionxl/data/ho-so-tinh.yaml"]) == 0  # the term: the profile's congress
    seen = texts(out)
    assert "LIÊN ĐOÀN LAO ĐỘNG TỈNH BẮC NINH" in seen
    assert profile.guidance_line("phu-luc-nhiem-ky", "2025-2030") in seen
    assert "Chỉ tiêu NQ ĐH I Công đoàn tỉnh Bắc Ninh" in " ".join(seen)
    assert foreign(out, "Bắc Ninh", "2025-2030") == []
    # flags override the file; another province keeps nothing of Bắc Ninh
    out2 = tmp_path / "q.xlsx"
    assert main(["template", "phu-luc-nhiem-ky", "-o", str(out2), "--profile",
                 "unionxl/data/ho-so-tinh.yaml", "--province", "Điện Biên", "--congress", "XV",
                 "--congress-term", "2025-2030", "--term", "2025-2030"]) == 0
    assert foreign(out2, "Điện Biên", "2025-2030") == []
    assert "Chỉ tiêu NQ ĐH XV Công đoàn tỉnh Điện Biên" in " ".join(texts(out2))


def test_a_profile_in_the_working_folder_is_used(tmp_path, monkeypatch):
    (tmp_path / "ho-so-tinh.yaml").write_text("province: Cà Mau\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["template", "bao-cao-nam", "-o", "t.xlsx", "--year", "2026"]) == 0
    assert "LIÊN ĐOÀN LAO ĐỘNG TỈNH CÀ MAU" in texts(tmp_path / "t.xlsx")


@pytest.mark.parametrize("text,entry", [
    ("tinh: Bắc Ninh\n", "«tinh»"),
    ("province: Bắc Ninh\ncongress: {ordinal: I, term: 2030-2025}\n", "congress.term"),
    ("province: [a, b]\n", "«province»"),
    ("guidance:\n  - form: bao-cao-nam\n", "guidance[1]"),
    ("province: Bắc Ninh\n  body: x: y\n", "dòng"),
])
def test_a_broken_profile_exit_2_naming_file_and_entry(tmp_path, capsys, text, entry):
    path = tmp_path / "hs.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["template", "bao-cao-nam", "-o", str(tmp_path / "t.xlsx"), "--profile",
                 str(path)]) == 2
    err = capsys.readouterr().err
    assert f"Hồ sơ tỉnh sai: tệp {path}" in err and entry in err and "Traceback" not in err


def test_a_form_definition_may_not_carry_province_text(tmp_path):
    text = (Path("unionxl/form/definitions/bao-cao-quy.yaml").read_text(encoding="utf-8")
            .replace("id: bao-cao-quy", "id: thu\nprovince: LẠNG SƠN"))
    path = tmp_path / "thu.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="hồ sơ tỉnh"):
        load_form_file(str(path))
    for form_id in available_forms():
        raw = (Path("unionxl/form/definitions") / f"{form_id}.yaml").read_text(encoding="utf-8")
        body = "\n".join(line for line in raw.splitlines() if not line.lstrip().startswith("#"))
        assert not [n for n in NAMES if norm(n) in norm(body)], form_id
        assert "Hướng dẫn số 63" not in body


@pytest.mark.parametrize("today,form_id,profile,want", [
    (date(2026, 11, 22), "bao-cao-nam", None, "2026"),
    (date(2026, 11, 22), "bao-cao-quy", None, "2026"),
    (date(2026, 11, 22), "phu-luc-nhiem-ky", None, "2023-2028"),
    (date(2028, 3, 1), "phu-luc-nhiem-ky", None, "2023-2028"),  # the congress year
    (date(2029, 1, 5), "phu-luc-nhiem-ky", None, "2028-2033"),
    (date(2023, 5, 1), "phu-luc-nhiem-ky", None, "2018-2023"),  # seed 000's situation
    (date(2026, 11, 22), "phu-luc-nhiem-ky", "unionxl/data/ho-so-tinh.yaml", "2025-2030"),
    (date(2031, 2, 1), "phu-luc-nhiem-ky", "unionxl/data/ho-so-tinh.yaml", "2028-2033"),
])
def test_term_and_year_follow_the_calendar(tmp_path, monkeypatch, capsys, today, form_id,
                                           profile, want):
    monkeypatch.setattr(calendar, "today", lambda: today)
    args = ["template", form_id, "-o", str(tmp_path / "t.xlsx")]
    if profile:
        args += ["--profile", profile]
    assert main(args) == 0
    what = "năm" if load_form(form_id).single_year else "nhiệm kỳ"
    assert f"{what} {want}" in capsys.readouterr().out
    assert main(["form", "show", form_id, "--json"] + (["--year", want] if what == "năm"
                                                        else ["--term", want])) == 0
    assert f'"term": "{want}"' in capsys.readouterr().out


def test_year_and_term_flags(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(calendar, "today", lambda: date(2026, 11, 22))
    out = tmp_path / "t.xlsx"
    assert main(["template", "bao-cao-nam", "-o", str(out), "--year", "2027"]) == 0
    assert "năm 2027" in capsys.readouterr().out
    assert main(["template", "phu-luc-nhiem-ky", "-o", str(out), "--year", "2024"]) == 0
    assert "nhiệm kỳ 2023-2028" in capsys.readouterr().out
    assert main(["template", "phu-luc-nhiem-ky", "-o", str(out), "--term", "2020-2025"]) == 0
    assert "nhiệm kỳ 2020-2025" in capsys.readouterr().out
