"""A crawl that starts at a gkmlpt annual-report page, over real HTTP on 127.0.0.1.

``/wsjkj/gkmlpt/annualreport`` on the sample portal (nianbao/portal/gkmlpt.py) is an
app shell: no link on it leads to a report.  The crawler must read the site id and
the report category from its config, ask the JSON API for that category page by
page, and fetch exactly the reports listed there, each once.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import pytest
from conftest import run_cli

from archive import Archive
from nianbao.portal import gkmlpt


@pytest.fixture(scope="module")
def crawled(portal, tmp_path_factory):
    data = tmp_path_factory.mktemp("gkmlpt")
    start = portal.url.rstrip("/") + gkmlpt.ANNUAL_PATH
    result = run_cli("crawl", start, "--data", str(data), "--delay", "0")
    assert result.returncode == 0, result.stderr[-3000:]
    with Archive(data / "archive") as archive:
        return start, archive.records()


def test_the_annualreport_page_finds_every_gkmlpt_report_once(portal, crawled):
    _, records = crawled
    reports = Counter(r.url for r in records if r.kind == "report")
    expected = {e.url for e in portal.reports if e.section == "gkmlpt"}
    assert len(expected) == 4
    assert set(reports) == expected and set(reports.values()) == {1}


def test_it_asks_the_api_for_the_report_category_only(portal, crawled):
    start, records = crawled
    fetched = {r.url for r in records if r.status is not None}
    api = {u for u in fetched if gkmlpt.API_PREFIX in u}
    categories = {urlsplit(u).path.rsplit("/", 1)[1] for u in api}
    assert categories == {str(gkmlpt.REPORT_CATEGORY)}
    pages = {dict(parse_qsl(urlsplit(u).query))["page"] for u in api}
    assert pages == {"1", "2", "3"}  # 5 articles, PER_PAGE 2
    # Nothing else: no notice of the category, no article of another, no other page of the portal.
    others = {e.url for e in portal.catalog if not e.is_report}
    assert not fetched & others
    reports = {e.url for e in portal.reports if e.section == "gkmlpt"}
    rest = {u for u in fetched - api - reports - {start} if not u.endswith("/robots.txt")}
    assert rest == set()
