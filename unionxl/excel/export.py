"""``unionxl export``: the copy to e-mail upward, and an Outlook draft that carries it.

The workbook is validated first (errors refuse unless forced), re-saved without macros and
without external links under a standard name (form, term, unit), and an ``.eml`` draft with
``X-Unsent: 1`` is written beside it: Outlook opens it as a new message ready to send.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

import openpyxl

from ..atomic import atomic_output
from ..errors import UnionxlError
from ..validation import FileReport, validate_file
from ..workbook.numbers import format_vn

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class ExportRefused(UnionxlError):
    exit_code = 1


@dataclass
class Exported:
    workbook: Path
    draft: Path
    report: FileReport


def standard_name(report: FileReport) -> str:
    unit = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in report.unit_code or "")
    return f"{report.form_id}_{report.term}_{unit or 'khong-ma'}.xlsx"


def export(book: str | Path, out_dir: str | Path, to: str = "", force: bool = False
           ) -> Exported:
    book, out_dir = Path(book), Path(out_dir)
    report = validate_file(book)
    if report.status == "unreadable":
        raise UnionxlError(f"Không xuất được {book}: {report.issues[0].message}")
    if report.errors and not force:
        first = next(i for i in report.issues if i.severity == "error")
        raise ExportRefused(f"Tệp {book.name} còn {report.errors} lỗi nên chưa xuất (lỗi đầu "
                            f"tiên: {first.sheet}!{first.cell} – {first.message}). Hãy sửa "
                            "rồi xuất lại, hoặc dùng --force nếu cấp trên đồng ý nhận.")
    target = out_dir / standard_name(report)
    wb = openpyxl.load_workbook(book, keep_vba=False, keep_links=False)
    with atomic_output(target) as tmp:
        wb.save(tmp)
    draft = target.with_suffix(".eml")
    with atomic_output(draft) as tmp:
        tmp.write_bytes(bytes(_message(report, target, to)))
    return Exported(target, draft, report)


def _message(report: FileReport, attachment: Path, to: str) -> EmailMessage:
    msg = EmailMessage()
    who = report.unit_name or report.unit_code or "đơn vị"
    form = report.form
    name = form.display_name if form is not None else report.form_id
    span = f"{'năm' if form is not None and form.single_year else 'nhiệm kỳ'} {report.term}"
    msg["Subject"] = f"{name} ({report.term}) – {who}"
    if to:
        msg["To"] = to
    msg["Date"] = formatdate(localtime=True)
    msg["X-Unsent"] = "1"  # Outlook opens the draft as a new message to send
    values = report.values
    last = max((p for row in values.values() for p in row if p[:1].isdigit()), default="")
    lines = [
        "Kính gửi cấp trên,",
        "",
        f"{who} gửi {name} ({span}, biểu mẫu phiên bản {report.form_version}) trong tệp "
        f"đính kèm {attachment.name}.",
        f"Kết quả kiểm tra: {report.errors} lỗi, {report.warnings} cảnh báo.",
    ]
    labels = {p.key: p.label for p in form.periods} if form is not None else {}
    for h in form.headline if form is not None else ():
        v = values.get(h.code, {}).get(last)
        if v is not None:
            when = labels.get(last, last)
            lines.append(f"- {h.label} {'năm ' if when.isdigit() else ''}{when}: "
                         f"{format_vn(v)}")
    lines += ["", "Trân trọng.", "", f"(Tạo bởi unionxl; mã kiểm tra SHA-256 của tệp gốc: "
              f"{report.sha256[:16]}…)"]
    msg.set_content("\n".join(lines))
    msg.add_attachment(attachment.read_bytes(), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1],
                       filename=attachment.name)
    return msg
