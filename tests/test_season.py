"""A reporting season in the round's register (issue 14, must show 1, 2 and 4).

Pass 1: two units accepted (one by e-mail), two rejected with planted problems, two missing.
The office approves BG01. Pass 2 (a new inbox holding only the new mail): the send-backs'
marked-up copies corrected and returned, a late return, a late correction, BG02 resent with a
change, and BG01 changed after its approval. Expected values are what the test planted."""

from __future__ import annotations

import email
import email.policy
import io
import json
import os
import random
import re
import zipfile
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import sha256
from unionxl.cli import main
from unionxl.consolidation import sample_registry
from unionxl.consolidation.register import Register
from unionxl.consolidation.season_book import CHANGES_SHEET
from unionxl.form import load_form
from unionxl.form.sample import generate
from unionxl.workbook.layout import template_map
from unionxl.workbook.package import Package
from unionxl.workbook.template import write_template

FORM = load_form("phu-luc-nhiem-ky")
MAP = template_map(FORM)
NAMES = {u.code: u.name for u in sample_registry().units}
CODES = ["BG01", "BG02", "BG03", "BG04", "BG05", "BG06"]
VN = timezone(timedelta(hours=7))
# the season lies in the past (today is 22/11/2026): later times would be distrusted as future
DEADLINE = datetime(2026, 11, 15, 23, 59, 59, tzinfo=VN)


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=VN)


def set_saved(path: Path, when: datetime) -> None:
    """Rewrite the workbook's own save time (openpyxl stamps the real clock on save)."""
    stamp = when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            zout.writestr(item, data)
    path.write_bytes(buf.getvalue())


def book(path: Path, code: str, data: dict, saved: datetime) -> Path:
    write_template(FORM, path, code, NAMES[code], data=data, created=saved)
    set_saved(path, saved)
    return path


def edit(path: Path, cells: dict[str, object], saved: datetime, out: Path | None = None
         ) -> Path:
    wb = openpyxl.load_workbook(path)
    for addr, value in cells.items():
        wb[FORM.sheet][addr].value = value
    out = out or path
    wb.save(out)
    set_saved(out, saved)
    return out


def arrive(path: Path, when: datetime) -> None:
    os.utime(path, (when.timestamp(), when.timestamp()))


def mail(eml: Path, attachment: Path, sender: str, when: datetime) -> str:
    msg = EmailMessage()
    msg["Subject"] = "Gửi báo cáo số liệu"
    msg["From"] = f"Văn phòng <{sender}>"
    msg["To"] = "tonghop@ldld.example"
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = make_msgid(domain="donvi.example")
    msg.set_content("Kính gửi LĐLĐ tỉnh, đơn vị gửi báo cáo đính kèm.")
    msg.add_attachment(attachment.read_bytes(), maintype="application",
                       subtype="octet-stream", filename=attachment.name)
    eml.write_bytes(bytes(msg))
    return msg["Message-ID"]


def drafts(folder: Path) -> dict[str, email.message.EmailMessage]:
    return {p.name: email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted(folder.glob("*.eml"))}


def body(msg) -> str:
    return msg.get_body(("plain",)).get_content()


def consolidate(inbox: Path, out: Path, *extra: str) -> tuple[int, dict]:
    code = main(["consolidate", str(inbox), "-o", str(out / "tong-hop.xlsx"), "--unit",
                 "LDLD-BG", "--unit-name", "LĐLĐ tỉnh Bắc Giang", "--deadline", "15/11/2026",
                 "--json", str(out / "r.json"), *extra])
    return code, json.loads((out / "r.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    root = tmp_path_factory.mktemp("season")
    out = root / "ket-qua"
    units = root / "don-vi.csv"
    units.write_text("code,name,email\n" + "".join(
        f"{c},{NAMES[c]},{'bg05@donvi.example' if c == 'BG05' else ''}\n" for c in CODES),
        encoding="utf-8")
    rng = random.Random(1414)
    data = {c: generate(FORM, rng, scale=0.5 + rng.random()) for c in CODES}
    planted: dict = {"files": {}, "changes": set()}

    # -- pass 1 -------------------------------------------------------------------------------
    box1 = root / "hop-thu-1"
    box1.mkdir()
    src = root / "goc"
    src.mkdir()
    b1 = book(src / "BG01.xlsx", "BG01", data["BG01"], at(4))
    planted["bg01_msgid"] = mail(box1 / "thu BG01.eml", b1, "bg01@donvi.example", at(5))
    planted["files"]["BG01", 1] = sha256(b1)
    b2 = book(box1 / "BG02.xlsx", "BG02", data["BG02"], at(5))
    arrive(b2, at(6))
    planted["files"]["BG02", 1] = sha256(b2)
    bad3 = MAP.addr("12", "2020")
    b3 = book(src / "BG03.xlsx", "BG03", data["BG03"], at(6))
    edit(b3, {bad3: "1.234 lượt"}, at(6, 10))
    mail(box1 / "thu BG03.eml", b3, "bg03@donvi.example", at(7))
    planted["files"]["BG03", 1] = sha256(b3)
    neg4, text4 = MAP.addr("13", "2021"), MAP.addr("22", "2019")
    b4 = book(box1 / "BG04.xlsx", "BG04", data["BG04"], at(7))
    edit(b4, {neg4: -5, text4: "5 người"}, at(7, 10))
    arrive(b4, at(8))
    planted["files"]["BG04", 1] = sha256(b4)
    planted["bad"] = {"BG03": [bad3], "BG04": [neg4, text4]}
    code1, r1 = consolidate(box1, out, "--units", str(units))
    replies = out / "thu-tra-loi" / "phu-luc-nhiem-ky_2018-2023"
    pass1_drafts = drafts(replies)
    assert main(["approve", str(out / "tong-hop.xlsx"), "--unit", "BG01", "--by",
                 "Trần Thị Bình", "--reason", "Đã đối chiếu số liệu"]) == 0
    approved_book = out / "tong-hop.xlsx"
    approved_ident = Package.read(approved_book).custom_properties()

    # -- pass 2: a new inbox with only what came since -----------------------------------------
    box2 = root / "hop-thu-2"
    box2.mkdir()
    # BG03 corrects the marked-up copy attached to its send-back and mails it (on time)
    sendback = pass1_drafts["BG03_lan1_tra-lai.eml"]
    att = next(sendback.iter_attachments())
    marked = src / "BG03 da sua.xlsx"
    marked.write_bytes(att.get_payload(decode=True))
    edit(marked, {bad3: 1234}, at(11))
    mail(box2 / "thu BG03 lan 2.eml", marked, "bg03@donvi.example", at(12))
    planted["files"]["BG03", 2] = sha256(marked)
    planted["changes"].add(("BG03", 1, 2, "12", "2020", "1.234 lượt", 1234.0))
    # BG04 corrects its own file, also changes one more number, sends it late (by file)
    fixed4 = data["BG04"]["23"]["2022"] + 3
    was13, was22 = data["BG04"]["13"]["2021"], data["BG04"]["22"]["2019"]
    b4b = edit(b4, {neg4: was13, text4: was22, MAP.addr("23", "2022"): fixed4}, at(16),
               out=box2 / "BG04 (sua).xlsx")
    arrive(b4b, at(17))
    planted["files"]["BG04", 2] = sha256(b4b)
    planted["changes"] |= {("BG04", 1, 2, "13", "2021", -5.0, was13),
                           ("BG04", 1, 2, "22", "2019", "5 người", was22),
                           ("BG04", 1, 2, "23", "2022", data["BG04"]["23"]["2022"], fixed4)}
    # BG05 sends late by e-mail
    b5 = book(src / "BG05.xlsx", "BG05", data["BG05"], at(17))
    mail(box2 / "thu BG05.eml", b5, "vanthu.bg05@donvi.example", at(18))
    planted["files"]["BG05", 1] = sha256(b5)
    # BG02 resends with one change (not approved: taken)
    new2 = {c: dict(r) for c, r in data["BG02"].items()}
    new2["24"]["2021"] = data["BG02"]["24"]["2021"] + 7
    b2b = book(box2 / "BG02 lan 2.xlsx", "BG02", new2, at(13))
    arrive(b2b, at(14))
    planted["files"]["BG02", 2] = sha256(b2b)
    planted["changes"].add(("BG02", 1, 2, "24", "2021", data["BG02"]["24"]["2021"],
                            new2["24"]["2021"]))
    # BG01 changes two numbers after its approval: held
    new1 = {c: dict(r) for c, r in data["BG01"].items()}
    new1["12"]["2022"] = data["BG01"]["12"]["2022"] + 11
    new1["13"]["2018"] = data["BG01"]["13"]["2018"] + 2
    b1b = book(src / "BG01 sua.xlsx", "BG01", new1, at(15))
    mail(box2 / "thu BG01 sua.eml", b1b, "bg01@donvi.example", at(16))
    planted["files"]["BG01", 2] = sha256(b1b)
    planted["changes"] |= {("BG01", 1, 2, "12", "2022", data["BG01"]["12"]["2022"],
                            new1["12"]["2022"]),
                           ("BG01", 1, 2, "13", "2018", data["BG01"]["13"]["2018"],
                            new1["13"]["2018"])}
    used = {"BG01": data["BG01"], "BG02": new2, "BG03": {
        **data["BG03"], "12": {**data["BG03"]["12"], "2020": 1234.0}}, "BG04": {
        **data["BG04"], "23": {**data["BG04"]["23"], "2022": fixed4}}, "BG05": data["BG05"]}
    before = {p: sha256(p) for p in box2.iterdir()}
    code2, r2 = consolidate(box2, out)
    pass2_drafts = drafts(replies)
    register = out / "so-theo-doi.sqlite"
    with Register(register) as reg:
        content2 = reg.content()
    code3, r3 = consolidate(box2, out)  # the same inbox again
    with Register(register) as reg:
        content3 = reg.content()
    return {"root": root, "out": out, "r1": r1, "r2": r2, "r3": r3,
            "code1": code1, "code2": code2, "code3": code3,
            "pass1_drafts": pass1_drafts, "pass2_drafts": pass2_drafts, "data": data,
            "used": used, "planted": planted, "register": register,
            "content2": content2, "content3": content3, "approved_ident": approved_ident,
            "approved_book": approved_book, "box2_before": before, "box2": box2,
            "replies": replies}


def ledger(report: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in report["ledger"]:
        out.setdefault(row["unit_code"], []).append(row)
    return out


def test_pass_one_statuses_and_replies(season):
    r1 = season["r1"]
    rows = ledger(r1)
    assert {c: rows[c][0]["status"] for c in CODES} == {
        "BG01": "accepted", "BG02": "accepted", "BG03": "rejected", "BG04": "rejected",
        "BG05": "missing", "BG06": "missing"}
    assert season["code1"] == 1
    rates = r1["season"]["rates"]
    assert (rates["expected"], rates["complete"], rates["on_time"], rates["late"]) == (6, 2, 2, 0)
    d = season["pass1_drafts"]
    assert sorted(d) == ["BG01_lan1_bien-nhan.eml", "BG02_lan1_bien-nhan.eml",
                         "BG03_lan1_tra-lai.eml", "BG04_lan1_tra-lai.eml",
                         "BG05_nhac-nop.eml", "BG06_nhac-nop.eml"]
    for m in d.values():
        assert m["X-Unsent"] == "1"
    receipt = d["BG01_lan1_bien-nhan.eml"]
    assert receipt["To"] == "bg01@donvi.example"
    assert receipt["In-Reply-To"] == season["planted"]["bg01_msgid"]
    text = body(receipt)
    assert season["planted"]["files"]["BG01", 1] in text
    assert "05/11/2026 09:00" in text and "đúng hạn" in text
    assert not list(receipt.iter_attachments())
    # BG02 came as a file, without an address anywhere: no recipient, and the draft says so
    assert d["BG02_lan1_bien-nhan.eml"]["To"] is None
    assert "Chưa có địa chỉ thư" in body(d["BG02_lan1_bien-nhan.eml"])
    assert d["BG05_nhac-nop.eml"]["To"] == "bg05@donvi.example"
    assert "15/11/2026" in body(d["BG05_nhac-nop.eml"])


def test_send_backs_list_the_planted_problems_and_carry_the_marked_copy(season):
    d = season["pass1_drafts"]
    for code, cells in season["planted"]["bad"].items():
        msg = d[f"{code}_lan1_tra-lai.eml"]
        text = body(msg)
        for cell in cells:
            assert re.search(rf"Ô {cell} trang «{FORM.sheet}»", text), (code, cell)
        atts = list(msg.iter_attachments())
        assert [a.get_filename() for a in atts] == [f"{code}_lan1_danh-dau-loi.xlsx"]
        wb = openpyxl.load_workbook(io.BytesIO(atts[0].get_payload(decode=True)))
        meta = {r[0].value: r[1].value for r in wb["_unionxl"].iter_rows()}
        assert meta["unit_code"] == code  # the right unit's file
        for cell in cells:  # marked: coloured, with a note
            assert wb[FORM.sheet][cell].comment is not None
            assert wb[FORM.sheet][cell].fill.fgColor.rgb.endswith("FFC7CE")
    assert d["BG03_lan1_tra-lai.eml"]["To"] == "bg03@donvi.example"
    assert "1.234 lượt" in body(d["BG03_lan1_tra-lai.eml"])
    assert "-5" in body(d["BG04_lan1_tra-lai.eml"]) and "5 người" in body(
        d["BG04_lan1_tra-lai.eml"])


def test_approval_marks_the_book_and_its_identity(season):
    ident = season["approved_ident"]
    assert ident["approval"] == "pending"
    assert ident["waiting"].split(", ") == ["BG02", "BG03", "BG04", "BG05", "BG06"]
    assert "đã duyệt 1/6" in ident["approval_detail"]


def test_register_holds_every_version_with_its_hash(season):
    with Register(season["register"]) as reg:
        assert reg.check() == []
        rnd = reg.rounds()[0]
        got = {(v.unit_code, v.seq): v.sha256 for v in reg.versions(rnd)}
        approvals = [(a.unit_code, a.action, a.by_whom, a.reason) for a in reg.approvals(rnd)]
        blobs = {v.sha256: reg.blob(v.sha256) for v in reg.versions(rnd)}
    assert got == season["planted"]["files"]
    assert all(sha256_bytes(b) == s for s, b in blobs.items())
    assert approvals == [("BG01", "approve", "Trần Thị Bình", "Đã đối chiếu số liệu")]


def sha256_bytes(data: bytes) -> str:
    import hashlib
    return hashlib.sha256(data).hexdigest()


def test_pass_two_ledger_held_and_rates(season):
    r2 = season["r2"]
    rows = ledger(r2)
    main_status = {c: rows[c][0]["status"] for c in CODES}
    assert main_status == {"BG01": "accepted", "BG02": "accepted", "BG03": "accepted",
                           "BG04": "accepted", "BG05": "accepted", "BG06": "missing"}
    bg01 = {r["status"]: r for r in rows["BG01"]}
    assert bg01["accepted"]["version"] == 1 and bg01["accepted"]["approval"].startswith(
        "Đã duyệt – Trần Thị Bình")
    assert bg01["locked"]["version"] == 2 and bg01["locked"]["sha256"] == \
        season["planted"]["files"]["BG01", 2]
    timely = {c: rows[c][0]["timeliness"] for c in CODES}
    assert timely == {"BG01": "on_time", "BG02": "on_time", "BG03": "on_time",
                      "BG04": "late", "BG05": "late", "BG06": "missing"}
    rates = r2["season"]["rates"]
    assert (rates["expected"], rates["complete"], rates["on_time"], rates["late"],
            rates["missing"]) == (6, 5, 3, 2, 1)
    assert rates["completeness"] == pytest.approx(5 / 6)
    assert rates["timeliness"] == pytest.approx(3 / 6)
    assert r2["season"]["approval"]["approved_only"] is False
    assert season["code2"] == 1  # BG06 still missing


def test_totals_are_the_used_versions(season):
    want: dict[str, dict[str, float]] = {}
    for data in season["used"].values():
        for code, row in data.items():
            for key, v in row.items():
                want.setdefault(code, {}).setdefault(key, 0.0)
                want[code][key] += v
    got = season["r2"]["consolidated"]
    checked = 0
    for ind in FORM.inputs:
        for key in FORM.period_keys:
            if key in want.get(ind.code, {}):
                assert got[ind.code][key] == pytest.approx(want[ind.code][key]), (ind.code, key)
                checked += 1
    assert checked > 300


def test_changes_sheet_equals_the_planted_changes(season):
    wb = openpyxl.load_workbook(season["out"] / "tong-hop.xlsx", read_only=True)
    ws = wb[CHANGES_SHEET]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    got = set()
    for r in rows:
        if not r[0]:
            continue
        old, new = r[9], r[10]
        got.add((r[0], int(r[2]), int(r[3]), r[6], str(r[8]), old, new))
        if isinstance(old, (int, float)) and isinstance(new, (int, float)):
            assert r[11] == pytest.approx(new - old)
    want = {(u, a, b, ind, per, float(o) if isinstance(o, (int, float)) else o,
             float(n) if isinstance(n, (int, float)) else n)
            for u, a, b, ind, per, o, n in season["planted"]["changes"]}
    assert got == want
    counts = {r["unit_code"]: r["changes"] for r in season["r2"]["ledger"]
              if r["status"] in ("accepted", "locked") and r["version"] == 2}
    assert counts == {"BG01": 2, "BG02": 1, "BG03": 1, "BG04": 3}


def test_send_backs_cleared_by_the_corrected_copies(season):
    d = season["pass2_drafts"]
    new = {n for n in d} - {n for n in season["pass1_drafts"]}
    assert new == {"BG01_lan2_cho-mo-khoa.eml", "BG02_lan2_bien-nhan.eml",
                   "BG03_lan2_bien-nhan.eml", "BG04_lan2_bien-nhan.eml",
                   "BG05_lan1_bien-nhan.eml"}
    assert "BG05_nhac-nop.eml" not in d and "BG06_nhac-nop.eml" in d
    assert d["BG05_lan1_bien-nhan.eml"]["To"] == "vanthu.bg05@donvi.example"
    assert d["BG05_lan1_bien-nhan.eml"]["Cc"] == "bg05@donvi.example"
    assert "muộn 3 ngày" in body(d["BG05_lan1_bien-nhan.eml"])
    held = body(d["BG01_lan2_cho-mo-khoa.eml"])
    assert "chờ mở khóa" in held and "lần 1" in held
    assert season["planted"]["files"]["BG01", 2] in held


def test_rerun_is_idempotent(season):
    assert season["content2"] == season["content3"]
    assert season["r2"]["consolidated"] == season["r3"]["consolidated"]
    assert season["r2"]["ledger"] == season["r3"]["ledger"]
    assert season["r3"]["season"]["new_files"] == 0 and season["r2"]["season"]["new_files"] == 5
    assert {p: sha256(p) for p in season["box2"].iterdir()} == season["box2_before"]


def test_reopen_with_a_reason_takes_the_held_version(season, tmp_path):
    out = season["out"]
    book = out / "tong-hop.xlsx"
    assert main(["approve", str(book), "--unit", "BG01", "--reopen"]) == 2  # reason required
    assert main(["approve", str(book), "--unit", "BG01", "--reopen", "--reason",
                 "Đơn vị sửa số người được tư vấn", "--by", "Trần Thị Bình"]) == 0
    code, r = consolidate(season["box2"], out)
    rows = ledger(r)
    assert [(x["status"], x["version"]) for x in rows["BG01"]] == [("accepted", 2)]
    with Register(season["register"]) as reg:
        rnd = reg.rounds()[0]
        acts = [(a.action, a.reason) for a in reg.approvals(rnd)]
    assert acts[-1] == ("reopen", "Đơn vị sửa số người được tư vấn")
    assert code == 1
    assert r["consolidated"]["12"]["2022"] - season["r2"]["consolidated"]["12"]["2022"] == \
        pytest.approx(11)
    # approving every unit makes the book "built from approved returns only"… but for BG06
    assert main(["approve", str(book), "--all", "--by", "Trần Thị Bình"]) == 0
    ident = Package.read(book).custom_properties()
    assert ident["approval"] == "pending" and ident["waiting"] == "BG06"


# -- the same from the ribbon ----------------------------------------------------------------
def test_ribbon_consolidates_into_the_register_opens_replies_and_approves(tmp_path,
                                                                          monkeypatch):
    import getpass

    from tests.support import fake_xlwings as fx
    from unionxl import excel
    from unionxl.consolidation import LEDGER_SHEET
    from unionxl.excel import season as ribbon_season

    inbox = tmp_path / "hop-thu"
    inbox.mkdir()
    rng = random.Random(3)
    for code in ("BG01", "BG02", "BG03"):
        book(inbox / f"{code}.xlsx", code, generate(FORM, rng), at(2))
    (inbox / "don-vi.csv").write_text("code,name\n" + "".join(
        f"{c},{NAMES[c]}\n" for c in ("BG01", "BG02", "BG03", "BG04")), encoding="utf-8")
    unit_book = book(tmp_path / "cua-don-vi.xlsx", "BG01", generate(FORM, rng), at(1))
    app, opened = fx.open_in_fake_excel(unit_book)
    msg = excel.dispatch("uxConsolidate", str(inbox), caller=opened)
    assert "Đã tổng hợp 3 báo cáo" in msg and "3 tệp mới" in msg
    assert "Đủ báo cáo: 3/4 đơn vị" in msg
    result = app.books._active
    assert Path(result.fullname) == inbox / "tong-hop.xlsx"
    # clicked again: the open result is closed and written again; nothing new is recorded
    # (nor the temporary file of an output that a killed run left in the folder)
    (inbox / ".unionxl-k1ll3d.xlsx").write_bytes((inbox / "tong-hop.xlsx").read_bytes())
    msg = excel.dispatch("uxConsolidate", str(inbox), caller=result)
    assert "0 tệp mới" in msg and result.closed
    result = app.books._active
    shown: list[Path] = []
    monkeypatch.setattr(ribbon_season, "_show_folder", shown.append)
    msg = excel.dispatch("uxReplies", caller=result)
    assert "4 thư nháp" in msg
    assert shown == [inbox / "thu-tra-loi" / "phu-luc-nhiem-ky_2018-2023"]
    app.books._active = opened  # a unit's own book: no register, said so
    assert "không phải bảng tổng hợp" in excel.dispatch("uxReplies", caller=opened)
    assert "không phải bảng tổng hợp" in excel.dispatch("uxApprove", caller=opened)
    app.books._active = result
    ledger_sheet = result.sheets[LEDGER_SHEET]
    row = next(r for (r, c), v in ledger_sheet.values.items() if c == 0 and v == "BG02") + 1
    result.select(CHANGES_SHEET, "A5")
    assert "Hãy chọn dòng" in excel.dispatch("uxApprove", caller=result)
    result.select(LEDGER_SHEET, f"C{row}")
    msg = excel.dispatch("uxApprove", caller=result)
    assert "BG02: đã duyệt bản lần 1" in msg and "CHƯA DUYỆT ĐỦ" in msg
    again = app.books._active
    assert again is not result and result.closed and again.sheets[LEDGER_SHEET].active
    approval = again.sheets[LEDGER_SHEET].values[(row - 1, 6)]
    assert approval.startswith(f"Đã duyệt – {getpass.getuser()}")
    with Register(inbox / "so-theo-doi.sqlite") as reg:
        acts = [(a.unit_code, a.action) for a in reg.approvals(reg.rounds()[0])]
    assert acts == [("BG02", "approve")]


def test_a_draft_reads_back_as_written_in_any_mail_program(tmp_path):
    # Composed with the classic email interface (fast); read with the modern parser, as
    # Outlook or Thunderbird would: every header decoded to what was written, ASCII on the
    # wire (encoded words), lines folded, the attachment byte for byte.
    from unionxl.consolidation.replies import compose

    subject = ("Đề nghị sửa và gửi lại báo cáo Báo cáo năm 2026 – Công đoàn phường Võ Cường "
               "thành phố Bắc Ninh (lần 2)")
    sheet = tmp_path / "BG03_lan1_danh-dau-loi.xlsx"
    sheet.write_bytes(bytes(range(256)) * 40)
    text = "Kính gửi: Công đoàn phường Võ Cường,\n\nÔ E12 trang «Phụ lục»: «1.234 lượt»…\n"
    headers = {"Subject": subject, "To": "Võ Cường <vocuong@donvi.example>", "Cc": "",
               "Date": "Sun, 22 Nov 2026 14:05:00 +0700", "X-Unsent": "1",
               "In-Reply-To": "<a1@donvi.example>", "References": "<a1@donvi.example>"}
    for attachment in (None, sheet):
        raw = compose(headers, text, attachment)
        head = raw.split(b"\n\n", 1)[0]
        assert head.isascii() and max(len(line) for line in head.split(b"\n")) <= 78
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert msg["Subject"] == subject and msg["To"] == headers["To"]
        assert msg["Cc"] is None and msg["X-Unsent"] == "1"
        assert msg["In-Reply-To"] == msg["References"] == "<a1@donvi.example>"
        assert body(msg) == text
        atts = list(msg.iter_attachments())
        if attachment is None:
            assert atts == []
        else:
            assert [a.get_filename() for a in atts] == [sheet.name]
            assert atts[0].get_content_type() == ("application/vnd.openxmlformats-"
                                                  "officedocument.spreadsheetml.sheet")
            assert atts[0].get_payload(decode=True) == sheet.read_bytes()
