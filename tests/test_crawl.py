"""Crawl the bundled sample portal over real HTTP on 127.0.0.1, then build and publish.

The spider runs as users run it (`nianbao crawl`, `scrapy crawl portal`, `nianbao demo`)
in a subprocess; the portal's catalog says what each page shows, so every
assertion compares the archive and the database with what was served.
"""

from __future__ import annotations

import asyncio
import csv
import io
import subprocess
import sys
from collections import Counter

import pytest
import sqlite_utils
from conftest import REPO, run_cli

from archive import Archive
from nianbao.portal.server import start_portal
from nianbao.serve import datasette_app


@pytest.fixture(scope="module")
def crawled(portal, tmp_path_factory):
    data = tmp_path_factory.mktemp("crawl")
    result = run_cli("crawl", portal.url, "--data", str(data), "--delay", "0")
    assert result.returncode == 0, result.stderr[-3000:]
    return data, result


def archived(data):
    with Archive(data / "archive") as archive:
        return archive.records()


def test_every_report_is_archived_exactly_once(portal, crawled):
    data, _ = crawled
    records = archived(data)
    reports = Counter(r.url for r in records if r.kind == "report")
    assert set(reports) == {e.url for e in portal.reports}
    assert set(reports.values()) == {1}


def test_non_reports_are_skipped(portal, crawled):
    data, _ = crawled
    fetched = {r.url for r in archived(data)}
    others = [e for e in portal.catalog if not e.is_report]
    assert others, "the portal must mix non-report items into its lists"
    assert not fetched & {e.url for e in others}


def test_robots_txt_is_obeyed(crawled):
    data, _ = crawled
    fetched = {r.url for r in archived(data)}
    assert any(u.endswith("/robots.txt") for u in fetched)
    assert not [u for u in fetched if "/search/" in u]


def test_metadata_equals_what_the_page_shows(portal, crawled):
    data, _ = crawled
    by_url = {r.url: r for r in archived(data) if r.kind == "report"}
    for entry in portal.reports:
        got = by_url[entry.url].page_metadata
        for label, value in entry.metadata.items():
            assert got.get(label) == value, (entry.url, label)


def test_pages_are_gzipped_and_read_beside_the_archive(crawled):
    """The portal gzips HTML as real ones do; the metadata block is still read in the archive
    process from the stored bytes, never again on the reactor thread."""
    data, _ = crawled
    reports = [r for r in archived(data) if r.kind == "report" and r.record_type == "response"]
    assert any(r.content_encoding == "gzip" for r in reports)
    with Archive(data / "archive") as archive:
        finished = archive.events("crawl_finished")[0]["data"]["stats"]
    assert finished.get("nianbao/reports", 0) > 0
    assert finished.get("nianbao/page_metadata_in_spider", 0) == 0


def test_gbk_section_decodes(portal, crawled):
    data, _ = crawled
    gbk = [e for e in portal.reports if e.encoding.lower() in ("gbk", "gb2312", "gb18030")]
    assert gbk, "the portal must serve a GBK section"
    by_url = {r.url: r for r in archived(data) if r.kind == "report"}
    for entry in gbk:
        assert by_url[entry.url].page_metadata["发布机构"] == entry.metadata["发布机构"]
        assert by_url[entry.url].page_metadata["list_title"] == entry.title


def test_crawling_again_duplicates_nothing(portal, crawled):
    data, _ = crawled
    before = archived(data)
    result = run_cli("crawl", portal.url, "--data", str(data), "--delay", "0")
    assert result.returncode == 0, result.stderr[-3000:]
    after = archived(data)
    new = after[len(before):]
    # Unchanged pages come back as revisit records: no second copy of any payload.
    assert new and {r.record_type for r in new if r.url.endswith(".html") or "content" in r.url} == {"revisit"}
    assert run_cli("build", "--data", str(data)).returncode == 0
    db = sqlite_utils.Database(data / "nianbao.db")
    assert db["reports"].count == len(portal.reports)


def test_scrapy_crawl_from_the_repo_root(portal, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"start_urls={portal.url}",
         "-s", f"NIANBAO_DATA={tmp_path}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
         "-s", "LOG_LEVEL=WARNING"],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    with Archive(tmp_path / "archive") as archive:
        assert {r.url for r in archive.records(kind="report")} == {e.url for e in portal.reports}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data = tmp_path_factory.mktemp("demo")
    result = run_cli("demo", "--no-serve", "--data", str(data))
    assert result.returncode == 0, result.stderr[-3000:]
    return data, result


def test_demo_reports_every_sample_report(demo):
    data, result = demo
    db = sqlite_utils.Database(data / "nianbao.db")
    with start_portal() as p:
        expected = {(e.title, e.report["reporting_year"]) for e in p.reports}
    got = {(r["list_title"], r["reporting_year"]) for r in db["reports"].rows}
    assert got == expected
    assert f"{len(expected)} reports" in result.stdout
    # Every page parsed: the demo must not hide parse failures.
    assert {r["parse_status"] for r in db["reports"].rows} == {"ok"}


def test_demo_tables_match_the_served_reports(demo):
    data, _ = demo
    db = sqlite_utils.Database(data / "nianbao.db")
    with start_portal() as p:
        served = {e.title: e.report for e in p.reports}
    for report in db["reports"].rows:
        truth = served[report["list_title"]]
        assert report["template_version"] == truth["template_version"]
        for row in db["applications"].rows_where("report_id = ?", [report["id"]]):
            for col, value in truth["applications"][row["row_key"]].items():
                assert row[col] == value, (report["list_title"], row["row_key"], col)


def test_the_demo_s_misprinted_report_is_flagged_not_fixed(demo):
    """The sample portal prints one report with a misprint (its 自然人 new requests 10 too many): the
    demo lists it in failing_checks, with the number as printed."""
    data, result = demo
    ds = datasette_app(data / "nianbao.db")
    r = asyncio.run(ds.client.get("/nianbao/failing_checks.json?_shape=array"))
    assert r.status_code == 200
    failing = r.json()
    assert {row["title"] for row in failing} == {"东湖区司法局2023年政府信息公开工作年度报告"}
    db = sqlite_utils.Database(data / "nianbao.db")
    (report,) = db["reports"].rows_where("title like '%司法局%'")
    (row,) = db["applications"].rows_where("report_id = ? and row_key = 'new_received'", [report["id"]])
    assert (row["natural_person"], row["total"]) == (23, 33)  # printed; 23 + 6 + 2 + 4 + 0 + 8 is 43
    assert report["checks_status"] == "fail" and "fail 1" in result.stdout


def test_datasette_json_and_csv_return_the_demo_rows(demo):
    data, _ = demo
    db = sqlite_utils.Database(data / "nianbao.db")
    ds = datasette_app(data / "nianbao.db")
    r = asyncio.run(ds.client.get("/nianbao/reports.json?_shape=array&_size=max"))
    assert r.status_code == 200
    assert sorted(x["id"] for x in r.json()) == sorted(x["id"] for x in db["reports"].rows)
    r = asyncio.run(ds.client.get("/nianbao/applications.csv?_size=max"))
    assert r.status_code == 200
    assert len(list(csv.DictReader(io.StringIO(r.text)))) == db["applications"].count > 0


def test_a_crawl_whose_archive_falls_behind_pauses_and_loses_nothing(portal, tmp_path):
    """With the backlog limit at 1 KB, nearly every page the archive process has not yet stored
    pauses the crawl until it has: the crawl still archives every report once, with its metadata."""
    import re

    result = run_cli("crawl", portal.url, "--data", str(tmp_path), "--delay", "0",
                     "--set", "NIANBAO_ARCHIVE_BACKLOG_MB=0.001")
    assert result.returncode == 0, result.stderr[-3000:]
    pauses = re.search(r"'nianbao/archive_backlog_pauses': (\d+)", result.stderr)
    assert pauses and int(pauses.group(1)) > 10, result.stderr[-3000:]
    with Archive(tmp_path / "archive") as archive:
        reports = Counter(r.url for r in archive.records(kind="report") if r.record_type == "response")
        assert set(reports) == {e.url for e in portal.reports}
        assert set(reports.values()) == {1}
        assert archive.complete_urls("report") >= {e.url for e in portal.reports}, "a report without its metadata"
