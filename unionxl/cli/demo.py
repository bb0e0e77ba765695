"""``unionxl demo``: the main job end to end on shipped sample data.

Submissions for the 17 units of the sample registry are generated from the form definition,
a few with the mistakes real offices make (a number typed as text, a second corrected copy, a
report sent as an e-mail, a unit without its code, an unknown unit, a missing unit, an Excel
lock file), then consolidated into the provincial workbook with its ledger.
"""

from __future__ import annotations

import json
import random
import time
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import openpyxl

from ..consolidation import SAMPLE_UNITS, consolidate, load_units, write_consolidated
from ..form import load_form
from ..form.sample import generate
from ..workbook.layout import template_map
from ..workbook.numbers import format_vn
from ..workbook.styles import FIXED_DATE
from ..workbook.template import write_template
from ..workbook.tidy import Row, write_tidy
from .console import print_ledger, progress_bar

FORM_ID = "phu-luc-nhiem-ky"
PROVINCE = "Bắc Giang"


def build_submissions(folder: Path, seed: int = 2023) -> dict[str, str]:
    """Write the sample inbox; returns what was planted, unit by unit."""
    form = load_form(FORM_ID)
    units = load_units(SAMPLE_UNITS)
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "~$BG01.xlsx").unlink(missing_ok=True)  # planted below: a rerun rewrites BG01
    m = template_map(form)
    plan: dict[str, str] = {}
    rows: list[Row] = []
    for unit in units:
        data = generate(form, rng, scale=0.3 + 3 * rng.random())
        rows += [Row(unit.code, c, p, v) for c, by in data.items() for p, v in by.items()]
        path = folder / f"{unit.code}.xlsx"
        code, name = unit.code, unit.name
        if unit.code == "BG08":
            plan[unit.code] = "missing"
            continue
        if unit.code == "BG16":  # the unit cleared its code; its name is written differently
            code, name = "", "Công đoàn ngành giáo dục"
            plan[unit.code] = "matched by name"
        created = datetime(2023, 1, 10, 8, 0)
        if unit.code == "BG12":  # sent as an e-mail
            tmp = folder / ".BG12.xlsx"
            write_template(form, tmp, code, name, PROVINCE, data, created=created)
            _email(tmp, folder / "Bao cao LDLD CDN Cong Thuong.eml", name)
            tmp.unlink()
            plan[unit.code] = "e-mail"
            continue
        write_template(form, path, code, name, PROVINCE, data, created=created)
        if unit.code == "BG03":  # a number typed as text: rejected until fixed
            _set(path, form.sheet, m.addr("12", "2021"), "1.234 lượt")
            plan[unit.code] = "rejected: text number"
        if unit.code == "BG05":  # an older copy with other numbers, then the corrected one
            old = {c: dict(by) for c, by in data.items()}
            old["12"]["2020"] += 7
            write_template(form, folder / "BG05 (ban cu).xlsx", code, name, PROVINCE, old,
                           created=datetime(2023, 1, 5))
            plan[unit.code] = "duplicate: latest kept"
        if unit.code == "BG14":  # an extra digit: accepted with a warning
            prev = data["22"][form.period_keys[-2]]
            _set(path, form.sheet, m.addr("22", form.period_keys[-1]), prev * 10 + 100)
            plan[unit.code] = "accepted with warning: year jump"
        plan.setdefault(unit.code, "accepted")
    stranger = generate(form, rng)
    write_template(form, folder / "BG99.xlsx", "BG99", "LĐLĐ huyện Không Có", PROVINCE,
                   stranger, created=FIXED_DATE)
    plan["BG99"] = "unknown unit"
    (folder / "~$BG01.xlsx").write_bytes(b"\x00lock")
    plan["~$BG01.xlsx"] = "lock file"
    write_tidy(rows, folder.parent / "so-lieu-mau.csv")
    return plan


def _set(path: Path, sheet: str, cell: str, value) -> None:
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell].value = value
    wb.save(path)


def _email(attachment: Path, out: Path, unit_name: str) -> None:
    msg = EmailMessage()
    msg["Subject"] = f"Báo cáo số liệu nhiệm kỳ – {unit_name}"
    msg["From"] = "vanphong@congthuong.example"
    msg["To"] = "tochuc@ldld.example"
    msg.set_content("Kính gửi LĐLĐ tỉnh, đơn vị gửi báo cáo số liệu đính kèm.")
    msg.add_attachment(attachment.read_bytes(), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       filename="BG12 - CĐN Công Thương.xlsx")
    out.write_bytes(bytes(msg))


def run_demo(root: Path) -> int:
    start = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    form = load_form(FORM_ID)
    print(f"unionxl demo → {root.resolve()}")
    blank = root / "bieu-mau-trong.xlsx"
    write_template(form, blank, province=PROVINCE, created=FIXED_DATE)
    print(f"1. Biểu mẫu trống cho các đơn vị: {blank}")
    inbox = root / "hop-thu"
    plan = build_submissions(inbox)
    print(f"2. Hộp thư mẫu: {inbox} ({len(plan)} mục: báo cáo của các đơn vị, một thư .eml, "
          "một bản trùng, một đơn vị lạ, một tệp khóa của Excel)")
    print("3. Tổng hợp:")
    units = load_units(SAMPLE_UNITS)
    run = consolidate([inbox], units, progress=progress_bar)
    out = root / "tong-hop-LDLD-Bac-Giang.xlsx"
    write_consolidated(run, out, "LDLD-BG", "LĐLĐ tỉnh Bắc Giang", PROVINCE)
    report = root / "tong-hop.json"
    report.write_text(json.dumps(run.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    print_ledger(run)
    last = form.period_keys[-1]
    figures = [(h.label, run.consolidated().get(h.code, {}).get(last)) for h in form.headline]
    shown = [f"{label.lower()}: {format_vn(v)}" for label, v in figures if v is not None]
    if shown:
        print(f"   Năm {last} (các đơn vị đã nhận): {'; '.join(shown)}.")
    print(f"4. Kết quả: {out}\n   Báo cáo JSON: {report}")
    print(f"Xong trong {time.perf_counter() - start:.1f} giây.")
    return 0
