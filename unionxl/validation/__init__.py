"""Validation: what each cell holds judged against its row, the layout, formulas,
year-on-year jumps and the form's rules; the issue catalogue; the report; the marked-up copy
and fix-numbers."""

from .issues import CATALOGUE, Issue, make
from .report import FileReport, Report
from .validator import (
    cell_issue,
    check_book,
    rule_issues,
    rule_statuses,
    validate,
    validate_file,
    validate_package,
)

__all__ = ["CATALOGUE", "FileReport", "Issue", "Report", "cell_issue", "check_book", "make",
           "rule_issues", "rule_statuses", "validate", "validate_file", "validate_package"]
