"""Page setup of every sheet unionxl writes: A4, orientation chosen by content, fit to the
page width, title rows repeated on every page, the margins of Nghị định 30/2020/NĐ-CP (top and
bottom 20 mm, left 30 mm, right 15 mm), the sheet's name and the page number in the footer.

``page_setup`` drives an XlsxWriter worksheet (new workbooks), ``page_setup_openpyxl`` an
openpyxl one (the marked-up copy of a checked workbook).
"""

from __future__ import annotations

MM = 1 / 25.4  # inches
MARGINS = {"top": 20 * MM, "bottom": 20 * MM, "left": 30 * MM, "right": 15 * MM}
FOOTER_MARGIN = 8 * MM
LINE = 15  # points per line of wrapped 11 pt text
FOOTER = '&L&"Times New Roman,Italic"&8&A&C&"Times New Roman"&10Trang &P/&N'
A4 = 9  # the paper code of A4 in Excel's page setup


def page_setup(ws, *, landscape: bool, repeat: tuple[int, int] | None = None,
               area: tuple[int, int, int, int] | None = None, tall: int = 0) -> None:
    """One page wide (``tall`` pages high, 0 = as many as needed), rows ``repeat`` (first,
    last; 0-based) on every page, ``area`` (first row, first col, last row, last col) printed."""
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(**MARGINS)
    ws.set_footer(FOOTER, {"margin": FOOTER_MARGIN})
    ws.fit_to_pages(1, tall)
    ws.center_horizontally()
    if repeat is not None:
        ws.repeat_rows(*repeat)
    if area is not None:
        ws.print_area(*area)


def page_setup_openpyxl(ws, *, landscape: bool, repeat: str | None = None,
                        area: str | None = None) -> None:
    """The same for an openpyxl worksheet: ``repeat`` such as "1:4", ``area`` "A1:H40"."""
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    for side, inches in MARGINS.items():
        setattr(ws.page_margins, side, inches)
    ws.page_margins.footer = FOOTER_MARGIN
    ws.oddFooter.left.text, ws.oddFooter.left.font, ws.oddFooter.left.size = (
        "&A", "Times New Roman,Italic", 8)
    ws.oddFooter.center.text, ws.oddFooter.center.font, ws.oddFooter.center.size = (
        "Trang &P/&N", "Times New Roman", 10)
    ws.print_options.horizontalCentered = True
    if repeat:
        ws.print_title_rows = repeat
    if area:
        ws.print_area = area


def wrapped_lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a cell ``width`` characters wide (Times New Roman 11)."""
    per_line = max(1, int(width * 1.1))
    lines = 0
    for part in text.split("\n"):
        lines += 1
        used = 0
        for word in part.split():
            need = len(word) + (1 if used else 0)
            if used and used + need > per_line:
                lines, used, need = lines + 1, 0, len(word)
            lines += (used + need - 1) // per_line
            used = (used + need - 1) % per_line + 1
    return max(1, lines)
