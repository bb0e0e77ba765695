"""Numbers typed as text: every reading, never a guess."""

import pytest

from unionxl.workbook.numbers import format_vn, read_text


@pytest.mark.parametrize("text,unit,integer,values,kind", [
    ("1.234", "người", True, (1234.0,), "number"),  # a count cannot be 1,234
    ("1.234", "triệu đồng", False, (1.234, 1234.0), "number"),  # ambiguous in money
    ("1,5", "triệu đồng", False, (1.5,), "number"),
    ("1 234", "người", True, (1234.0,), "number"),
    ("1\u00a0234", "người", True, (1234.0,), "number"),  # non-breaking space
    ("1\u202f234", "người", True, (1234.0,), "number"),
    ("31.560.946.191đ", "triệu đồng", False, (31560.946191,), "number"),
    ("12 triệu", "triệu đồng", False, (12.0,), "number"),
    ("1,234.5", "triệu đồng", False, (1234.5,), "number"),
    ("1.234,5", "triệu đồng", False, (1234.5,), "number"),
    ("250 người", "người", True, (250.0,), "number"),
    ("-5", "người", True, (-5.0,), "number"),
    ("3/5", "vụ", True, (), "compound"),
    ("3 / 5", "vụ", True, (), "compound"),
    ("không có", "người", True, (), "text"),
    ("12 34", "người", True, (), "text"),
    ("", "người", True, (), "text"),
])
def test_readings(text, unit, integer, values, kind):
    r = read_text(text, unit, integer)
    assert r.kind == kind and r.values == pytest.approx(values)


def test_format_vn():
    assert format_vn(1234567) == "1.234.567"
    assert format_vn(1234.5) == "1.234,5"
    assert format_vn(-3) == "-3"
