"""`nianbao build`: the archive alone → DATA/nianbao.db, atomically and reproducibly.

The database is derived data: it is written to a temporary file and renamed
over the old one, so a failed build never leaves a half database behind, and
the same archive always gives the same rows (sorted, with ids derived from
URLs).  A report whose page cannot be parsed is still listed, with its error.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

from archive import Archive, ArchiveError, StoredRecord
from nianbao import crawllog, rows
from nianbao.publish import enrich
from nianbao.search import index_text
from parsers import parse_bytes
from parsers.checks import overall

DB_NAME = "nianbao.db"
BATCH = 200  # reports parsed and inserted per batch
POOL_MIN = 50  # fewer reports than this are parsed in-process: starting workers would cost more
REPORT_COLUMNS = (
    "id", "title", "issuing_body", "reporting_year", "template_version", "parse_status", "parse_error",
    "checks_status", "format", *rows.METADATA_COLUMNS.values(), "published_on", "url", "source_url", "also_at",
    "site", "list_title", "platform", "fetched_at", "record_id", "source_record_id", "sha256", "page_metadata",
    "warnings",
)


def report_id(url: str) -> str:
    """Stable across builds and crawls: the same report URL always has the same id."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def filename_of(url: str) -> str:
    """The file name a URL ends with, as the parser is told it (it helps tell formats apart)."""
    return Path(urlsplit(url).path).name


def document_row(rec: StoredRecord) -> dict:
    return {
        "record_id": rec.record_id, "url": rec.url, "final_url": rec.final_url, "status": rec.status,
        "kind": rec.kind, "content_type": rec.content_type, "content_encoding": rec.content_encoding,
        "fetched_at": rec.fetched_at, "record_type": rec.record_type, "refers_to": rec.refers_to,
        "sha256": rec.sha256, "warc_file": rec.warc_file, "warc_offset": rec.offset, "warc_length": rec.length,
    }


def _read(archive: Archive, rec: StoredRecord) -> tuple:
    """A parse job: the body (or the archive error) and what the parser needs to know about it."""
    try:
        body, error = archive.read_body(rec), None
    except ArchiveError as exc:
        body, error = b"", f"archive: {exc}"
    return body, error, filename_of(rec.final_url), rec.content_type, rec.final_url


def _parse(job: tuple) -> dict:
    body, error, filename, content_type, url = job
    if error:
        return {"status": "error", "errors": [error], "template_version": None, "metadata": {}}
    return parse_bytes(body, filename=filename, content_type=content_type, url=url)


def _needs_attachment(report: dict) -> bool:
    return report.get("template_version") in (None, "none")


def parse_records(archive: Archive, recs: list[StoredRecord], by_url: dict[str, StoredRecord], workers: int
                  ) -> Iterator[tuple[dict, list[tuple[str, StoredRecord, dict]]]]:
    """Each report page's parse, with the parses of its attachments when the page has no tables.

    Parsing is pure and CPU-bound: it runs in worker processes, in order, a batch at a time so that
    only one batch of bodies is held in memory.  A batch's pages are parsed first; then, together,
    the attachments of those pages that have no tables (PDFs take the longest of all).
    """
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 and len(recs) >= POOL_MIN else None

    def parse_all(todo: list[StoredRecord]) -> list[dict]:
        jobs = [_read(archive, rec) for rec in todo]
        return list(pool.map(_parse, jobs, chunksize=4) if pool else map(_parse, jobs))

    try:
        for start in range(0, len(recs), BATCH):
            batch = recs[start:start + BATCH]
            pages = parse_all(batch)
            wanted = [[(u, by_url[u]) for u in rec.page_metadata.get("attachments") or [] if u in by_url]
                      if _needs_attachment(report) else [] for rec, report in zip(batch, pages, strict=True)]
            parsed = iter(parse_all([att for atts in wanted for _, att in atts]))
            for report, atts in zip(pages, wanted, strict=True):
                yield report, [(url, att, next(parsed)) for url, att in atts]
    finally:
        if pool:
            pool.shutdown()


def with_attachments(rec: StoredRecord, report: dict, attachments: list[tuple[str, StoredRecord, dict]]
                     ) -> tuple[dict, str, StoredRecord]:
    """The page's own parse, or that of an attachment when the tables live in a PDF/Word file;
    with the URL and the archived record the report was read from."""
    if not _needs_attachment(report):
        return report, rec.final_url, rec
    unreadable = []
    for url, att, candidate in attachments:
        if not _needs_attachment(candidate):
            # The page's metadata and title describe the report better than the file's.
            candidate["metadata"] = report.get("metadata") or candidate.get("metadata") or {}
            candidate["title"] = report.get("title") or candidate.get("title")
            candidate["issuing_body"] = report.get("issuing_body") or candidate.get("issuing_body")
            return candidate, att.final_url, att
        if candidate.get("status") in ("unsupported_format", "error"):
            unreadable.append((url, att, candidate))
    if unreadable:
        # The tables are probably in a file we could not read: say so rather than report "no tables".
        url, att, candidate = unreadable[0]
        report = {**report, "status": candidate["status"],
                  "errors": [*(report.get("errors") or []),
                             f"the page has no tables; its attachment {url} could not be read: "
                             + "; ".join(candidate.get("errors") or [])]}
        return report, url, att
    return report, rec.final_url, rec


TEXT_COLUMNS = ("overview", "problems_improvements", "other_matters")


def text_row(rid: str, report: dict) -> dict:
    """The report's prose, kept out of `reports` so that its rows stay narrow: counting and
    sorting tens of thousands of search matches reads every matching row."""
    texts = report.get("texts") or {}
    return {"report_id": rid, **{k: texts.get(k) for k in TEXT_COLUMNS}}


def report_row(rid: str, rec: StoredRecord, report: dict, source_url: str, also_at: list[str],
               source_record_id: str) -> dict:
    page_meta = {k: v for k, v in rec.page_metadata.items() if isinstance(v, str) and not k.isascii()}
    meta = {**(report.get("metadata") or {}), **page_meta}  # what the crawler saw on the page wins
    cols = rows.metadata_columns(meta)
    return {
        "id": rid,
        "title": report.get("title") or cols["info_title"] or rec.page_metadata.get("list_title"),
        "issuing_body": report.get("issuing_body"),
        "reporting_year": report.get("reporting_year"),
        "template_version": report.get("template_version"),
        "parse_status": report.get("status"),
        "parse_error": "; ".join(report.get("errors") or []) or None,
        "checks_status": overall(report.get("checks") or []),
        "format": report.get("format"),
        **cols,
        "published_on": rows.iso_date(cols["published_date"]),
        "url": rec.url,
        "source_url": source_url,
        "also_at": json.dumps(also_at, ensure_ascii=False) if also_at else None,
        "site": urlsplit(rec.url).hostname,
        "list_title": rec.page_metadata.get("list_title"),
        "platform": rec.page_metadata.get("platform"),
        "fetched_at": rec.fetched_at,
        "record_id": rec.record_id,
        "source_record_id": source_record_id,
        "sha256": rec.sha256,
        "page_metadata": json.dumps(meta, ensure_ascii=False),
        "warnings": json.dumps(report.get("warnings") or [], ensure_ascii=False) if report.get("warnings") else None,
    }


def fetched_ok(rec: StoredRecord) -> bool:
    """A capture with the page in it: 2xx (a 304 or an error page is not the document)."""
    return rec.status is not None and 200 <= rec.status < 300


def report_records(records: list[StoredRecord]) -> list[tuple[StoredRecord, list[str]]]:
    """Latest capture of each report URL; the same content at several URLs is one report.

    Of identical copies the URL fetched first is the report's, the others go to ``also_at``.
    """
    latest: dict[str, StoredRecord] = {}
    for rec in records:  # fetch order: the last capture wins, first-seen order kept
        if rec.kind == "report" and fetched_ok(rec):  # failures are listed from the crawl log
            latest[rec.url] = rec
    by_payload: dict[str, tuple[StoredRecord, list[str]]] = {}
    for url, rec in latest.items():
        if rec.sha256 in by_payload:
            by_payload[rec.sha256][1].append(url)
        else:
            by_payload[rec.sha256] = (rec, [])
    return sorted(by_payload.values(), key=lambda pair: pair[0].url)


def create_tables(db: sqlite_utils.Database) -> None:
    db["documents"].create({k: str for k in ("record_id", "url", "final_url", "kind", "content_type",
                                             "content_encoding", "fetched_at", "record_type", "refers_to",
                                             "sha256", "warc_file")}
                           | {"status": int, "warc_offset": int, "warc_length": int}, pk="record_id")
    db["reports"].create({c: int if c == "reporting_year" else str for c in REPORT_COLUMNS}, pk="id",
                         foreign_keys=[("record_id", "documents", "record_id"),
                                       ("source_record_id", "documents", "record_id")])
    db["report_texts"].create({"report_id": str, **{c: str for c in TEXT_COLUMNS}}, pk="report_id",
                              foreign_keys=[("report_id", "reports", "id")])
    db["applications"].create({"report_id": str, "row_key": str, "row_order": int, "row_label": str}
                              | {c: int for c in rows.APPLICANT_COLUMNS},
                              pk=("report_id", "row_key"), foreign_keys=[("report_id", "reports", "id")])
    db["review_litigation"].create({"report_id": str, "group_key": str, "group_label": str}
                                   | {c: int for c in rows.REVIEW_COLUMNS},
                                   pk=("report_id", "group_key"), foreign_keys=[("report_id", "reports", "id")])
    db["proactive_disclosure"].create(
        {"report_id": str, "item": str, "item_label": str, "row_key": str, "row_label": str, "column_key": str,
         "column_label": str, "unit": str, "value": int},
        pk=("report_id", "item", "row_key", "column_key"), foreign_keys=[("report_id", "reports", "id")])
    db["checks"].create({"report_id": str, "rule": str, "description": str, "status": str, "instances": int,
                         "failed": str, "not_evaluable": str, "status_if_blank_as_zero": str},
                        pk=("report_id", "rule"), foreign_keys=[("report_id", "reports", "id")])
    db["cells"].create({"report_id": str, "path": str, "value": int, "source_text": str, "location": str},
                       pk=("report_id", "path"), foreign_keys=[("report_id", "reports", "id")])


SEARCH_COLUMNS = ("title", "issuing_body", "publisher", "subject", "keywords", *TEXT_COLUMNS)


def index_search(db: sqlite_utils.Database) -> None:
    """`reports_fts`: the report texts with Han characters spaced, keyed by reports.rowid.

    FTS5 has no Chinese segmenter; one character per token plus phrase queries
    (nianbao.search, applied to ?_search= by the Datasette plugin) finds any term.
    """
    cols = ", ".join(SEARCH_COLUMNS)
    db.execute(f"create virtual table reports_fts using fts5({cols}, tokenize='unicode61')")
    rows_ = db.conn.execute(f"select r.rowid, {cols} from reports r left join report_texts t "
                            "on t.report_id = r.id order by r.rowid")
    db.conn.executemany(
        f"insert into reports_fts(rowid, {cols}) values (?, {', '.join('?' * len(SEARCH_COLUMNS))})",
        ((r[0], *(index_text(v) for v in r[1:])) for r in rows_))
    db.conn.commit()


DETAIL_TABLES = (("applications", rows.application_rows), ("review_litigation", rows.review_rows),
                 ("proactive_disclosure", rows.disclosure_rows), ("checks", rows.check_rows),
                 ("cells", rows.cell_rows))


def flush(db: sqlite_utils.Database, pending: dict[str, list[dict]], counts: Counter) -> None:
    for table, made in pending.items():
        if made:
            db[table].insert_all(made, batch_size=1000)
            counts[table] += len(made)
            made.clear()


def build(data_dir: Path | str, workers: int | None = None) -> dict[str, int]:
    """Rebuild DATA/nianbao.db from DATA/archive; returns row counts per table.

    ``workers``: parser processes (default: one per CPU); the result does not depend on it.
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    data_dir = Path(data_dir)
    target = data_dir / DB_NAME
    tmp = data_dir / f".{DB_NAME}.building"
    tmp.unlink(missing_ok=True)
    counts: Counter = Counter()
    with Archive(data_dir / "archive") as archive:
        db = sqlite_utils.Database(tmp)
        create_tables(db)
        records = archive.records()
        db["documents"].insert_all((document_row(r) for r in records), batch_size=500)
        by_url = {}
        for rec in records:  # latest good capture per URL, for attachments (a later 304 or 5xx has no body)
            if fetched_ok(rec):
                by_url[rec.url] = by_url[rec.final_url] = rec
        report_rows = []
        pairs = report_records(records)
        pending: dict[str, list[dict]] = {table: [] for table in ("report_texts", *dict(DETAIL_TABLES))}
        parsed = parse_records(archive, [rec for rec, _ in pairs], by_url, workers)
        for (rec, also_at), (page_report, attachments) in zip(pairs, parsed, strict=True):
            rid = report_id(rec.url)
            report, source_url, source = with_attachments(rec, page_report, attachments)
            report_rows.append(report_row(rid, rec, report, source_url, also_at, source.record_id))
            pending["report_texts"].append(text_row(rid, report))
            # A page holding only section 四 has values without a known template.
            if report.get("template_version") in ("2019", "2021") or report.get("review_litigation"):
                for table, make in DETAIL_TABLES:
                    pending[table].extend(make(rid, report))
            if len(report_rows) % BATCH == 0:
                flush(db, pending, counts)
        flush(db, pending, counts)
        db["reports"].insert_all(report_rows)
        counts["documents"], counts["reports"] = len(records), len(report_rows)
        for table in ("applications", "review_litigation", "proactive_disclosure", "checks", "cells"):
            db[table].create_index(["report_id"], if_not_exists=True)
        db["reports"].create_index(["reporting_year"], if_not_exists=True)
        db["reports"].create_index(["publisher"], if_not_exists=True)
        events = archive.events()
        per_site = Counter(r["site"] for r in report_rows)
        for table, made in (("crawls", crawllog.crawl_rows(events)),
                            ("crawl_failures", crawllog.failure_rows(events)),
                            ("portal_health", crawllog.health_rows(events, per_site))):
            columns, pk = crawllog.TABLES[table]
            db[table].create(columns, pk=pk)
            db[table].insert_all(made)
            counts[table] = len(made)
        enrich(db)
        index_search(db)
        db.close()
    os.replace(tmp, target)
    return dict(counts)
