"""Crawls again and again: SIGKILL mid-crawl then resume, incremental re-crawls, the crawl log."""

from __future__ import annotations

import fcntl
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils
from conftest import REPO, run_cli

from archive import Archive
from nianbao.portal.server import start_portal


def report_responses(data) -> Counter:
    with Archive(data / "archive") as archive:
        return Counter(r.url for r in archive.records(kind="report") if r.record_type == "response")


def indexed_reports(data) -> int:
    index = data / "archive" / "index.sqlite"
    if not index.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{index}?mode=ro", uri=True, timeout=1)
        with con:
            return con.execute("select count(*) from records where kind = 'report'").fetchone()[0]
    except sqlite3.Error:
        return 0


def writer_gone(archive, timeout: float = 10.0) -> bool:
    """Whether every WARC file left open by a writer can be locked, i.e. no process still writes it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            for path in (archive / "warc").glob("*.open"):
                with open(path, "rb") as fh:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            time.sleep(0.1)
        except FileNotFoundError:
            continue  # renamed between the listing and the open: its writer closed it; look again
    return False


def test_sigkill_then_resume_loses_nothing_and_archives_nothing_twice(portal, tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao", "crawl", portal.url, "--data", str(tmp_path), "--delay", "0.3"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while indexed_reports(tmp_path) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the crawl finished before it could be killed: slow it down"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert writer_gone(tmp_path / "archive"), "the archive process outlived the killed crawl, its WARC file locked"
    killed_at = report_responses(tmp_path)
    assert 3 <= sum(killed_at.values()) < len(portal.reports)

    result = run_cli("crawl", portal.url, "--data", str(tmp_path), "--delay", "0")
    assert result.returncode == 0, result.stderr[-3000:]
    after = report_responses(tmp_path)
    assert set(after) == {e.url for e in portal.reports}
    assert set(after.values()) == {1}, "a report payload was archived twice"
    with Archive(tmp_path / "archive") as archive:
        described = archive.complete_urls("report")
        assert {e.url for e in portal.reports} <= described, "a report lost its page metadata"

    assert run_cli("build", "--data", str(tmp_path)).returncode == 0
    db = sqlite_utils.Database(tmp_path / "nianbao.db")
    assert db["reports"].count == len(portal.reports)
    crawls = list(db["crawls"].rows_where(order_by="started_at"))
    assert len(crawls) == 2
    assert crawls[0]["finished_at"] is None and crawls[1]["finish_reason"] == "finished"


def test_second_crawl_fetches_no_known_report_again(portal, tmp_path):
    assert run_cli("crawl", portal.url, "--data", str(tmp_path), "--delay", "0").returncode == 0
    first = report_responses(tmp_path)
    result = run_cli("crawl", portal.url, "--data", str(tmp_path), "--delay", "0")
    assert result.returncode == 0
    with Archive(tmp_path / "archive") as archive:
        reports = [r for r in archive.records(kind="report")]
    assert Counter(r.url for r in reports) == first  # not even a revisit: skipped from the index
    assert "reports" in result.stdout
    assert run_cli("build", "--data", str(tmp_path)).returncode == 0
    db = sqlite_utils.Database(tmp_path / "nianbao.db")
    (health,) = list(db["portal_health"].rows)
    assert health["status"] == "ok" and health["crawls"] == 2
    assert health["last_reports_found"] == len(portal.reports) == health["reports_in_database"]


def test_refresh_keeps_revisions_and_asks_conditionally(tmp_path):
    with start_portal() as portal:
        assert run_cli("crawl", portal.url, "--data", str(tmp_path), "--delay", "0").returncode == 0
        target = next(e for e in portal.reports if e.style == "word")
        revised = portal.revise(target.url)
        result = run_cli("crawl", portal.url, "--data", str(tmp_path), "--delay", "0", "--refresh")
        assert result.returncode == 0, result.stderr[-3000:]
        with Archive(tmp_path / "archive") as archive:
            captures = [r for r in archive.records() if r.url == target.url]
            others = [r for r in archive.records(kind="report") if r.url != target.url]
    # The changed page is a new revision next to the old one; unchanged ones answered 304.
    assert [r.status for r in captures] == [200, 200] and captures[0].sha256 != captures[1].sha256
    assert {r.status for r in others} == {200, 304}
    assert run_cli("build", "--data", str(tmp_path)).returncode == 0
    db = sqlite_utils.Database(tmp_path / "nianbao.db")
    (row,) = db["reports"].rows_where("url = ?", [target.url])
    assert row["sha256"] == captures[1].sha256
    (granted,) = db["applications"].rows_where("report_id = ? and row_key = 'granted'", [row["id"]])
    assert granted["total"] == revised.report["applications"]["granted"]["total"]
    assert db["reports"].count == len(portal.reports)


def test_a_report_whose_attachment_is_missing_is_fetched_again(tmp_path):
    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest
    from scrapy.utils.test import get_crawler

    from crawler.middlewares import SkipArchivedMiddleware

    with Archive(tmp_path / "archive") as archive:
        for name, attachments in (("done", ["http://gov.test/a.pdf"]), ("killed", ["http://gov.test/b.pdf"])):
            rec = archive.write_response(url=f"http://gov.test/{name}.html", status=200,
                                         headers=[("Content-Type", "text/html")], body=name.encode())
            archive.add_metadata(rec.record_id, kind="report", page_metadata={"attachments": attachments})
        archive.write_response(url="http://gov.test/a.pdf", status=200, headers=[], body=b"%PDF-1.4 a")
    crawler = get_crawler(settings_dict={"NIANBAO_DATA": str(tmp_path)})
    mw = SkipArchivedMiddleware.from_crawler(crawler)
    try:
        with pytest.raises(IgnoreRequest):
            mw.process_request(Request("http://gov.test/done.html", meta={"nianbao_kind": "report"}))
        assert mw.process_request(Request("http://gov.test/killed.html", meta={"nianbao_kind": "report"})) is None
        with pytest.raises(IgnoreRequest):
            mw.process_request(Request("http://gov.test/a.pdf", meta={"nianbao_kind": "attachment"}))
    finally:
        crawler.nianbao_archive.close()


def archive_process_of(pid: int) -> int | None:
    """The crawl's archive process: its child started by multiprocessing's spawn."""
    try:
        children = (Path(f"/proc/{pid}/task/{pid}/children").read_text()).split()
    except OSError:
        return None
    for child in children:
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            return int(child)
    return None


def test_a_crawl_whose_archive_process_dies_stops_and_says_so(tmp_path):
    """Fetching pages that can no longer be archived would lose them: the crawl stops, exits with
    one clear line, and the next crawl finishes the job with nothing archived twice."""
    with start_portal(extra_reports=300) as portal:
        proc = subprocess.Popen(
            [sys.executable, "-m", "nianbao", "crawl", portal.url, "--data", str(tmp_path), "--delay", "0.05"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while indexed_reports(tmp_path) < 5 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        child = archive_process_of(proc.pid)
        assert child is not None and proc.poll() is None, "no archive process found while crawling"
        os.kill(child, signal.SIGKILL)
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode != 0
        assert "the archive process died" in stderr and "Traceback" not in stderr.splitlines()[-1]
        killed_at = report_responses(tmp_path)
        assert sum(killed_at.values()) < len(portal.reports)

        result = run_cli("crawl", portal.url, "--data", str(tmp_path), "--delay", "0")
        assert result.returncode == 0, result.stderr[-3000:]
        after = report_responses(tmp_path)
        assert set(after) == {e.url for e in portal.reports}
        assert set(after.values()) == {1}, "a report payload was archived twice"


def test_ctrl_c_stops_the_crawl_gracefully_with_everything_fetched_archived(tmp_path):
    """Ctrl-C in a terminal signals the whole process group, the archive process included: the
    crawl stops as Scrapy stops on SIGINT, and every response it received is archived, every
    report with its metadata record."""
    with start_portal(extra_reports=300) as portal:
        proc = subprocess.Popen(
            [sys.executable, "-m", "nianbao", "crawl", portal.url, "--data", str(tmp_path), "--delay", "0.05"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        deadline = time.monotonic() + 120
        while indexed_reports(tmp_path) < 5 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None and archive_process_of(proc.pid) is not None
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    assert "the archive process died" not in stderr, stderr[-2000:]
    assert "Traceback" not in stderr, stderr[-2000:]
    with Archive(tmp_path / "archive") as archive:
        reports = archive.records(kind="report")
        assert 5 <= len(reports) < len(portal.reports)
        described = archive.complete_urls("report")
        assert {r.url for r in reports if r.status == 200} <= described, "a report lost its metadata record"
        # The crawl's own count of what it archived is what the archive holds.
        archived = int(stdout.split(" responses archived")[0].rsplit(" ", 1)[-1])
        assert archived == archive.stats()["responses"] + archive.stats()["revisits"]
    assert not list((tmp_path / "archive" / "warc").glob("*.open"))
