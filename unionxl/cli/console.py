"""What the command line prints, shared by the commands: issue lines, progress (the ledger is
in ``ledger``: validate does not load consolidation)."""

from __future__ import annotations

import sys

from ..validation import Issue


def issue_line(issue: Issue) -> str:
    where = "!".join(x for x in (issue.sheet, issue.cell) if x)
    return f"  - [{issue.severity_vi.lower()}] {where} {issue.title}: {issue.message}"


def progress_bar(i: int, n: int, label: str) -> None:
    if not sys.stdout.isatty() and i != n:
        return  # a log file gets the finished bar only
    width = 30
    done = int(width * i / n)
    sys.stdout.write(f"\r  [{'#' * done}{'.' * (width - done)}] {i}/{n} {label[-40:]:<40}")
    if i == n:
        sys.stdout.write("\n")
    sys.stdout.flush()
