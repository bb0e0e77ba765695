"""Replies to units, as Outlook drafts (``.eml`` with ``X-Unsent: 1``: Outlook opens them as
new messages ready to send): a receipt for an accepted return (figures received, SHA-256,
time), a send-back for a rejected one (the problems cell by cell and the marked-up copy
attached), a notice for a return held after approval, a reminder for a unit that has sent
nothing (with the deadline). Receipts, send-backs and notices are written once per version (the
register remembers them); reminders are rewritten at every run, as of that day.

Addressed to the e-mail the return came from, else the unit's address in the units list, else
the address its returns came from in earlier rounds.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, getaddresses
from pathlib import Path

from ..atomic import atomic_output
from ..form import Form
from ..validation import FileReport, Issue
from ..validation.annotate import annotate
from ..workbook.numbers import format_vn
from .register import Register, Round, Version
from .season import UnitState
from .timeliness import (
    RECEIVED_BY_VI,
    TIMELINESS_VI,
    VN,
    deadline_end,
    show_date,
    show_time,
    when,
)

# Drafts recorded per commit (a commit waits for the disk); a killed run has written drafts the
# register does not know yet, which the next run writes again under the same names.
REPLIES_PER_COMMIT = 100
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
FILE_KIND = {"receipt": "bien-nhan", "sendback": "tra-lai", "held": "cho-mo-khoa",
             "reminder": "nhac-nop"}
KIND_VI = {"receipt": "biên nhận", "sendback": "trả lại để sửa", "held": "chờ mở khóa",
           "reminder": "nhắc nộp"}


@dataclass
class Draft:
    unit_code: str
    kind: str
    path: Path
    to: str
    attachment: Path | None = None


@dataclass
class Context:
    reg: Register
    rnd: Round
    form: Form
    folder: Path
    office: str
    now: datetime
    mails: dict[int, dict]  # version id → the latest receipt that came by e-mail
    basis: dict[int, str]  # version id → how its arrival time is known (RECEIVED_BY_VI)


def write_replies(reg: Register, rnd: Round, form: Form, states: dict[str, UnitState],
                  folder: Path, office: str, now: datetime) -> list[Draft]:
    """The drafts due after a run; returns those written now."""
    mails: dict[int, dict] = {}
    basis: dict[int, str] = {}
    for r in sorted(reg.receipts(rnd), key=lambda r: r["received_at"], reverse=True):
        if r["version_id"] is not None:
            basis[r["version_id"]] = r["received_by"]  # the earliest arrival is kept
            if r["mail_from"]:
                mails.setdefault(r["version_id"], r)
    ctx = Context(reg, rnd, form, folder, office or "Cơ quan tổng hợp", now, mails, basis)
    done = reg.replies(rnd)
    out: list[Draft] = []
    reg.batched(list(states.values()), REPLIES_PER_COMMIT,
                lambda some: _write_some(ctx, some, done, out))
    return out


def _write_some(ctx: Context, units: Sequence[UnitState], done: dict[tuple[int, str], str],
                out: list[Draft]) -> None:
    reg, rnd, folder = ctx.reg, ctx.rnd, ctx.folder
    for st in units:
        todo: list[tuple[str, Version | None]] = []
        if st.main is None:
            todo.append(("reminder", None))
        else:  # a reminder left from an earlier run must not be sent by mistake
            (folder / f"{_safe(st.code)}_{FILE_KIND['reminder']}.eml").unlink(missing_ok=True)
            if (st.main.id, _kind(st.main)) not in done:
                todo.append((_kind(st.main), st.main))
        if st.held is not None and (st.held.id, "held") not in done:
            todo.append(("held", st.held))
        for kind, v in todo:
            draft = _write(ctx, st, kind, v)
            if v is not None:
                reg.add_reply(rnd, st.code, v.id, kind, draft.path.name, draft.to)
            out.append(draft)


def _kind(v: Version) -> str:
    return "sendback" if v.status == "rejected" else "receipt"


def _address(ctx: Context, st: UnitState, v: Version | None) -> tuple[str, str]:
    """(To, Cc): the sender of the return, the list's address, or an earlier round's."""
    sender = ctx.mails[v.id]["mail_from"] if v is not None and v.id in ctx.mails else ""
    listed = st.email
    known = ctx.reg.addresses(st.code)
    to = sender or listed or (known[0] if known else "")
    cc = listed if listed and listed.lower() != to.lower() else ""
    return to, cc


def _safe(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text, flags=re.ASCII).strip("-") or "don-vi"


def _write(ctx: Context, st: UnitState, kind: str, v: Version | None) -> Draft:
    to, cc = _address(ctx, st, v)
    stem = f"{_safe(st.code)}_" + (f"lan{v.seq}_" if v is not None else "") + FILE_KIND[kind]
    who = st.name or (v.unit_name if v else "") or st.code
    subjects = {"receipt": "Biên nhận báo cáo", "sendback": "Đề nghị sửa và gửi lại báo cáo",
                "held": "Đã nhận bản gửi lại báo cáo", "reminder": "Nhắc nộp báo cáo"}
    original = ctx.mails.get(v.id) if v is not None else None
    body = {"receipt": _receipt, "sendback": _sendback, "held": _held,
            "reminder": _reminder}[kind](ctx, st, v)
    lines = [f"Kính gửi: {who},", "", *body, "", "Trân trọng.", ctx.office, "",
             "(Thư do unionxl soạn sẵn; xem lại trước khi gửi.)"]
    if not to:
        lines.append("(Chưa có địa chỉ thư của đơn vị: hãy điền người nhận.)")
    attachment = None
    if kind == "sendback" and v is not None:
        attachment = _marked_copy(ctx, v, ctx.folder / f"{stem[:-len('tra-lai')]}danh-dau-loi"
                                  ".xlsx")
    headers = {"Subject": f"{subjects[kind]} {ctx.rnd.name} – {who}", "To": to, "Cc": cc,
               "Date": format_datetime(ctx.now.astimezone(VN)),
               "X-Unsent": "1",  # Outlook opens the draft as a new message to send
               "In-Reply-To": original["message_id"] if original else "",
               "References": original["message_id"] if original else ""}
    path = ctx.folder / f"{stem}.eml"
    with atomic_output(path) as tmp:
        tmp.write_bytes(compose(headers, "\n".join(lines), attachment))
    return Draft(st.code, kind, path, to, attachment)


def compose(headers: dict[str, str], text: str, attachment: Path | None) -> bytes:
    """A draft's bytes: headers in RFC 2047 encoded words, the text and the attachment in
    base64. Written with the email package's classic interface (``email.mime``, ``Header``):
    EmailMessage re-parses and refolds every header, 9 ms a draft, most of a 2,000-unit run's
    own work; this is 0.6 ms for the same standard message."""
    msg: Message = MIMEText(text, "plain", "utf-8")
    if attachment is not None:
        body, msg = msg, MIMEMultipart()
        msg.attach(body)
        part = MIMEApplication(attachment.read_bytes(), XLSX[1])
        part.add_header("Content-Disposition", "attachment", filename=attachment.name)
        msg.attach(part)
    for name, value in headers.items():
        if not value or value.isascii():
            if value:
                msg[name] = value
        elif name in ("To", "Cc"):  # only the display names encoded, never the address
            msg[name] = ", ".join(formataddr(pair, "utf-8") for pair in getaddresses([value]))
        else:
            msg[name] = Header(value, "utf-8", header_name=name)
    return msg.as_bytes()


def _arrival(v: Version, ctx: Context) -> str:
    basis = RECEIVED_BY_VI.get(ctx.basis.get(v.id, ""), "")
    return show_time(v.received_at) + (f" (theo {basis})" if basis else "")


def _deadline_line(ctx: Context, v: Version | None) -> list[str]:
    end = deadline_end(ctx.rnd.deadline)
    if end is None:
        return []
    line = f"- Hạn nộp: {show_date(ctx.rnd.deadline)}"
    if v is not None:
        late = when(v.received_at) > end
        line += f" – {TIMELINESS_VI['late' if late else 'on_time'].lower()}"
        if late:
            line += f" {(when(v.received_at) - end).days + 1} ngày"
    return [line]


def _receipt(ctx: Context, st: UnitState, v: Version | None) -> list[str]:
    assert v is not None
    lines = [f"{ctx.office} đã nhận báo cáo {ctx.rnd.name} của đơn vị (lần gửi thứ {v.seq}).",
             f"- Tệp: {v.name}", f"- Nhận lúc: {_arrival(v, ctx)}",
             f"- Mã kiểm tra SHA-256 của tệp: {v.sha256}",
             "- Kết quả kiểm tra: đạt" + (f", {v.warnings} cảnh báo cần xem lại"
                                          if v.warnings else ""),
             *_deadline_line(ctx, v)]
    figures = _figures(ctx.form, v)
    if figures:
        lines += ["", "Số liệu chính đã nhận:", *figures]
    warnings = [i for i in v.issues if i["severity"] == "warning"]
    if warnings:
        lines += ["", "Các điểm cần xem lại (không cần gửi lại nếu số liệu đúng):",
                  *_problems(ctx.form, warnings)]
    lines += ["", "Đề nghị đơn vị đối chiếu mã kiểm tra với tệp đã gửi; nếu có sai khác, báo "
              "lại ngay."]
    return lines


def _sendback(ctx: Context, st: UnitState, v: Version | None) -> list[str]:
    assert v is not None
    errors = [i for i in v.issues if i["severity"] == "error"]
    end = deadline_end(ctx.rnd.deadline)
    due = ""
    if end is not None:
        due = (f" trước hạn {show_date(ctx.rnd.deadline)}" if ctx.now <= end else
               f" sớm nhất có thể (hạn nộp {show_date(ctx.rnd.deadline)} đã qua)")
    lines = [f"{ctx.office} đã nhận tệp «{v.name}» (lần gửi thứ {v.seq}) lúc "
             f"{_arrival(v, ctx)} nhưng chưa tổng hợp được vì còn {len(errors)} lỗi.",
             f"Đề nghị đơn vị sửa các ô dưới đây rồi gửi lại{due}:",
             "", *_problems(ctx.form, errors)]
    rest = [i for i in v.issues if i["severity"] == "warning"]
    if rest:
        lines += ["", "Ngoài ra cần xem lại:", *_problems(ctx.form, rest)]
    lines += ["", "Gửi kèm bản đánh dấu lỗi: ô có lỗi được tô màu và có ghi chú, trang «Kiểm "
              "tra» liệt kê từng lỗi. Đơn vị có thể sửa ngay trên bản này (hoặc trên tệp gốc) "
              "rồi gửi lại.", f"Mã kiểm tra SHA-256 của tệp đã nhận: {v.sha256}"]
    return lines


def _held(ctx: Context, st: UnitState, v: Version | None) -> list[str]:
    assert v is not None and st.used is not None
    return [f"{ctx.office} đã nhận bản gửi lại (lần {v.seq}, «{v.name}», lúc "
            f"{_arrival(v, ctx)}).",
            f"Báo cáo lần {st.used.seq} của đơn vị đã được duyệt và đang được dùng để tổng "
            "hợp. Bản mới khác bản đã duyệt nên đang chờ mở khóa: chưa được dùng cho đến khi "
            f"{ctx.office} xem xét và đồng ý mở khóa.",
            "Đề nghị đơn vị cho biết lý do sửa (ô nào, vì sao) để được xem xét mở khóa.",
            f"Mã kiểm tra SHA-256 của bản mới: {v.sha256}"]


def _reminder(ctx: Context, st: UnitState, v: Version | None) -> list[str]:
    today = f"{ctx.now.astimezone(VN):%d/%m/%Y}"
    lines = [f"Đến ngày {today}, {ctx.office} chưa nhận được báo cáo {ctx.rnd.name} của đơn "
             "vị."]
    end = deadline_end(ctx.rnd.deadline)
    if end is not None:
        left = (end.date() - ctx.now.astimezone(VN).date()).days
        due = f"Hạn nộp là ngày {show_date(ctx.rnd.deadline)}"
        lines.append(due + (f" (còn {left} ngày)." if left > 0 else " (hôm nay)." if left == 0
                            else f" (đã quá hạn {-left} ngày)."))
    lines.append("Đề nghị đơn vị hoàn thành và gửi báo cáo bằng biểu mẫu đã được gửi; nếu đã "
                 "gửi, xin gửi lại kèm tệp Excel.")
    return lines


def _figures(form: Form, v: Version) -> list[str]:
    lines = []
    for h in form.headline:
        row = v.numbers.get(h.code, {})
        last = next((k for k in reversed(form.period_keys) if k in row), None)
        if last is not None:
            period = form.periods[form.period_keys.index(last)].label
            lines.append(f"- {h.label} ({period}): {format_vn(row[last])}")
    return lines


def _problems(form: Form, issues: list[dict]) -> list[str]:
    lines = []
    for n, i in enumerate(issues, start=1):
        where = []
        if i["cell"]:
            where.append(f"ô {i['cell']}" + (f" trang «{i['sheet']}»" if i["sheet"] else ""))
        if i["indicator"]:
            label = form.indicator(i["indicator"]).label if form.has(i["indicator"]) else ""
            where.append(f"chỉ tiêu {i['indicator']}" + (f" «{label[:60]}»" if label else ""))
        if i["period"]:
            where.append("chỉ tiêu giao" if i["period"] == "target" else f"năm {i['period']}")
        head = ", ".join(where) or "toàn tệp"
        lines.append(f"{n}. {head[:1].upper()}{head[1:]}: {i['message']}")
    return lines


def _marked_copy(ctx: Context, v: Version, out: Path) -> Path | None:
    """The version's workbook with its problems marked (validation.annotate), or None when it
    cannot be opened as a workbook."""
    data = ctx.reg.blob(v.sha256)
    if data is None:
        return None
    suffix = Path(v.name.split(" › ")[-1]).suffix.lower() or ".xlsx"
    if suffix not in (".xlsx", ".xlsm"):
        return None
    with tempfile.TemporaryDirectory(prefix="unionxl-reply-") as tmp:
        src = Path(tmp) / f"ban-goc{suffix}"
        src.write_bytes(data)
        report = FileReport(str(src), v.sha256, v.unit_code, v.unit_name,
                            issues=[Issue(**i) for i in v.issues])
        try:
            return annotate(report, out)
        except Exception:  # noqa: BLE001 (openpyxl raises many types for a broken file)
            return None
