"""Form definitions: YAML → ``Form`` (indicators, periods, aggregation), validated on load.

The form is the single source of truth: the template, its formulas, the checks and the
consolidation are all derived from it. A wrong definition raises ``FormDefinitionError`` naming
the file, the entry and the problem.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from . import expr
from .errors import FormDefinitionError, UnknownFormError

FORMS_DIR = Path(__file__).parent / "forms"

TIME_AGGS = {
    "sum": "cộng các năm (chỉ tiêu phát sinh trong kỳ)",
    "last": "lấy số cuối kỳ (chỉ tiêu tồn tại thời điểm)",
    "first": "lấy số đầu kỳ",
    "avg": "bình quân các năm có số liệu",
    "max": "lấy số lớn nhất",
    "none": "không tổng hợp theo thời gian",
}
ACROSS_AGGS = {"sum": "cộng các đơn vị", "none": "không cộng giữa các đơn vị"}
KINDS = ("input", "heading", "derived")
RELS = ("part", "detail", "companion")
VALUE_TYPES = ("integer", "decimal")
EXCEL_SHEET_FORBIDDEN = set("[]:*?/\\")

_FORM_KEYS = {
    "id", "version", "title", "heading", "sheet", "period_kind", "term", "issuer", "province",
    "guidance", "target_note", "units", "sections", "rules", "years", "columns", "year",
    "hidden", "period_line", "tracks", "sections_from", "annual",
}
COLUMN_LABELS = {"years", "total", "target", "pct", "note"}
_SECTION_KEYS = {"number", "label", "rows", "fix"}
_ROW_KEYS = {
    "code", "label", "unit", "kind", "time", "across", "rel", "sum_of", "measures", "rows",
    "note", "why", "target", "fix", "formula", "required", "entity",
}
_MEASURE_KEYS = {"suffix", "unit", "label"}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    kind: str
    value_type: str
    time: str
    across: str
    parent: str | None
    rel: str | None
    section: str
    number: str
    depth: int
    note: str = ""
    why: str = ""
    target: bool = False
    sum_of: tuple[str, ...] = ()
    formula: str | None = None
    fix: str = ""
    required: bool = False
    entity: str = ""  # a unit code, where a row stands for a unit (target allocation)
    source_label: str = ""  # the printed row a compound measure comes from ("Số vụ/ số người…")

    @property
    def is_input(self) -> bool:
        return self.kind == "input"

    @property
    def has_values(self) -> bool:
        return self.kind != "heading"

    def parsed_formula(self) -> expr.Node:
        assert self.formula is not None
        return expr.parse(self.formula)


@dataclass(frozen=True)
class Section:
    number: str
    label: str
    codes: tuple[str, ...]
    fix: str = ""


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: date
    end: date


@dataclass(frozen=True, eq=False)
class Form:
    id: str
    version: int
    title_template: str
    heading: str
    sheet: str
    term_start: int
    term_end: int
    issuer_template: str
    province: str
    guidance: dict[str, str]
    target_note: str
    units: dict[str, dict[str, str]]
    sections: tuple[Section, ...]
    indicators: tuple[Indicator, ...]
    path: str
    rules_raw: tuple[dict[str, Any], ...] = ()
    period_kind: str = "year"  # year: one column per year of the term; quarter: per quarter
    year_offset: tuple[int, int] | None = None  # data years as offsets from the term's start
    column_labels: dict[str, str] = field(default_factory=dict)
    hidden_columns: tuple[str, ...] = ()
    show_period_line: bool = True
    tracks: dict[str, dict[str, str]] = field(default_factory=dict)
    annual: str = ""  # for a quarterly form: the annual form its quarters roll up to
    _by_code: dict[str, Indicator] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_code.update({i.code: i for i in self.indicators})

    # -- lookups ---------------------------------------------------------------------------
    def indicator(self, code: str) -> Indicator:
        return self._by_code[code]

    def has(self, code: str) -> bool:
        return code in self._by_code

    @cached_property
    def inputs(self) -> list[Indicator]:
        return [i for i in self.indicators if i.is_input]

    @cached_property
    def valued(self) -> list[Indicator]:
        return [i for i in self.indicators if i.has_values]

    def without_rows(self, missing: list[str]) -> Form:
        """The form minus rows deleted from a sheet (and derived rows that need them)."""
        if not missing:
            return self
        gone = set(missing)
        keep = []
        for ind in self.indicators:
            if ind.code in gone or (ind.formula and any(
                    r.code in gone for r in expr.refs(ind.parsed_formula()))):
                gone.add(ind.code)
                continue
            keep.append(ind)
        return dataclasses.replace(self, indicators=tuple(keep), _by_code={})

    def children(self, code: str) -> list[Indicator]:
        return [i for i in self.indicators if i.parent == code]

    # -- periods and term ------------------------------------------------------------------
    @property
    def term(self) -> str:
        if self.single_year:
            return str(self.term_start)
        return f"{self.term_start}-{self.term_end}"

    @property
    def single_year(self) -> bool:
        """A form about one year (quarterly, or annual): its term is written "2025"."""
        return self.period_kind == "quarter" or (
            self.term_end - self.term_start == 1 and self.year_offset is None)

    @property
    def periods(self) -> list[Period]:
        if self.period_kind == "quarter":
            y = self.term_start
            return [Period(f"{y}Q{q}", f"Quý {roman}", date(y, 3 * q - 2, 1),
                           date(y + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1))
                    for q, roman in enumerate(("I", "II", "III", "IV"), start=1)]
        first, last = (self.term_start, self.term_end - 1) if self.year_offset is None else (
            self.term_start + self.year_offset[0], self.term_start + self.year_offset[1])
        return [Period(str(y), str(y), date(y, 1, 1), date(y, 12, 31))
                for y in range(first, last + 1)]

    def label(self, column: str, default: str) -> str:
        """A column header: the form's own wording where it has one."""
        return self.column_labels.get(column, default)

    @cached_property
    def period_keys(self) -> list[str]:
        return [p.key for p in self.periods]

    def for_term(self, term: str | None) -> Form:
        if not term:
            return self
        if self.single_year:
            y = re.fullmatch(r"\s*(\d{4})\s*", term)
            if not y:
                raise FormDefinitionError(self.path, "term", f"năm «{term}» không hợp lệ; "
                                          "biểu mẫu năm, quý ghi một năm, ví dụ 2025")
            return dataclasses.replace(self, term_start=int(y.group(1)),
                                       term_end=int(y.group(1)) + 1, _by_code={})
        m = re.fullmatch(r"\s*(\d{4})\s*-\s*(\d{4})\s*", term)
        if not m or int(m.group(2)) <= int(m.group(1)) or int(m.group(2)) - int(m.group(1)) > 10:
            raise FormDefinitionError(
                self.path, "term", f"nhiệm kỳ «{term}» không hợp lệ; ghi dạng 2023-2028"
            )
        return dataclasses.replace(
            self, term_start=int(m.group(1)), term_end=int(m.group(2)), _by_code={}
        )

    def title(self) -> str:
        return self.title_template.format(term_start=self.term_start, term_end=self.term_end,
                                          year=self.term_start)

    def issuer(self, province: str | None = None) -> str:
        return self.issuer_template.format(province=(province or self.province).upper())

    def period_line(self) -> str:
        ps = self.periods
        return (
            f"(Số liệu lấy từ ngày {ps[0].start:%d/%m/%Y} "
            f"đến hết ngày {ps[-1].end:%d/%m/%Y})"
        )

    def guidance_line(self) -> str:
        return self.guidance.get(self.term, "")

    # -- export ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        from .rules import form_rules  # rules depend on the form; import late

        return {
            "id": self.id,
            "version": self.version,
            "title": self.title(),
            "term": self.term,
            "sheet": self.sheet,
            "periods": [
                {"key": p.key, "label": p.label, "start": p.start.isoformat(),
                 "end": p.end.isoformat()}
                for p in self.periods
            ],
            "sections": [
                {"number": s.number, "label": s.label, "indicators": list(s.codes),
                 **({"fix": s.fix} if s.fix else {})}
                for s in self.sections
            ],
            "indicators": [
                {
                    "code": i.code, "label": i.label, "unit": i.unit, "kind": i.kind,
                    "value_type": i.value_type, "time_aggregation": i.time,
                    "unit_aggregation": i.across, "parent": i.parent, "relation": i.rel,
                    "section": i.section, "sum_of": list(i.sum_of), "formula": i.formula,
                    "target": i.target, "required": i.required, "note": i.note, "why": i.why,
                    "fix": i.fix,
                }
                for i in self.indicators
            ],
            "rules": [r.to_dict() for r in form_rules(self)],
        }


# -- loading ------------------------------------------------------------------------------
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
            data = yaml.safe_load(fh)
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
            rules_raw=tuple(rules),
            period_kind=kind,
            year_offset=offset,
            column_labels={k: nfc(str(v)) for k, v in labels.items()},
            hidden_columns=tuple(self.hidden(data.get("hidden") or [])),
            show_period_line=bool(data.get("period_line", True)),
            tracks=self.tracks(data.get("tracks") or {}),
            annual=str(data.get("annual") or ""),
        )
        from .rules import form_rules  # validates the rules against the built form

        form_rules(form)
        return form

    def borrow(self, data: dict[str, Any]) -> dict[str, Any]:
        """Rows, units and rules of another form (an annual form on quarterly rows)."""
        source = Path(self.path).parent / f"{data['sections_from']}.yaml"
        try:
            with open(source, encoding="utf-8") as fh:
                other = yaml.safe_load(fh)
        except OSError as exc:
            raise self.fail("sections_from", f"không đọc được biểu mẫu {source.name}") from exc
        merged = {k: v for k, v in data.items() if k != "sections_from"}
        for key in ("sections", "units", "rules"):
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
