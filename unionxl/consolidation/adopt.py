"""Hand-made appendices: a workbook whose rows carry the seed's labels but no unionxl keys.

Rows are mapped to indicator codes by label: labels are normalised (Unicode form, case,
spacing, bullets, "Trong đó", common abbreviations such as DN ↔ doanh nghiệp) and the
workbook's rows are aligned with the form's rows in order (so the four "+ Doanh nghiệp nhà
nước" rows each find their own parent). Every row gets a confidence; a row below the
threshold is reported, never guessed. ``unionxl adopt`` writes a proper unionxl workbook.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import WorkbookError
from ..form import Form, load_form
from ..validation import Issue, cell_issue, make
from ..workbook import a1
from ..workbook import cells as ck
from ..workbook.numbers import COMPOUND
from ..workbook.package import Grid, Package

CONFIDENT = 0.85  # at or above: mapped; below: reported for a person to decide
CANDIDATE = 0.55  # below: not this row at all
_ABBREV = [
    (r"\bcnvclđ\b", "công nhân viên chức lao động"), (r"\bcđcs\b", "công đoàn cơ sở"),
    (r"\bdnnn\b", "doanh nghiệp nhà nước"), (r"\bdn\b", "doanh nghiệp"),
    (r"\bnlđ\b", "người lao động"), (r"\bhcsn\b", "hành chính sự nghiệp"),
    (r"\bbnc\b", "ban nữ công"), (r"\bđv\b", "đoàn viên"), (r"\bcđ\b", "công đoàn"),
    (r"\bnn\b", "nhà nước"), (r"\bnq\b", "nghị quyết"), (r"\bkv\b", "khu vực"),
]
_YEAR = re.compile(r"^(?:năm\s*)?((?:19|20)\d{2})$")


def normalise(label: str) -> str:
    text = unicodedata.normalize("NFC", str(label)).lower()
    text = text.replace("xẩy", "xảy").replace("hoá", "hóa").replace("thoả", "thỏa")
    text = re.sub(r"[“”\"'’]", "", text)
    text = re.sub(r"^[\s+\-–•*·.0-9)]+", "", text)  # bullets and numbering
    text = re.sub(r"[.,]?\s*trong đó\s*:?\s*$", "", text)
    for pattern, full in _ABBREV:
        text = re.sub(pattern, full, text)
    text = re.sub(r"[^\w/%]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Target:
    """One row of the form as a person would have typed it (a compound row is one row)."""

    codes: tuple[str, ...]  # one code, or the a/b codes of a compound row
    label: str
    unit: str
    parent_label: str = ""

    @property
    def key(self) -> str:
        return normalise(self.label)


def targets(form: Form) -> list[Target]:
    out: list[Target] = []
    for ind in form.indicators:
        if ind.is_ratio:
            continue  # a rate is recomputed, never read: a hand-made appendix has none
        base = re.sub(r"[a-z]$", "", ind.code)
        if base != ind.code and out and re.sub(r"[a-z]$", "", out[-1].codes[0]) == base:
            out[-1].codes += (ind.code,)
            out[-1].unit += "/" + ind.unit
            continue
        # a compound row is typed once, under its printed label ("Số vụ/ số người…")
        out.append(Target((ind.code,), ind.source_label or ind.label, ind.unit))
    return out


@dataclass
class Mapped:
    row: int  # 1-based worksheet row
    label: str
    codes: tuple[str, ...] = ()
    confidence: float = 0.0
    status: str = "unknown"  # mapped | low-confidence | unknown
    candidate: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "codes": list(self.codes)}


@dataclass
class Adoption:
    path: Path
    form: Form
    sheet: str
    rows: list[Mapped] = field(default_factory=list)
    values: dict[str, dict[str, float]] = field(default_factory=dict)
    problems: list[Issue] = field(default_factory=list)  # cells without a clean number
    unit_name: str = ""
    far: list[Grid] = field(default_factory=list, repr=False)  # cells beyond the window

    @property
    def complete(self) -> bool:
        return all(r.status == "mapped" for r in self.rows)

    @property
    def coverage(self) -> float:
        mapped = {c for r in self.rows if r.status == "mapped" for c in r.codes}
        return len(mapped) / max(1, len(self.form.valued))


def _table(grid: list[list[Any]]) -> tuple[int, dict[str, int], int, int] | None:
    """(header row, year → column, label column, unit column), 0-based; None if none."""
    for r, row in enumerate(grid[:40]):
        years = {}
        for c, v in enumerate(row):
            text = str(v).strip().lower() if v is not None else ""
            m = _YEAR.match(text.replace(".0", ""))
            if m:
                years[m.group(1)] = c
        if len(years) >= 1:
            body = grid[r + 1:]
            width = max((len(x) for x in body), default=0)
            longest = [sum(len(str(x[c])) for x in body if c < len(x) and isinstance(x[c], str))
                       for c in range(width)]
            label_col = max(range(width), key=lambda c: longest[c]) if width else 0
            unit_col = label_col + 1
            return r, years, label_col, unit_col
    return None


def adopt(source: str | Path | Package, form: Form | None = None) -> Adoption:
    """Rows of the first sheet holding a table with a year header, mapped by label. The sheets
    are read inside the reading window, as every submission is (``Package.grid``)."""
    pkg = source if isinstance(source, Package) else Package.read(source)
    path = pkg.path
    form = form or load_form("phu-luc-nhiem-ky")
    for name in pkg.sheet_names:
        grid = pkg.grid(name)
        found = _table(grid.rows)
        if found is not None:
            break
    else:
        raise WorkbookError(str(path), "không tìm thấy bảng có dòng tiêu đề năm (2018, 2019…)")
    header, years, label_col, unit_col = found
    period_of = {y: p for p in form.period_keys for y in [p[:4]] if y in years}
    result = Adoption(path, form, grid.sheet, far=[grid] if grid.far_count else [])
    result.unit_name = _unit_line(grid.rows[:header])
    rows = []
    for r, row in enumerate(grid.rows[header + 1:], start=header + 2):
        label = row[label_col] if label_col < len(row) else None
        if not isinstance(label, str) or not label.strip() or _is_section(row, label_col):
            continue
        rows.append((r, label.strip(), row))
    form_rows = [t for t in targets(form)]
    if len(rows) > 4 * len(form_rows) + 100:  # the alignment costs rows × form rows
        raise WorkbookError(str(path), f"bảng có {len(rows)} dòng, quá nhiều so với biểu mẫu "
                            f"{form.id} ({len(form_rows)} dòng): không phải phụ lục tự lập")
    plan = _align([normalise(x[1]) for x in rows], [t.key for t in form_rows])
    for (r, label, row), match in zip(rows, plan, strict=True):
        mapped = Mapped(r, label)
        if match is not None:
            j, score = match
            t = form_rows[j]
            mapped.confidence = round(score, 3)
            mapped.candidate = "/".join(t.codes)
            if score >= CONFIDENT and form.indicator(t.codes[0]).has_values:
                mapped.codes, mapped.status = t.codes, "mapped"
                _values(result, t, row, years, period_of, r)
            elif score >= CONFIDENT:
                mapped.codes, mapped.status = t.codes, "mapped"  # a heading row: no values
            else:
                mapped.status = "low-confidence"
        result.rows.append(mapped)
    return result


def _is_section(row, label_col: int) -> bool:
    tt = row[label_col - 1] if label_col >= 1 else None
    return isinstance(tt, str) and re.fullmatch(r"[IVX]+", tt.strip()) is not None


def _unit_line(head: list[list[Any]]) -> str:
    texts = [str(v).strip() for row in head for v in row if isinstance(v, str) and v.strip()]
    for t in texts:
        low = t.lower()
        if ("huyện" in low or "thành phố" in low or "ngành" in low or "công đoàn" in low
                or "lđlđ" in low) and "tỉnh" not in low and "phụ lục" not in low:
            return t
    return ""


def similarity(a: str, b: str) -> float:
    """Half spelling (characters), half wording (shared words): a typo costs little, a word
    changed ("tư vấn về luật" for "tư vấn pháp luật") costs enough to be asked about."""
    chars = difflib.SequenceMatcher(None, a, b).ratio()
    wa, wb = set(a.split()), set(b.split())
    words = len(wa & wb) / len(wa | wb) if wa | wb else 1.0
    return (chars + words) / 2


def _align(rows: list[str], form_rows: list[str]) -> list[tuple[int, float] | None]:
    """Order-preserving best matching of workbook rows to form rows (dynamic programming)."""
    n, m = len(rows), len(form_rows)
    sim = [[similarity(a, b) for b in form_rows] for a in rows]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    step = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            options = [(best[i + 1][j], 1), (best[i][j + 1], 2)]
            if sim[i][j] >= CANDIDATE:
                options.append((best[i + 1][j + 1] + sim[i][j], 3))
            best[i][j], step[i][j] = max(options)
        best[i][m], step[i][m] = best[i + 1][m], 1
    out: list[tuple[int, float] | None] = []
    i = j = 0
    while i < n:
        if j < m and step[i][j] == 3:
            out.append((j, sim[i][j]))
            i, j = i + 1, j + 1
        elif j < m and step[i][j] == 2:
            j += 1
        else:
            out.append(None)
            i += 1
    return out


def _values(result: Adoption, t: Target, row, years: dict[str, int],
            period_of: dict[str, str], r: int) -> None:
    """The numbers of one row; each cell judged as a template cell is (``cell_issue``)."""
    for year, col in years.items():
        period = period_of.get(year)
        raw = row[col] if col < len(row) else None
        if period is None or raw is None or raw == "":
            continue
        where = {"sheet": result.sheet, "cell": a1.cell(r - 1, col),
                 "period": period}
        if len(t.codes) > 1:
            if not (isinstance(raw, str) and COMPOUND.match(raw)):
                result.problems.append(make("compound-expected", **where,
                                            indicator=t.codes[0], value=raw))
                continue
            cells = [_part(p.strip(), result.form.indicator(c))
                     for c, p in zip(t.codes, raw.split("/"), strict=False)]
        else:
            ind = result.form.indicator(t.codes[0])
            cells = [ck.classify(raw, ind.unit, ind.value_type == "integer")]
        for code, cell in zip(t.codes, cells, strict=False):
            ind = result.form.indicator(code)
            if not ind.is_input:
                continue  # a derived row: its formula recomputes it
            number, issue, fields = cell_issue(ind, cell)
            if issue:
                result.problems.append(make(issue, **where, indicator=code, **fields))
            elif number is not None:
                result.values.setdefault(code, {})[period] = number


def _part(text: str, ind) -> ck.Cell:
    """One side of a "vụ/người" entry: the seed's own layout, so a number written as text."""
    cell = ck.classify(text, ind.unit, ind.value_type == "integer")
    if cell.kind == ck.TEXT_NUMBER:
        return ck.Cell(ck.NUMBER, text, cell.number)
    return cell
