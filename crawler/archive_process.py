"""What runs in the crawl's archive process (see crawler.archiving): the Archive and page metadata.

Imports only ``archive`` and ``parsers``, not Scrapy: the process is spawned, and
starts in a fraction of a second.  ``serve`` answers calls, one at a time and in
order, sent as frames over a pipe; every function it is asked to run is called
with picklable arguments and returns picklable results.
"""

from __future__ import annotations

import select
import signal
import time
from collections.abc import Callable
from typing import Any

from archive import Archive, ArchiveError, StoredRecord, decode_content
from crawler.frames import Frames, frame, write_all
from parsers import page_metadata

_archive: Archive | None = None
_error: str | None = None


# Records are indexed at most this long after they were written, in one transaction for all
# written meanwhile (Archive's group_commit): at crawl speed that is hundreds of records, whose
# commits, one each, cost more than writing them.  A crash loses only what was not yet indexed,
# which the next crawl fetches again.
COMMIT_DELAY = 0.5

def answer(fn: Callable, args: tuple) -> bytes:
    """The framed answer to one call: (True, result) or (False, the exception it raised)."""
    try:
        return frame((True, fn(*args)))
    except Exception as e:  # noqa: BLE001 - every failure goes back to the caller, which decides
        try:
            return frame((False, e))
        except Exception:  # noqa: BLE001 - an exception that does not pickle still says what happened
            return frame((False, ArchiveError(f"{type(e).__name__}: {e}")))


def serve(calls: Any, answers: Any, root: str, fsync: bool) -> None:
    """The process's life: open the archive, answer calls in order, close the archive at the end.

    ``calls`` and ``answers`` are the pipe ends (multiprocessing Connections, used as plain file
    descriptors).  The end of ``calls`` is the end of the crawl process, whether it closed the
    archive first or was killed: either way every call received in full has been answered, so
    closing the archive then (its open WARC file renamed) loses nothing.
    """
    # Ctrl-C reaches the whole process group: the crawl process stops gracefully and closes the
    # archive itself, which needs this process to carry on until then.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    open_archive(root, fsync)
    calls_fd, answers_fd = calls.fileno(), answers.fileno()
    frames = Frames()
    first_uncommitted: float | None = None
    try:
        while True:
            if first_uncommitted is not None:
                wait = first_uncommitted + COMMIT_DELAY - time.monotonic()
                if wait <= 0 or not (frames.buffered or select.select([calls_fd], [], [], wait)[0]):
                    _get().commit()
                    first_uncommitted = None
                    continue
            try:
                fn, args = frames.read(calls_fd)
            except EOFError:
                break
            write_all(answers_fd, answer(fn, args))
            if fn is close:
                return
            if first_uncommitted is None and _archive is not None and _archive.uncommitted:
                first_uncommitted = time.monotonic()
    finally:
        close()


def open_archive(root: str, fsync: bool) -> None:
    """One Archive for the life of the process.

    An archive that cannot be opened is remembered, not raised: each call then answers why.
    """
    global _archive, _error
    try:
        _archive = Archive(root, fsync=fsync, group_commit=True)
    except ArchiveError as e:
        _error = str(e)


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
