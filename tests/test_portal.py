"""The bundled sample portal: real HTTP on 127.0.0.1, checked the way the crawler and parser will see it.

The round trip (render → serve → parse) is the point: every number the portal
publishes must come back out of ``parsers.parse_bytes`` unchanged, in every
publishing style and file format, so that a crawl of the portal is a test of
the whole pipeline.  Beyond the TRS and GBK columns this covers the Hanweb JCMS
sub-site (POSTed dataproxy lists), the gkmlpt sub-site (JSON API), reports
published as PDF and DOCX, conditional requests and revisions, the fault pages
and the generated benchmark column.
"""

from __future__ import annotations

import http.client
import io
import json
import math
import random
import re
import socket
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from email.utils import parsedate_to_datetime
from html import escape
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import lxml.html
import pytest

from crawler.classify import is_report_title
from nianbao.portal import site
from nianbao.portal.files import DOCX_TYPE
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
    expected = [e.url for e in portal.catalog if e.section == "xxgk"]
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
    assert any(e.metadata.get("废止日期") == "" for e in portal.catalog)
    assert any(e.metadata.get("文号") == "" for e in portal.catalog)
    assert any(e.metadata.get("文号") for e in portal.catalog)
    assert Counter(e.section for e in reports).keys() == {"xxgk", "jyj", "hanweb", "gkmlpt", "jpaas", "kjj", "tjj", "mzj"}
    assert {"pdf", "docx"} <= {e.style for e in reports}
    assert len({e.title for e in reports}) == len(reports)  # the demo test keys reports by title


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
    assert_same_report(e.report, parsed, f"{e.style} {e.title}")


def assert_same_report(want: dict, parsed: dict, label: str) -> None:
    """Template, year and every table cell as served, read back by the parser."""
    assert parsed["template_version"] == want["template_version"], label
    assert parsed["reporting_year"] == want["reporting_year"], label
    expected = {k: v for t in TABLES for k, v in flatten(want[t], t + ".").items()}
    got = {k: v for t in TABLES for k, v in flatten(parsed[t] or {}, t + ".").items()}
    mismatches = {}
    for p in sorted(set(expected) | set(got)):
        a, b = expected.get(p, "absent"), got.get(p, "absent")
        same = (a == b) if (a is None or b is None or isinstance(a, str) or isinstance(b, str)) \
            else Decimal(str(a)) == Decimal(str(b))
        if not same:
            mismatches[p] = {"expected": a, "parsed": b}
    assert not mismatches, f"{label}: {mismatches}"


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


# --- helpers for raw HTTP ----------------------------------------------------------


def request(portal: Portal, method: str, path: str, body: bytes | str | None = None, headers: dict | None = None,
            timeout: float = 10) -> tuple[int, dict, bytes]:
    """One request on a fresh connection, redirects not followed."""
    parts = urlsplit(portal.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def path_of(url: str) -> str:
    return urlsplit(url)._replace(scheme="", netloc="").geturl()


def _rules_hold(report: dict) -> None:
    for version in ("2019", "2021"):
        if report["template_version"] != version:
            continue
        cells = {k: v for t in TABLES for k, v in flatten(report[t], t + ".").items()}
        for rule in schema()["templates"][version]["rules"]:
            if rule.get("lhs"):
                for lhs, rhs in _rule_paths(rule):
                    assert sum(cells[p] for p in lhs) == sum(cells[p] for p in rhs), rule["id"]


# --- Hanweb / 大汉 JCMS sub-site --------------------------------------------------------

JCMS_FORM = {"col": "1", "appid": "1", "webid": "12", "path": "/", "columnid": "4321", "sourceContentType": "1",
             "unitid": "4567", "webname": "东湖区财政局", "permissiontype": "0"}
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
_RECORD = re.compile(r"<record><!\[CDATA\[(.*?)\]\]></record>", re.S)


def record_links(xml: str, base: str) -> list[tuple[str, str]]:
    out = []
    for record in _RECORD.findall(xml):
        a = lxml.html.fragment_fromstring(record, create_parent="div").find(".//a")
        out.append((a.get("title"), urljoin(base, a.get("href"))))
    return out


def test_jcms_reached_from_the_department_block(portal: Portal) -> None:
    xxgk = links(fetch(portal.url + "xxgk/")[2], portal.url + "xxgk/")
    assert urlsplit(xxgk["部门信息公开"]).path == "/jyj/"  # the old link stays
    home = xxgk["区财政局信息公开"]
    assert urlsplit(home).path == "/col/col4300/index.html"
    column = links(fetch(home)[2], home)["政府信息公开年报"]
    assert urlsplit(column).path == "/col/col4321/index.html"


def test_jcms_column_embeds_first_records_and_jpage_settings(portal: Portal) -> None:
    status, headers, body = fetch(portal.url + "col/col4321/index.html")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    text = body.decode("utf-8")
    m = re.search(r'<div id="4567"><script type="text/xml"><datastore>(.*?)</datastore></script></div>', text, re.S)
    assert m, "records must sit in the unit's text/xml script"
    assert '<script language="javascript" src="/module/web/jpage/jpage.js"></script>' in text
    assert re.search(r"perPage:2, totalRecord:8, groupSize:3", text)
    # Values quoted inside the href, and ajaxParam numbers bare, as on zfcg.nantong.gov.cn.
    assert "<nextgroup><![CDATA[<a href=\"/module/web/jpage/dataproxy.jsp?page=1&webid=12&path='/'&columnid=4321" \
           "&unitid=4567&webname='东湖区财政局'&permissiontype=0\"></a>]]></nextgroup>" in m.group(1)
    assert "columnid:4321, sourceContentType:1, unitid:'4567'" in text
    embedded = record_links(m.group(1), portal.url)
    hanweb = [e for e in portal.catalog if e.section == "hanweb"]
    assert [u for _, u in embedded] == [e.url for e in hanweb[:2]]
    # Outside the XML the page links no detail page: a crawler needs the records and the dataproxy.
    assert not [u for u in links(body, portal.url).values() if "/art/" in u or u.endswith(".pdf")]


def test_jcms_dataproxy_posts_the_rest_of_the_list(portal: Portal) -> None:
    status, headers, body = request(portal, "POST", "/module/web/jpage/dataproxy.jsp?startrecord=3&endrecord=8&perpage=2",
                                    urlencode(JCMS_FORM), FORM_HEADERS)
    assert status == 200 and headers["Content-Type"].startswith("text/xml")
    xml = body.decode("utf-8")
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "<totalrecord>8</totalrecord>" in xml and "<totalpage>4</totalpage>" in xml
    hanweb = [e for e in portal.catalog if e.section == "hanweb"]
    assert len(hanweb) == 8 and sum(e.is_report for e in hanweb) == 6
    assert [(t, u) for t, u in record_links(xml, portal.url)] == [(e.title, e.url) for e in hanweb[2:]]
    # Records S..E, 1-based and inclusive; the nextgroup link also answers (GET, page N of three pages).
    one = request(portal, "POST", "/module/web/jpage/dataproxy.jsp?startrecord=7&endrecord=7&perpage=2",
                  urlencode(JCMS_FORM), FORM_HEADERS)[2].decode()
    assert [u for _, u in record_links(one, portal.url)] == [hanweb[6].url]
    got = request(portal, "GET", "/module/web/jpage/dataproxy.jsp?" + urlencode({**JCMS_FORM, "page": 1}))[2]
    assert len(record_links(got.decode(), portal.url)) == 6
    other = request(portal, "POST", "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=6&perpage=2",
                    urlencode({**JCMS_FORM, "columnid": "9999"}), FORM_HEADERS)
    assert other[0] == 200 and "<totalrecord>0</totalrecord>" in other[2].decode() and b"<record>" not in other[2]


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("POST", "/xxgk/", b"a=1", 405),
    ("POST", "/col/col4321/index.html", b"a=1", 405),
    ("POST", "/module/web/jpage/dataproxy.jsp?startrecord=x&endrecord=2&perpage=2", None, 400),
    ("POST", "/module/web/jpage/dataproxy.jsp?startrecord=5&endrecord=2&perpage=2", None, 400),
    ("POST", "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=2&perpage=2", b"webid=12", 400),
    ("POST", "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=2&perpage=2", b"\xff\xfe=%%", 400),
    ("PUT", "/module/web/jpage/dataproxy.jsp", b"", 501),
])
def test_post_nonsense_is_refused(portal: Portal, method: str, path: str, body: bytes | None, status: int) -> None:
    body = urlencode(JCMS_FORM).encode() if body is None else body
    got, headers, _ = request(portal, method, path, body, FORM_HEADERS)
    assert got == status
    if status == 405:
        assert headers["Allow"] == "GET, HEAD"


def test_post_without_content_length_is_400(portal: Portal) -> None:
    parts = urlsplit(portal.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as s:
        s.sendall(b"POST /module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=2&perpage=2 HTTP/1.1\r\n"
                  b"Host: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 400 ")


def test_jcms_detail_pages(portal: Portal) -> None:
    for e in [e for e in portal.catalog if e.section == "hanweb" and e.encoding == "utf-8"]:
        status, headers, body = fetch(e.url)
        assert status == 200 and re.search(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_4321_\d+\.html$", e.url)
        text = body.decode("utf-8")
        assert '<table class="xxgk_table"' in text and '<div id="zoom">' in text
        assert page_metadata(body, headers["Content-Type"]) == e.metadata
        if e.is_report and e.style not in ("docx", "pdfjs"):
            assert_same_report(e.report, parse_bytes(body, url=e.url, content_type=headers["Content-Type"]), e.url)


def test_report_published_only_as_pdf(portal: Portal) -> None:
    (e,) = [e for e in portal.reports if e.style == "pdf"]
    assert e.title == "淮安市人民政府2024年政府信息公开工作年度报告" and e.url.endswith(".pdf")
    assert e.metadata == {} and e.attachments == () and e.encoding == "binary"
    status, headers, body = fetch(e.url)
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    fixture = Path(__file__).parent / "fixtures" / "real"
    assert body == (fixture / "huaian_szf_2024_report.pdf").read_bytes()
    expected = json.loads((fixture / "huaian_szf_2024_report.expected.json").read_text("utf-8"))
    for key in ("template_version", "reporting_year", "issuing_body", "title", *TABLES):
        assert e.report[key] == expected[key], key
    assert_same_report(e.report, parse_bytes(body, filename="report.pdf", content_type="application/pdf"), "pdf")


def test_report_shown_through_pdfjs(portal: Portal) -> None:
    # The page embeds pdf.js's viewer in an <iframe>; the report is the file named in ?file=.
    (e,) = [e for e in portal.reports if e.style == "pdfjs"]
    status, headers, body = fetch(e.url)
    text = body.decode("utf-8")
    (src,) = re.findall(r'<iframe src="([^"]+)"', text)
    viewer, _, file = src.partition("?file=")
    assert viewer.endswith("/pdfjs/web/viewer.html") and portal.url.rstrip("/") + file == e.attachments[0]
    assert "<table" not in text.split('<div id="zoom">')[1]
    status, headers, data = fetch(e.attachments[0])
    assert status == 200 and headers["Content-Type"] == "application/pdf" and data[:5] == b"%PDF-"
    assert_same_report(e.report, parse_bytes(data, filename="x.pdf"), "pdfjs")
    page = fetch(urljoin(portal.url, viewer))
    assert page[0] == 200 and "年度报告" not in page[2].decode("utf-8")


def test_files_are_the_same_bytes_in_every_portal_start() -> None:
    # A server serves a file unchanged until it changes: a re-crawl must see no new revision.
    # (Two fresh portals: the module's portal may have been revised by other tests.)
    with start_portal() as first:
        files = [a[len(first.url):] for e in first.reports for a in e.attachments]
        served = {path: fetch(first.url + path)[2] for path in files}
    time.sleep(1.1)  # a creation time printed in a file would differ now
    with start_portal() as again:
        assert len(files) >= 2
        for path in files:
            assert fetch(again.url + path)[2] == served[path], path


def test_report_in_a_docx_attachment(portal: Portal) -> None:
    (e,) = [e for e in portal.reports if e.style == "docx"]
    status, headers, body = fetch(e.url)
    text = body.decode("utf-8")
    assert status == 200 and "详见附件" in text and "<table" not in text.split('<div id="zoom">')[1]
    (att,) = e.attachments
    assert links(body, e.url)[f"{e.title}.docx"] == att
    status, headers, data = fetch(att)
    assert status == 200 and headers["Content-Type"] == DOCX_TYPE and data[:4] == b"PK\x03\x04"
    parsed = parse_bytes(data, filename="x.docx")
    assert parsed["status"] == "ok" and parsed["title"] == e.title
    assert_same_report(e.report, parsed, "docx")
    # Real Word tables: merged header cells and grouped row labels.
    import docx

    table = docx.Document(io.BytesIO(data)).tables[1]
    assert table.cell(0, 0)._tc is table.cell(2, 2)._tc and "商业\n企业" in table.cell(2, 4).text


# --- Guangdong gkmlpt sub-site -------------------------------------------------------------


def gkmlpt_api(portal: Portal, category: int, page: int, sid: str = "755999") -> dict:
    status, headers, body = fetch(f"{portal.url}wsjkj/gkmlpt/api/all/{category}?page={page}&sid={sid}")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    return json.loads(body)


def test_gkmlpt_reached_through_a_redirect_to_the_app_shell(portal: Portal) -> None:
    xxgk = links(fetch(portal.url + "xxgk/")[2], portal.url + "xxgk/")
    assert urlsplit(xxgk["区卫生健康局信息公开"]).path == "/wsjkj/xxgk/"
    status, headers, _ = request(portal, "GET", "/wsjkj/xxgk/")
    assert status == 302 and headers["Location"] == "/wsjkj/gkmlpt/index"
    status, headers, body = fetch(portal.url + "wsjkj/gkmlpt/index")
    text = body.decode("utf-8")
    assert status == 200 and re.search(r"<script>[^<]*SID: '755999'", text)
    nav = links(body, portal.url + "wsjkj/gkmlpt/index")
    assert nav["政府信息公开年报"] == portal.url + "wsjkj/gkmlpt/index#2811"
    assert len([u for u in nav.values() if "/gkmlpt/index#" in u]) >= 4
    assert "post_" not in text  # the lists are the app's: only the API names the articles


def test_gkmlpt_api_pages_the_report_category(portal: Portal) -> None:
    first = gkmlpt_api(portal, 2811, 1)
    total = first["total"]
    pages = math.ceil(total / len(first["articles"]))
    articles = [a for n in range(1, pages + 1) for a in gkmlpt_api(portal, 2811, n)["articles"]]
    assert len(articles) == total == 5 and len(first["articles"]) == 2
    assert gkmlpt_api(portal, 2811, pages + 1)["articles"] == []
    in_category = [e for e in portal.catalog if e.section == "gkmlpt" and e.metadata["分类"] == "政府信息公开年报"]
    assert [(a["title"], a["url"]) for a in articles] == [(e.title, e.url) for e in in_category]
    assert sum(e.is_report for e in in_category) >= 3 and sum(not e.is_report for e in in_category) >= 1
    for a in articles:
        assert a["url"].startswith(portal.url) and re.search(r"/content/\d+/\d+/post_\d+\.html$", a["url"])
        assert isinstance(a["create_time"], int) and a["identifier"] and a["publisher"] == "东湖区卫生健康局"
    assert gkmlpt_api(portal, 2811, 1, sid="1") ["articles"] == []
    everything = [a for n in range(1, 6) for a in gkmlpt_api(portal, 0, n)["articles"]]
    assert {a["url"] for a in everything} == {e.url for e in portal.catalog if e.section == "gkmlpt"}


def test_gkmlpt_detail_pages(portal: Portal) -> None:
    for e in [e for e in portal.catalog if e.section == "gkmlpt"]:
        status, headers, body = fetch(e.url)
        text = body.decode("utf-8")
        assert status == 200 and '<div class="classify">' in text
        for label, value in e.metadata.items():
            assert re.search(rf">{label}：</td><td[^>]*>(?:<span>)?{re.escape(escape(value))}<", text), label
        if e.is_report:
            assert_same_report(e.report, parse_bytes(body, url=e.url, content_type=headers["Content-Type"]), e.url)


# --- conditional requests and revisions ------------------------------------------------------


def test_every_page_has_validators_and_answers_304(portal: Portal) -> None:
    for url in (portal.url, portal.url + "col/col4321/index.html", portal.reports[0].url, portal.reports[-1].url,
                portal.url + "wsjkj/gkmlpt/api/all/2811?page=1&sid=755999"):
        path = path_of(url)
        status, headers, body = request(portal, "GET", path)
        assert status == 200 and headers["ETag"].startswith('"') and headers["Last-Modified"].endswith(" GMT")
        assert request(portal, "GET", path)[1]["ETag"] == headers["ETag"]  # from the bytes, stable
        for cond in ({"If-None-Match": headers["ETag"]}, {"If-None-Match": f'"x", {headers["ETag"]}'},
                     {"If-Modified-Since": headers["Last-Modified"]}):
            got = request(portal, "GET", path, headers=cond)
            assert got[0] == 304 and got[2] == b"" and got[1]["ETag"] == headers["ETag"]
        assert request(portal, "HEAD", path, headers={"If-None-Match": headers["ETag"]})[0] == 304
        assert request(portal, "GET", path, headers={"If-None-Match": '"other"'})[0] == 200
        assert request(portal, "GET", path, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200
        # If-None-Match decides when both are sent.
        both = {"If-None-Match": '"other"', "If-Modified-Since": headers["Last-Modified"]}
        assert request(portal, "GET", path, headers=both)[0] == 200


@pytest.mark.parametrize("section", ["xxgk", "jyj", "hanweb", "gkmlpt"])
def test_revise_changes_the_page_and_the_catalog(section: str) -> None:
    with start_portal() as p:
        old = next(e for e in p.reports if e.section == section and e.style not in ("pdf", "docx"))
        path = path_of(old.url)
        _, before, body = request(p, "GET", path)
        new = p.revise(old.url)
        status, after, body2 = request(p, "GET", path, headers={"If-None-Match": before["ETag"]})
        assert status == 200 and body2 != body and after["ETag"] != before["ETag"]
        assert "更正说明" in body2.decode(new.encoding) and "更正说明" not in body.decode(new.encoding)
        assert parsedate_to_datetime(after["Last-Modified"]) > parsedate_to_datetime(before["Last-Modified"])
        assert new.metadata == old.metadata and new.url == old.url  # 发布日期 stays
        assert next(e for e in p.catalog if e.url == old.url) == new and new.report != old.report
        _rules_hold(new.report)
        assert_same_report(new.report, parse_bytes(body2, url=new.url, content_type=after["Content-Type"]), path)
        assert p.revise(old.url).report != new.report  # each revision is new


def test_revise_docx_report_rewrites_the_attachment_and_refuses_files() -> None:
    with start_portal() as p:
        e = next(e for e in p.reports if e.style == "docx")
        before = fetch(e.attachments[0])[2]
        new = p.revise(e.url)
        after = fetch(e.attachments[0])[2]
        assert after != before
        assert_same_report(new.report, parse_bytes(after, filename="x.docx"), "revised docx")
        with pytest.raises(ValueError):
            p.revise(next(e for e in p.reports if e.style == "pdf").url)
        with pytest.raises(KeyError):
            p.revise(next(e for e in p.catalog if not e.is_report).url)


# --- faults -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def faulty() -> Portal:
    with start_portal(faults=True) as p:
        yield p


def fault(portal: Portal, kind: str):
    return next(f for f in portal.faults if f.kind == kind)


def test_faults_are_off_by_default_and_listed_when_on(portal: Portal, faulty: Portal) -> None:
    assert portal.faults == [] and fetch(portal.url + "gzyl/loop_a.html")[0] == 404
    assert {f.kind for f in faulty.faults} == {"retry_503", "error_500", "hang", "reset", "truncated",
                                               "redirect_loop", "mislabeled_charset", "anti_bot", "challenge_200"}
    listed = links(fetch(faulty.url + "xxgk/ndbg/index.html")[2], faulty.url + "xxgk/ndbg/index.html")
    for f in faulty.faults:
        assert listed[f.title] == f.url and is_report_title(f.title)
    assert {f.kind for f in faulty.faults if f.recoverable} == {"retry_503", "mislabeled_charset"}
    # The rest of the portal is the same.
    assert [e.url for e in faulty.catalog] == [e.url.replace(portal.url, faulty.url) for e in portal.catalog]


def test_fault_503_twice_then_200(faulty: Portal) -> None:
    f = fault(faulty, "retry_503")
    path = path_of(f.url)
    statuses = [request(faulty, "GET", path)[0] for _ in range(4)]
    assert statuses == [503, 503, 200, 200]
    body = request(faulty, "GET", path)[2]
    assert_same_report(f.report, parse_bytes(body, content_type="text/html; charset=utf-8"), "503 page")


def test_fault_attempt_counter_is_thread_safe() -> None:
    with start_portal(faults=True) as p:
        f = fault(p, "retry_503")
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda _: request(p, "GET", path_of(f.url))[0], range(16)))
        assert sorted(statuses) == [200] * 14 + [503] * 2
        assert p.fault_attempts(f.url) == 16


def test_fault_500_always(faulty: Portal) -> None:
    assert {request(faulty, "GET", path_of(fault(faulty, "error_500").url))[0] for _ in range(3)} == {500}


def test_fault_hang_outlasts_a_timeout(faulty: Portal) -> None:
    start = time.monotonic()
    with pytest.raises(TimeoutError):
        request(faulty, "GET", path_of(fault(faulty, "hang").url), timeout=0.5)
    assert time.monotonic() - start < 5


def test_fault_reset_and_truncated(faulty: Portal) -> None:
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        request(faulty, "GET", path_of(fault(faulty, "reset").url))
    with pytest.raises(http.client.IncompleteRead):
        request(faulty, "GET", path_of(fault(faulty, "truncated").url))
    assert fetch(faulty.url)[0] == 200  # the server is fine afterwards


def test_fault_redirect_loop(faulty: Portal) -> None:
    a = path_of(fault(faulty, "redirect_loop").url)
    status, headers, _ = request(faulty, "GET", a)
    assert status == 302
    b = headers["Location"]
    assert b != a and request(faulty, "GET", b)[1]["Location"] == a
    with pytest.raises(urllib.error.HTTPError, match="redirect"):
        urllib.request.urlopen(fault(faulty, "redirect_loop").url, timeout=5)


def test_fault_mislabeled_charset(faulty: Portal) -> None:
    f = fault(faulty, "mislabeled_charset")
    status, headers, body = request(faulty, "GET", path_of(f.url))
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'<meta charset="utf-8">' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert f.title in body.decode("gbk")


def test_fault_anti_bot_challenge(faulty: Portal) -> None:
    status, _, body = request(faulty, "GET", path_of(fault(faulty, "anti_bot").url))
    assert status == 412 and len(body) < 1024 and b"<script>" in body and b"__jsl_clearance" in body


# --- the generated benchmark column ---------------------------------------------------------------


def test_extra_reports_start_fast_and_are_served_lazily() -> None:
    with start_portal() as plain:
        own = len(plain.reports)
    start = time.monotonic()
    with start_portal(extra_reports=10_000) as p:
        assert time.monotonic() - start < 1.0
        assert len(p.reports) == len([e for e in p.catalog if e.is_report]) == 10_000 + own
        xxgk = links(fetch(p.url + "xxgk/")[2], p.url + "xxgk/")
        column = xxgk["各单位政府信息公开年报"]
        assert urlsplit(column).path == "/gdwnb/index.html"
        text = fetch(column)[2].decode("utf-8")
        assert 'createPageHTML(500, 0, "index", "html");' in text
        first = [u for u in links(text.encode(), column).values() if "/gdwnb/2" in u]
        bulk = [e for e in p.reports if e.section == "bulk"]
        assert first == [e.url for e in bulk[:20]]
        last = fetch(p.url + "gdwnb/index_499.html")[2]
        assert [u for u in links(last, column).values() if "/gdwnb/2" in u] == [e.url for e in bulk[-20:]]
        assert fetch(p.url + "gdwnb/index_500.html")[0] == 404
        assert len({e.title for e in bulk}) == 10_000
        for e in (bulk[0], bulk[4321], bulk[-1]):
            status, headers, body = fetch(e.url)
            assert status == 200
            assert_same_report(e.report, parse_bytes(body, url=e.url, content_type=headers["Content-Type"]), e.url)
            assert page_metadata(body, headers["Content-Type"]) == e.metadata
        assert fetch(bulk[0].url.replace("_300000.", "_310000."))[0] == 404
        old = bulk[7]
        new = p.revise(old.url)
        assert p.reports[own + 7] == new and new.report != old.report
        body = fetch(old.url)[2]
        assert "更正说明" in body.decode("utf-8")
        assert_same_report(new.report, parse_bytes(body, content_type="text/html; charset=utf-8"), "revised bulk")
        assert len(p._app.bulk.detail.cache_info()) and p._app.bulk.detail.cache_info().maxsize <= 256


# --- Hanweb JPaaS and the TRS pager variants ------------------------------------------


def test_jpaas_column_is_a_shell_of_units_built_by_the_unit_api(portal: Portal) -> None:
    import json
    from urllib.parse import quote, urlencode

    from nianbao.portal import jpaas

    status, headers, body = fetch(portal.url.rstrip("/") + jpaas.COLUMN_PATH)
    text = body.decode("utf-8")
    assert status == 200 and text.count("AuthorizedRead/unitbuild.js") == 2
    assert f'url="{jpaas.API_PATH}"' in text and "queryData=\"{'parseType':'buildstatic'," in text
    assert "/rsj/art/" not in text  # no list markup at all
    api = portal.url.rstrip("/") + jpaas.API_PATH + "?"
    query = {"webId": jpaas.WEB_ID, "pageId": jpaas.COLUMN_ID, "tagId": jpaas.LIST_TAG}
    status, headers, body = fetch(api + urlencode(query))
    assert headers["Content-Type"].startswith("application/json")
    answer = json.loads(body)
    assert answer["success"] and answer["data"]["html"].count("<li") == jpaas.PER_PAGE
    listed = []
    for n in range(1, 5):
        page = json.loads(fetch(api + urlencode({**query, "paramJson": f'{{"pageNo":{n},"pageSize":3}}'}))[2])
        listed += re.findall(r'href="([^"]+)"', page["data"]["html"])
    assert [portal.url.rstrip("/") + u for u in listed] == [e.url for e in portal.catalog if e.section == "jpaas"]
    assert json.loads(fetch(api + urlencode({**query, "pageId": "1"}))[2]) == {"success": False, "data": {}}
    nav = json.loads(fetch(api + urlencode({**query, "tagId": jpaas.NAV_TAG, "paramJson": quote('{"pageNo":2}')}))[2])
    assert "政府信息公开年报" in nav["data"]["html"]  # the navigation unit ignores paramJson


def test_trs_variant_pagers_and_rows(portal: Portal) -> None:
    base = portal.url.rstrip("/")
    kjj = fetch(base + "/kjj/xxgknb/")[2].decode("utf-8")
    assert kjj == fetch(base + "/kjj/xxgknb/index.html")[2].decode("utf-8")
    assert 'createPage(3, 0, "index", "html");' in kjj and "createPageHTML" not in kjj
    assert re.search(r"<p>[^<]+</p>\s*<span>\d{4}-\d{2}-\d{2}</span> </a>", kjj)  # the date inside the link
    assert "createPage(3, 2," in fetch(base + "/kjj/xxgknb/index_2.html")[2].decode("utf-8")
    tjj = fetch(base + "/tjj/xxgknb/xlist.shtml")[2].decode("utf-8")
    assert "createPageHTML('page_div',3, 1,'xlist','shtml',5);" in tjj
    assert fetch(base + "/tjj/xxgknb/xlist_3.shtml")[0] == 200 and fetch(base + "/tjj/xxgknb/xlist_1.shtml")[0] == 404
    home = links(fetch(base + "/kjj/")[2], base + "/kjj/")
    assert urlsplit(home["政府工作报告"]).path == "/kjj/zfgzbg/index.html"
