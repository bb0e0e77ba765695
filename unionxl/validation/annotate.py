"""The marked-up copy of a checked workbook (``validate --annotate``).

Each offending cell is highlighted and carries a Vietnamese note; a sheet «Kết quả kiểm tra»
placed first lists every issue with a link to its cell (the same sheet the ribbon's «Kiểm tra
số liệu» button writes). The workbook's own live rule sheet «Kiểm tra» stays as it is. The input
file is never modified.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..atomic import atomic_output
from ..workbook.printing import page_setup_openpyxl, wrapped_lines
from .report import FileReport

RESULT_SHEET = "Kết quả kiểm tra"  # one name wherever a check's results are written
COLOURS = {"error": "FFC7CE", "warning": "FFEB9C", "head": "D9E1F2"}
COLUMNS = [("STT", 5), ("Mức", 9), ("Loại", 22), ("Trang", 12), ("Ô", 7), ("Dòng", 7),
           ("Kỳ", 8), ("Nội dung", 70)]


def _fills() -> dict:
    from openpyxl.styles import PatternFill  # heavy (pulls numpy): only for --annotate

    return {k: PatternFill("solid", fgColor=v) for k, v in COLOURS.items()}


def annotate(report: FileReport, out: str | Path) -> Path:
    import openpyxl  # heavy (pulls numpy): only for --annotate
    from openpyxl.comments import Comment  # (same)

    fills = _fills()
    # from bytes: openpyxl leaves its file open when the workbook is refused (unsafe XML)
    wb = openpyxl.load_workbook(io.BytesIO(Path(report.path).read_bytes()))
    if RESULT_SHEET in wb.sheetnames:  # results of an earlier check: replaced
        del wb[RESULT_SHEET]
    notes: dict[tuple[str, str], list[str]] = {}
    for issue in report.issues:
        if issue.sheet in wb.sheetnames and issue.cell:
            cell = wb[issue.sheet][issue.cell]
            worse = cell.fill == fills["error"]
            if not worse:
                cell.fill = fills[issue.severity]
            notes.setdefault((issue.sheet, issue.cell), []).append(
                f"[{issue.severity_vi} – {issue.title}] {issue.message}")
    for (sheet, addr), lines in notes.items():
        comment = Comment("\n".join(lines), "unionxl")
        comment.width, comment.height = 360, 40 + 40 * len(lines)
        wb[sheet][addr].comment = comment
    _issue_sheet(wb, report, fills)
    with atomic_output(out) as tmp:
        wb.save(tmp)
    return Path(out)


def _issue_sheet(wb, report: FileReport, fills: dict) -> None:
    from openpyxl.styles import Alignment, Font  # heavy (pulls numpy): only for --annotate

    ws = wb.create_sheet(RESULT_SHEET, 0)
    bold = Font(name="Times New Roman", bold=True)
    plain = Font(name="Times New Roman")
    ws.append([f"KẾT QUẢ KIỂM TRA: {Path(report.path).name}"])
    ws["A1"].font = Font(name="Times New Roman", bold=True, size=13)
    ws.append([f"{report.errors} lỗi, {report.warnings} cảnh báo. Bấm vào địa chỉ ô để đến "
               "chỗ cần sửa; ô có lỗi được tô màu và có ghi chú."])
    ws["A2"].font = Font(name="Times New Roman", italic=True)
    ws.append([])
    ws.append([name for name, _ in COLUMNS])
    for c in range(1, len(COLUMNS) + 1):
        ws.cell(4, c).font = bold
        ws.cell(4, c).fill = fills["head"]
    labels = {p.key: p.label for p in report.form.periods} if report.form else {}
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, issue in enumerate(report.issues, start=1):
        ws.append([i, issue.severity_vi, issue.title, issue.sheet, issue.cell,
                   issue.indicator, labels.get(issue.period, issue.period), issue.message])
        r = ws.max_row
        for c in range(1, len(COLUMNS) + 1):
            ws.cell(r, c).font = plain
            ws.cell(r, c).alignment = wrap
        if issue.sheet and issue.cell:
            link = ws.cell(r, 5)
            link.hyperlink = f"#'{issue.sheet}'!{issue.cell}"
            link.font = Font(name="Times New Roman", color="0563C1", underline="single")
        ws.cell(r, 2).fill = fills[issue.severity]
        lines = max(wrapped_lines(issue.message, COLUMNS[-1][1]),
                    wrapped_lines(issue.title, COLUMNS[2][1]))
        ws.row_dimensions[r].height = 15 * lines
    for col, (_, width) in zip("ABCDEFGH", COLUMNS, strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A5"
    page_setup_openpyxl(ws, landscape=True, repeat="4:4",
                        area=f"A1:H{max(ws.max_row, 4)}")
    wb.active = 0
