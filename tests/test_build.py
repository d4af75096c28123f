"""Archive → SQLite → Datasette, without the network: rows, dedupe, errors, JSON/CSV API, search."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import sqlite3

import pytest
import sqlite_utils
from conftest import FIXTURES, archive_page, load_expected

from archive import Archive
from nianbao.build import REPORT_COLUMNS, SEARCH_COLUMNS, build
from nianbao.serve import METADATA, datasette_app

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    with Archive(data / "archive") as archive:
        for seed in SEEDS:
            archive_page(archive, f"http://127.0.0.1/ndbg/{seed.name}", seed.read_bytes())
        # Fetched again unchanged (a revisit), and mirrored at a second URL: still one report each.
        archive_page(archive, f"http://127.0.0.1/ndbg/{SEEDS[0].name}", SEEDS[0].read_bytes())
        archive_page(archive, "http://127.0.0.1/mirror/copy.txt", SEEDS[1].read_bytes())
        archive_page(archive, "http://127.0.0.1/ndbg/index.html", b"<html><a href=x>list</a></html>",
                     headers=[("Content-Type", "text/html")], kind="list")
        archive_page(archive, "http://127.0.0.1/ndbg/broken.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 legacy word",
                     headers=[("Content-Type", "application/msword")])
        pdf = FIXTURES / "real" / "huaian_szf_2024_report.pdf"
        archive_page(archive, "http://127.0.0.1/ndbg/huaian.pdf", pdf.read_bytes(),
                     headers=[("Content-Type", "application/pdf")])
    build(data)
    return data


@pytest.fixture(scope="module")
def db(data_dir):
    return sqlite_utils.Database(data_dir / "nianbao.db")


def test_every_archived_response_is_a_document(db):
    assert db["documents"].count == 10
    assert {r["kind"] for r in db["documents"].rows} == {"report", "list"}
    assert db.execute("select count(*) from documents where record_type = 'revisit'").fetchone()[0] == 2


def test_one_report_row_per_report_failures_included(db):
    rows = {r["url"].rsplit("/", 1)[1]: r for r in db["reports"].rows}
    assert sorted(rows) == sorted([s.name for s in SEEDS] + ["broken.doc", "huaian.pdf"])
    assert rows[SEEDS[1].name]["also_at"] == json.dumps(["http://127.0.0.1/mirror/copy.txt"])
    broken = rows["broken.doc"]
    assert broken["parse_status"] == "unsupported_format" and "unsupported" in broken["parse_error"]
    assert rows["huaian.pdf"]["template_version"] == "2021" and rows["huaian.pdf"]["format"] == "pdf"


def test_values_match_the_hand_checked_seeds(db):
    for seed in SEEDS:
        expected = load_expected(seed.stem)
        (report,) = db["reports"].rows_where("url like ?", [f"%/{seed.name}"])
        assert report["template_version"] == expected["template_version"]
        assert report["reporting_year"] == expected["reporting_year"]
        got = {r["row_key"]: r for r in db["applications"].rows_where("report_id = ?", [report["id"]])}
        for row_key, cols in expected["applications"].items():
            for col, value in cols.items():
                assert got[row_key][col] == value, (seed.name, row_key, col)
        for group, cols in expected["review_litigation"].items():
            (row,) = db["review_litigation"].rows_where("report_id = ? and group_key = ?", [report["id"], group])
            assert {c: row[c] for c in cols} == cols


def test_every_value_keeps_its_source_cell(db):
    missing = db.execute("select count(*) from cells where value is not null and source_text is null").fetchone()[0]
    assert missing == 0
    row = db.execute("select c.source_text, c.location from cells c join reports r on r.id = c.report_id "
                     "where r.format = 'pdf' and c.path = 'applications.new_received.total'").fetchone()
    assert row[0] and "page" in json.loads(row[1])


def test_rebuild_gives_the_same_database(data_dir, db):
    before = list(sqlite3.connect(data_dir / "nianbao.db").iterdump())
    build(data_dir)
    assert list(sqlite3.connect(data_dir / "nianbao.db").iterdump()) == before
    assert not list(data_dir.glob(".*building*"))


def test_parallel_parsing_gives_the_same_database(data_dir, tmp_path, monkeypatch):
    import shutil

    import nianbao.build

    copy = tmp_path / "data"
    shutil.copytree(data_dir / "archive", copy / "archive")
    monkeypatch.setattr(nianbao.build, "POOL_MIN", 2)
    monkeypatch.setattr(nianbao.build, "BATCH", 3)
    build(copy, workers=2)
    build(data_dir, workers=1)
    dump = [list(sqlite3.connect(d / "nianbao.db").iterdump()) for d in (copy, data_dir)]
    assert dump[0] == dump[1]


def test_reports_table_has_the_declared_columns(db):
    assert tuple(db["reports"].columns_dict) == REPORT_COLUMNS


def test_metadata_json_describes_every_table_and_column(db):
    tables = json.loads(METADATA.read_text(encoding="utf-8"))["databases"]["nianbao"]["tables"]
    for name in db.table_names():
        if name.startswith("reports_fts"):
            continue
        assert tables[name]["description"], name
        for column in db[name].columns_dict:
            assert tables[name]["columns"].get(column), f"{name}.{column} has no description"
        assert set(tables[name]["columns"]) <= set(db[name].columns_dict), f"{name}: stale column descriptions"


def test_home_page_links_where_to_start_and_every_link_resolves(ds):
    """The home page lists the tables alphabetically (cells, applications …); its description
    points a newcomer at the summary, charts and health pages, by links relative to the home
    page so that they also work under a base URL."""
    home = get(ds, "/")
    links = re.findall(r'<a href="([^"#:]+)">', home.text.split("Start here", 1)[1].split("</ul>", 1)[0])
    assert {"nianbao/report_summary", "nianbao/reports", "-/charts", "nianbao/failing_checks"} <= set(links)
    for link in links:
        assert get(ds, "/" + link).status_code == 200, link


@pytest.fixture(scope="module")
def ds(data_dir):
    return datasette_app(data_dir / "nianbao.db")


def get(ds, path):
    return asyncio.run(ds.client.get(path))


def test_datasette_serves_reports_as_json_and_csv(ds, db):
    r = get(ds, "/nianbao/reports.json?_shape=array&_size=max")
    assert r.status_code == 200
    assert {row["id"] for row in r.json()} == {row["id"] for row in db["reports"].rows}
    r = get(ds, "/nianbao/reports.csv?_size=max")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert "二里岗街道办事处" in {row["issuing_body"] for row in rows}


def test_datasette_serves_applications_as_json_and_csv(ds, db):
    r = get(ds, "/nianbao/applications.json?_shape=array&row_key=new_received&_size=max")
    assert r.status_code == 200
    totals = sorted(row["total"] for row in r.json())
    assert totals == sorted(row["total"] for row in db["applications"].rows_where("row_key = 'new_received'"))
    r = get(ds, "/nianbao/applications.csv?row_key=carried_forward&_size=max")
    assert r.status_code == 200 and r.text.splitlines()[0].startswith("report_id,row_key")


@pytest.mark.parametrize("term", ["溪湖", "街道", "政务", "卫辉市政务和大数据管理局"])
def test_chinese_search_finds_short_and_long_terms(ds, db, term):
    r = get(ds, f"/nianbao/reports.json?_search={term}&_shape=array")
    assert r.status_code == 200, r.text
    found = {row["id"] for row in r.json()}
    cols = ", ".join(SEARCH_COLUMNS)
    texts = {rid: " ".join(str(v or "") for v in values) for rid, *values in db.execute(
        f"select r.id, {cols} from reports r left join report_texts t on t.report_id = r.id").fetchall()}
    assert found and found == {i for i, t in texts.items() if term in t.replace(" ", "")}


def test_tables_in_an_unreadable_attachment_are_not_reported_as_missing(tmp_path):
    with Archive(tmp_path / "archive") as archive:
        archive_page(archive, "http://127.0.0.1/ndbg/att.html",
                     "<html><h1>某局2023年政府信息公开工作年度报告</h1><p>详见附件。</p></html>".encode(),
                     headers=[("Content-Type", "text/html; charset=utf-8")],
                     meta={"attachments": ["http://127.0.0.1/ndbg/report.doc"]})
        archive_page(archive, "http://127.0.0.1/ndbg/report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 word 97",
                     headers=[("Content-Type", "application/msword")], kind="attachment")
    build(tmp_path, workers=1)
    (row,) = sqlite_utils.Database(tmp_path / "nianbao.db")["reports"].rows
    assert row["parse_status"] == "unsupported_format"
    assert "report.doc" in row["parse_error"] and row["source_url"].endswith("report.doc")
