"""The form: definitions (YAML), the expression language, rules and their evaluation, the
numbers every formula must produce, the province profile (the text a form prints about the
province) and calendar defaults. Everything downstream receives a ``Form`` object."""

from . import expr
from .calendar import default_term
from .compute import compute
from .loader import FORMS_DIR, available_forms, load_form, load_form_file
from .model import TIME_AGGS, Form, Headline, Indicator, Period, Section, nfc
from .profile import Profile, as_profile, find_profile, load_profile
from .rules import Rule, outcomes

__all__ = [
    "FORMS_DIR", "TIME_AGGS", "Form", "Headline", "Indicator", "Period", "Profile", "Rule",
    "Section", "as_profile", "available_forms", "compute", "default_term", "expr",
    "find_profile", "load_form", "load_form_file", "load_profile", "nfc", "outcomes",
]
