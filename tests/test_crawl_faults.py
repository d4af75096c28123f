"""A portal that misbehaves: retriable faults are retried, final ones recorded, nothing else lost."""

from __future__ import annotations

import pytest
import sqlite_utils
from conftest import run_cli

from archive import Archive
from nianbao.portal.server import start_portal


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    data = tmp_path_factory.mktemp("faults")
    with start_portal(faults=True) as portal:
        result = run_cli("crawl", portal.url, "--data", str(data), "--delay", "0",
                         "-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=2")
        assert result.returncode == 0, result.stderr[-3000:]
        assert run_cli("build", "--data", str(data)).returncode == 0
        yield portal, data, result


def test_retriable_faults_are_retried_and_archived(crawled):
    portal, data, _ = crawled
    with Archive(data / "archive") as archive:
        ok = {r.url for r in archive.records(kind="report") if r.status == 200}
    recoverable = [f for f in portal.faults if f.recoverable]
    assert recoverable and {f.url for f in recoverable} <= ok
    retried = next(f for f in portal.faults if f.kind == "retry_503")
    assert portal.fault_attempts(retried.url) == 3


def test_every_final_failure_is_recorded_with_its_reason(crawled):
    portal, data, _ = crawled
    db = sqlite_utils.Database(data / "nianbao.db")
    failures = {r["url"]: r for r in db["crawl_failures"].rows}
    for fault in portal.faults:
        if fault.recoverable:
            assert fault.url not in failures, fault.kind
            continue
        assert fault.url in failures, f"{fault.kind} not recorded"
        row = failures[fault.url]
        expected = {"error_500": "HTTP 500", "hang": "TimeoutError", "redirect_loop": "redirect loop",
                    "anti_bot": "anti-bot", "challenge_200": "anti-bot"}.get(fault.kind)
        if expected:
            assert expected in row["reason"], (fault.kind, row["reason"])
        assert row["kind"] == ("blocked" if fault.kind in ("anti_bot", "challenge_200") else "failure")
    (health,) = [h for h in db["portal_health"].rows]
    assert health["status"] == "errors" and health["last_errors"] == len(failures)


def test_faults_lose_nothing_else(crawled):
    portal, data, result = crawled
    db = sqlite_utils.Database(data / "nianbao.db")
    urls = {r["url"] for r in db["reports"].rows}
    assert {e.url for e in portal.reports} <= urls
    # A challenge answered with 200 is recorded as blocked, never taken for the report it stands in for.
    challenge = next(f for f in portal.faults if f.kind == "challenge_200")
    assert challenge.url not in urls
    assert "failed" in result.stdout and "blocked" in result.stdout


def test_mislabelled_charset_is_archived_byte_exact(crawled):
    portal, data, _ = crawled
    fault = next(f for f in portal.faults if f.kind == "mislabeled_charset")
    with Archive(data / "archive") as archive:
        rec = archive.latest(fault.url)
        assert "utf-8" in rec.content_type.lower()
        body = archive.read_body(rec)
    assert fault.report["issuing_body"].encode("gbk") in body


def test_mislabelled_charset_still_parses(crawled):
    portal, data, _ = crawled
    fault = next(f for f in portal.faults if f.kind == "mislabeled_charset")
    db = sqlite_utils.Database(data / "nianbao.db")
    (row,) = db["reports"].rows_where("url = ?", [fault.url])
    assert (row["parse_status"], row["template_version"], row["issuing_body"]) == (
        "ok", fault.report["template_version"], fault.report["issuing_body"])
