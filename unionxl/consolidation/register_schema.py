"""The register's schema, as a list of migrations: entry N takes a register from schema N-1
to N (``PRAGMA user_version``). Never edit an entry once released; add one."""

# Each entry takes the schema from the number before it to its own number (1-based).
MIGRATIONS: list[str] = [
    # 1: rounds, the units expected, receipts, versions with their bytes, approvals
    """
    CREATE TABLE rounds(
        id INTEGER PRIMARY KEY,
        office TEXT NOT NULL, form_id TEXT NOT NULL, term TEXT NOT NULL,
        label TEXT NOT NULL DEFAULT '', form_version TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '', deadline TEXT NOT NULL DEFAULT '',
        settings TEXT NOT NULL DEFAULT '{}', created_at TEXT NOT NULL,
        UNIQUE(office, form_id, term, label));
    CREATE TABLE expected(
        round_id INTEGER NOT NULL REFERENCES rounds(id),
        unit_code TEXT NOT NULL, unit_name TEXT NOT NULL, email TEXT NOT NULL DEFAULT '',
        position INTEGER NOT NULL,
        PRIMARY KEY(round_id, unit_code));
    CREATE TABLE blobs(sha256 TEXT PRIMARY KEY, data BLOB NOT NULL);
    CREATE TABLE versions(
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES rounds(id),
        unit_code TEXT NOT NULL, seq INTEGER NOT NULL,
        sha256 TEXT NOT NULL REFERENCES blobs(sha256),
        saved_at TEXT NOT NULL, received_at TEXT NOT NULL, status TEXT NOT NULL,
        unit_name TEXT NOT NULL, form_version TEXT NOT NULL, term TEXT NOT NULL,
        errors INTEGER NOT NULL, warnings INTEGER NOT NULL,
        issues TEXT NOT NULL, numbers TEXT NOT NULL, identity TEXT NOT NULL,
        UNIQUE(round_id, unit_code, sha256), UNIQUE(round_id, unit_code, seq));
    CREATE TABLE receipts(
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES rounds(id),
        name TEXT NOT NULL, origin TEXT NOT NULL, sha256 TEXT NOT NULL,
        unit_code TEXT NOT NULL, status TEXT NOT NULL,
        form_id TEXT NOT NULL, form_version TEXT NOT NULL, term TEXT NOT NULL,
        received_at TEXT NOT NULL, received_by TEXT NOT NULL,
        mail_from TEXT NOT NULL, mail_name TEXT NOT NULL, mail_date TEXT NOT NULL,
        mail_subject TEXT NOT NULL, message_id TEXT NOT NULL,
        errors INTEGER NOT NULL, warnings INTEGER NOT NULL, issues TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        version_id INTEGER REFERENCES versions(id),
        UNIQUE(round_id, name, sha256));
    CREATE TABLE approvals(
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES rounds(id),
        unit_code TEXT NOT NULL,
        version_id INTEGER NOT NULL REFERENCES versions(id),
        action TEXT NOT NULL CHECK(action IN ('approve', 'reopen')),
        by_whom TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL);
    CREATE INDEX receipts_version ON receipts(version_id);
    """,
    # 2: the reply drafts written, so that a draft is written once per version
    """
    CREATE TABLE replies(
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES rounds(id),
        unit_code TEXT NOT NULL,
        version_id INTEGER NOT NULL REFERENCES versions(id),
        kind TEXT NOT NULL, path TEXT NOT NULL, to_addr TEXT NOT NULL,
        written_at TEXT NOT NULL,
        UNIQUE(version_id, kind));
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
