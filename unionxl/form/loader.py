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

import yaml

from ..errors import FormDefinitionError, UnknownFormError
from ..text import nfc
from . import expr
from .model import (
    ACROSS_AGGS,
    EXCEL_SHEET_FORBIDDEN,
    KINDS,
    RELS,
    TIME_AGGS,
    VALUE_TYPES,
    Form,
    Headline,
    Indicator,
    Section,
)
from .rules import compile_rules

FORMS_DIR = Path(__file__).parent / "definitions"
# The C loader when PyYAML was built with libyaml: the same result, several times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_FORM_KEYS = {
    "id", "version", "title", "heading", "sheet", "period_kind", "term", "issuer", "province",
    "guidance", "target_note", "units", "sections", "rules", "years", "columns", "year",
    "hidden", "period_line", "tracks", "sections_from", "annual", "headline",
}
COLUMN_LABELS = {"years", "total", "target", "pct", "note"}
_SECTION_KEYS = {"number", "label", "rows", "fix"}
_ROW_KEYS = {
    "code", "label", "unit", "kind", "time", "across", "rel", "sum_of", "measures", "rows",
    "note", "why", "target", "fix", "formula", "required", "entity",
}
_MEASURE_KEYS = {"suffix", "unit", "label"}
_HEADLINE_KEYS = {"code", "label", "chart"}


def available_forms() -> list[str]:
    return sorted(p.stem for p in FORMS_DIR.glob("*.yaml"))


def load_form(form_id: str, term: str | None = None) -> Form:
    path = Path(form_id)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return load_form_file(str(path)).for_term(term)
    if form_id not in available_forms():
        raise UnknownFormError(form_id, available_forms())
    return _builtin_for_term(form_id, term or None)


@cache
def _builtin_for_term(form_id: str, term: str | None) -> Form:
    # One Form object per (form, term): rules and derived lists are cached on it.
    form = _load_builtin(form_id)
    return form if term is None or term == form.term else form.for_term(term)


@cache
def _load_builtin(form_id: str) -> Form:
    return load_form_file(str(FORMS_DIR / f"{form_id}.yaml"))


def load_form_file(path: str) -> Form:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_YAML_LOADER)  # noqa: S506 (a safe loader)
    except OSError as exc:
        raise FormDefinitionError(path, "(tệp)", f"không đọc được tệp ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"dòng {mark.line + 1}, cột {mark.column + 1}" if mark else "(tệp)"
        raise FormDefinitionError(path, where, "YAML sai cú pháp (thường do thiếu dấu ngoặc "
                                  "kép quanh nhãn có dấu hai chấm)") from exc
    return _Builder(path).build(data)


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.indicators: list[Indicator] = []
        self.units: dict[str, dict[str, str]] = {}

    def fail(self, entry: str, problem: str) -> FormDefinitionError:
        return FormDefinitionError(self.path, entry, problem)

    def check_keys(self, entry: str, data: Any, allowed: set[str], required: tuple[str, ...]):
        if not isinstance(data, dict):
            raise self.fail(entry, "phải là một bảng khóa: giá trị")
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise self.fail(entry, f"khóa không biết: {', '.join(map(str, unknown))} "
                            f"(dùng được: {', '.join(sorted(allowed))})")
        for key in required:
            if data.get(key) in (None, ""):
                raise self.fail(entry, f"thiếu khóa bắt buộc «{key}»")

    def build(self, data: Any) -> Form:
        if isinstance(data, dict) and data.get("sections_from"):
            data = self.borrow(data)
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
        sections = self.load_sections(data["sections"])
        self.check_references()
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
            issuer_template=nfc(str(data.get("issuer", "LIÊN ĐOÀN LAO ĐỘNG TỈNH {province}"))),
            province=nfc(str(data.get("province", "……"))),
            guidance={str(k): nfc(str(v)) for k, v in (data.get("guidance") or {}).items()},
            target_note=nfc(str(data.get("target_note", "Chỉ tiêu nhiệm kỳ"))),
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
        )
        return dataclasses.replace(form, rules=compile_rules(form, rules), _by_code={})

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
            with open(source, encoding="utf-8") as fh:
                other = yaml.load(fh, Loader=_YAML_LOADER)  # noqa: S506 (a safe loader)
        except OSError as exc:
            raise self.fail("sections_from", f"không đọc được biểu mẫu {source.name}") from exc
        merged = {k: v for k, v in data.items() if k != "sections_from"}
        for key in ("sections", "units", "rules", "headline"):
            if key in other and key not in merged:
                merged[key] = other[key]
        return merged

    def hidden(self, hidden: Any) -> list[str]:
        if not isinstance(hidden, list) or set(hidden) - {"total", "target", "pct", "note"}:
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
            if spec["type"] not in VALUE_TYPES:
                raise self.fail(entry, f"type phải là một trong {', '.join(VALUE_TYPES)}")
            self.units[nfc(str(name))] = {"type": spec["type"],
                                          "name": nfc(str(spec.get("name", name)))}

    def load_sections(self, sections: Any) -> list[Section]:
        if not isinstance(sections, list) or not sections:
            raise self.fail("sections", "phải là danh sách các mục (I, II, …)")
        out, expected_top = [], 1
        for s_idx, sec in enumerate(sections):
            entry = f"sections[{s_idx}]"
            self.check_keys(entry, sec, _SECTION_KEYS, ("rows",))  # unnamed: no heading row
            start = len(self.indicators)
            for row in sec["rows"] or []:
                code = str(row.get("code", "")) if isinstance(row, dict) else ""
                if code != str(expected_top):
                    raise self.fail(f"{entry} dòng «{code}»", f"mã dòng chính phải là "
                                    f"«{expected_top}» (đánh số liên tục 1, 2, 3…)")
                counter = [0]
                self.walk(row, parent=None, measures=None, top=code, counter=counter,
                          section=str(sec.get("number") or ""), depth=0, inherited=("", ""))
                expected_top += 1
            codes = tuple(i.code for i in self.indicators[start:])
            out.append(Section(str(sec.get("number") or ""), nfc(str(sec.get("label") or "")),
                               codes,
                               nfc(str(sec.get("fix", "")))))
        return out

    def walk(self, row: Any, parent: Any, measures: Any, top: str, counter: list[int],
             section: str, depth: int, inherited: tuple[str, str]) -> None:
        code = str(row.get("code", "")) if isinstance(row, dict) else ""
        entry = f"dòng «{code or '?'}»"
        self.check_keys(entry, row, _ROW_KEYS, ("code", "label"))
        if depth > 0:
            counter[0] += 1
            want = f"{top}.{counter[0]}"
            if code != want:
                raise self.fail(entry, f"mã phải là «{want}» (dòng con đánh số theo thứ tự "
                                "xuất hiện)")
        kind = row.get("kind", "input")
        if kind not in KINDS:
            raise self.fail(entry, f"kind phải là một trong {', '.join(KINDS)}")
        rel = row.get("rel", "part") if depth > 0 else None
        if rel is not None and rel not in RELS:
            raise self.fail(entry, f"rel phải là một trong {', '.join(RELS)}")
        time = row.get("time", "sum" if kind != "heading" else "none")
        if time not in TIME_AGGS:
            raise self.fail(entry, f"time phải là một trong {', '.join(TIME_AGGS)}")
        across = row.get("across", "sum" if kind != "heading" else "none")
        if across not in ACROSS_AGGS:
            raise self.fail(entry, f"across phải là một trong {', '.join(ACROSS_AGGS)}")
        if kind == "derived" and not row.get("formula"):
            raise self.fail(entry, "dòng tính (kind: derived) phải có «formula»")
        if kind != "derived" and row.get("formula"):
            raise self.fail(entry, "chỉ dòng tính (kind: derived) mới có «formula»")
        if row.get("formula"):
            try:
                expr.parse(str(row["formula"]))
            except expr.ExprError as exc:
                raise self.fail(entry, f"công thức sai: {exc}") from exc
        unit = nfc(str(row.get("unit", "")))
        own_measures = row.get("measures")
        if own_measures is not None:
            measures = self.load_measures(entry, own_measures, unit)
        elif measures is not None and unit != measures[0]:
            measures = None
        if measures is None:
            if kind != "heading" and unit not in self.units:
                raise self.fail(entry, f"đơn vị tính «{unit}» không có trong «units»; "
                                "đơn vị ghép (vụ/người) phải khai báo «measures»")
        common = dict(
            kind=kind, time=time, across=across, rel=rel, section=section, depth=depth,
            note=nfc(str(row.get("note", ""))),
            # a part aggregated like its row shares the row's reason
            why=nfc(str(row.get("why", ""))) or (inherited[1] if time == inherited[0] else ""),
            target=bool(row.get("target", False)), fix=nfc(str(row.get("fix", ""))),
            required=bool(row.get("required", False)),
            entity=str(row.get("entity", "") or ""),
            formula=str(row["formula"]) if row.get("formula") else None,
        )
        label = nfc(str(row["label"]))
        number = code if depth == 0 else ""
        if measures is None:
            if isinstance(parent, dict):
                raise self.fail(entry, "dòng con của dòng đơn vị ghép phải cùng đơn vị ghép")
            self.add(code, label, unit, parent, number,
                     tuple(str(c) for c in row.get("sum_of") or ()), common)
            child_parent: Any = code
        else:
            child_parent = {}
            for i, (suffix, m_unit, m_label) in enumerate(measures[1]):
                p = parent[suffix] if isinstance(parent, dict) else parent
                lbl = (m_label if own_measures is not None else None) or f"{label} ({m_unit})"
                sum_of = tuple(f"{c}{suffix}" for c in row.get("sum_of") or ())
                per = dict(common, source_label=label)
                if common["formula"]:  # {7} in a compound row means {7a} for measure a
                    per["formula"] = re.sub(
                        r"\{([^{}@]+)(@[+-]?\d+)?\}",
                        lambda m, s=suffix: "{" + (m.group(1) + s if any(
                            x.code == m.group(1) + s for x in self.indicators) else m.group(1))
                        + (m.group(2) or "") + "}", common["formula"])
                self.add(code + suffix, lbl, m_unit, p, number if i == 0 else "", sum_of, per)
                child_parent[suffix] = code + suffix
        for child in row.get("rows") or []:
            self.walk(child, child_parent, measures, top, counter, section, depth + 1,
                      (time, common["why"]))

    def load_measures(self, entry: str, measures: Any, unit: str):
        if not isinstance(measures, list) or len(measures) < 2:
            raise self.fail(entry, "measures phải liệt kê ít nhất hai đại lượng")
        out = []
        for m in measures:
            self.check_keys(f"{entry} measures", m, _MEASURE_KEYS, ("suffix", "unit"))
            m_unit = nfc(str(m["unit"]))
            if m_unit not in self.units:
                raise self.fail(entry, f"đơn vị «{m_unit}» của measures không có trong «units»")
            out.append((str(m["suffix"]), m_unit, nfc(str(m.get("label", ""))) or None))
        return (unit, tuple(out))

    def add(self, code: str, label: str, unit: str, parent: str | None, number: str,
            sum_of: tuple[str, ...], common: dict[str, Any]) -> None:
        if any(i.code == code for i in self.indicators):
            raise self.fail(f"dòng «{code}»", "mã bị trùng")
        value_type = self.units[unit]["type"] if unit in self.units else "integer"
        self.indicators.append(Indicator(code=code, label=label, unit=unit, parent=parent,
                                         number=number, sum_of=sum_of,
                                         value_type=value_type, **common))

    def check_references(self) -> None:
        seen: dict[str, Indicator] = {}
        for ind in self.indicators:
            entry = f"dòng «{ind.code}»"
            for part in ind.sum_of:
                target = next((i for i in self.indicators if i.code == part), None)
                if target is None or target.parent != ind.code:
                    raise self.fail(entry, f"sum_of nhắc «{part}» không phải dòng con của nó")
            if ind.formula:
                for ref in expr.refs(expr.parse(ind.formula)):
                    src = seen.get(ref.code)
                    if src is None or not src.has_values:
                        raise self.fail(entry, f"công thức dùng «{ref.code}» chưa có phía trên "
                                        "hoặc không có số liệu")
                    if ref.offset:
                        raise self.fail(entry, "công thức dòng tính chỉ dùng số cùng năm")
            seen[ind.code] = ind


# -- pickling by reference -------------------------------------------------------------------
def _restore(path: str, term: str, removed: tuple[str, ...]) -> Form:
    builtin = Path(path).parent == FORMS_DIR
    form = load_form(Path(path).stem, term) if builtin else load_form_file(path).for_term(term)
    return form.without_rows(list(removed))


def _reduce(form: Form) -> tuple[Any, tuple[str, str, tuple[str, ...]]]:
    full = _restore(form.path, form.term, ())
    removed = tuple(i.code for i in full.indicators if not form.has(i.code))
    return _restore, (form.path, form.term, removed)


copyreg.pickle(Form, _reduce)
