"""``unionxl demo``: the main job end to end on the sample province (``unionxl/data``).

The province is Bắc Ninh after its merger with Bắc Giang (1/7/2025): commune and ward unions,
an industrial-zone union, sector unions and CĐCS reporting directly, with the 17 units of seed
001 (Bắc Giang, 2023) and old Bắc Ninh's units kept as history. The demo writes the profile and
the registry an officer would keep, the blank forms, last years' data, then two inboxes with
the mistakes real offices make, and consolidates them: the 2026 annual reports (registry as of
the year's end, a file of a unit that has since merged, year-on-year checks against the
earlier years carried onto today's units, achievement against seed 001's targets carried onto
the new units) and the term appendix 2025–2030 so far (a planted impossible accident record).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import openpyxl

from ..consolidation import consolidate, profile_registry, write_consolidated
from ..consolidation.achievement import achievement
from ..consolidation.registry_io import DATA
from ..form import load_form, load_profile
from ..validation import validate_file
from ..validation.annotate import annotate
from ..workbook.blank import SAMPLES, write_blank
from ..workbook.layout import template_map
from ..workbook.numbers import format_vn
from ..workbook.styles import FIXED_DATE
from ..workbook.template import write_template
from ..workbook.tidy import read_tidy, write_tidy
from . import sample_province as sp
from .console import progress_bar
from .ledger import print_ledger

YEAR = "2026"
TERM = "2025-2030"
# When the units saved their reports: yesterday (a save time in the future is not believed).
SAVED = (datetime.now(timezone.utc) - timedelta(days=1)).replace(tzinfo=None, microsecond=0)


def setup(root: Path):
    """The files an officer keeps: profile, unit registry, change events (copied here)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("units.csv", "changes.csv"):
        shutil.copyfile(DATA / name, root / name)
    shutil.copyfile(sp.PROFILE, root / "ho-so-tinh.yaml")
    profile = load_profile(root / "ho-so-tinh.yaml")
    return profile, profile_registry(profile)


def annual_inbox(folder: Path, reg, profile, seed: int = 2026) -> dict[str, str]:
    """The 2026 annual reports of the units in place at the year's end; returns what was
    planted, unit by unit."""
    form = load_form("bao-cao-nam", YEAR)
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / "~$P-BACGIANG.xlsx"
    lock.unlink(missing_ok=True)  # planted by a previous run: it would block the rewrite
    m = template_map(form)
    on = form.periods[-1].end
    sizes = sp.sizes(reg, on)
    plan: dict[str, str] = {}
    for unit in reg.expected(profile.body_code, on):
        data = sp.values(form, unit.code, sizes[unit.code], rng)
        path = folder / f"{unit.code}.xlsx"
        code, name = unit.code, unit.name
        if code == "P-VANHA":
            plan[code] = "missing"
            continue
        if code == "CDKCN":  # last year's identity: the code of a union merged in 2025
            code, name = "BG11", "CĐ Các KCN tỉnh"
            plan[unit.code] = "successor: file of BG11"
        if code == "CDNNMT":  # the code cleared, the name written another way
            code, name = "", "CĐN Nông nghiệp và Môi trường tỉnh Bắc Ninh"
            plan[unit.code] = "matched by name"
        if code == "CDGD":  # sent as an e-mail
            tmp = folder / ".CDGD.xlsx"
            write_template(form, tmp, code, name, profile, data, created=SAVED)
            _email(tmp, folder / "Bao cao nam 2026 - CD Giao duc.eml", name)
            tmp.unlink()
            plan[code] = "e-mail"
            continue
        write_template(form, path, code, name, profile, data, created=SAVED)
        if code == "X-HIEPHOA":  # a number typed as text: rejected until fixed
            _set(path, form.sheet, m.addr("17", YEAR), "1.234 lượt")
            plan[code] = "rejected: text number"
        if code == "P-DAMAI":  # an older copy with other numbers, then the corrected one
            old = {c: dict(by) for c, by in data.items()}
            old["17"][YEAR] += 7
            write_template(form, folder / "P-DAMAI (ban cu).xlsx", code, name, profile, old,
                           created=SAVED - timedelta(days=9))
            plan[code] = "duplicate: latest kept"
        if code == "P-NENH":  # an extra digit: ten times last year
            _set(path, form.sheet, m.addr("21.1", YEAR), data["21.1"][YEAR] * 10 + 7)
            plan[code] = "accepted with warning: jump against last year"
        plan.setdefault(unit.code, "accepted")
    old = reg.latest("BG01")  # a district union split in 2025 reused its old workbook
    write_template(form, folder / "BG01.xlsx", "BG01", old.name, profile,
                   sp.values(form, "BG01", sizes["P-BACGIANG"], rng), created=SAVED)
    plan["BG01"] = "unit ended: split"
    write_template(form, folder / "P-KHONGCO.xlsx", "P-KHONGCO", "Công đoàn phường Không Có",
                   profile, sp.values(form, "P-KHONGCO", sizes["P-TANAN"], rng),
                   created=FIXED_DATE)
    plan["P-KHONGCO"] = "unknown unit"
    lock.write_bytes(b"\x00lock")  # Excel's lock file of a workbook open at the office
    plan["~$P-BACGIANG.xlsx"] = "lock file"
    return plan


def term_inbox(folder: Path, reg, profile, seed: int = 2030) -> dict[str, str]:
    """The term appendix 2025–2030 with its first two years, from the same units."""
    form = load_form("phu-luc-nhiem-ky", TERM)
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    on = load_form("bao-cao-nam", YEAR).periods[-1].end
    sizes = sp.sizes(reg, on)
    plan: dict[str, str] = {}
    jobs = []
    for unit in reg.expected(profile.body_code, on):
        data = sp.values(form, unit.code, sizes[unit.code], rng)
        data = {c: {p: v for p, v in by.items() if p in ("2025", YEAR, "target")}
                for c, by in data.items()}
        plan[unit.code] = "accepted"
        if unit.code == "X-LANGGIANG":  # 331 deaths typed in, no fatal accident: an error
            for code, v in (("4.3a", 0), ("4.4a", 0), ("4.5a", 0), ("4.3b", 331),
                            ("4.4b", 331), ("4.5b", 0)):
                data.setdefault(code, {})[YEAR] = float(v)
            plan[unit.code] = "rejected: 331 deaths, 0 fatal accidents"
        jobs.append((folder / f"{unit.code}.xlsx", unit.code, unit.name, data))
    write_all(form, profile, jobs)
    return plan


def write_all(form, profile, jobs: list[tuple[Path, str, str, dict]]) -> None:
    """Unit workbooks written by two processes (the term appendix takes a second each)."""
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        for done in pool.map(_write, [(form, profile, *job) for job in jobs]):
            assert done


def _write(job) -> bool:
    form, profile, path, code, name, data = job
    write_template(form, path, code, name, profile, data, created=SAVED)
    return True


def history(root: Path, reg, seed: int = 2024) -> list[Path]:
    """Last years' annual data, unit by unit, as the earlier consolidations saved them."""
    rng = random.Random(seed)
    out = []
    for year in ("2024", "2025"):
        path = root / f"so-lieu-nam-{year}.csv"
        write_tidy(sp.year_rows(reg, load_form("bao-cao-nam", year), rng), path)
        out.append(path)
    return out


def _set(path: Path, sheet: str, cell: str, value) -> None:
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell].value = value
    wb.save(path)


def _email(attachment: Path, out: Path, unit_name: str) -> None:
    msg = EmailMessage()
    msg["Subject"] = f"Báo cáo năm 2026 – {unit_name}"
    msg["From"] = "vanphong@congdoangiaoduc.example"
    msg["To"] = "tochuc@ldld.example"
    msg.set_content("Kính gửi LĐLĐ tỉnh, đơn vị gửi báo cáo số liệu năm 2026 đính kèm.")
    msg.add_attachment(attachment.read_bytes(), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       filename="CDGD - Công đoàn ngành Giáo dục.xlsx")
    out.write_bytes(bytes(msg))


def _send_back(run, folder: Path) -> list[Path]:
    """A marked-up copy of every rejected report, to send back to its unit."""
    out = []
    for s in run.submissions:
        if s.status == "rejected" and s.report.status != "unreadable" and s.source.origin:
            path = Path(s.source.origin)
            if path.suffix == ".xlsx" and path.exists():
                report = validate_file(path)
                out.append(annotate(report, folder / f"{path.stem}-kiem-tra.xlsx"))
    return out


def _summary(run, form) -> None:
    last = form.period_keys[-1]
    figures = [(h.label, run.consolidated().get(h.code, {}).get(last)) for h in form.headline]
    shown = [f"{label.lower()}: {format_vn(v)}" for label, v in figures if v is not None]
    if shown:
        print(f"   Năm {last} (các đơn vị đã nhận): {'; '.join(shown)}.")


def run_demo(root: Path) -> int:
    start = time.perf_counter()
    profile, reg = setup(root)
    print(f"unionxl demo → {root.resolve()}")
    print(f"1. Hồ sơ tỉnh {profile.province} và danh sách đơn vị: {root / 'ho-so-tinh.yaml'}, "
          f"{root / 'units.csv'}, {root / 'changes.csv'}")
    blanks = root / "bieu-mau-trong"
    annual, term = load_form("bao-cao-nam", YEAR), load_form("phu-luc-nhiem-ky", TERM)
    for form in (annual, term):
        write_template(form, blanks / f"{form.id}_{form.term}.xlsx", profile=profile,
                       created=FIXED_DATE)
    allocation = write_blank(SAMPLES[0][0], None, root)
    past = history(root, reg)
    print(f"2. Biểu mẫu trống: {blanks}; chỉ tiêu giao 2024-2028 (seed 001): {allocation.name}; "
          f"số liệu các năm trước: {', '.join(p.name for p in past)}")
    print("3. Tổng hợp báo cáo năm 2026:")
    inbox = root / "hop-thu-bao-cao-nam"
    annual_inbox(inbox, reg, profile)
    run = consolidate([inbox], reg, progress=progress_bar, root=profile.body_code,
                      history=[r for p in past for r in read_tidy(p)])
    run.achievement = achievement(run, allocation)
    out = root / "tong-hop-bao-cao-nam-2026.xlsx"
    write_consolidated(run, out, profile.body_code, profile.body, profile)
    report = root / "tong-hop-bao-cao-nam-2026.json"
    report.write_text(json.dumps(run.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    print_ledger(run)
    marked = _send_back(run, root / "tra-lai")
    if marked:
        print(f"   Bản đánh dấu lỗi gửi lại đơn vị: {', '.join(p.name for p in marked)}")
    _summary(run, annual)
    print("4. Tổng hợp phụ lục số liệu nhiệm kỳ 2025-2030 (năm 2025, 2026):")
    term_box = root / "hop-thu-phu-luc"
    term_inbox(term_box, reg, profile)
    run2 = consolidate([term_box], reg, progress=progress_bar, root=profile.body_code)
    out2 = root / "tong-hop-phu-luc-2025-2030.xlsx"
    write_consolidated(run2, out2, profile.body_code, profile.body, profile)
    report2 = root / "tong-hop-phu-luc-2025-2030.json"
    report2.write_text(json.dumps(run2.to_dict(), ensure_ascii=False, indent=2),
                       encoding="utf-8")
    print_ledger(run2)
    _summary(run2, term)
    print(f"5. Kết quả: {out}, {out2}\n   Báo cáo JSON: {report}, {report2}")
    print(f"Xong trong {time.perf_counter() - start:.1f} giây.")
    return 0
