"""Write and read the WARC archive (ISO 28500, via warcio) and keep its index.

Each response is written as a WARC ``response`` record (or a ``revisit`` when
the same payload is already archived), followed by its ``request`` record;
page metadata goes into ``metadata`` records that refer to the response.

Crash safety, as Heritrix does it: a file being written is named
``*.warc.gz.open`` and renamed when closed.  Every record is flushed and
fsynced before its index row is committed, and the index remembers up to which
byte each file is complete.  A writer that was killed leaves an ``.open`` file
whose tail may be torn; the next ``Archive`` on the directory truncates it to
the last indexed byte and renames it, so every indexed record reads back and
nothing indexed is lost.  A live writer holds an flock on its ``.open`` file,
so recovery never touches a file that is still being written.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import io
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from . import index
from .index import StoredRecord

OPEN_SUFFIX = ".open"
GZIP_LEVEL = 6
MAX_FILE_BYTES = 1 << 30
SOFTWARE = "nianbao (https://github.com/nianbao/nianbao) with warcio"
# Scrapy hands over de-chunked bodies: keep the header for the record, under a name
# that tells replay tools not to de-chunk again (the convention of wget and pywb).
_RENAMED_HEADERS = {"transfer-encoding": "X-Archive-Orig-Transfer-Encoding"}


class ArchiveError(Exception):
    """The archive cannot be opened, written or read; the message says why."""


def _http_date(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha1_base32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _header(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    for k, v in headers:
        if k.lower() == name:
            return v
    return None


def gzip_member(data: bytes, level: int = GZIP_LEVEL) -> bytes:
    """``data`` as one gzip member, with zlib's window and hash tables sized to it.

    Setting up the default 32 KB window and its tables costs ten times what a small record (a
    request, a metadata record) takes to compress; a window as large as the data compresses it
    just as well.
    """
    wbits = min(15, max(9, len(data).bit_length()))
    deflate = zlib.compressobj(level, zlib.DEFLATED, 16 + wbits, min(8, max(1, wbits - 7)))
    return deflate.compress(data) + deflate.flush()


def decode_content(raw: bytes, encoding: str | None) -> bytes:
    """A payload with its Content-Encoding (gzip, deflate, br) undone; the bytes as sent when the
    encoding is unknown or the server lied about it."""
    encoding = (encoding or "").strip().lower()
    if not encoding or encoding == "identity":
        return raw
    try:  # warcio's own decoders, on bytes already in memory
        return BufferedReader(io.BytesIO(raw), decomp_type=encoding).read()
    except Exception:  # noqa: BLE001 - zlib, brotli and warcio raise their own types
        return raw


class Archive:
    """A directory of WARC files plus ``index.sqlite``.

    Open it to read (``records``, ``read_body``) or write (``write_response``,
    ``add_metadata``); a WARC file is only created on the first write.
    """

    def __init__(self, root: Path | str, *, max_file_bytes: int = MAX_FILE_BYTES, fsync: bool = True,
                 readonly: bool = False, group_commit: bool = False) -> None:
        """``fsync=False`` still survives a killed process (bytes reach the OS before the index
        row), but not a power cut; it trades that for speed on slow disks.  ``readonly`` opens
        an existing archive without creating, recovering or writing anything.

        ``group_commit``: records are indexed in one transaction until ``commit()``, instead of one
        each.  A writer that commits every so often (the crawl's archive process: half a second
        after the first record not yet indexed) pays one commit, and one fsync, per group; what a
        crash takes is only what was not yet committed, which, not being indexed, the next crawl
        fetches again."""
        self.root = Path(root)
        self.warc_dir = self.root / "warc"
        self.fsync = fsync
        self.readonly = readonly
        self.group_commit = group_commit
        try:
            if readonly:
                self.db = index.connect_readonly(self.root / "index.sqlite")
            else:
                self.warc_dir.mkdir(parents=True, exist_ok=True)
                self.db = index.connect(self.root / "index.sqlite", durable=fsync)
        except (OSError, sqlite3.Error) as e:
            raise ArchiveError(f"cannot open archive at {self.root}: {e}") from e
        self.max_file_bytes = max_file_bytes
        self._file = None
        self._name: str | None = None
        self._writer: WARCWriter | None = None
        self._serial = 0
        if not readonly:
            self.recover()

    # -- files -----------------------------------------------------------------

    def recover(self) -> list[str]:
        """Close ``.open`` files left by writers that died: truncate to the indexed end, rename."""
        recovered = []
        for path in sorted(self.warc_dir.glob(f"*.warc.gz{OPEN_SUFFIX}")):
            if self._file is not None and path.name == f"{self._name}{OPEN_SUFFIX}":
                continue
            try:
                fh = open(path, "r+b")
            except FileNotFoundError:
                continue
            with fh:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a live writer owns it
                name = path.name[: -len(OPEN_SUFFIX)]
                row = self.db.execute("select indexed_end from warc_files where name = ?", (name,)).fetchone()
                end = row[0] if row else 0
                fh.truncate(end)
                fh.flush()
                os.fsync(fh.fileno())
                if end:
                    os.replace(path, self.warc_dir / name)
                else:
                    path.unlink()
                recovered.append(name)
        return recovered

    def _open_new_file(self) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        self._serial += 1
        self._name = f"nianbao-{stamp}-{os.getpid()}-{self._serial:05d}.warc.gz"
        path = self.warc_dir / f"{self._name}{OPEN_SUFFIX}"
        self._file = open(path, "xb")
        fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._writer = WARCWriter(io.BytesIO(), gzip=False)  # builds records; _write stores them
        info = self._writer.create_warcinfo_record(
            self._name, {"software": SOFTWARE, "format": "WARC File Format 1.0",
                         "description": "government information disclosure annual reports"})
        self._write(info)
        self._sync_and_index(lambda: None)

    def _write(self, record, level: int = GZIP_LEVEL) -> None:
        """One record as one gzip member (the WARC convention), at a level that costs a third of
        warcio's level 9 for nearly the same size."""
        buf = io.BytesIO()
        WARCWriter(buf, gzip=False).write_record(record)
        self._file.write(gzip_member(buf.getvalue(), level))

    def _close_file(self) -> None:
        if self._file is None:
            return
        self.commit()  # recovery only mends open files: a closed one must end with indexed records
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self.warc_dir / f"{self._name}{OPEN_SUFFIX}", self.warc_dir / self._name)
        self._file = self._writer = self._name = None

    def _ensure_file(self) -> None:
        if self.readonly:
            raise ArchiveError(f"archive at {self.root} is open read-only")
        if self._file is not None and self._file.tell() >= self.max_file_bytes:
            self._close_file()
        if self._file is None:
            self._open_new_file()

    def _sync_and_index(self, add_rows) -> None:
        """Make the bytes durable, then index them together with the file's new end (in one
        transaction per record, or per group until ``commit``)."""
        if self.group_commit:
            if not self.db.in_transaction:
                self.db.execute("begin")
            self._index(add_rows)
            return
        self._file.flush()
        if self.fsync:
            os.fsync(self._file.fileno())
        with self.db:
            self.db.execute("begin")
            self._index(add_rows)

    def _index(self, add_rows) -> None:
        add_rows()
        self.db.execute(
            "insert into warc_files(name, indexed_end) values (?, ?) "
            "on conflict(name) do update set indexed_end = excluded.indexed_end",
            (self._name, self._file.tell()))

    @property
    def uncommitted(self) -> bool:
        """Records written but not yet indexed (``group_commit``)."""
        return self.db is not None and self.db.in_transaction

    def commit(self) -> None:
        """Index the records written since the last commit (``group_commit``), their bytes made
        durable first."""
        if self.db is None or not self.db.in_transaction:
            return
        if self._file is not None:
            self._file.flush()
            if self.fsync:
                os.fsync(self._file.fileno())
        self.db.execute("commit")

    def path_of(self, warc_file: str) -> Path:
        path = self.warc_dir / warc_file
        return path if path.exists() else self.warc_dir / f"{warc_file}{OPEN_SUFFIX}"

    # -- writing ---------------------------------------------------------------

    def write_response(
        self,
        *,
        url: str,
        final_url: str | None = None,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        fetched_at: datetime | None = None,
        request_headers: list[tuple[str, str]] | None = None,
        protocol: str = "HTTP/1.1",
        reason: str = "",
        kind: str = "other",
        method: str = "GET",
    ) -> StoredRecord:
        """Archive one HTTP response byte-exact; a payload already archived becomes a revisit."""
        if self.closed:
            raise ArchiveError("archive is closed")
        final_url = final_url or url
        fetched_at = fetched_at or datetime.now(UTC)
        sha256 = hashlib.sha256(body).hexdigest()
        payload_digest = _sha1_base32(body)
        headers = [(_RENAMED_HEADERS.get(k.lower(), k), v) for k, v in headers]
        original = self.db.execute(
            "select record_id, final_url, fetched_at from records where sha256 = ? and record_type = 'response' "
            "order by rowid limit 1", (sha256,)).fetchone()
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), headers, protocol=protocol)
        warc_headers = {"WARC-Date": _http_date(fetched_at), "WARC-Payload-Digest": payload_digest}
        self._ensure_file()
        w = self._writer
        if original:
            record = w.create_revisit_record(
                final_url, payload_digest, original[1], original[2], http_headers=http_headers,
                warc_headers_dict=warc_headers)
        else:
            record = w.create_warc_record(
                final_url, "response", payload=io.BytesIO(body), length=len(body),
                http_headers=http_headers, warc_headers_dict=warc_headers)
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        offset = self._file.tell()
        # A payload the server compressed (Content-Encoding) does not shrink again: deflating it
        # took as long as the rest of the record, so it is stored in its gzip member as it is.
        content_encoding = _header(headers, "content-encoding")
        encoded = (content_encoding or "identity").strip().lower() != "identity"
        self._write(record, 0 if encoded else GZIP_LEVEL)
        length = self._file.tell() - offset
        if request_headers is not None:
            path = final_url.split("/", 3)[3] if final_url.count("/") >= 3 else ""
            req = w.create_warc_record(
                final_url, "request",
                http_headers=StatusAndHeaders(f"{method} /{path} {protocol}", request_headers, is_http_request=True),
                warc_headers_dict={"WARC-Date": _http_date(fetched_at), "WARC-Concurrent-To": record_id})
            self._write(req)
        stored = StoredRecord(
            record_id=record_id, url=url, final_url=final_url, status=status, sha256=sha256,
            payload_digest=payload_digest, fetched_at=fetched_at.astimezone(UTC).isoformat(),
            content_type=_header(headers, "content-type"), content_encoding=content_encoding,
            warc_file=self._name, offset=offset, length=length,
            record_type="revisit" if original else "response", refers_to=original[0] if original else None,
            kind=kind)
        fields = [f for f in StoredRecord.__dataclass_fields__ if f != "page_metadata"]
        self._sync_and_index(lambda: self.db.execute(
            f"insert into records({', '.join(fields)}) values ({', '.join('?' * len(fields))})",
            tuple(getattr(stored, f) for f in fields)))
        return stored

    def add_metadata(self, record_id: str, *, kind: str | None = None, page_metadata: dict | None = None) -> str:
        """Append a WARC metadata record about an archived response (its page metadata, its kind)."""
        row = self.db.execute("select final_url from records where record_id = ?", (record_id,)).fetchone()
        if row is None:
            raise ArchiveError(f"no archived response {record_id}")
        payload = {"kind": kind, "page_metadata": page_metadata or {}}
        metadata_id, now, offset, length = self._append_json(row[0], payload, {"WARC-Refers-To": record_id})
        self._sync_and_index(lambda: self.db.execute(
            "insert into metadata values (?, ?, ?, ?, ?, ?, ?, ?)",
            (metadata_id, record_id, kind, json.dumps(page_metadata or {}, ensure_ascii=False),
             now.isoformat(), self._name, offset, length)))
        return metadata_id

    def _append_json(self, uri: str, payload: dict, headers: dict | None = None) -> tuple[str, datetime, int, int]:
        """Write a WARC metadata record holding JSON; its id, time, offset and length, for the index."""
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
        self._ensure_file()
        now = datetime.now(UTC)
        record = self._writer.create_warc_record(
            uri, "metadata", payload=io.BytesIO(body), length=len(body), warc_content_type="application/json",
            warc_headers_dict={"WARC-Date": _http_date(now), **(headers or {})})
        offset = self._file.tell()
        self._write(record)
        return record.rec_headers.get_header("WARC-Record-ID"), now, offset, self._file.tell() - offset

    def add_event(self, kind: str, *, url: str | None = None, data: dict | None = None) -> str:
        """Record something that is not a response (a crawl started or ended, a URL that failed for good).

        Stored as a WARC metadata record like page metadata, so the database's crawl
        log and failure list are rebuilt from the archive alone.
        """
        event_id, now, offset, length = self._append_json(url or f"urn:nianbao:{kind}", {"kind": kind, **(data or {})})
        self._sync_and_index(lambda: self.db.execute(
            "insert into events values (?, ?, ?, ?, ?, ?, ?, ?)",
            (event_id, kind, url, json.dumps(data or {}, ensure_ascii=False, sort_keys=True, default=str),
             now.isoformat(), self._name, offset, length)))
        return event_id

    def events(self, kind: str | None = None) -> list[dict]:
        """Events in the order written: {event_id, kind, url, data, written_at}."""
        sql = "select event_id, kind, url, data, written_at from events"
        rows = self.db.execute(sql + (" where kind = ?" if kind else "") + " order by rowid", (kind,) if kind else ())
        return [{"event_id": e, "kind": k, "url": u, "data": json.loads(d or "{}"), "written_at": w}
                for e, k, u, d, w in rows]

    # -- reading ---------------------------------------------------------------

    def records(self, kind: str | None = None) -> list[StoredRecord]:
        """Every archived response and revisit in fetch order, optionally of one kind."""
        if kind is None:
            return index.select(self.db)
        return [r for r in index.select(self.db) if r.kind == kind]

    def get(self, record_id: str) -> StoredRecord:
        found = index.select(self.db, "r.record_id = ?", (record_id,))
        if not found:
            raise ArchiveError(f"no archived response {record_id}")
        return found[0]

    def latest(self, url: str) -> StoredRecord | None:
        """The most recent capture of a URL (requested or final)."""
        found = index.select(self.db, "r.url = ? or r.final_url = ?", (url, url))
        return found[-1] if found else None

    def seen_urls(self) -> set[str]:
        return {u for (u,) in self.db.execute("select url from records union select final_url from records")}

    def complete_urls(self, kind: str | None = None) -> set[str]:
        """URLs archived with status 200 — and, given ``kind``, described by a metadata record of that kind.

        A report page archived just before a crash, without its metadata, is not
        complete: a resumed crawl fetches it again (a revisit, not a second copy).
        """
        if kind is None:
            sql = "select url from records where status = 200"
        else:
            sql = ("select r.url from records r join metadata m on m.refers_to = r.record_id "
                   "where r.status = 200 and m.kind = ?")
        return {u for (u,) in self.db.execute(sql, (kind,) if kind else ())}

    def _read_warc_record(self, rec: StoredRecord) -> tuple[StatusAndHeaders, bytes]:
        """The HTTP headers and the payload exactly as stored."""
        path = self.path_of(rec.warc_file)
        try:
            with open(path, "rb") as fh:
                fh.seek(rec.offset)
                for record in ArchiveIterator(io.BytesIO(fh.read(rec.length))):
                    return record.http_headers, record.raw_stream.read()
        except OSError as e:
            raise ArchiveError(f"cannot read {path}: {e}") from e
        raise ArchiveError(f"no WARC record at {path}:{rec.offset}")

    def read_body(self, rec: StoredRecord, *, decoded: bool = True) -> bytes:
        """The payload; for a revisit, the original's.  ``decoded`` undoes Content-Encoding (gzip, br…)."""
        if rec.record_type == "revisit" and rec.refers_to:
            rec = self.get(rec.refers_to)
        raw = self._read_warc_record(rec)[1]
        if hashlib.sha256(raw).hexdigest() != rec.sha256:
            raise ArchiveError(f"payload of {rec.record_id} in {rec.warc_file} does not match its sha256")
        return decode_content(raw, rec.content_encoding) if decoded else raw

    def read_headers(self, rec: StoredRecord) -> list[tuple[str, str]]:
        return list(self._read_warc_record(rec)[0].headers)

    def stats(self) -> dict[str, int]:
        q = self.db.execute
        return {
            "responses": q("select count(*) from records where record_type = 'response'").fetchone()[0],
            "revisits": q("select count(*) from records where record_type = 'revisit'").fetchone()[0],
            "metadata": q("select count(*) from metadata").fetchone()[0],
            "warc_files": len(list(self.warc_dir.glob("*.warc.gz*"))),
        }

    # -- lifecycle -------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self.db is None

    def close(self) -> None:
        """Finish the current WARC file (rename away ``.open``) and close the index."""
        if self.db is None:
            return
        self._close_file()
        self.db.close()
        self.db = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
