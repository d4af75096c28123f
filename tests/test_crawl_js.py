"""Lists that only exist after JavaScript runs: the opt-in rendering path, end to end.

The sample portal's 区司法局 (``start_portal(js_section=True)``, nianbao/portal/jsapp.py)
serves an empty ``<ul id="list">`` and a script that fills it from a private JSON
endpoint.  `scrapy crawl portal -a render_js=…` loads such pages in Debian's
Chromium through scrapy-playwright; without it the crawl is exactly what it was
and cannot see those reports.  The spider runs in a child process, as users run it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, require, run_cli

from archive import Archive
from crawler import rendering
from nianbao.portal import jsapp
from nianbao.portal.server import start_portal

CHROMIUM = Path(rendering.CHROMIUM)


def _require_browser(browser: bool = True) -> None:
    """In CI rendering must be tested; elsewhere the tests are skipped, saying why, without Chromium."""
    missing = []
    if browser and not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        import scrapy_playwright  # noqa: F401
    except ImportError:
        missing.append("the scrapy-playwright package")
    require(missing, "rendering tests")


def scrapy_crawl(portal, data: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`scrapy crawl portal` from the repository root, with spider arguments."""
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"start_urls={portal.url}", *args,
         "-s", f"NIANBAO_DATA={data}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
         "-s", "LOG_LEVEL=INFO"],
        cwd=REPO, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def _headers(data: Path, rec) -> list[tuple[str, str]]:
    with Archive(data / "archive") as archive:
        return archive.read_headers(rec)


def records(data: Path, kind: str | None = None):
    with Archive(data / "archive") as archive:
        return archive.records(kind=kind)


def bodies(data: Path, url: str) -> list[bytes]:
    with Archive(data / "archive") as archive:
        return [archive.read_body(r) for r in archive.records() if r.url == url]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read()


@pytest.fixture(scope="module")
def portal():
    p = start_portal(js_section=True)
    yield p
    p.stop()


def js_reports(portal) -> set[str]:
    return {e.url for e in portal.reports if e.section == jsapp.SECTION}


@pytest.fixture(scope="module")
def rendered(portal, tmp_path_factory):
    """A crawl of the whole portal that renders the JavaScript section only."""
    _require_browser()
    data = tmp_path_factory.mktemp("rendered")
    return data, scrapy_crawl(portal, data, "-a", f"render_js={portal.url}sfj/")


def test_the_js_section_is_opt_in_and_catalogued(portal):
    assert len(js_reports(portal)) >= 3
    assert [e for e in portal.catalog if e.section == jsapp.SECTION and not e.is_report]
    with start_portal() as plain:
        assert not [e for e in plain.catalog if e.section == jsapp.SECTION]
        assert b"/sfj/" not in fetch(plain.url + "xxgk/")
    shell = fetch(portal.url + "sfj/ndbg/index.html").decode("utf-8")
    assert '<ul id="list"></ul>' in shell and "/sfj/ndbg/2" not in shell and "page=2" not in shell


def test_rendering_finds_every_js_report_exactly_once(portal, rendered):
    data, _ = rendered
    found = Counter(r.url for r in records(data, "report"))
    assert js_reports(portal) <= set(found)
    assert set(found) == {e.url for e in portal.reports}
    assert set(found.values()) == {1}
    fetched = {r.url for r in records(data)}
    assert not fetched & {e.url for e in portal.catalog if not e.is_report}


def test_rendered_reports_carry_their_metadata(portal, rendered):
    data, _ = rendered
    by_url = {r.url: r for r in records(data, "report")}
    for entry in portal.reports:
        if entry.section == jsapp.SECTION:
            for label, value in entry.metadata.items():
                assert by_url[entry.url].page_metadata.get(label) == value, (entry.url, label)
            assert by_url[entry.url].page_metadata["list_title"] == entry.title


def test_what_the_server_sent_is_archived_byte_exact(portal, rendered):
    data, _ = rendered
    column = portal.url + "sfj/ndbg/index.html"
    archived = bodies(data, column)
    # The server's shell, as sent, and the browser's rendering of it (with the entries the script wrote).
    assert fetch(column) in archived
    assert any(b"/sfj/ndbg/2025" in b for b in archived)
    # The private JSON the list was built from, every page of it.
    for n in (1, 2, 3):
        api = f"{portal.url}sfj/api/list.json?page={n}"
        assert bodies(data, api) == [fetch(api)]


def test_only_the_asked_for_portal_pages_are_rendered(portal, rendered):
    _, result = rendered
    assert "nianbao/render/pages" in result.stderr
    assert "nianbao/render/failed" not in result.stderr
    # Hosts or prefixes: the rest of the portal is crawled without the browser.
    assert rendering.wanted(portal.url + "sfj/ndbg/index.html", [portal.url + "sfj/"])
    assert not rendering.wanted(portal.url + "xxgk/", [portal.url + "sfj/"])
    assert rendering.parse_targets("1") == ["*"] and rendering.parse_targets(None) == []


def test_without_rendering_the_crawl_is_unchanged(portal, tmp_path):
    result = run_cli("crawl", portal.url, "--data", str(tmp_path), "--delay", "0")
    assert result.returncode == 0, result.stderr[-3000:]
    found = Counter(r.url for r in records(tmp_path, "report"))
    assert set(found) == {e.url for e in portal.reports} - js_reports(portal)
    assert set(found.values()) == {1}
    assert "scrapy-playwright" not in result.stderr  # not even loaded


def test_rendering_every_page_keeps_the_known_platforms(portal, tmp_path):
    """--render-js 1: TRS, the GBK JSP column, Hanweb and gkmlpt pages rendered too, nothing lost or doubled."""
    _require_browser()
    result = run_cli("crawl", portal.url, "--data", str(tmp_path), "--delay", "0", "--render-js", "1")
    assert result.returncode == 0, result.stderr[-3000:]
    rendered = [r for r in records(tmp_path, "list")
                if any(k == "X-Nianbao-Rendered" for k, _ in _headers(tmp_path, r))]
    assert rendered, "browser renderings are archived and marked as such"
    found = Counter(r.url for r in records(tmp_path, "report"))
    assert set(found) == {e.url for e in portal.reports}
    assert set(found.values()) == {1}


def test_a_failed_rendering_falls_back_to_the_plain_page(portal, tmp_path):
    """No browser at all: every rendering fails, is logged and recorded, and the crawl goes on without it."""
    _require_browser(browser=False)
    result = scrapy_crawl(portal, tmp_path, "-a", "render_js=1", env={"NIANBAO_CHROMIUM": str(tmp_path / "none")})
    found = {r.url for r in records(tmp_path, "report")}
    assert found == {e.url for e in portal.reports} - js_reports(portal)
    assert "rendering http" in result.stderr and "its plain HTML is crawled as usual" in result.stderr
    with Archive(tmp_path / "archive") as archive:
        failures = archive.events("failure")
    assert failures and {e["data"]["request_kind"] for e in failures} == {"list"}
