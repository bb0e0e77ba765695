"""The ledger as the command line prints it (consolidate, demo)."""

from __future__ import annotations

from ..consolidation import STATUS_VI, Consolidation


def print_ledger(run: Consolidation) -> None:
    for row in run.ledger:
        who = f"{row.unit_code} {row.unit_name}".strip() or row.file
        print(f"  {STATUS_VI[row.status]:<22} {who:<40.40} {row.note[:90]}")
    print("Tổng: " + ", ".join(f"{STATUS_VI[k].lower()} {v}" for k, v in run.counts().items()
                               if v) + f". Đã cộng {len(run.used)} báo cáo.")
