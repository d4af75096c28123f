"""The archive's SQLite index: from URL and payload sha256 to WARC file and offset.

The WARC files are the archive; this index only says where each record is, so
that ``build`` can seek straight to a page.  It is committed after every record
(WAL mode), so what was fetched before a crash stays findable.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA = """
create table if not exists records (
    record_id text primary key,   -- WARC-Record-ID of the response or revisit record
    url text not null,            -- the URL requested (first of a redirect chain)
    final_url text not null,      -- the URL this response came from
    status integer,
    sha256 text not null,         -- of the payload exactly as received
    payload_digest text,          -- WARC-Payload-Digest (sha1, base32), for WARC tools
    fetched_at text not null,     -- ISO 8601, UTC
    content_type text,
    content_encoding text,
    warc_file text not null,      -- file name inside the WARC directory, without .open
    offset integer not null,
    length integer not null,
    record_type text not null,    -- response | revisit
    refers_to text,               -- for a revisit: the response record holding the payload
    kind text                     -- what the crawler fetched it as: list, report, attachment, other
);
create index if not exists records_url on records(url);
create index if not exists records_final_url on records(final_url);
create index if not exists records_sha256 on records(sha256);
create table if not exists metadata (
    metadata_id text primary key, -- WARC-Record-ID of the metadata record
    refers_to text not null references records(record_id),
    kind text,
    page_metadata text,           -- JSON object
    written_at text not null,
    warc_file text not null,
    offset integer not null,
    length integer not null
);
create index if not exists metadata_refers_to on metadata(refers_to);
create table if not exists events (
    event_id text primary key,    -- WARC-Record-ID of the metadata record
    kind text not null,           -- crawl_started, crawl_finished, failure …
    url text,
    data text,                    -- JSON object
    written_at text not null,
    warc_file text not null,
    offset integer not null,
    length integer not null
);
create index if not exists events_kind on events(kind);
create table if not exists warc_files (
    name text primary key,
    indexed_end integer not null  -- everything before this byte is complete and indexed
);
"""


@dataclass(frozen=True)
class StoredRecord:
    """One archived response (or revisit) and the latest metadata recorded for it."""

    record_id: str
    url: str
    final_url: str
    status: int | None
    sha256: str
    payload_digest: str | None
    fetched_at: str
    content_type: str | None
    content_encoding: str | None
    warc_file: str
    offset: int
    length: int
    record_type: str
    refers_to: str | None
    kind: str | None
    page_metadata: dict = field(default_factory=dict)


_COLUMNS = [f for f in StoredRecord.__dataclass_fields__ if f != "page_metadata"]
_SELECT = (
    "select " + ", ".join(f"r.{c}" for c in _COLUMNS) + ", m.kind, m.page_metadata from records r "
    "left join metadata m on m.rowid = (select max(rowid) from metadata where refers_to = r.record_id)"
)


def connect_readonly(path: Path) -> sqlite3.Connection:
    """For readers that must not write (a web server on a read-only mount): never creates anything.

    WAL needs its -shm file to be writable; where it cannot be, the index is read as immutable.
    """
    if not path.is_file():
        raise sqlite3.OperationalError(f"no index at {path}")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30, check_same_thread=False)
        con.execute("select count(*) from records").fetchone()
        return con
    except sqlite3.OperationalError:
        return sqlite3.connect(f"file:{path}?immutable=1", uri=True, check_same_thread=False)


def connect(path: Path, durable: bool = True) -> sqlite3.Connection:
    # One thread at a time, not always the one that opened it (the crawler writes on its own thread).
    con = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    con.execute("pragma journal_mode=wal")
    # FULL survives a power cut; NORMAL (in WAL mode) still survives a killed process.
    con.execute(f"pragma synchronous={'full' if durable else 'normal'}")
    con.executescript(SCHEMA)
    return con


def to_record(row: tuple) -> StoredRecord:
    values = dict(zip(_COLUMNS, row[: len(_COLUMNS)], strict=True))
    meta_kind, meta_json = row[len(_COLUMNS):]
    # A metadata record saying "report" outranks the kind guessed at fetch time.
    if meta_kind:
        values["kind"] = meta_kind
    return StoredRecord(**values, page_metadata=json.loads(meta_json) if meta_json else {})


def select(con: sqlite3.Connection, where: str = "", params: tuple = ()) -> list[StoredRecord]:
    sql = _SELECT + (f" where {where}" if where else "") + " order by r.fetched_at, r.rowid"
    return [to_record(row) for row in con.execute(sql, params)]
