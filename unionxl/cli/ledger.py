"""The ledger and the season as the command line prints them (consolidate, demo)."""

from __future__ import annotations

from ..consolidation import STATUS_VI, Consolidation
from ..consolidation.replies import KIND_VI
from ..consolidation.rounds import RoundResult
from ..consolidation.season_book import rates_line


def print_ledger(run: Consolidation) -> None:
    for row in run.ledger:
        who = f"{row.unit_code} {row.unit_name}".strip() or row.file
        print(f"  {STATUS_VI[row.status]:<22} {who:<40.40} {row.note[:90]}")
    print("Tổng: " + ", ".join(f"{STATUS_VI[k].lower()} {v}" for k, v in run.counts().items()
                               if v) + f". Đã cộng {len(run.used)} báo cáo.")


def print_season(done: RoundResult) -> None:
    view = done.season
    changed = sum(len(c.cells) for c in view.changes)
    print(f"Sổ theo dõi {done.register} – kỳ «{view.round.name}»: {view.new_files} tệp mới "
          f"lần này. {rates_line(view.rates)}")
    print(f"Duyệt: {view.mark.text}" + (f" Ô thay đổi giữa các lần gửi: {changed} (trang "
                                        "«Thay đổi»)." if changed else ""))
    if done.drafts:
        kinds = {}
        for d in done.drafts:
            kinds[KIND_VI[d.kind]] = kinds.get(KIND_VI[d.kind], 0) + 1
        print(f"Thư trả lời (thư nháp Outlook) trong {done.replies_dir}: "
              + ", ".join(f"{k} {v}" for k, v in kinds.items()) + ".")
