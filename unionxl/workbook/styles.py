"""Look of the workbooks unionxl writes: the font of Vietnamese administrative documents,
fills that tell inputs from formulas, number formats, and the cell formats of a data sheet."""

from __future__ import annotations

from datetime import datetime

FONT = "Times New Roman"  # the font of Vietnamese administrative documents; full diacritics
INPUT_FILL = "#FFF2CC"
FORMULA_FILL = "#EDEDED"
HEADER_FILL = "#D9E1F2"
SECTION_FILL = "#E2EFDA"
INT_FORMAT = "#,##0"
DEC_FORMAT = "#,##0.00"
AVG_FORMAT = "#,##0.0"
PCT_FORMAT = "0.0%"  # comparisons: "208,2%"
RATE_FORMAT = "0.00%"  # rates of ratio rows: "98,52%" as the seeds quote them
FIXED_DATE = datetime(2024, 1, 1)  # committed blank templates must be reproducible


class DataFormats:
    def __init__(self, wb) -> None:
        base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
        box = {**base, "border": 1}
        self.plain = wb.add_format(base)
        center = {**base, "font_size": 12, "align": "center"}
        self.superior = wb.add_format(center)
        self.issuer = wb.add_format({**center, "bold": True, "underline": 1})
        self.motto = wb.add_format({**center, "bold": True})
        self.motto_line = wb.add_format({**center, "bold": True, "underline": 1})
        self.date_line = wb.add_format({**center, "italic": True})
        self.signer = wb.add_format({**center, "bold": True})
        self.sign_hint = wb.add_format({**base, "italic": True, "align": "center"})
        self.legend = wb.add_format({**base, "font_size": 10, "italic": True, "text_wrap": True,
                                     "valign": "top"})
        self.title = wb.add_format({**base, "font_size": 14, "bold": True, "align": "center"})
        self.subtitle = wb.add_format({**base, "italic": True, "align": "center"})
        self.key = wb.add_format({**base, "font_size": 8, "font_color": "#808080",
                                  "num_format": "@"})
        self.header = wb.add_format({**box, "bold": True, "align": "center", "text_wrap": True,
                                     "bg_color": HEADER_FILL})
        self.section = wb.add_format({**box, "bold": True, "bg_color": SECTION_FILL,
                                      "text_wrap": True})
        self.section_tt = wb.add_format({**box, "bold": True, "bg_color": SECTION_FILL,
                                         "align": "center"})
        self.tt = wb.add_format({**box, "align": "center", "bold": True})
        self.unit_col = wb.add_format({**box, "align": "center", "text_wrap": True})
        self.labels = [wb.add_format({**box, "text_wrap": True, "indent": d,
                                      "bold": d == 0, "italic": d > 0}) for d in range(4)]
        self.heading_cell = wb.add_format({**box, "bg_color": FORMULA_FILL})
        self.note = wb.add_format({**box, "text_wrap": True, "font_size": 9, "italic": True,
                                   "locked": False})
        self.how = wb.add_format({**box, "align": "center", "font_size": 9, "italic": True})
        number = {"integer": INT_FORMAT, "decimal": DEC_FORMAT, "rate": RATE_FORMAT}
        self.inputs = {k: wb.add_format({**box, "bg_color": INPUT_FILL, "locked": False,
                                         "num_format": v}) for k, v in number.items()}
        self.computed = {k: wb.add_format({**box, "bg_color": FORMULA_FILL, "num_format": v})
                         for k, v in {**number, "avg": AVG_FORMAT, "pct": PCT_FORMAT}.items()}
