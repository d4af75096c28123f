"""Publishing: report_summary, regions, canned queries, search, charts and archived pages through Datasette."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import random
import re
from urllib.parse import quote

import lxml.html
import pytest
import sqlite_utils
from conftest import FIXTURES, archive_page

from archive import Archive
from nianbao import publish, regions
from nianbao.build import SEARCH_COLUMNS, build
from nianbao.portal.formats import render_docx
from nianbao.portal.render import random_report
from nianbao.serve import INSPECT_FILE, METADATA, datasette_app

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
TEXT = [("Content-Type", "text/plain; charset=utf-8")]
HTML = [("Content-Type", "text/html; charset=utf-8")]
EVIL_PAGE = """<html><head><title>朝阳区人民政府2023年政府信息公开工作年度报告</title>
<script>document.title = 'pwned'</script></head>
<body onload="steal()"><h1>朝阳区人民政府2023年政府信息公开工作年度报告</h1>
<p>北京市朝阳区信访办公室收到申请。<a href="javascript:alert(1)">点击</a>
<a href="huaian.pdf">附件</a> <a href="/ndbg/gone.html">往年</a></p>
<img src="http://tracker.invalid/pixel.png"><iframe src="http://tracker.invalid/"></iframe></body></html>"""


def write(archive: Archive, url: str, body: bytes, headers=TEXT, meta: dict | None = None):
    return archive_page(archive, url, body, headers=headers, meta=meta)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("publish")
    with Archive(data / "archive") as archive:
        for seed in SEEDS:
            write(archive, f"http://127.0.0.1/ndbg/{seed.name}", seed.read_bytes())
        # 溪湖区 again a year earlier, with one number changed so that APP_BALANCE fails.
        xihu = (FIXTURES / "seeds" / "002_5ffaec79e2212253.txt").read_text("utf-8")
        assert "| 43 | 0 | 0 | 0 | 0 | 0 | 43 |" in xihu
        xihu = xihu.replace("2024年政府信息公开", "2023年政府信息公开").replace(
            "| 43 | 0 | 0 | 0 | 0 | 0 | 43 |", "| 44 | 0 | 0 | 0 | 0 | 0 | 44 |")
        write(archive, "http://127.0.0.1/ndbg/xihu_2023.txt", xihu.encode("utf-8"))
        write(archive, "http://127.0.0.1/ndbg/chaoyang.html", EVIL_PAGE.encode("utf-8"), headers=HTML,
              meta={"发布机构": "朝阳区人民政府", "信息名称": "北京市朝阳区2023年政府信息公开工作年度报告"})
        write(archive, "http://127.0.0.1/ndbg/gulou.html",
              "<html><body><h1>鼓楼区人民政府2023年政府信息公开工作年度报告</h1></body></html>".encode(),
              headers=HTML, meta={"发布机构": "鼓楼区人民政府"})
        # Report tables inside a layout table (table numbers count the frame), with a script added.
        nested = (FIXTURES / "html" / "06_nested_layout_2021.html").read_text("utf-8")
        write(archive, "http://127.0.0.1/ndbg/nested.html",
              nested.replace("</body>", "<script>alert('cell')</script></body>").encode("utf-8"), headers=HTML)
        # A Word file, as departments attach them (a random consistent report rendered by the portal's writer).
        word = render_docx(random_report(random.Random(7), "2021", body="鼓楼区司法局", year=2022))
        write(archive, "http://127.0.0.1/ndbg/gulou_sfj.docx", word, headers=[(
            "Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")])
        pdf = FIXTURES / "real" / "huaian_szf_2024_report.pdf"
        write(archive, "http://127.0.0.1/ndbg/huaian.pdf", pdf.read_bytes(), headers=[("Content-Type", "application/pdf")])
    build(data)
    return data


@pytest.fixture(scope="module")
def db(data_dir):
    return sqlite_utils.Database(data_dir / "nianbao.db")


@pytest.fixture(scope="module")
def ds(data_dir):
    return datasette_app(data_dir / "nianbao.db")


def get(ds, path):
    return asyncio.run(ds.client.get(path))


def rows(ds, path) -> list[dict]:
    r = get(ds, path)
    assert r.status_code == 200, (path, r.text[:500])
    return r.json()


def summary(db, url_end: str) -> dict:
    (row,) = db.query("select s.* from report_summary s join reports r on r.id = s.report_id where r.url like ?",
                      [f"%/{url_end}"])
    return row


# -- report_summary ---------------------------------------------------------------------------


def test_one_summary_row_per_report(db):
    assert db["report_summary"].count == db["reports"].count
    assert {r["report_id"] for r in db["report_summary"].rows} == {r["id"] for r in db["reports"].rows}
    # Shares the search index's rowids, so ?_search= works on report_summary too.
    mismatched = db.execute("select count(*) from report_summary s join reports r on r.id = s.report_id "
                            "where s.rowid != r.rowid").fetchone()[0]
    assert mismatched == 0


def test_summary_figures_are_the_sums_of_the_applications_rows(db):
    groups = {"denied_total": "denied_%", "unable_total": "unable_%", "not_processed_total": "not_processed_%",
              "other_total": "other_%"}
    checked = 0
    for s in db.query("select * from report_summary where template_version in ('2019', '2021')"):
        app = {r["row_key"]: r["total"] for r in db["applications"].rows_where("report_id = ?", [s["report_id"]])}
        assert s["new_requests"] == app.get("new_received")
        assert s["granted"] == app.get("granted") and s["total_processed"] == app.get("total_processed")
        for column, pattern in groups.items():
            values = [r[0] for r in db.execute("select total from applications where report_id = ? and row_key like ?",
                                               [s["report_id"], pattern])]
            expected = None if not values or None in values else sum(values)
            assert s[column] == expected, (s["body"], column)
        review = {r["group_key"]: r for r in db["review_litigation"].rows_where("report_id = ?", [s["report_id"]])}
        assert s["review_total"] == review["review"]["total"]
        assert s["lawsuits_total"] == review["litigation_direct"]["total"] + review["litigation_after_review"]["total"]
        if s["total_processed"] and s["granted"] is not None and s["partially_granted"] is not None:
            assert s["disclosure_rate"] == round((s["granted"] + s["partially_granted"]) / s["total_processed"], 4)
        else:
            assert s["disclosure_rate"] is None
        checked += 1
    assert checked >= 6


def test_blank_cells_stay_null_not_zero(db):
    erligang = summary(db, SEEDS[1].name)  # 001: rows （一）, （二）, （三）1–3 printed blank
    assert erligang["granted"] is None and erligang["denied_total"] is None
    assert erligang["denied_state_secret"] is None and erligang["disclosure_rate"] is None
    assert erligang["unable_total"] is not None  # its rows were printed
    unparsed = summary(db, "gulou.html")
    assert unparsed["new_requests"] is None and unparsed["denied_total"] is None


def test_2019_and_2021_other_processing_rows(db):
    groups = publish.row_groups()
    assert groups["2019"]["other_total"] == ("other_processing",)
    assert set(groups["2021"]["other_total"]) == {"other_no_correction", "other_fee_unpaid", "other_other"}
    assert len(groups["2019"]["denied_total"]) == len(groups["2021"]["denied_total"]) == 8


# -- regions --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("溪湖区人民政府", ("辽宁省", "本溪市", "溪湖区", None, "210503", "county", "人民政府")),
    ("卫辉市政务和大数据管理局", ("河南省", "新乡市", "卫辉市", None, "410781", "county", "部门")),
    ("西安市雁塔区漳浒寨街道办事处", ("陕西省", "西安市", "雁塔区", "漳浒寨街道", "610113", "township", "街道办事处/乡镇")),
    ("遂宁市安居区信访局", ("四川省", "遂宁市", "安居区", None, "510904", "county", "部门")),
    ("淮安市人民政府", ("江苏省", "淮安市", None, None, "320800", "city", "人民政府")),
    ("二里岗街道办事处", (None, None, None, "二里岗街道", None, "township", "街道办事处/乡镇")),
    ("北京市海淀区人民政府", ("北京市", "北京市", "海淀区", None, "110108", "county", "人民政府")),
    ("四川省人民政府办公厅", ("四川省", None, None, None, "510000", "province", "部门")),
    ("济源市住房和城乡建设局", ("河南省", None, "济源市", None, "419001", "county", "部门")),
    ("鼓楼区人民政府", (None, None, None, None, None, "county", "人民政府")),
])
def test_place_body_on_known_names(name, expected):
    got = regions.place_body(name)
    keys = ("province", "city", "county", "township", "division_code", "level", "body_kind")
    assert tuple(got[k] for k in keys) == expected


def test_ambiguous_names_resolve_only_with_context():
    assert regions.place_body("朝阳区人民政府")["province"] is None
    beijing = regions.place_body("朝阳区人民政府", title="北京市朝阳区2023年政府信息公开工作年度报告")
    assert beijing["division_code"] == "110105"
    changchun = regions.place_body("朝阳区人民政府", context=["长春市朝阳区政府信息公开"])
    assert changchun["division_code"] == "220104"
    # 城区 is in 阳泉 and in 晋城, both 山西: the province is certain, the county is not.
    shanxi = regions.place_body("城区人民政府", context=["山西省"])
    assert (shanxi["province"], shanxi["county"]) == ("山西省", None)


def test_division_list_is_consistent():
    table = regions.divisions()
    assert len(table) > 3000
    for div in table.values():
        assert re.fullmatch(r"\d{6}", div.code) and div.name
        assert div.code[:2] + "0000" in table, div
    assert "# Source:" in regions.DIVISIONS_CSV.read_text("utf-8").splitlines()[1]


def test_regions_in_the_built_database(db):
    assert summary(db, "002_5ffaec79e2212253.txt")["division_code"] == "210503"
    assert summary(db, "003_30467e87f80f2712.txt")["county"] == "卫辉市"
    yanta = summary(db, "004_2e4446dc98d28afd.txt")
    assert (yanta["county"], yanta["township"], yanta["level"]) == ("雁塔区", "漳浒寨街道", "township")
    assert summary(db, "huaian.pdf")["city"] == "淮安市"
    chaoyang = summary(db, "chaoyang.html")  # 朝阳区 of 北京, from the metadata's title
    assert (chaoyang["province"], chaoyang["division_code"]) == ("北京市", "110105")
    assert summary(db, "gulou.html")["province"] is None  # four 鼓楼区 and nothing to choose
    nameless = summary(db, "000_ba2cc9ced20f5da6.txt")
    assert nameless["body"] is None and nameless["province"] is None


# -- Datasette: JSON, CSV, facets ----------------------------------------------------------------


def test_report_summary_as_json_and_csv(ds, db):
    got = rows(ds, "/nianbao/report_summary.json?_shape=array&_size=max")
    assert {r["report_id"]: r["new_requests"] for r in got} == \
        {r["report_id"]: r["new_requests"] for r in db["report_summary"].rows}
    r = get(ds, "/nianbao/report_summary.csv?_size=max&province=辽宁省")
    assert r.status_code == 200
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert table and {row["province"] for row in table} == {"辽宁省"}
    assert len(table) == db["report_summary"].count_where("province = '辽宁省'")


def test_configured_facets(ds, db):
    data = get(ds, "/nianbao/report_summary.json").json()
    facets = data["facet_results"]
    for column in ("province", "city", "level", "body_kind", "reporting_year", "template_version", "checks_status"):
        assert column in facets, column
    counts = {f["value"]: f["count"] for f in facets["province"]["results"]}
    expected = dict(db.execute("select province, count(*) from report_summary where province is not null "
                               "group by province").fetchall())
    assert counts == expected


def test_fts_tables_hidden_and_license_shown(ds):
    tables = {t["name"]: t for t in get(ds, "/nianbao.json").json()["tables"]}
    fts = [name for name in tables if name.startswith("reports_fts")]
    assert fts and all(tables[name]["hidden"] for name in fts)
    assert not tables["report_summary"]["hidden"]
    page = get(ds, "/").text
    meta = json.loads(METADATA.read_text("utf-8"))
    assert meta["license"] in page and meta["source"] in page


def test_serving_settings_and_inspect_file(ds, data_dir, db):
    settings = get(ds, "/-/settings.json").json()
    assert settings["suggest_facets"] is False and settings["allow_download"] is True
    assert settings["sql_time_limit_ms"] > 0
    inspected = json.loads((data_dir / INSPECT_FILE).read_text("utf-8"))["nianbao"]
    assert inspected["tables"]["report_summary"]["count"] == db["report_summary"].count
    databases = get(ds, "/-/databases.json").json()
    assert databases[0]["is_mutable"] is False


# -- search -----------------------------------------------------------------------------------------


def _searchable(text: str | None) -> str:
    """What the index sees: Han characters and words, without spaces or punctuation between them."""
    return re.sub(r"[^\w]", "", text or "")


def expected_matches(db, terms: list[str]) -> set[str]:
    out = set()
    for row in db.query("select * from reports r left join report_texts t on t.report_id = r.id"):
        cols = [_searchable(row[c]) for c in SEARCH_COLUMNS]
        if all(any(t in c for c in cols) for t in terms):
            out.add(row["id"])
    return out


@pytest.mark.parametrize("query", ["溪", "街道", "雁塔区", "淮安市人民政府", "街道 公开", "政务 大数据"])
def test_search_terms_of_any_length(ds, db, query):
    expected = expected_matches(db, query.split())
    assert expected, query
    for table in ("reports", "report_summary"):
        found = rows(ds, f"/nianbao/{table}.json?_search={quote(query)}&_shape=array&_size=max")
        key = "id" if table == "reports" else "report_id"
        assert {r[key] for r in found} == expected, (table, query)
    canned = rows(ds, f"/nianbao/search_reports.json?q={quote(query)}&_shape=array")
    assert {r["report_id"] for r in canned} == expected


@pytest.mark.parametrize(("traditional", "simple"), [("淮安市人民政府", "淮安市人民政府"), ("雁塔區", "雁塔区"),
                                                    ("街道 公開", "街道 公开")])
def test_traditional_script_finds_what_simplified_finds(ds, traditional, simple):
    def found(query: str) -> set[str]:
        return {r["id"] for r in rows(ds, f"/nianbao/reports.json?_search={quote(query)}&_shape=array&_size=max")}

    assert found(traditional) == found(simple) != set()


@pytest.mark.parametrize("query", ["*", "()", '"', "+-"])
def test_a_search_of_punctuation_only_is_no_search_not_an_error(ds, db, query):
    found = rows(ds, f"/nianbao/reports.json?_search={quote(query)}&_shape=array&_size=max")
    assert len(found) == db["reports"].count


def test_search_for_absent_term_finds_nothing(ds):
    assert rows(ds, "/nianbao/reports.json?_search=%E9%BE%98&_shape=array") == []  # 龘
    assert rows(ds, "/nianbao/search_reports.json?q=&_shape=array") == []


# -- canned queries ---------------------------------------------------------------------------------


def test_every_canned_query_is_described(ds):
    queries = json.loads(METADATA.read_text("utf-8"))["databases"]["nianbao"]["queries"]
    assert set(queries) == {"body_timeseries", "region_totals_by_year", "failing_checks", "top_bodies",
                            "search_reports"}
    for name, q in queries.items():
        assert " — " in q["title"] and q["description"], name
        assert get(ds, f"/nianbao/{name}").status_code == 200


def test_body_timeseries(ds, db):
    got = rows(ds, f"/nianbao/body_timeseries.json?body={quote('溪湖区人民政府')}&_shape=array")
    assert [r["reporting_year"] for r in got] == [2023, 2024]
    expected = {r["reporting_year"]: r["new_requests"] for r in db["report_summary"].rows_where(
        "body = '溪湖区人民政府'")}
    assert {r["reporting_year"]: r["new_requests"] for r in got} == expected
    assert expected[2023] == expected[2024] + 1


def test_region_totals_by_year(ds, db):
    got = rows(ds, f"/nianbao/region_totals_by_year.json?province={quote('辽宁省')}&_shape=array")
    for row in got:
        mine = list(db["report_summary"].rows_where("province = '辽宁省' and reporting_year = ?",
                                                    [row["reporting_year"]]))
        assert row["reports"] == len(mine)
        for column in ("new_requests", "granted", "denied_total", "total_processed"):
            assert row[column] == sum(m[column] for m in mine if m[column] is not None)
    assert [r["reporting_year"] for r in got] == [2023, 2024]
    everything = rows(ds, "/nianbao/region_totals_by_year.json?_shape=array")
    assert sum(r["reports"] for r in everything) == db["report_summary"].count_where("reporting_year is not null")
    none = rows(ds, f"/nianbao/region_totals_by_year.json?province={quote('西藏自治区')}&_shape=array")
    assert none == []


def test_failing_checks(ds, db):
    got = rows(ds, "/nianbao/failing_checks.json?_shape=array")
    expected = {(r[0], r[1]) for r in db.execute("select report_id, rule from checks where status = 'fail'")}
    assert {(r["report_id"], r["rule"]) for r in got} == expected
    assert ("APP_BALANCE", 2023) in {(r["rule"], r["reporting_year"]) for r in got}
    assert all(json.loads(r["failed"]) for r in got)
    only = rows(ds, "/nianbao/failing_checks.json?rule=APP_ROW_TOTAL&_shape=array")
    assert {r["rule"] for r in only} <= {"APP_ROW_TOTAL"}


def test_top_bodies(ds, db):
    got = rows(ds, "/nianbao/top_bodies.json?_shape=array")
    requests = [r["new_requests"] for r in got]
    assert requests == sorted(requests, reverse=True) and requests
    top = db.execute("select body, sum(new_requests) from report_summary where body is not null "
                     "group by body, division_code order by 2 desc limit 1").fetchone()
    assert (got[0]["body"], got[0]["new_requests"]) == top
    in_2024 = rows(ds, "/nianbao/top_bodies.json?reporting_year=2024&_shape=array")
    assert in_2024 and all(r["first_year"] == r["last_year"] == 2024 for r in in_2024)


# -- charts and archived pages ---------------------------------------------------------------------


def test_charts_page_is_offline(ds):
    r = get(ds, f"/-/charts?province={quote('辽宁省')}")
    assert r.status_code == 200
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', r.text)
    assert scripts and all(s.startswith("/") for s in scripts), scripts
    for src in scripts:
        js = get(ds, src)
        assert js.status_code == 200 and len(js.text) > 500, src
    config = json.loads(re.search(r'id="nb-charts-config"[^>]*>(.*?)</script>', r.text, re.S).group(1))
    data = rows(ds, config["data_url"])
    assert data and {row["reporting_year"] for row in data} == {2023, 2024}


def test_reports_link_to_their_archived_copy(ds, db):
    page = get(ds, "/nianbao/reports?_size=max").text
    links = re.findall(r'href="(/-/archived/[^"]+)"', page)
    assert len(links) == db["reports"].count


def test_archived_html_is_served_without_scripts(ds, db):
    (record_id,) = [r["record_id"] for r in db["reports"].rows_where("url like '%chaoyang.html'")]
    r = get(ds, "/-/archived/" + quote(record_id, safe=""))
    assert r.status_code == 200
    assert "sandbox" in r.headers["content-security-policy"]
    assert r.headers["content-type"].startswith("text/html")
    body = r.text.lower()
    assert "北京市朝阳区信访办公室" in r.text
    for bad in ("<script", "onload", "javascript:", "<iframe", "tracker.invalid/pixel"):
        assert bad not in body, bad


def test_links_of_an_archived_page_lead_to_archived_copies_or_the_original_site(ds, db):
    """Relative links would point into this site: a target that is archived opens its archived
    copy, any other one the original URL."""
    (record_id,) = [r["record_id"] for r in db["reports"].rows_where("url like '%chaoyang.html'")]
    (pdf_id,) = [r["record_id"] for r in db["reports"].rows_where("url like '%huaian.pdf'")]
    r = get(ds, "/-/archived/" + quote(record_id, safe=""))
    links = dict((a.text_content(), a.get("href")) for a in lxml.html.fromstring(r.text).xpath("//a"))
    assert links["附件"] == quote(pdf_id, safe="")  # relative to /-/archived/<id>: its sibling
    assert get(ds, "/-/archived/" + links["附件"]).content.startswith(b"%PDF")
    assert links["往年"] == "http://127.0.0.1/ndbg/gone.html"
    assert "allow-downloads" in r.headers["content-security-policy"]
    assert "<title>存档 archived: http://127.0.0.1/ndbg/chaoyang.html</title>" in r.text


def test_archived_pdf_is_a_download_and_unknown_ids_404(ds, db):
    (record_id,) = [r["record_id"] for r in db["reports"].rows_where("url like '%huaian.pdf'")]
    r = get(ds, "/-/archived/" + quote(record_id, safe=""))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert r.headers["content-disposition"].startswith("attachment")
    assert get(ds, "/-/archived/" + quote("<urn:uuid:nope>", safe="")).status_code == 404


def _report_cells(db, url_end: str) -> list[dict]:
    return list(db.query("select c.* from cells c join reports r on r.id = c.report_id where r.url like ?",
                         [f"%/{url_end}"]))


def _squeeze(text: str) -> str:
    return "".join(text.split())


def test_every_figure_of_an_html_report_is_shown_highlighted_where_it_was_printed(ds, db):
    cells = _report_cells(db, "nested.html")
    assert len(cells) > 100
    for cell in cells:
        r = get(ds, f"/-/cell/{quote(cell['report_id'], safe='')}/{quote(cell['path'], safe='')}")
        assert r.status_code == 200 and "sandbox" in r.headers["content-security-policy"]
        assert "<script" not in r.text.lower()
        marked = lxml.html.fromstring(r.text).xpath('//*[@id="nb-cell"]')
        assert len(marked) == 1, cell["path"]
        assert marked[0].tag in ("td", "th")
        assert _squeeze(marked[0].text_content()) == _squeeze(cell["source_text"]), cell["path"]


def test_the_cells_table_links_each_figure_to_its_place(ds, db):
    (cell,) = [c for c in _report_cells(db, "nested.html") if c["path"] == "applications.new_received.natural_person"]
    page = get(ds, "/nianbao/cells?path=applications.new_received.natural_person&_size=max").text
    assert f'/-/cell/{quote(cell["report_id"], safe="")}/applications.new_received.natural_person#nb-cell' in page


def test_a_figure_read_from_a_pdf_is_boxed_on_a_picture_of_its_page_and_unknown_figures_404(ds, db):
    (cell,) = [c for c in _report_cells(db, "huaian.pdf") if c["path"] == "applications.new_received.total"]
    r = get(ds, f"/-/cell/{quote(cell['report_id'], safe='')}/{quote(cell['path'], safe='')}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "sandbox" in r.headers["content-security-policy"]
    page = lxml.html.fromstring(r.text)
    (img,) = page.xpath("//img")
    assert img.get("src").startswith("data:image/png;base64,")  # nothing fetched from anywhere
    (mark,) = page.xpath('//*[@id="nb-cell"]')
    assert "left:" in mark.get("style") and "top:" in mark.get("style")
    page_number = json.loads(cell["location"])["page"]
    assert f"page {page_number}" in r.text
    (record_id,) = [r["source_record_id"] for r in db["reports"].rows_where("url like '%huaian.pdf'")]
    assert page.xpath(f'//a[@href="../../archived/{quote(record_id, safe="")}"]')
    assert get(ds, f"/-/cell/{quote(cell['report_id'], safe='')}/no.such.path").status_code == 404


def test_a_figure_read_from_a_word_file_is_marked_in_the_file_as_read(ds, db):
    cells = _report_cells(db, "gulou_sfj.docx")
    assert len(cells) > 100
    for cell in cells[::10]:
        r = get(ds, f"/-/cell/{quote(cell['report_id'], safe='')}/{quote(cell['path'], safe='')}")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), cell["path"]
        (mark,) = lxml.html.fromstring(r.text).xpath('//*[@id="nb-cell"]')
        assert _squeeze(mark.text_content()) == _squeeze(cell["source_text"]), cell["path"]
