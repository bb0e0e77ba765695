"""The rows of a form definition: sections, rows and their sub-rows, compound measures
("vụ/người" → a and b rows), derived and ratio rows, per-unit rows made from a unit registry,
checked as they are read (numbering, units, aggregation, references). Part of the loader."""

from __future__ import annotations

import re
from typing import Any

from ..errors import FormDefinitionError
from ..text import nfc
from . import expr
from .model import ACROSS_AGGS, KINDS, RATE_UNIT, RELS, TIME_AGGS, Indicator, Section

Entities = tuple[tuple[str, str], ...]  # (unit code, unit name) of per-unit rows
_SECTION_KEYS = {"number", "label", "rows", "fix", "per_unit", "total"}
_PER_UNIT_KEYS = {"unit", "time", "measures", "why"}
_TOTAL_KEYS = {"label", "why"}
ROW_KEYS = {
    "code", "label", "unit", "kind", "time", "across", "rel", "sum_of", "measures", "rows",
    "note", "why", "target", "fix", "formula", "required", "entity", "numerator",
    "denominator", "cumulative",
}
_MEASURE_KEYS = {"suffix", "unit", "label"}
RATIO_WHY = ("Tỷ lệ tính lại từ tử số và mẫu số của cả kỳ; cộng hay lấy bình quân các tỷ lệ "
             "sẽ sai.")


def check_keys(fail, entry: str, data: Any, allowed: set[str], required: tuple[str, ...]):
    if not isinstance(data, dict):
        raise fail(entry, "phải là một bảng khóa: giá trị")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise fail(entry, f"khóa không biết: {', '.join(map(str, unknown))} "
                   f"(dùng được: {', '.join(sorted(allowed))})")
    for key in required:
        if data.get(key) in (None, ""):
            raise fail(entry, f"thiếu khóa bắt buộc «{key}»")


class RowBuilder:
    """Reads ``sections:`` into indicators; ``units`` must be loaded first; ``entities`` are
    the units of per-unit rows (the registry's, given when the form is loaded)."""

    def __init__(self, path: str, units: dict[str, dict[str, str]], entities: Entities = ()
                 ) -> None:
        self.path = path
        self.units = units
        self.entities = entities
        self.per_unit = False
        self.indicators: list[Indicator] = []

    def fail(self, entry: str, problem: str) -> FormDefinitionError:
        return FormDefinitionError(self.path, entry, problem)

    def load_sections(self, sections: Any) -> list[Section]:
        if not isinstance(sections, list) or not sections:
            raise self.fail("sections", "phải là danh sách các mục (I, II, …)")
        out, expected_top = [], 1
        for s_idx, sec in enumerate(sections):
            entry = f"sections[{s_idx}]"
            check_keys(self.fail, entry, sec, _SECTION_KEYS, ())  # unnamed: no heading row
            start = len(self.indicators)
            rows = self.unit_rows(entry, sec) if sec.get("per_unit") else sec.get("rows")
            if not rows and not sec.get("per_unit"):
                raise self.fail(entry, "thiếu khóa bắt buộc «rows»")
            for row in rows or []:
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
                               codes, nfc(str(sec.get("fix", "")))))
        self.check_references()
        return out

    def unit_rows(self, entry: str, sec: dict[str, Any]) -> list[dict[str, Any]]:
        """One row per unit (the registry's, given when the form is loaded), then the total."""
        spec = sec["per_unit"]
        check_keys(self.fail, f"{entry}.per_unit", spec, _PER_UNIT_KEYS, ("unit", "measures"))
        total = sec.get("total")
        if total is not None:
            check_keys(self.fail, f"{entry}.total", total, _TOTAL_KEYS, ("label",))
        self.per_unit = True

        def row(code: int, label: str, extra: dict[str, Any]) -> dict[str, Any]:
            measures = [dict(m, label=str(m.get("label", "{name}")).replace("{name}", label))
                        for m in spec["measures"]]
            return {"code": str(code), "label": label, "unit": spec["unit"],
                    "time": spec.get("time", "sum"), "measures": measures, **extra}

        rows = [row(n, name, {"entity": code, **({"why": spec["why"]} if spec.get("why")
                                                  else {})})
                for n, (code, name) in enumerate(self.entities, start=1)]
        if total is not None:
            n = len(rows) + 1
            parts = " + ".join(f"{{{i}}}" for i in range(1, n)) or "0"
            rows.append(row(n, nfc(str(total["label"])), {
                "kind": "derived", "formula": parts,
                **({"why": total["why"]} if total.get("why") else {})}))
        return rows

    def kind_and_aggregation(self, entry: str, row: dict[str, Any], depth: int
                             ) -> tuple[str, str | None, str, str]:
        kind = row.get("kind", "input")
        if kind not in KINDS:
            raise self.fail(entry, f"kind phải là một trong {', '.join(KINDS)}")
        rel = row.get("rel", "detail" if kind == "ratio" else "part") if depth > 0 else None
        if rel is not None and rel not in RELS:
            raise self.fail(entry, f"rel phải là một trong {', '.join(RELS)}")
        if kind == "ratio":
            for key, problem in (("formula", "dòng tỷ lệ dùng numerator/denominator, không "
                                  "dùng formula"), ("measures", "dòng tỷ lệ không có đơn vị "
                                                    "ghép")):
                if row.get(key):
                    raise self.fail(entry, problem)
            if not row.get("numerator") or not row.get("denominator"):
                raise self.fail(entry, "dòng tỷ lệ (kind: ratio) phải có «numerator» (tử số) "
                                "và «denominator» (mẫu số)")
            if row.get("time", "ratio") != "ratio" or row.get("across", "ratio") != "ratio":
                raise self.fail(entry, "dòng tỷ lệ luôn được tính lại từ tử số và mẫu số; bỏ "
                                "khóa time/across")
            return kind, rel, "ratio", "ratio"
        if row.get("numerator") or row.get("denominator"):
            raise self.fail(entry, "chỉ dòng tỷ lệ (kind: ratio) mới có numerator/denominator")
        time = row.get("time", "sum" if kind != "heading" else "none")
        if time not in TIME_AGGS or time == "ratio":
            raise self.fail(entry, f"time phải là một trong "
                            f"{', '.join(t for t in TIME_AGGS if t != 'ratio')}")
        across = row.get("across", "sum" if kind != "heading" else "none")
        if across not in ACROSS_AGGS or across == "ratio":
            raise self.fail(entry, "across phải là sum hoặc none")
        if kind == "derived" and not row.get("formula"):
            raise self.fail(entry, "dòng tính (kind: derived) phải có «formula»")
        if kind != "derived" and row.get("formula"):
            raise self.fail(entry, "chỉ dòng tính (kind: derived) mới có «formula»")
        if row.get("cumulative") and time != "last":
            raise self.fail(entry, "dòng lũy kế (cumulative) lấy số cuối kỳ: time phải là last")
        return kind, rel, time, across

    def walk(self, row: Any, parent: Any, measures: Any, top: str, counter: list[int],
             section: str, depth: int, inherited: tuple[str, str]) -> None:
        code = str(row.get("code", "")) if isinstance(row, dict) else ""
        entry = f"dòng «{code or '?'}»"
        check_keys(self.fail, entry, row, ROW_KEYS, ("code", "label"))
        if depth > 0:
            counter[0] += 1
            want = f"{top}.{counter[0]}"
            if code != want:
                raise self.fail(entry, f"mã phải là «{want}» (dòng con đánh số theo thứ tự "
                                "xuất hiện)")
        kind, rel, time, across = self.kind_and_aggregation(entry, row, depth)
        for key in ("formula", "numerator", "denominator"):
            if row.get(key):
                try:
                    expr.parse(str(row[key]))
                except expr.ExprError as exc:
                    raise self.fail(entry, f"{key} sai: {exc}") from exc
        unit = RATE_UNIT if kind == "ratio" else nfc(str(row.get("unit", "")))
        own_measures = row.get("measures")
        if own_measures is not None:
            measures = self.load_measures(entry, own_measures, unit)
        elif measures is not None and unit != measures[0]:
            measures = None
        if measures is None and kind not in ("heading", "ratio") and unit not in self.units:
            raise self.fail(entry, f"đơn vị tính «{unit}» không có trong «units»; "
                            "đơn vị ghép (vụ/người) phải khai báo «measures»")
        if time == "avg" and self.units.get(unit, {}).get("type") == "integer":
            raise self.fail(entry, f"bình quân của số đếm ({unit}) cho số lẻ vô nghĩa (ví dụ "
                            "«969,2 DN»); dùng time: last (số cuối kỳ) hoặc thêm dòng tỷ lệ "
                            "(kind: ratio)")
        common = dict(
            kind=kind, time=time, across=across, rel=rel, section=section, depth=depth,
            note=nfc(str(row.get("note", ""))),
            # a part aggregated like its row shares the row's reason
            why=nfc(str(row.get("why", ""))) or (RATIO_WHY if kind == "ratio" else inherited[1]
                                                 if time == inherited[0] else ""),
            target=bool(row.get("target", False)), fix=nfc(str(row.get("fix", ""))),
            required=bool(row.get("required", False)),
            entity=str(row.get("entity", "") or ""),
            formula=str(row["formula"]) if row.get("formula") else None,
            numerator=str(row["numerator"]) if row.get("numerator") else None,
            denominator=str(row["denominator"]) if row.get("denominator") else None,
            cumulative=bool(row.get("cumulative", False)),
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
            child_parent = self.add_measures(code, label, row, parent, number, measures,
                                             own_measures is not None, common)
        for child in row.get("rows") or []:
            self.walk(child, child_parent, measures, top, counter, section, depth + 1,
                      (time, common["why"]))

    def add_measures(self, code: str, label: str, row: dict[str, Any], parent: Any,
                     number: str, measures: Any, own: bool, common: dict[str, Any]
                     ) -> dict[str, str]:
        child_parent = {}
        for i, (suffix, m_unit, m_label) in enumerate(measures[1]):
            p = parent[suffix] if isinstance(parent, dict) else parent
            lbl = (m_label if own else None) or f"{label} ({m_unit})"
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
        return child_parent

    def load_measures(self, entry: str, measures: Any, unit: str):
        if not isinstance(measures, list) or len(measures) < 2:
            raise self.fail(entry, "measures phải liệt kê ít nhất hai đại lượng")
        out = []
        for m in measures:
            check_keys(self.fail, f"{entry} measures", m, _MEASURE_KEYS, ("suffix", "unit"))
            m_unit = nfc(str(m["unit"]))
            if m_unit not in self.units:
                raise self.fail(entry, f"đơn vị «{m_unit}» của measures không có trong «units»")
            out.append((str(m["suffix"]), m_unit, nfc(str(m.get("label", ""))) or None))
        return (unit, tuple(out))

    def add(self, code: str, label: str, unit: str, parent: str | None, number: str,
            sum_of: tuple[str, ...], common: dict[str, Any]) -> None:
        if any(i.code == code for i in self.indicators):
            raise self.fail(f"dòng «{code}»", "mã bị trùng")
        value_type = ("rate" if common["kind"] == "ratio" else
                      self.units[unit]["type"] if unit in self.units else "integer")
        self.indicators.append(Indicator(code=code, label=label, unit=unit, parent=parent,
                                         number=number, sum_of=sum_of,
                                         value_type=value_type, **common))

    def check_references(self) -> None:
        seen: dict[str, Indicator] = {}
        every = {i.code: i for i in self.indicators}
        for ind in self.indicators:
            entry = f"dòng «{ind.code}»"
            for part in ind.sum_of:
                target = every.get(part)
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
            if ind.is_ratio:
                self.check_ratio(entry, ind, every)
            seen[ind.code] = ind

    def check_ratio(self, entry: str, ind: Indicator, every: dict[str, Indicator]) -> None:
        num, den = ind.ratio_parts()
        for ref in expr.refs(num) + expr.refs(den):
            src = every.get(ref.code)
            if src is None or not src.has_values or src.is_ratio:
                raise self.fail(entry, f"tỷ lệ dùng «{ref.code}»: phải là dòng có số liệu "
                                "(không phải dòng tiêu đề hay dòng tỷ lệ khác)")
            if ref.offset:
                raise self.fail(entry, "tỷ lệ chỉ dùng số cùng kỳ")
            if src.time == "none":
                raise self.fail(entry, f"tỷ lệ dùng «{ref.code}» không tổng hợp theo thời gian "
                                "(time: none): không tính được tỷ lệ cả kỳ")
