"""The form: definitions (YAML), the expression language, rules and their evaluation, and the
numbers every formula must produce. Everything downstream receives a ``Form`` object."""

from . import expr
from .compute import compute
from .loader import FORMS_DIR, available_forms, load_form, load_form_file
from .model import TIME_AGGS, Form, Headline, Indicator, Period, Section, nfc
from .rules import Rule, outcomes

__all__ = [
    "FORMS_DIR", "TIME_AGGS", "Form", "Headline", "Indicator", "Period", "Rule", "Section",
    "available_forms", "compute", "expr", "load_form", "load_form_file", "nfc", "outcomes",
]
