"""The report of a validation (and each file's part of a consolidation): valid or not, counts,
one entry per file, a flat table of issues, JSON out (frictionless-style)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..form import Form
from ..workbook.layout import SheetMap
from .issues import Issue


@dataclass
class FileReport:
    path: str
    sha256: str
    unit_code: str = ""
    unit_name: str = ""
    form_id: str = ""
    form_version: str = ""
    term: str = ""
    sheet: str = ""
    status: str = "valid"  # valid | invalid | unreadable
    issues: list[Issue] = field(default_factory=list)
    values: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)
    form: Form | None = field(default=None, repr=False, compare=False)  # what it was read with
    map: SheetMap | None = field(default=None, repr=False, compare=False)  # where cells are

    @property
    def errors(self) -> int:
        return sum(i.severity == "error" for i in self.issues)

    @property
    def warnings(self) -> int:
        return sum(i.severity == "warning" for i in self.issues)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "unit_code": self.unit_code, "unit_name": self.unit_name,
            "form_id": self.form_id, "form_version": self.form_version, "term": self.term,
            "sheet": self.sheet,
            "status": self.status, "sha256": self.sha256, "errors": self.errors,
            "warnings": self.warnings, "issues": [i.to_dict() for i in self.issues],
        }


STATUS_VI = {"valid": "ĐẠT", "invalid": "CÓ LỖI", "unreadable": "KHÔNG ĐỌC ĐƯỢC"}


@dataclass
class Report:
    files: list[FileReport] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return all(f.status == "valid" for f in self.files)

    @property
    def stats(self) -> dict[str, int]:
        return {
            "files": len(self.files),
            "valid": sum(f.status == "valid" for f in self.files),
            "invalid": sum(f.status == "invalid" for f in self.files),
            "unreadable": sum(f.status == "unreadable" for f in self.files),
            "errors": sum(f.errors for f in self.files),
            "warnings": sum(f.warnings for f in self.files),
        }

    def flatten(self) -> list[dict[str, str]]:
        return [{"path": f.path, "unit_code": f.unit_code, **i.to_dict()}
                for f in self.files for i in f.issues]

    def to_frame(self):  # noqa: ANN201 (a pandas.DataFrame)
        import pandas as pd  # heavy (0.3 s): only for the callers that want a table

        cols = ["path", "unit_code", "code", "severity", "sheet", "cell", "indicator",
                "period", "rule", "message"]
        return pd.DataFrame(self.flatten(), columns=cols)

    def to_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "stats": self.stats,
                "files": [f.to_dict() for f in self.files]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @property
    def exit_code(self) -> int:
        if any(f.status == "unreadable" for f in self.files):
            return 2
        return 0 if self.valid else 1
