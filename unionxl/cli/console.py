"""What the command line prints, shared by the commands: issue lines, the ledger, progress."""

from __future__ import annotations

import sys

from ..consolidation import STATUS_VI, Consolidation
from ..validation import Issue


def issue_line(issue: Issue) -> str:
    where = "!".join(x for x in (issue.sheet, issue.cell) if x)
    return f"  - [{issue.severity_vi.lower()}] {where} {issue.code}: {issue.message}"


def print_ledger(run: Consolidation) -> None:
    for row in run.ledger:
        who = f"{row.unit_code} {row.unit_name}".strip() or row.file
        print(f"  {STATUS_VI[row.status]:<22} {who:<40.40} {row.note[:90]}")
    print("Tổng: " + ", ".join(f"{STATUS_VI[k].lower()} {v}" for k, v in run.counts().items()
                               if v) + f". Đã cộng {len(run.used)} báo cáo.")


def progress_bar(i: int, n: int, label: str) -> None:
    if not sys.stdout.isatty() and i != n:
        return  # a log file gets the finished bar only
    width = 30
    done = int(width * i / n)
    sys.stdout.write(f"\r  [{'#' * done}{'.' * (width - done)}] {i}/{n} {label[-40:]:<40}")
    if i == n:
        sys.stdout.write("\n")
    sys.stdout.flush()
