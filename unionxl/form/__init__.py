"""The form: definitions (YAML), the expression language, rules and their evaluation, the
numbers every formula must produce, the province profile (the text a form prints about the
province) and calendar defaults. Everything downstream receives a ``Form`` object.

The names below are imported on first use (PEP 562): reading a workbook needs the form, not
the province profile, and every ribbon click starts a fresh Python.
"""

from __future__ import annotations

from .. import lazy_names

# Imported here, not on first use: every form needs them, and "compute" names both a module
# and its function (the function must win).
from . import expr as expr
from .compute import compute as compute

_WHERE = {
    "default_term": "calendar",
    "FORMS_DIR": "loader", "available_forms": "loader", "load_form": "loader",
    "load_form_file": "loader",
    "TIME_AGGS": "model", "Form": "model", "Headline": "model", "Indicator": "model",
    "Period": "model", "Section": "model", "nfc": "model",
    "Profile": "profile", "as_profile": "profile", "find_profile": "profile",
    "load_profile": "profile",
    "Rule": "rules", "outcomes": "rules",
}
__all__ = sorted([*_WHERE, "compute", "expr"])
__getattr__, __dir__ = lazy_names(__name__, _WHERE)
