"""The two sheets every data-entry workbook carries besides its table and checks: the guide
("Hướng dẫn", what to type where) and the very hidden identity sheet unionxl reads back."""

from __future__ import annotations

from dataclasses import dataclass

from .. import __version__
from ..form import Form
from .layout import META_SHEET
from .printing import page_setup, wrapped_lines
from .styles import FONT

GUIDE_SHEET = "Hướng dẫn"
WIDTH = 82  # characters: fits a portrait A4 page inside the margins


@dataclass(frozen=True)
class Identity:
    form_id: str
    form_version: int
    term: str
    unit_code: str = ""
    unit_name: str = ""
    province: str = ""
    entities: str = ""  # per-unit forms: the rows' units as JSON [[code, name], …]
    extra: tuple[tuple[str, str], ...] = ()  # e.g. a consolidated book's round and approval

    def as_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("form_id", self.form_id), ("form_version", str(self.form_version)),
            ("term", self.term), ("unit_code", self.unit_code), ("unit_name", self.unit_name),
            ("province", self.province), ("generator", f"unionxl {__version__}"),
            *self.extra,
        ]
        return rows + ([("entities", self.entities)] if self.entities else [])


def guide_lines(form: Form) -> list[str]:
    target = form.label("target", "Chỉ tiêu nhiệm kỳ")
    lines = [
        "HƯỚNG DẪN NHẬP SỐ LIỆU",
        "1. Chỉ nhập vào các ô màu vàng. Ô màu xám là công thức, tự tính, không sửa.",
        "2. Mỗi ô chỉ ghi một số. Không ghi chữ, đơn vị tính hay dấu cách (ví dụ ghi 1234, "
        "không ghi «1.234 người»).",
        "3. Để trống ô chưa có số liệu; ghi 0 khi thực tế không có.",
        "4. Tiền ghi bằng triệu đồng, được có phần thập phân (1,5 = một triệu rưỡi đồng).",
        f"5. Cột «{target}» ghi chỉ tiêu được giao; cột so sánh tự tính tỷ lệ đạt. Chỉ tiêu "
        "của dòng tỷ lệ ghi dạng phần trăm (gõ 70% hoặc 0,7).",
        "6. Dòng «Tỷ lệ» tự tính từ tử số và mẫu số ghi ở cột «Ghi chú»; không nhập, không "
        "cộng hay lấy bình quân các tỷ lệ.",
        "7. Cột «Cách tính» cho biết cột tổng tính thế nào ở từng dòng (cộng, cuối kỳ, lũy kế, "
        "tỷ lệ); chú giải ở cuối bảng.",
        "8. Dòng «vụ/người» được tách làm hai dòng: dòng số vụ và dòng số người.",
        "9. Không đổi tên, không xóa cột ẩn và dòng ẩn: chúng giúp cấp trên tổng hợp đúng số "
        "liệu.",
        "10. Trang tính được khóa không mật khẩu để tránh sửa nhầm công thức (Review > "
        "Unprotect Sheet nếu thật cần).",
    ]
    if form.period_kind == "quarter":
        lines.append("11. Dòng «Lũy kế» ghi số cộng dồn từ đầu năm đến hết quý; các dòng khác "
                     "ghi số phát sinh trong quý (hoặc số tại thời điểm cuối quý).")
    return lines


def guide_sheet(wb, form: Form) -> None:
    ws = wb.add_worksheet(GUIDE_SHEET)
    bold = wb.add_format({"font_name": FONT, "font_size": 13, "bold": True})
    text = wb.add_format({"font_name": FONT, "font_size": 11, "text_wrap": True,
                          "valign": "top"})
    # Narrower than the page: a print engine cannot split one column to fit it (LibreOffice
    # then clips it instead of scaling).
    ws.set_column(0, 0, WIDTH)
    lines = guide_lines(form)
    ws.write_string(0, 0, lines[0], bold)
    for i, line in enumerate(lines[1:], start=2):
        ws.write_string(i, 0, line, text)
        ws.set_row(i, 15.75 * wrapped_lines(line, WIDTH))
    last = len(lines) + 2
    ws.write_string(last, 0, f"Biểu mẫu: {form.display_name} (phiên bản {form.version}), "
                    f"{'năm' if form.single_year else 'nhiệm kỳ'} {form.term}.", text)
    page_setup(ws, landscape=False, area=(0, 0, last, 0))
    ws.protect("")


def meta_sheet(wb, ident: Identity) -> None:
    ws = wb.add_worksheet(META_SHEET)
    for r, (k, v) in enumerate(ident.as_rows()):
        ws.write_string(r, 0, k)
        ws.write_string(r, 1, v)
    ws.protect("")
    ws.very_hidden()  # not listed by Excel's Unhide dialog: cannot be removed by accident
