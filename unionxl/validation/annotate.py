"""The marked-up copy of a checked workbook (``validate --annotate``).

Each offending cell is highlighted and carries a Vietnamese note; a sheet "Kiểm tra" placed
first lists every issue with a link to its cell. The live rule sheet of the template (also
"Kiểm tra") is kept under the name "Kiểm tra - quy tắc". The input file is never modified.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..atomic import atomic_output
from ..workbook.live_checks import CHECK_SHEET
from .report import FileReport

ISSUE_SHEET = "Kiểm tra"
RULES_SHEET = "Kiểm tra - quy tắc"
FILL_COLOURS = {"error": "FFC7CE", "warning": "FFEB9C"}


def _fills() -> dict:
    from openpyxl.styles import PatternFill  # heavy (pulls numpy): only for --annotate

    return {k: PatternFill("solid", fgColor=v) for k, v in FILL_COLOURS.items()}


def annotate(report: FileReport, out: str | Path) -> Path:
    import openpyxl  # heavy (pulls numpy): only for --annotate
    from openpyxl.comments import Comment  # (same)

    fills = _fills()
    # from bytes: openpyxl leaves its file open when the workbook is refused (unsafe XML)
    wb = openpyxl.load_workbook(io.BytesIO(Path(report.path).read_bytes()))
    if CHECK_SHEET in wb.sheetnames:
        wb[CHECK_SHEET].title = RULES_SHEET
    notes: dict[tuple[str, str], list[str]] = {}
    for issue in report.issues:
        if issue.sheet in wb.sheetnames and issue.cell:
            cell = wb[issue.sheet][issue.cell]
            worse = cell.fill == fills["error"]
            if not worse:
                cell.fill = fills[issue.severity]
            notes.setdefault((issue.sheet, issue.cell), []).append(
                f"[{issue.severity_vi} {issue.code}] {issue.message}")
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

    ws = wb.create_sheet(ISSUE_SHEET, 0)
    bold = Font(name="Times New Roman", bold=True)
    ws.append([f"KẾT QUẢ KIỂM TRA: {Path(report.path).name}"])
    ws["A1"].font = Font(name="Times New Roman", bold=True, size=13)
    ws.append([f"{report.errors} lỗi, {report.warnings} cảnh báo. Bấm vào địa chỉ ô để đến "
               "chỗ cần sửa; ô có lỗi được tô màu và có ghi chú."])
    ws.append([])
    head = ["STT", "Mức", "Mã lỗi", "Trang", "Ô", "Chỉ tiêu", "Năm", "Nội dung"]
    ws.append(head)
    for c in range(1, len(head) + 1):
        ws.cell(4, c).font = bold
    for i, issue in enumerate(report.issues, start=1):
        ws.append([i, issue.severity_vi, issue.code, issue.sheet, issue.cell,
                   issue.indicator, issue.period, issue.message])
        r = ws.max_row
        if issue.sheet and issue.cell:
            link = ws.cell(r, 5)
            link.hyperlink = f"#'{issue.sheet}'!{issue.cell}"
            link.style = "Hyperlink"
        ws.cell(r, 2).fill = fills[issue.severity]
        ws.cell(r, 8).alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDEFGH", (5, 9, 20, 12, 7, 9, 7, 90)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A5"
    wb.active = 0
