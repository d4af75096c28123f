"""The WARC archive: byte-exact, deduplicated, readable by standard tools, safe against SIGKILL."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import Archive, ArchiveError

HTML = "<html><meta charset=gbk><p>政府信息公开工作年度报告</p></html>".encode("gbk")


def write(archive: Archive, url: str, body: bytes, **kw):
    headers = kw.pop("headers", [("Content-Type", "text/html; charset=GBK"), ("Content-Length", str(len(body)))])
    return archive.write_response(url=url, status=200, headers=headers, body=body,
                                  request_headers=[("User-Agent", "nianbao-test")], **kw)


def test_response_is_stored_byte_exact_with_its_metadata(tmp_path):
    with Archive(tmp_path) as archive:
        rec = write(archive, "http://127.0.0.1/a.html", HTML, kind="report")
        archive.add_metadata(rec.record_id, kind="report", page_metadata={"索引号": "001/2023-1", "文号": ""})
        assert archive.read_body(rec) == HTML
        got = archive.get(rec.record_id)
        assert got.page_metadata == {"索引号": "001/2023-1", "文号": ""}
        assert got.kind == "report" and got.status == 200 and got.content_type == "text/html; charset=GBK"
        assert ("Content-Type", "text/html; charset=GBK") in archive.read_headers(rec)
    # Closed: no .open files are left, and the record survives reopening.
    assert not list((tmp_path / "warc").glob("*.open"))
    with Archive(tmp_path) as archive:
        assert archive.read_body(archive.latest("http://127.0.0.1/a.html")) == HTML


def test_same_payload_again_is_a_revisit_not_a_copy(tmp_path):
    with Archive(tmp_path) as archive:
        first = write(archive, "http://127.0.0.1/a.html", HTML)
        again = write(archive, "http://127.0.0.1/a.html", HTML)
        other = write(archive, "http://127.0.0.1/b.html", HTML + b"x")
        assert (first.record_type, again.record_type, other.record_type) == ("response", "revisit", "response")
        assert again.refers_to == first.record_id
        assert archive.read_body(again) == HTML
        assert archive.stats()["responses"] == 2 and archive.stats()["revisits"] == 1


def test_compressed_bodies_are_kept_compressed_and_read_decoded(tmp_path):
    raw = gzip.compress(HTML)
    with Archive(tmp_path) as archive:
        rec = write(archive, "http://127.0.0.1/z.html", raw,
                    headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip"),
                             ("Transfer-Encoding", "chunked")])
        assert archive.read_body(rec, decoded=False) == raw
        assert archive.read_body(rec) == HTML
        # The body was de-chunked by the client: replay tools must not de-chunk it again.
        names = [k.lower() for k, _ in archive.read_headers(rec)]
        assert "transfer-encoding" not in names and "x-archive-orig-transfer-encoding" in names


def test_warc_files_replay_with_standard_tools(tmp_path):
    with Archive(tmp_path) as archive:
        rec = write(archive, "http://127.0.0.1/a.html", HTML)
        archive.add_metadata(rec.record_id, kind="report", page_metadata={"发布机构": "某区教育局"})
        write(archive, "http://127.0.0.1/a.html", HTML)
        # A payload the server gzipped is stored in its record's gzip member without deflating it again.
        write(archive, "http://127.0.0.1/z.html", gzip.compress(HTML),
              headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
    (warc,) = (tmp_path / "warc").glob("*.warc.gz")
    with open(warc, "rb") as fh:
        types = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(fh)]
    assert [t for t, _ in types] == ["warcinfo", "response", "request", "metadata", "revisit", "request",
                                     "response", "request"]
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_reading_a_missing_record_is_a_clear_error(tmp_path):
    with Archive(tmp_path) as archive, pytest.raises(ArchiveError, match="no archived response"):
        archive.get("urn:uuid:nothing")


@pytest.mark.parametrize("group_commit", [False, True], ids=["commit-each", "group-commit"])
def test_sigkill_mid_crawl_loses_nothing_indexed_and_breaks_no_read(tmp_path, group_commit):
    """A writer killed while writing leaves an .open file; the next Archive truncates and closes it.

    With group commits (every third record here), what was written after the last commit goes
    with the torn tail: not indexed, so a crawl fetches it again."""
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(os.getcwd())!r})
        from archive import Archive
        a = Archive({str(tmp_path)!r}, group_commit={group_commit})
        i = 0
        while True:
            body = (b"<p>page %d</p>" % i) * 2000
            a.write_response(url=f"http://127.0.0.1/{{i}}.html", status=200,
                             headers=[("Content-Type", "text/html")], body=body)
            i += 1
            if i % 3 == 0:
                a.commit()
            if i == 5:
                print("ready", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert list((tmp_path / "warc").glob("*.warc.gz.open"))
    with Archive(tmp_path) as archive:
        records = archive.records()
        assert len(records) >= 5 - 2 * group_commit
        if group_commit:
            assert len(records) % 3 == 0, "records written after the last commit were indexed"
        for rec in records:
            n = int(rec.url.rsplit("/", 1)[1].split(".")[0])
            assert archive.read_body(rec) == (b"<p>page %d</p>" % n) * 2000
    assert not list((tmp_path / "warc").glob("*.open"))
    (warc,) = (tmp_path / "warc").glob("*.warc.gz")
    with open(warc, "rb") as fh:  # the whole file reads cleanly to its end
        assert sum(1 for r in ArchiveIterator(fh) if r.rec_type == "response") == len(records)


def test_events_are_archived_and_listed(tmp_path):
    with Archive(tmp_path) as archive:
        archive.add_event("failure", url="http://127.0.0.1/x", data={"reason": "HTTP 503"})
        archive.add_event("crawl_finished", data={"reports": 3})
    with Archive(tmp_path) as archive:
        events = archive.events()
        assert [(e["kind"], e["url"], e["data"]) for e in events] == [
            ("failure", "http://127.0.0.1/x", {"reason": "HTTP 503"}), ("crawl_finished", None, {"reports": 3})]
        assert archive.events("failure")[0]["data"]["reason"] == "HTTP 503"
    (warc,) = (tmp_path / "warc").glob("*.warc.gz")
    with open(warc, "rb") as fh:
        assert [r.rec_type for r in ArchiveIterator(fh)] == ["warcinfo", "metadata", "metadata"]


def test_readonly_archive_creates_and_writes_nothing(tmp_path):
    with pytest.raises(ArchiveError, match="cannot open archive"):
        Archive(tmp_path / "missing", readonly=True)
    assert not (tmp_path / "missing").exists()
    with Archive(tmp_path) as archive:
        rec = write(archive, "http://127.0.0.1/a.html", HTML)
    def content():  # SQLite's own -wal/-shm companions aside
        return {p.name: p.read_bytes() for p in tmp_path.rglob("*")
                if p.is_file() and not p.name.endswith(("-wal", "-shm"))}

    before = content()
    with Archive(tmp_path, readonly=True) as archive:
        assert archive.read_body(archive.get(rec.record_id)) == HTML
        with pytest.raises(ArchiveError, match="read-only"):
            archive.add_event("failure", url="http://127.0.0.1/x")
    assert content() == before


def test_gzip_members_of_any_size_read_back_and_concatenate():
    """Records are compressed with windows sized to them: still one valid gzip member each."""
    import gzip
    import os

    from archive.store import gzip_member

    sizes = (0, 1, 511, 512, 513, 4096, 40_000, 300_000)
    datas = [os.urandom(n // 2) + "年报".encode() * (n // 12) for n in sizes]
    assert gzip.decompress(b"".join(gzip_member(d) for d in datas)) == b"".join(datas)
    text = "政府信息公开工作年度报告".encode() * 3000
    assert len(gzip_member(text)) <= len(gzip.compress(text, compresslevel=6)) + 32


def test_group_commit_indexes_records_when_committed(tmp_path):
    with Archive(tmp_path, group_commit=True) as archive:
        write(archive, "http://127.0.0.1/1.html", HTML)
        with Archive(tmp_path, readonly=True) as reader:
            assert reader.records() == []
        archive.commit()
        with Archive(tmp_path, readonly=True) as reader:
            assert [r.url for r in reader.records()] == ["http://127.0.0.1/1.html"]
        write(archive, "http://127.0.0.1/2.html", HTML + b"2")
    with Archive(tmp_path, readonly=True) as reader:  # closing commits the rest
        assert len(reader.records()) == 2
