"""Consolidation: gathering submissions (files, folders, e-mails, archives), the units
registry, assessing each submission, the run and its ledger, roll-up over units, achievement
against targets, quarters to the year, hand-made appendices, and the consolidated workbook."""

from .achievement import Achievement, achievement
from .output import CONSOLIDATED_SHEET, DETAIL_SHEET, LEDGER_SHEET, write_consolidated
from .registry import SAMPLE_UNITS, Unit, load_units, lookup_unit, sample_units
from .run import STATUS_VI, Consolidation, consolidate

__all__ = ["CONSOLIDATED_SHEET", "DETAIL_SHEET", "LEDGER_SHEET", "SAMPLE_UNITS", "STATUS_VI",
           "Achievement", "Consolidation", "Unit", "achievement", "consolidate", "load_units",
           "lookup_unit", "sample_units", "write_consolidated"]
