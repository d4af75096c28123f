"""The crawl's archive process (crawler.archiving): calls framed over two pipes, answered in order."""

from __future__ import annotations

import os
import random

import pytest

from archive import Archive, ArchiveError
from crawler import archive_process
from crawler.archiving import ArchiveWriter
from crawler.frames import Frames, frame


def test_frames_come_out_whole_however_the_pipe_splits_them():
    messages = [(True, b"x" * n) for n in (0, 1, 7, 8, 9, 70_000)] + [(False, ArchiveError("no"))]
    stream = b"".join(frame(m) for m in messages)
    rng = random.Random(5)
    for _ in range(20):
        frames, out, at = Frames(), [], 0
        while at < len(stream):
            step = rng.choice((1, 3, 8, 1000, 65536))
            out.extend(frames.feed(stream[at:at + step]))
            at += step
        assert [m[1] for m in out[:-1]] == [m[1] for m in messages[:-1]]
        assert isinstance(out[-1][1], ArchiveError) and str(out[-1][1]) == "no"


def test_answers_and_errors_come_back_from_the_archive_process(tmp_path):
    writer = ArchiveWriter(tmp_path / "archive", fsync=False)
    try:
        stored = writer.run_now(archive_process.call, "write_response", (), {
            "url": "http://gov.test/a.html", "status": 200, "headers": [("Content-Type", "text/html")],
            "body": b"<p>a</p>"})
        assert stored.record_id.startswith("<urn:uuid:")
        # An exception raised there is raised here, as itself.
        with pytest.raises(ArchiveError, match="no archived response"):
            writer.run_now(archive_process.call, "add_metadata", ("<urn:uuid:missing>",), {})
        assert writer.run_now(archive_process.crawl_state)[0] == {"http://gov.test/a.html"}
    finally:
        writer.close()
    assert not list((tmp_path / "archive" / "warc").glob("*.open"))


def test_a_crawl_process_gone_without_closing_leaves_a_complete_archive(tmp_path):
    """The end of the call pipe is the end of the crawl: the archive process answers what it received,
    closes the archive (no WARC file left open) and exits."""
    writer = ArchiveWriter(tmp_path / "archive", fsync=False)
    writer.run_now(archive_process.call, "write_response", (), {
        "url": "http://gov.test/b.html", "status": 200, "headers": [], "body": b"b"})
    os.close(writer._calls)  # what a SIGKILL of the crawl process does to its end
    writer._process.join(timeout=30)
    assert writer._process.exitcode == 0
    os.close(writer._answers)
    assert not list((tmp_path / "archive" / "warc").glob("*.open"))
    with Archive(tmp_path / "archive") as archive:
        assert [r.url for r in archive.records()] == ["http://gov.test/b.html"]


def test_records_are_indexed_shortly_after_they_are_written(tmp_path):
    """Group commit: another reader of the index sees a record within the commit delay, without the
    crawl closing the archive."""
    import time

    writer = ArchiveWriter(tmp_path / "archive", fsync=False)
    try:
        writer.run_now(archive_process.call, "write_response", (), {
            "url": "http://gov.test/c.html", "status": 200, "headers": [], "body": b"c"})
        deadline = time.monotonic() + archive_process.COMMIT_DELAY + 10
        seen: list = []
        while not seen and time.monotonic() < deadline:
            with Archive(tmp_path / "archive", readonly=True) as reader:
                seen = reader.records()
            time.sleep(0.05)
        assert [r.url for r in seen] == ["http://gov.test/c.html"]
    finally:
        writer.close()
