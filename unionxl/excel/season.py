"""The ribbon's buttons for the reporting season: consolidate a folder into its round's
register, open the folder of reply drafts, approve the unit of the selected ledger row.

The round's book (``tong-hop.xlsx``), register and drafts live in the inbox folder itself and
are left out of the next run's inputs; the book is regenerated on each click, so an open copy
is closed first (a generated book: nothing typed into it is kept).
"""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from pathlib import Path

from ..consolidation import LEDGER_SHEET, profile_registry, registry_for
from ..consolidation.rounds import (
    DEFAULT_OFFICE,
    RoundOptions,
    approve_units,
    book_round,
    consolidate_round,
    replies_dir,
)
from ..consolidation.season_book import rates_line
from ..errors import UnionxlError
from ..form import find_profile
from .sheets import names

RESULT_NAME = "tong-hop.xlsx"  # the round's consolidated book, inside the inbox folder
UNITS_FILES = ("don-vi.csv", "don-vi.xlsx")  # the units expected, when the folder has a list
FIRST_LEDGER_ROW = 5  # 1-based: rows above are titles and the header


def picked_folder(picked: str) -> Path:
    if not picked:
        raise UnionxlError("Chưa chọn thư mục.")
    folder = Path(picked)
    if not folder.is_dir():
        raise UnionxlError(f"Không thấy thư mục «{picked}». Hãy chọn lại.")
    return folder


def consolidate_folder(app, xl_book, picked: str) -> str:
    inbox = picked_folder(picked)
    out = inbox / RESULT_NAME
    _close_if_open(app, out)  # the last result, regenerated now
    # the province profile (ho-so-tinh.yaml) and a units list kept in the folder, if any
    profile = find_profile(None, inbox)
    listed = next((inbox / n for n in UNITS_FILES if (inbox / n).exists()), None)
    registry = registry_for(listed) if listed else profile_registry(profile)
    kept = tuple(p for p in (listed, Path(profile.path) if profile.path else None) if p)
    opts = RoundOptions(profile.body_code or DEFAULT_OFFICE, "", profile, exclude=kept)
    done = consolidate_round([inbox], out, registry, None, opts)
    app.books.open(str(out)).sheets[LEDGER_SHEET].activate()
    run, view = done.run, done.season
    if view is None:
        return ("Không có tệp nào trong thư mục là biểu mẫu unionxl đọc được; lý do từng tệp ghi "
                f"ở trang «{LEDGER_SHEET}» của {out.name}.")
    counts = run.counts()
    return (f"Đã tổng hợp {len(run.used)} báo cáo vào {out.name} (nhận {counts['accepted']}, "
            f"có cảnh báo {counts['accepted_with_warnings']}, bị từ chối {counts['rejected']}, "
            f"chưa nộp {counts['missing']}). {view.new_files} tệp mới được ghi vào sổ theo "
            f"dõi. {rates_line(view.rates)} {len(done.drafts)} thư trả lời mới: bấm «Thư trả "
            "lời» để mở.")


def _consolidated(xl_book) -> Path:
    if xl_book is None or LEDGER_SHEET not in names(xl_book):
        raise UnionxlError("Sổ tính đang mở không phải bảng tổng hợp. Hãy bấm «Tổng hợp từ thư "
                           "mục…» hoặc mở bảng tổng hợp của kỳ báo cáo.")
    return Path(xl_book.fullname)


def open_replies(app, xl_book, picked: str = "") -> str:
    book = _consolidated(xl_book)
    reg, rnd = book_round(book)
    with reg:
        folder = replies_dir(book, rnd)
    drafts = sorted(folder.glob("*.eml")) if folder.exists() else []
    if not drafts:
        return "Chưa có thư trả lời nào cho kỳ báo cáo này."
    _show_folder(folder)
    return (f"Thư mục {folder} có {len(drafts)} thư nháp: mở từng thư bằng Outlook, xem lại "
            "rồi bấm Gửi.")


def approve_selected(app, xl_book, picked: str = "") -> str:
    """The unit of the selected ledger row is approved; the book is written again from the
    register (closed and reopened) so that its first page says so."""
    book = _consolidated(xl_book)
    selected = xl_book.selection
    if selected is None or selected.sheet.name != LEDGER_SHEET:
        return (f"Hãy chọn dòng của đơn vị trên trang «{LEDGER_SHEET}» rồi bấm «Duyệt báo "
                "cáo».")
    code = selected.sheet.range(f"A{selected.row}").value if \
        selected.row >= FIRST_LEDGER_ROW else None
    if not code:
        return "Dòng đang chọn không phải dòng của một đơn vị: hãy chọn ô trong dòng đơn vị."
    reg, _ = book_round(book)  # refused before anything is closed
    reg.close()
    xl_book.close()
    try:
        outcomes, rebuilt = approve_units(book, [str(code).strip()], getpass.getuser())
    finally:
        app.books.open(str(book)).sheets[LEDGER_SHEET].activate()
    text = " ".join(o.message for o in outcomes)
    return text + (f" {rebuilt.season.mark.text}" if rebuilt is not None else "")


def _close_if_open(app, path: Path) -> None:
    want = os.path.normcase(os.path.abspath(path))
    for book in list(app.books):
        if os.path.normcase(os.path.abspath(book.fullname)) == want:
            book.close()


def _show_folder(folder: Path) -> None:
    if hasattr(os, "startfile"):  # Windows: Explorer
        os.startfile(folder)
    elif sys.platform == "darwin":
        subprocess.run(["open", str(folder)], check=False)
