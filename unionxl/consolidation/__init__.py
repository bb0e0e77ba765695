"""Consolidation: gathering submissions (files, folders, e-mails, archives), the units
registry, assessing each submission, the run and its ledger, roll-up over units, achievement
against targets, quarters to the year, hand-made appendices, and the consolidated workbook.

The names below are imported on first use (PEP 562): ``template`` needs only the registry, and
should not pay at every click for the e-mail parser, the worker pool and the output writer.
"""

from __future__ import annotations

from .. import lazy_names

_WHERE = {
    "Achievement": "achievement",
    "CONSOLIDATED_SHEET": "output", "DETAIL_SHEET": "output", "LEDGER_SHEET": "output",
    "write_consolidated": "output",
    "Change": "registry", "Registry": "registry", "Unit": "registry",
    "SAMPLE_CHANGES": "registry_io", "SAMPLE_UNITS": "registry_io",
    "load_registry": "registry_io", "profile_registry": "registry_io",
    "registry_for": "registry_io", "sample_registry": "registry_io",
    "STATUS_VI": "run", "Consolidation": "run", "consolidate": "run",
}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_names(__name__, _WHERE)
