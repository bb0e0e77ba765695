"""Numbers at the precision of their indicator: what users are given (JSON, cached cell values)
carries no float noise (0.1 + 0.2 is 0.3, not 0.30000000000000004): counts whole, money and
rates to a fixed number of decimals."""

from __future__ import annotations

# Decimals kept per value type: counts are whole, money in triệu đồng to the đồng, rates to
# 0.0001 %.
DECIMALS = {"integer": 0, "decimal": 6, "rate": 6}


def at_precision(value: float, value_type: str) -> float | int:
    """``value`` rounded to its indicator's precision; counts as ``int``."""
    places = DECIMALS.get(value_type, 6)
    rounded = round(value, places)
    return int(rounded) if places == 0 else rounded + 0.0  # -0.0 → 0.0
