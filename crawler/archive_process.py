"""What runs in the crawl's archive process (see crawler.archiving): the Archive and page metadata.

Imports only ``archive`` and ``parsers``, not Scrapy: the process is spawned, and
starts in a fraction of a second.  Every function here is called with picklable
arguments and returns picklable results.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from archive import Archive, ArchiveError, StoredRecord, decode_content
from parsers import page_metadata

_archive: Archive | None = None
_error: str | None = None


def open_archive(root: str, fsync: bool) -> None:
    """The process initialiser: one Archive for the life of the process.

    An archive that cannot be opened is remembered, not raised: an initialiser that
    raises leaves only a "process terminated abruptly" in the parent.
    """
    global _archive, _error
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), name="parent-watch", daemon=True).start()
    try:
        _archive = Archive(root, fsync=fsync)
    except ArchiveError as e:
        _error = str(e)


def _exit_with_parent(parent: int) -> None:
    """End when the crawl process is gone (a SIGKILL gives it no time to say so).

    The process holds both ends of its own call queue, so it would never see end of file
    and would keep its WARC file locked.  Exiting at once is what a SIGKILL of the crawl
    does anyway: whatever was not yet indexed is fetched again by the next crawl.
    """
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _get() -> Archive:
    if _archive is None:
        raise ArchiveError(_error or "the archive is not open")
    return _archive


def call(method: str, args: tuple, kwargs: dict) -> Any:
    return getattr(_get(), method)(*args, **kwargs)


def write_response(fields: dict, describe: tuple[str, str | None] | None) -> tuple[StoredRecord, dict | None]:
    """Archive a response; with ``describe`` (its Content-Type and Content-Encoding), also read the
    page's metadata block.

    Both need the same bytes: reading the metadata here sends the page across once.
    """
    record = _get().write_response(**fields)
    if describe is None:
        return record, None
    content_type, encoding = describe
    return record, page_metadata(decode_content(fields["body"], encoding), content_type)


def crawl_state() -> tuple[set[str], set[str], list[tuple[str, list[str]]]]:
    """What a crawl starts from: URLs archived, URLs described as reports, and each report's attachments."""
    archive = _get()
    reports = [(r.url, list(r.page_metadata.get("attachments") or [])) for r in archive.records(kind="report")]
    return archive.complete_urls(), archive.complete_urls("report"), reports


def validators(url: str) -> list[tuple[str, str]]:
    """The archived headers of a URL's latest capture (for its ETag and Last-Modified)."""
    archive = _get()
    latest = archive.latest(url)
    return archive.read_headers(latest) if latest else []


def close() -> None:
    if _archive is not None:
        _archive.close()
