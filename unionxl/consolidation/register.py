"""The register of a reporting season (sổ theo dõi): an SQLite file beside the consolidated
workbook that remembers, round by round, every file received, every version of each unit's
return (its bytes, numbers and issues), approvals and reopenings with who and why, and the
reply drafts written.

A file's receipt, version and bytes are written together, inside one transaction (several
files share one: each commit waits for the disk twice, which for two thousand files was most of
a run), each approval in another, with SQLite's rollback journal and full sync: a run killed at
any moment leaves a file wholly recorded or not at all. The journal is not WAL, which needs
shared memory and fails on the network folders offices share. The schema is numbered (``PRAGMA
user_version``) and migrated forward when an older register is opened.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from ..errors import UnionxlError
from .register_rows import Approval, Round, Version
from .register_schema import MIGRATIONS, SCHEMA_VERSION

REGISTER_NAME = "so-theo-doi.sqlite"
T, R = TypeVar("T"), TypeVar("R")
BUSY_TIMEOUT = 30.0  # seconds another run may hold the register before this one gives up



class RegisterError(UnionxlError):
    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"Sổ theo dõi {path}: {problem}")


def now_iso() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


class Register:
    """An open register; use as a context manager (the connection is closed on exit)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT,
                                      isolation_level=None)
        except (sqlite3.Error, OSError) as exc:
            raise RegisterError(self.path, f"không mở được ({exc}). Kiểm tra thư mục và quyền "
                                "ghi.") from exc
        try:
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA synchronous = FULL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise RegisterError(self.path, "không phải sổ theo dõi hoặc tệp đã hỏng ("
                                f"{exc}). Hãy chép lại bản sao lưu, hoặc đổi tên tệp để bắt "
                                "đầu sổ mới.") from exc
        except BaseException:
            self.db.close()
            raise

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT: the writes inside land together or not at all. Inside
        ``batch`` it is a savepoint: its writes still land together, with the batch's."""
        if self.db.in_transaction:
            self.db.execute("SAVEPOINT part")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK TO part")
                self.db.execute("RELEASE part")
                raise
            self.db.execute("RELEASE part")
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise RegisterError(self.path, "đang được một lần tổng hợp khác ghi (hoặc bị "
                                f"khóa): {exc}. Hãy chờ lần kia xong rồi chạy lại.") from exc
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def batched(self, items: Sequence[T], size: int, work: Callable[[Sequence[T]], R]
                ) -> list[R]:
        """``work`` on ``items``, ``size`` at a time, each call's transactions committed as one
        (one wait for the disk instead of one each; each transaction inside still lands whole
        or not at all)."""
        out = []
        for start in range(0, len(items), size):
            with self.transaction():
                out.append(work(items[start:start + size]))
        return out

    def _migrate(self) -> None:
        current = self.db.execute("PRAGMA user_version").fetchone()[0]
        if current > SCHEMA_VERSION:
            raise RegisterError(self.path, f"được ghi bởi phiên bản unionxl mới hơn (lược đồ "
                                f"{current}, bản này đọc đến {SCHEMA_VERSION}). Hãy cập nhật "
                                "unionxl.")
        for number in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction() as db:
                for statement in MIGRATIONS[number - 1].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    # -- rounds ---------------------------------------------------------------------------
    def round(self, office: str, form_id: str, term: str, label: str, form_version: str,
              title: str, deadline: str | None = None,
              settings: dict[str, Any] | None = None) -> Round:
        """The round, created on first use; a deadline or settings given replace the stored."""
        with self.transaction() as db:
            row = db.execute("SELECT id, settings FROM rounds WHERE office=? AND form_id=? AND "
                             "term=? AND label=?", (office, form_id, term, label)).fetchone()
            if row is None:
                rid = db.execute(
                    "INSERT INTO rounds(office, form_id, term, label, form_version, title, "
                    "deadline, settings, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                    (office, form_id, term, label, form_version, title, deadline or "",
                     json.dumps(settings or {}, ensure_ascii=False), now_iso())).lastrowid
            else:
                rid = row["id"]
                if deadline is not None:
                    db.execute("UPDATE rounds SET deadline=? WHERE id=?", (deadline, rid))
                given = {k: v for k, v in (settings or {}).items() if v}
                if given:  # what a run states replaces; what it leaves out is kept
                    stored = json.loads(row["settings"])
                    db.execute("UPDATE rounds SET settings=? WHERE id=?",
                               (json.dumps({**stored, **given}, ensure_ascii=False), rid))
        return self.round_by_id(rid)

    def round_by_id(self, rid: int) -> Round:
        row = self.db.execute("SELECT * FROM rounds WHERE id=?", (rid,)).fetchone()
        return _round(row)

    def round_by_key(self, key: str) -> Round | None:
        parts = key.split("|")
        if len(parts) != 4:
            return None
        row = self.db.execute("SELECT * FROM rounds WHERE office=? AND form_id=? AND term=? "
                              "AND label=?", parts).fetchone()
        return None if row is None else _round(row)

    def rounds(self) -> list[Round]:
        return [_round(r) for r in self.db.execute("SELECT * FROM rounds ORDER BY id")]

    def set_expected(self, rnd: Round, units: list[tuple[str, str, str]]) -> None:
        """The units expected to report in the round: (code, name, e-mail), in order."""
        with self.transaction() as db:
            db.execute("DELETE FROM expected WHERE round_id=?", (rnd.id,))
            db.executemany("INSERT INTO expected VALUES (?,?,?,?,?)",
                           [(rnd.id, c, n, e, i) for i, (c, n, e) in enumerate(units)])

    def expected(self, rnd: Round) -> list[tuple[str, str, str]]:
        return [(r["unit_code"], r["unit_name"], r["email"]) for r in self.db.execute(
            "SELECT * FROM expected WHERE round_id=? ORDER BY position", (rnd.id,))]

    # -- files ----------------------------------------------------------------------------
    def receipt_version(self, rnd: Round, name: str, sha256: str) -> tuple[bool, int | None]:
        """Whether this file (name and content) was received before, and its version."""
        row = self.db.execute("SELECT version_id FROM receipts WHERE round_id=? AND name=? AND "
                              "sha256=?", (rnd.id, name, sha256)).fetchone()
        return (row is not None, None if row is None else row["version_id"])

    def has_blob(self, sha256: str) -> bool:
        return self.db.execute("SELECT 1 FROM blobs WHERE sha256=?", (sha256,)).fetchone() \
            is not None

    def record_file(self, rnd: Round, receipt: dict[str, Any],
                    version: dict[str, Any] | None, data: bytes | None) -> int | None:
        """One file received, in one transaction: its receipt and, for a unit's return, the
        version (new, or the one with the same content) and its bytes. A file already recorded
        only gains its version (a unit added to the list since). Returns the version id."""
        with self.transaction() as db:
            vid = None
            if version is not None:
                vid = self._version(db, rnd, version, data)
            row = db.execute("SELECT id, version_id FROM receipts WHERE round_id=? AND name=? "
                             "AND sha256=?", (rnd.id, receipt["name"], receipt["sha256"])
                             ).fetchone()
            if row is None:
                fields = {**receipt, "round_id": rnd.id, "version_id": vid,
                          "recorded_at": now_iso(),
                          "issues": json.dumps(receipt["issues"], ensure_ascii=False)}
                names = ", ".join(fields)
                db.execute(f"INSERT INTO receipts({names}) VALUES "
                           f"({', '.join('?' * len(fields))})", list(fields.values()))
            elif row["version_id"] is None and vid is not None:
                db.execute("UPDATE receipts SET version_id=?, unit_code=?, status=? WHERE id=?",
                           (vid, receipt["unit_code"], receipt["status"], row["id"]))
        return vid

    def _version(self, db: sqlite3.Connection, rnd: Round, v: dict[str, Any],
                 data: bytes | None) -> int:
        row = db.execute("SELECT id, received_at FROM versions WHERE round_id=? AND "
                         "unit_code=? AND sha256=?", (rnd.id, v["unit_code"], v["sha256"])
                         ).fetchone()
        if row is not None:
            if v["received_at"] < row["received_at"]:  # the same content came earlier too
                db.execute("UPDATE versions SET received_at=? WHERE id=?",
                           (v["received_at"], row["id"]))
            return row["id"]
        if not self.has_blob(v["sha256"]):
            if data is None or hashlib.sha256(data).hexdigest() != v["sha256"]:
                raise RegisterError(self.path, f"thiếu nội dung tệp {v['sha256'][:12]}…")
            db.execute("INSERT INTO blobs VALUES (?, ?)", (v["sha256"], data))
        seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM versions WHERE round_id=? AND "
                         "unit_code=?", (rnd.id, v["unit_code"])).fetchone()[0]
        fields = {**v, "round_id": rnd.id, "seq": seq,
                  "issues": json.dumps(v["issues"], ensure_ascii=False),
                  "numbers": json.dumps(v["numbers"], ensure_ascii=False, sort_keys=True),
                  "identity": json.dumps(v["identity"], ensure_ascii=False, sort_keys=True)}
        names = ", ".join(fields)
        return db.execute(f"INSERT INTO versions({names}) VALUES "
                          f"({', '.join('?' * len(fields))})", list(fields.values())).lastrowid

    def versions(self, rnd: Round) -> list[Version]:
        rows = self.db.execute(
            "SELECT v.id, v.unit_code, v.seq, v.sha256, v.saved_at, v.received_at, v.status, "
            "v.unit_name, v.form_version, v.term, v.errors, v.warnings, v.issues, v.identity, "
            "(SELECT name FROM receipts r WHERE r.version_id=v.id ORDER BY "
            "r.received_at, r.id LIMIT 1) AS first_name, (SELECT mail_from FROM receipts r "
            "WHERE r.version_id=v.id AND r.mail_from<>'' ORDER BY r.received_at DESC, r.id "
            "DESC LIMIT 1) AS last_mail FROM versions v WHERE v.round_id=? ORDER BY "
            "v.unit_code, v.seq", (rnd.id,))
        return [Version(r["id"], r["unit_code"], r["seq"], r["sha256"], r["saved_at"],
                        r["received_at"], r["status"], r["unit_name"], r["form_version"],
                        r["term"], r["errors"], r["warnings"], json.loads(r["issues"]),
                        functools.partial(self.numbers, r["id"]), json.loads(r["identity"]),
                        r["first_name"] or "", r["last_mail"] or "")
                for r in rows]

    def numbers(self, version_id: int) -> dict[str, dict[str, float]]:
        row = self.db.execute("SELECT numbers FROM versions WHERE id=?", (version_id,)).fetchone()
        return json.loads(row["numbers"]) if row is not None else {}

    def receipts(self, rnd: Round) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute(
            "SELECT * FROM receipts WHERE round_id=? ORDER BY id", (rnd.id,))]

    def blob(self, sha256: str) -> bytes | None:
        row = self.db.execute("SELECT data FROM blobs WHERE sha256=?", (sha256,)).fetchone()
        return None if row is None else bytes(row["data"])

    def addresses(self, unit_code: str) -> list[str]:
        """The addresses a unit's returns came from, in any round, latest first."""
        return [r["mail_from"] for r in self.db.execute(
            "SELECT mail_from, MAX(received_at) AS last FROM receipts WHERE unit_code=? AND "
            "mail_from<>'' GROUP BY mail_from ORDER BY last DESC", (unit_code,))]

    # -- approvals and replies -------------------------------------------------------------
    def approvals(self, rnd: Round) -> list[Approval]:
        return [Approval(r["id"], r["unit_code"], r["version_id"], r["action"], r["by_whom"],
                         r["reason"], r["at"]) for r in self.db.execute(
            "SELECT * FROM approvals WHERE round_id=? ORDER BY id", (rnd.id,))]

    def add_approval(self, rnd: Round, unit_code: str, version_id: int, action: str,
                     by_whom: str, reason: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO approvals(round_id, unit_code, version_id, action, "
                       "by_whom, reason, at) VALUES (?,?,?,?,?,?,?)",
                       (rnd.id, unit_code, version_id, action, by_whom, reason, now_iso()))

    def replies(self, rnd: Round) -> dict[tuple[int, str], str]:
        return {(r["version_id"], r["kind"]): r["path"] for r in self.db.execute(
            "SELECT * FROM replies WHERE round_id=?", (rnd.id,))}

    def add_reply(self, rnd: Round, unit_code: str, version_id: int, kind: str, path: str,
                  to_addr: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO replies(round_id, unit_code, version_id, kind, "
                       "path, to_addr, written_at) VALUES (?,?,?,?,?,?,?)",
                       (rnd.id, unit_code, version_id, kind, path, to_addr, now_iso()))

    # -- integrity --------------------------------------------------------------------------
    def check(self) -> list[str]:
        """Problems found (Vietnamese), or an empty list: SQLite's own checks, then the
        register's rules (every version has its bytes and a receipt, versions numbered
        without gaps, approvals and replies point at versions of their unit)."""
        problems = [f"SQLite: {r[0]}" for r in self.db.execute("PRAGMA integrity_check")
                    if r[0] != "ok"]
        problems += [f"khóa ngoại hỏng ở bảng {r[0]}, dòng {r[1]}"
                     for r in self.db.execute("PRAGMA foreign_key_check")]
        for r in self.db.execute("SELECT v.id, v.unit_code, v.seq, v.sha256, b.data FROM "
                                 "versions v LEFT JOIN blobs b ON b.sha256=v.sha256"):
            if r["data"] is None or hashlib.sha256(r["data"]).hexdigest() != r["sha256"]:
                problems.append(f"bản lần {r['seq']} của {r['unit_code']} thiếu hoặc sai "
                                "nội dung tệp")
        problems += [f"bản lần {r[1]} của {r[0]} không có biên nhận tệp nào"
                     for r in self.db.execute(
                         "SELECT unit_code, seq FROM versions v WHERE NOT EXISTS (SELECT 1 "
                         "FROM receipts r WHERE r.version_id=v.id)")]
        problems += [f"các bản của {r[0]} đánh số không liên tục" for r in self.db.execute(
            "SELECT unit_code FROM versions GROUP BY round_id, unit_code "
            "HAVING MAX(seq) <> COUNT(*) OR MIN(seq) <> 1")]
        for table in ("approvals", "replies"):
            problems += [f"{table} dòng {r[0]} trỏ tới bản của đơn vị khác"
                         for r in self.db.execute(
                             f"SELECT t.id FROM {table} t JOIN versions v ON v.id=t.version_id "
                             "WHERE v.unit_code<>t.unit_code OR v.round_id<>t.round_id")]
        problems += [f"biên nhận {r[0]} trỏ tới bản của đơn vị khác" for r in self.db.execute(
            "SELECT r.name FROM receipts r JOIN versions v ON v.id=r.version_id "
            "WHERE v.unit_code<>r.unit_code OR v.round_id<>r.round_id")]
        return problems

    def content(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every table's rows without the times of recording (for comparing two registers)."""
        skip = {"recorded_at", "written_at", "created_at"}
        out = {}
        for (table,) in self.db.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                        "ORDER BY name"):
            cur = self.db.execute(f"SELECT * FROM {table} ORDER BY 1, 2")
            cols = [d[0] for d in cur.description]
            out[table] = [tuple(v for c, v in zip(cols, row) if c not in skip) for row in cur]
        return out


def _round(row: sqlite3.Row) -> Round:
    return Round(row["id"], row["office"], row["form_id"], row["term"], row["label"],
                 row["form_version"], row["title"], row["deadline"],
                 json.loads(row["settings"]), row["created_at"])
