"""Loading form definitions: YAML → ``Form``, validated on load.

A wrong definition raises ``FormDefinitionError`` naming the file, the entry and the problem.
Built-in forms live in ``definitions/``; one ``Form`` object exists per (form, term), and it
pickles as a reference (its source and term), so worker processes share it cheaply.
"""

from __future__ import annotations

import copyreg
import dataclasses
import re
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import FormDefinitionError, UnknownFormError
from ..text import nfc
from . import yamlfile
from .model import ANCHOR, COMPARE_KEYS, EXCEL_SHEET_FORBIDDEN, VALUE_TYPES, Form, Headline
from .rules import compile_rules
from .sections import Entities, RowBuilder, check_keys

FORMS_DIR = Path(__file__).parent / "definitions"

_FORM_KEYS = {
    "id", "version", "title", "heading", "sheet", "period_kind", "term", "target_note",
    "units", "sections", "rules", "years", "columns", "year", "hidden", "period_line",
    "tracks", "sections_from", "annual", "headline", "sample", "name", "compare", "midterm",
}
# Province text belongs to the province profile; a form only says where it goes.
_PROFILE_KEYS = {"issuer", "province", "guidance"}
_NOTE_FIELDS = {"congress"}  # placeholders of target_note: the profile's congress note
COLUMN_LABELS = {"years", "total", "target", "pct", "note", "base", "prev", "base_pct",
                 "prev_pct"}
HIDABLE = {"total", "target", "pct", "note"}
_HEADLINE_KEYS = {"code", "label", "chart"}


def available_forms() -> list[str]:
    return sorted(p.stem for p in FORMS_DIR.glob("*.yaml"))


def load_form(form_id: str, term: str | None = None, units: Entities | None = None) -> Form:
    """A form for a term; ``units`` (code, name) give the rows of a per-unit form (the target
    allocation has one row per unit of the registry)."""
    path = Path(form_id)
    entities = tuple((str(c), nfc(str(n))) for c, n in units) if units else ()
    if path.suffix in (".yaml", ".yml") and path.exists():
        return load_form_file(str(path), entities).for_term(term)
    if form_id not in available_forms():
        raise UnknownFormError(form_id, available_forms())
    return _builtin_for_term(form_id, term or None, entities)


@cache
def _builtin_for_term(form_id: str, term: str | None, entities: Entities = ()) -> Form:
    # One Form object per (form, term, units): rules and derived lists are cached on it.
    form = _load_builtin(form_id, entities)
    return form if term is None or term == form.term else form.for_term(term)


@cache
def _load_builtin(form_id: str, entities: Entities = ()) -> Form:
    return load_form_file(str(FORMS_DIR / f"{form_id}.yaml"), entities)


def load_form_file(path: str, entities: Entities = ()) -> Form:
    try:
        data = yamlfile.load(path)
    except OSError as exc:
        raise FormDefinitionError(path, "(tệp)", f"không đọc được tệp ({exc.strerror})") from exc
    except yamlfile.YamlSyntaxError as exc:
        if exc.not_utf8:
            raise FormDefinitionError(path, "(tệp)", "tệp không lưu bằng mã UTF-8; hãy mở "
                                      "bằng Notepad, chọn Lưu thành… với mã UTF-8") from exc
        where = f"dòng {exc.line}, cột {exc.column}" if exc.line else "(tệp)"
        raise FormDefinitionError(path, where, "YAML sai cú pháp (thường do thiếu dấu ngoặc "
                                  "kép quanh nhãn có dấu hai chấm)") from exc
    return _Builder(path, entities).build(data)


class _Builder:
    def __init__(self, path: str, entities: Entities = ()) -> None:
        self.path = path
        self.entities = entities
        self.per_unit = False
        self.units: dict[str, dict[str, str]] = {}
        self.indicators: list[Any] = []

    def fail(self, entry: str, problem: str) -> FormDefinitionError:
        return FormDefinitionError(self.path, entry, problem)

    def check_keys(self, entry: str, data: Any, allowed: set[str], required: tuple[str, ...]):
        check_keys(self.fail, entry, data, allowed, required)

    def build(self, data: Any) -> Form:
        if isinstance(data, dict) and data.get("sections_from"):
            data = self.borrow(data)
        if isinstance(data, dict) and _PROFILE_KEYS & set(data):
            key = sorted(_PROFILE_KEYS & set(data))[0]
            raise self.fail(key, "tên tỉnh, cơ quan ban hành và dòng hướng dẫn ghi trong hồ sơ "
                            "tỉnh (--profile), không ghi trong biểu mẫu")
        self.check_keys("(gốc)", data, _FORM_KEYS, ("id", "version", "title", "sheet", "term",
                                                   "sections", "units"))
        form_id = str(data["id"])
        if Path(self.path).stem != form_id and Path(self.path).parent == FORMS_DIR:
            raise self.fail("id", f"«{form_id}» phải trùng tên tệp «{Path(self.path).stem}»")
        sheet = nfc(str(data["sheet"]))
        if len(sheet) > 31 or set(sheet) & EXCEL_SHEET_FORBIDDEN:
            raise self.fail("sheet", f"tên trang «{sheet}» dài quá 31 ký tự hoặc có ký tự "
                            "Excel không cho phép ([]:*?/\\)")
        kind = data.get("period_kind", "year")
        if kind not in ("year", "quarter"):
            raise self.fail("period_kind", "phải là «year» (theo năm) hoặc «quarter» (theo quý)")
        term = data["term"]
        if kind == "quarter" and isinstance(term, int):
            term = {"start": term, "end": term + 1}
        if not (isinstance(term, dict) and isinstance(term.get("start"), int)
                and isinstance(term.get("end"), int) and term["end"] > term["start"]):
            raise self.fail("term", "phải có dạng {start: 2018, end: 2023} với end > start "
                            "(biểu mẫu theo quý: term: 2025)")
        offset = None
        if data.get("years") is not None:
            yrs = data["years"]
            if not (isinstance(yrs, dict) and isinstance(yrs.get("first"), int)
                    and isinstance(yrs.get("last"), int) and yrs["last"] >= yrs["first"]):
                raise self.fail("years", "phải có dạng {first: 2024, last: 2028}")
            offset = (yrs["first"] - term["start"], yrs["last"] - term["start"])
        labels = data.get("columns") or {}
        if not isinstance(labels, dict) or set(labels) - COLUMN_LABELS:
            names = ", ".join(sorted(COLUMN_LABELS))
            raise self.fail("columns", f"chỉ đặt tên được các cột {names}")
        self.load_units(data["units"])
        rows = RowBuilder(self.path, self.units, self.entities)
        sections = rows.load_sections(data["sections"])
        self.indicators, self.per_unit = rows.indicators, rows.per_unit
        rules = data.get("rules") or []
        if not isinstance(rules, list):
            raise self.fail("rules", "phải là một danh sách quy tắc")
        headline = self.headline(data.get("headline") or [])
        form = Form(
            id=form_id,
            version=int(data["version"]),
            title_template=nfc(str(data["title"])),
            heading=nfc(str(data.get("heading", ""))),
            sheet=sheet,
            term_start=term["start"],
            term_end=term["end"],
            target_note=self.target_note(data.get("target_note", "{congress}")),
            units=self.units,
            sections=tuple(sections),
            indicators=tuple(self.indicators),
            path=self.path,
            period_kind=kind,
            year_offset=offset,
            column_labels={k: nfc(str(v)) for k, v in labels.items()},
            hidden_columns=tuple(self.hidden(data.get("hidden") or [])),
            show_period_line=bool(data.get("period_line", True)),
            tracks=self.tracks(data.get("tracks") or {}),
            annual=str(data.get("annual") or ""),
            headline=headline,
            entities=self.entities if self.per_unit else (),
            per_unit=self.per_unit,
            sample=self.sample(data.get("sample") or {}),
            name=nfc(str(data.get("name") or "")),
            compare=self.compare(data.get("compare") or []),
            midterm=bool(data.get("midterm", False)),
        )
        return dataclasses.replace(form, rules=compile_rules(form, rules), _by_code={})

    def sample(self, spec: Any) -> dict[str, tuple[float, float, str]]:
        """Typical magnitudes for generated sample data: code → (low, high, of-row); the
        ``anchors`` entry gives a unit's default size, as (value, value, ANCHOR)."""
        if not isinstance(spec, dict):
            raise self.fail("sample", "phải là bảng mã dòng → [thấp, cao, dòng gốc]")
        valued = {i.code for i in self.indicators if i.has_values}
        out: dict[str, tuple[float, float, str]] = {}
        anchors = spec.get("anchors") or {}
        if not isinstance(anchors, dict):
            raise self.fail("sample.anchors", "phải là bảng mã dòng → giá trị")
        for code, value in anchors.items():
            if str(code) not in valued or not isinstance(value, (int, float)):
                raise self.fail(f"sample.anchors.{code}", "mã dòng không có hoặc giá trị "
                                "không phải số")
            out[str(code)] = (float(value), float(value), ANCHOR)
        for code, item in spec.items():
            if code == "anchors":
                continue
            entry = f"sample.{code}"
            ok = (isinstance(item, list) and len(item) in (2, 3)
                  and all(isinstance(x, (int, float)) for x in item[:2]) and item[0] <= item[1])
            if str(code) not in valued or not ok:
                raise self.fail(entry, "phải là [thấp, cao] hoặc [thấp, cao, mã dòng gốc] với "
                                "thấp ≤ cao, cho một dòng có số liệu")
            of = str(item[2]) if len(item) == 3 else ""
            if of and of not in valued:
                raise self.fail(entry, f"dòng gốc «{of}» không có trong biểu mẫu")
            out[str(code)] = (float(item[0]), float(item[1]), of)
        return out

    def target_note(self, text: Any) -> str:
        note = nfc(str(text or ""))
        used = set(re.findall(r"\{([^{}]*)\}", note))
        if used - _NOTE_FIELDS:
            raise self.fail("target_note", f"chỉ dùng được {{congress}} (ghi chú chỉ tiêu Nghị "
                            f"quyết Đại hội lấy từ hồ sơ tỉnh), không dùng "
                            f"{{{sorted(used - _NOTE_FIELDS)[0]}}}")
        return note

    def headline(self, items: Any) -> tuple[Headline, ...]:
        if not isinstance(items, list):
            raise self.fail("headline", "phải là danh sách {code, label, chart}")
        out = []
        for n, item in enumerate(items):
            self.check_keys(f"headline[{n}]", item, _HEADLINE_KEYS, ("code", "label"))
            code = str(item["code"])
            if not any(i.code == code and i.has_values for i in self.indicators):
                raise self.fail(f"headline[{n}]", f"chỉ tiêu «{code}» không có trong biểu mẫu "
                                "hoặc không có số liệu")
            out.append(Headline(code, nfc(str(item["label"])), bool(item.get("chart", False))))
        return tuple(out)

    def borrow(self, data: dict[str, Any]) -> dict[str, Any]:
        """Rows, units and rules of another form (an annual form on quarterly rows)."""
        source = Path(self.path).parent / f"{data['sections_from']}.yaml"
        try:
            other = yamlfile.load(source)
        except (OSError, yamlfile.YamlSyntaxError) as exc:
            raise self.fail("sections_from", f"không đọc được biểu mẫu {source.name}") from exc
        merged = {k: v for k, v in data.items() if k != "sections_from"}
        for key in ("sections", "units", "rules", "headline", "sample"):
            if key in other and key not in merged:
                merged[key] = other[key]
        return merged

    def hidden(self, hidden: Any) -> list[str]:
        if not isinstance(hidden, list) or set(hidden) - HIDABLE:
            raise self.fail("hidden", "chỉ ẩn được các cột total, target, pct, note")
        return [str(h) for h in hidden]

    def tracks(self, tracks: Any) -> dict[str, dict[str, str]]:
        if not isinstance(tracks, dict):
            raise self.fail("tracks", "phải là bảng: hậu tố → {form, indicator}")
        out = {}
        for suffix, spec in tracks.items():
            self.check_keys(f"tracks.{suffix}", spec, {"form", "indicator"}, ("form", "indicator"))
            out[str(suffix)] = {"form": str(spec["form"]), "indicator": str(spec["indicator"])}
        return out

    def load_units(self, units: Any) -> None:
        if not isinstance(units, dict) or not units:
            raise self.fail("units", "phải là bảng đơn vị tính: {DN: {type: integer}}")
        for name, spec in units.items():
            entry = f"units.{name}"
            self.check_keys(entry, spec, {"type", "name"}, ("type",))
            if spec["type"] not in VALUE_TYPES or spec["type"] == "rate":
                raise self.fail(entry, "type phải là integer hoặc decimal (tỷ lệ là dòng "
                                "kind: ratio)")
            self.units[nfc(str(name))] = {"type": spec["type"],
                                          "name": nfc(str(spec.get("name", name)))}

    def compare(self, compare: Any) -> tuple[str, ...]:
        if not isinstance(compare, list) or set(compare) - set(COMPARE_KEYS):
            raise self.fail("compare", "là danh sách các cột so sánh: base (đầu nhiệm kỳ), "
                            "prev (năm trước, nhiệm kỳ trước)")
        return tuple(k for k in COMPARE_KEYS if k in compare)


# -- pickling by reference -------------------------------------------------------------------
def _restore(path: str, term: str, removed: tuple[str, ...], entities: Entities = ()
             ) -> Form:
    builtin = Path(path).parent == FORMS_DIR
    form = (load_form(Path(path).stem, term, entities) if builtin
            else load_form_file(path, entities).for_term(term))
    return form.without_rows(list(removed))


def _reduce(form: Form) -> tuple[Any, tuple[str, str, tuple[str, ...], Entities]]:
    full = _restore(form.path, form.term, (), form.entities)
    removed = tuple(i.code for i in full.indicators if not form.has(i.code))
    return _restore, (form.path, form.term, removed, form.entities)


copyreg.pickle(Form, _reduce)
