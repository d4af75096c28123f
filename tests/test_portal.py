"""The bundled sample portal: real HTTP on 127.0.0.1, checked the way the crawler and parser will see it.

The round trip (render → serve → parse) is the point: every number the portal
publishes must come back out of ``parsers.parse_bytes`` unchanged, in every
publishing style, so that a crawl of the portal is a test of the whole pipeline.
"""

from __future__ import annotations

import random
import re
import urllib.error
import urllib.request
from collections import Counter
from decimal import Decimal
from html import escape
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from nianbao.portal import site
from nianbao.portal.render import STYLES, random_report, render_report_html, schema
from nianbao.portal.server import Portal, start_portal
from parsers import page_metadata, parse_bytes

TABLES = ("proactive_disclosure", "applications", "review_litigation")
# Known at collection time without a server, so each report is its own test case.
REPORT_PATHS = [e.path for e in site.entries() if e.report is not None]
ALL_PATHS = [e.path for e in site.entries()]


@pytest.fixture(scope="module")
def portal() -> Portal:
    with start_portal() as p:
        yield p


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def links(body: bytes, base: str, encoding: str = "utf-8") -> dict[str, str]:
    """Link text → absolute URL of every <a href> outside scripts."""
    root = lxml.html.document_fromstring(body.decode(encoding))
    return {a.text_content().strip(): urljoin(base, a.get("href")) for a in root.iter("a") if a.get("href")}


def flatten(node: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in node.items():
        if isinstance(v, dict):
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def entry(portal: Portal, path: str):
    return next(e for e in portal.catalog if urlsplit(e.url)._replace(scheme="", netloc="").geturl() == path)


# --- site structure ---------------------------------------------------------


def test_robots_txt(portal: Portal) -> None:
    status, headers, body = fetch(portal.url + "robots.txt")
    assert status == 200
    lines = body.decode("ascii").splitlines()
    assert "User-agent: *" in lines and "Disallow: /search/" in lines
    home = fetch(portal.url)[2]
    assert any(urlsplit(u).path == "/search/" for u in links(home, portal.url).values())


def test_unknown_path_is_404(portal: Portal) -> None:
    assert fetch(portal.url + "no/such/page.html")[0] == 404
    assert fetch(portal.url + "xxgk/ndbg/index_3.html")[0] == 404
    assert fetch(portal.url + "jyj/ndbg/content.jsp?id=999")[0] == 404


def test_navigation_from_home_to_both_columns(portal: Portal) -> None:
    home = links(fetch(portal.url)[2], portal.url)
    assert urlsplit(home["政府信息公开"]).path == "/xxgk/"
    assert urlsplit(home["区教育局"]).path == "/jyj/"
    xxgk = links(fetch(home["政府信息公开"])[2], home["政府信息公开"])
    assert urlsplit(xxgk["政府信息公开年报"]).path == "/xxgk/ndbg/index.html"
    status, headers, body = fetch(home["区教育局"])
    assert status == 200 and "charset=GBK" in headers["Content-Type"]
    jyj = links(body, home["区教育局"], "gbk")
    assert jyj["年度报告"] == portal.url + "jyj/ndbg/list.jsp?page=1"


def test_content_length_is_exact(portal: Portal) -> None:
    for url in (portal.url, portal.url + "xxgk/ndbg/index.html", portal.reports[-1].url):
        status, headers, body = fetch(url)
        assert status == 200 and int(headers["Content-Length"]) == len(body)


def test_trs_list_pages_paginate_only_by_script(portal: Portal) -> None:
    column = portal.url + "xxgk/ndbg/"
    expected = [e.url for e in portal.catalog if e.encoding == "utf-8"]
    listed = []
    for n, name in enumerate(["index.html", "index_1.html", "index_2.html"]):
        status, headers, body = fetch(column + name)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        text = body.decode("utf-8")
        assert f'createPageHTML(3, {n}, "index", "html");' in text
        for th in ("名称", "索引号", "发布机构", "发布日期"):
            assert f">{th}</th>" in text
        page_links = links(body, column + name)
        # Other list pages are only written by the script, never as <a href>.
        assert not [u for u in page_links.values() if re.search(r"/index_\d+\.html$", u)]
        listed += [u for u in page_links.values() if re.search(r"/\d{6}/t\d{8}_\d+\.html$", u)]
        assert re.search(r'href="\./\d{6}/t\d{8}_\d+\.html"', text)
    assert listed == expected
    assert 4 <= len(listed) // 3 <= 6


def test_gbk_section_is_really_gbk(portal: Portal) -> None:
    status, headers, body = fetch(portal.url + "jyj/ndbg/list.jsp?page=1")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=GBK"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("gbk")
    assert '<meta charset="gbk">' in text
    assert "东湖区教育局" in text and "政府信息公开工作年度报告" in text
    assert "东湖区教育局".encode("gbk") in body
    page = links(body, portal.url + "jyj/ndbg/list.jsp?page=1", "gbk")
    for label in ("下一页", "尾页", "2"):
        assert page[label] == portal.url + "jyj/ndbg/list.jsp?page=2"
    status, headers, body2 = fetch(page["下一页"])
    assert status == 200 and "上一页" in body2.decode("gbk")
    gbk_entries = [e for e in portal.catalog if e.encoding == "gbk"]
    listed = [u for u in {**page, **links(body2, page["下一页"], "gbk")}.values() if "content.jsp" in u]
    assert sorted(listed) == sorted(e.url for e in gbk_entries)
    assert sum(e.is_report for e in gbk_entries) >= 2
    for e in gbk_entries:
        status, headers, raw = fetch(e.url)
        assert headers["Content-Type"] == "text/html; charset=GBK"
        assert e.title in raw.decode("gbk") and e.title.encode("gbk") in raw


def test_catalog_covers_styles_templates_and_non_reports(portal: Portal) -> None:
    reports = portal.reports
    assert len(reports) >= 11
    assert set(STYLES) <= {e.style for e in reports}
    assert Counter(e.report["template_version"] for e in reports).keys() >= {"2019", "2021", "none"}
    assert any(e.style == "paragraphs" and e.report["title"] and "安居区" in e.report["title"] for e in reports)
    titles = {e.title for e in portal.catalog if not e.is_report}
    assert {"关于印发2023年政务公开工作要点的通知", "政府信息公开指南", "2022年度部门决算公开",
            "关于开展政府信息公开工作年度报告编制的通知"} <= titles
    assert any(e.metadata["废止日期"] == "" for e in portal.catalog)
    assert any(e.metadata["文号"] == "" for e in portal.catalog)
    assert any(e.metadata["文号"] for e in portal.catalog)


# --- detail pages -------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_PATHS)
def test_detail_page_shows_metadata(portal: Portal, path: str) -> None:
    e = entry(portal, path)
    status, headers, body = fetch(e.url)
    assert status == 200
    text = body.decode(e.encoding)
    assert set(e.metadata) == set(site.LABELS)
    for label, value in e.metadata.items():
        assert value == value.strip()
        if value:
            assert escape(value) in text, (label, value)
    # The crawler archives the parser's reading of the block: it must read what the page shows.
    got = page_metadata(body, headers["Content-Type"])
    assert {k: got.get(k) for k in site.LABELS} == e.metadata


@pytest.mark.parametrize("path", REPORT_PATHS)
def test_report_round_trip_through_parser(portal: Portal, path: str) -> None:
    e = entry(portal, path)
    status, headers, body = fetch(e.url)
    assert status == 200
    parsed = parse_bytes(body, url=e.url, content_type=headers["Content-Type"])
    want = e.report
    assert parsed["template_version"] == want["template_version"]
    assert parsed["reporting_year"] == want["reporting_year"]
    expected = {k: v for t in TABLES for k, v in flatten(want[t], t + ".").items()}
    got = {k: v for t in TABLES for k, v in flatten(parsed[t] or {}, t + ".").items()}
    mismatches = {}
    for p in sorted(set(expected) | set(got)):
        a, b = expected.get(p, "absent"), got.get(p, "absent")
        same = (a == b) if (a is None or b is None or isinstance(a, str) or isinstance(b, str)) \
            else Decimal(str(a)) == Decimal(str(b))
        if not same:
            mismatches[p] = {"expected": a, "parsed": b}
    assert not mismatches, f"{e.style} {e.title}: {mismatches}"


# --- renderer and generator ----------------------------------------------------


def _labels(version: str) -> list[str]:
    tables = schema()["templates"][version]["tables"]
    out = [r["label"] for r in tables["applications"]["rows"]]
    for item in tables["proactive_disclosure"]["items"]:
        out += [item["label"]] + [c["label"] for c in item["columns"]] + [r["label"] for r in item["rows"]]
    return out + [g["label"] for g in tables["review_litigation"]["groups"]]


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("style", ["plain", "paragraphs", "split_tables"])
def test_renderer_prints_official_labels(version: str, style: str) -> None:
    html = render_report_html(random_report(random.Random(7), version), style)
    text = re.sub(r"<[^>]+>", "", html)
    for label in _labels(version) + ["申请人情况", "法人或其他组织", "自然人", "行政诉讼", "（本列数据的勾稽关系为"]:
        assert escape(label, quote=False) in text, label
    if style == "paragraphs":
        assert "<table" not in html
    if style == "split_tables":
        assert html.count("<table") == 4  # 二 is one table, 三 is cut in two, 四 is one
        second = html.split("<table")[3]
        assert second.startswith(' border="1"') and "5.属于三类内部事务信息" in second


def test_word_style_looks_exported_from_word() -> None:
    html = render_report_html(random_report(random.Random(3), "2021"), "word")
    assert '<table class="MsoNormalTable" border=1' in html
    assert "商业<br>企业" in html and "结果<br>维持" in html
    assert 'rowspan="2"' in html and 'colspan="7"' in html and 'colspan="10"' in html
    assert '<p class="MsoNormal"' in html
    report = random_report(random.Random(3), "2021")
    report["applications"]["granted"]["natural_person"] = None
    assert "&nbsp;" in render_report_html(report, "word")


def test_amounts_keep_their_decimals() -> None:
    report = random_report(random.Random(1), "2021")
    report["proactive_disclosure"]["art20_8"]["administrative_fees"]["fee_amount"] = 12.305
    assert ">12.305<" in render_report_html(report, "plain")


def _rule_paths(rule: dict) -> list[tuple[list[str], list[str]]]:
    each = rule.get("for_each") or {}
    if not each:
        return [(rule["lhs"], rule["rhs"])]
    ((name, values),) = each.items()
    slot = "{" + name + "}"
    return [([p.replace(slot, v) for p in rule["lhs"]], [p.replace(slot, v) for p in rule["rhs"]]) for v in values]


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_random_reports_satisfy_every_rule(version: str) -> None:
    rules = [r for r in schema()["templates"][version]["rules"] if "lhs" in r and r.get("lhs")]
    assert {r["id"] for r in rules} >= {"APP_BALANCE", "APP_ROW_TOTAL", "APP_RESULTS_SUM", "REVIEW_TOTAL"}
    for seed in range(30):
        report = random_report(random.Random(seed), version)
        cells = {k: v for t in TABLES for k, v in flatten(report[t], t + ".").items()}
        for rule in rules:
            for lhs, rhs in _rule_paths(rule):
                assert sum(cells[p] for p in lhs) == sum(cells[p] for p in rhs), (seed, rule["id"], lhs)
        assert all(v >= 0 for k, v in cells.items() if not k.endswith("change_this_year"))
        assert report["title"] == f"{report['issuing_body']}{report['reporting_year']}年政府信息公开工作年度报告"


def test_random_report_without_tables() -> None:
    report = random_report(random.Random(5), "none")
    assert report["template_version"] == "none"
    assert not any(report[t] for t in TABLES)
    html = render_report_html(report, "word")
    assert "<table" not in html and re.search(r"\d+条", html)
    parsed = parse_bytes(html.encode("utf-8"), content_type="text/html; charset=utf-8")
    assert parsed["template_version"] == "none"
