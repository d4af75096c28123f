"""`nianbao crawl` from each platform's sub-site of the sample portal, over real HTTP on 127.0.0.1.

Each sub-site models real markup (tests/fixtures/real/README.md): Hanweb JCMS with quoted
nextgroup values and bare ajaxParam numbers, Hanweb JPaaS unit shells, TRS pagers named
createPage(…) with dates inside the links and a 政府工作报告 menu item, and the 1-based
createPageHTML('page_div', …, 'xlist', 'shtml', …) pager, and Anhui's 集约化 platform, whose
pager is a script that navigates to ``…?pageIndex=`` + page.  A crawl started at one sub-site
must archive every report it lists, each once, and no page it lists that is not a report.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from conftest import run_cli

from archive import Archive
from nianbao.portal import hanweb, jpaas, lspager, trsvariants

STARTS = {"hanweb": hanweb.HOME_PATH, "jpaas": jpaas.HOME_PATH, "kjj": "/kjj/", "tjj": "/tjj/",
          "mzj": lspager.HOME_PATH}


@pytest.fixture(scope="module")
def crawls(portal, tmp_path_factory):
    done = {}

    def crawl(section: str):
        if section not in done:
            data = tmp_path_factory.mktemp(section)
            result = run_cli("crawl", portal.url.rstrip("/") + STARTS[section], "--data", str(data), "--delay", "0")
            assert result.returncode == 0, result.stderr[-3000:]
            with Archive(data / "archive") as archive:
                done[section] = (archive.records(), archive.events("crawl_finished")[0]["data"]["stats"], result)
        return done[section]

    return crawl


@pytest.mark.parametrize("section", list(STARTS))
def test_each_platform_finds_every_report_and_nothing_else(portal, crawls, section):
    records, _, _ = crawls(section)
    reports = Counter(r.url for r in records if r.kind == "report" and r.record_type == "response")
    expected = {e.url for e in portal.reports if e.section == section}
    assert len(expected) >= 3
    assert set(reports) == expected and set(reports.values()) == {1}
    fetched = {r.url for r in records}
    assert not fetched & {e.url for e in portal.catalog if not e.is_report}


def test_jpaas_units_are_paged_until_an_empty_page(portal, crawls):
    records, stats, result = crawls("jpaas")
    units = [r.url for r in records if jpaas.API_PATH in r.url and r.status is not None]
    pages = sorted(int(m.group(1)) for u in units if (m := re.search(r"pageNo%22%3A(\d+)", u)))
    assert pages == [2, 2, 3, 4]  # the list's pages 2–4 (4 is empty); the navigation unit's page 2 repeats page 1
    assert len(units) == 6  # and the two units' first answers
    assert stats.get("nianbao/platform/jpaas", 0) >= 1 and stats.get("nianbao/jpaas/shells") == 1
    assert "Hanweb JPaaS shell" in result.stderr


def test_the_government_work_report_column_is_not_crawled_and_page_one_is_fetched_once(portal, crawls):
    records, _, _ = crawls("kjj")
    fetched = Counter(r.url for r in records if r.status is not None)
    assert not [u for u in fetched if trsvariants.DECOY_PATH in u]
    column = portal.url.rstrip("/") + "/kjj/xxgknb/"
    assert fetched[column] + fetched[column + "index.html"] == 1
    assert fetched[column + "index_1.html"] == fetched[column + "index_2.html"] == 1


def test_one_based_pager_pages(portal, crawls):
    records, _, _ = crawls("tjj")
    fetched = {r.url for r in records if r.status is not None}
    column = portal.url.rstrip("/") + "/tjj/xxgknb/"
    assert {u for u in fetched if u.startswith(column + "xlist")} == {
        column + "xlist.shtml", column + "xlist_2.shtml", column + "xlist_3.shtml"}


def test_a_pdf_shown_through_a_viewer_is_archived_not_the_viewer(portal, crawls):
    records, _, _ = crawls("hanweb")
    fetched = {r.url for r in records if r.status is not None}
    assert portal.url.rstrip("/") + hanweb.EMBEDDED_PDF_PATH in fetched
    assert not [u for u in fetched if hanweb.VIEWER_PATH in u]


def test_a_script_pager_is_followed_to_every_page_of_its_url_template(portal, crawls):
    """区民政局 writes no pager link: pages 2 and 3 exist only at the URL its Ls.pagination callback builds."""
    records, _, _ = crawls("mzj")
    fetched = Counter(r.url for r in records if r.status is not None)
    root = portal.url.rstrip("/")
    template = root + lspager.PAGE_PATH + "?pageIndex="
    assert {u for u in fetched if u.startswith(template)} == {template + "2", template + "3"}
    assert fetched[template + "2"] == fetched[template + "3"] == fetched[root + lspager.FIRST_PAGE] == 1
