"""Consolidation: gathering submissions (files, folders, e-mails, archives), the units
registry, assessing each submission, the run and its ledger, roll-up over units, achievement
against targets, quarters to the year, hand-made appendices, and the consolidated workbook."""

from .achievement import Achievement, achievement
from .output import CONSOLIDATED_SHEET, DETAIL_SHEET, LEDGER_SHEET, write_consolidated
from .registry import Change, Registry, Unit
from .registry_io import (
           SAMPLE_CHANGES,
           SAMPLE_UNITS,
           load_registry,
           profile_registry,
           registry_for,
           sample_registry,
)
from .run import STATUS_VI, Consolidation, consolidate

__all__ = ["CONSOLIDATED_SHEET", "DETAIL_SHEET", "LEDGER_SHEET", "SAMPLE_CHANGES",
           "SAMPLE_UNITS", "STATUS_VI", "Achievement", "Change", "Consolidation", "Registry",
           "Unit", "achievement", "consolidate", "load_registry", "profile_registry",
           "registry_for", "sample_registry", "write_consolidated"]
