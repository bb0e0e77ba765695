"""How the total column of a data sheet is computed, said per row (a short word in the
«Cách tính» column) and once for the sheet (a legend under the table)."""

from __future__ import annotations

from ..form import Form, Indicator, expr

MARKS = {"sum": "Cộng", "last": "Cuối kỳ", "first": "Đầu kỳ", "avg": "Bình quân",
         "max": "Lớn nhất", "ratio": "Tỷ lệ", "none": ""}
CUMULATIVE = "Lũy kế"


def marker(ind: Indicator) -> str:
    if ind.cumulative:
        return CUMULATIVE
    return MARKS[ind.time]


def _meaning(form: Form) -> dict[str, str]:
    kỳ = "quý" if form.period_kind == "quarter" else "năm"
    return {
        "Cộng": f"cộng các {kỳ} (số phát sinh trong từng {kỳ})",
        "Cuối kỳ": f"số của {kỳ} cuối có số liệu (số tại thời điểm, không cộng các {kỳ})",
        CUMULATIVE: "số lũy kế từ đầu năm; cả năm là số của quý cuối có số liệu",
        "Đầu kỳ": f"số của {kỳ} đầu có số liệu",
        "Bình quân": f"bình quân các {kỳ} có số liệu",
        "Lớn nhất": f"số lớn nhất trong các {kỳ}",
        "Tỷ lệ": "tính lại từ tử số và mẫu số ghi ở cột «Ghi chú» (không cộng, không lấy "
                 "bình quân các tỷ lệ)",
    }


def legend(form: Form) -> str:
    """One line naming every marker the sheet uses, in the order of the rows."""
    used = list(dict.fromkeys(m for i in form.valued if (m := marker(i))))
    meaning = _meaning(form)
    parts = [f"«{m}»: {meaning[m]}" for m in used]
    column = form.label("total", "Tổng hoặc bình quân (%)")
    return f"Cột «{column}» tính theo cột «Cách tính»: " + "; ".join(parts) + "."


def ratio_note(ind: Indicator) -> str:
    """The formula of a ratio row in words, for its «Ghi chú» cell."""
    num, den = ind.ratio_parts()
    return f"Tỷ lệ = dòng {describe(num)} ÷ dòng {describe(den)}"


def describe(node: expr.Node) -> str:
    """``{33.2} + {33.3}`` → "(33.2 + 33.3)"; a single reference stays bare."""
    if isinstance(node, expr.Ref):
        return node.code
    return "(" + _text(node) + ")"


def _text(node: expr.Node) -> str:
    if isinstance(node, expr.Ref):
        return node.code
    if isinstance(node, expr.Num):
        return f"{node.value:g}"
    if isinstance(node, expr.Neg):
        return "−" + _text(node.operand)
    op = {"-": "−", "*": "×", "/": "÷"}.get(node.op, node.op)
    return f"{_text(node.left)} {op} {_text(node.right)}"
