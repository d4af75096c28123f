"""A real 6-page report PDF (WPS export, 2021 template): every cell of sections 二, 三, 四."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, flatten, run_cli

PDF = FIXTURES / "real" / "huaian_szf_2024_report.pdf"
EXPECTED = json.loads((FIXTURES / "real" / "huaian_szf_2024_report.expected.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def report() -> dict:
    result = run_cli("parse", str(PDF))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("section", ["proactive_disclosure", "applications", "review_litigation"])
def test_every_cell(report, section):
    assert flatten(report[section]) == flatten(EXPECTED[section])


def test_identity(report):
    for key in ("template_version", "reporting_year", "issuing_body", "title"):
        assert report[key] == EXPECTED[key], key
    assert report["format"] == "pdf"


def test_rules_pass_and_cells_point_to_pages(report):
    assert {c["rule"]: c["status"] for c in report["checks"]} == {r["rule"]: r["status"] for r in EXPECTED["rules"]}
    where = report["provenance"]["applications.new_received.total"]
    assert where["page"] == 4 and where["text"] == "3119" and "row" in where and "col" in where


def test_each_figure_s_box_holds_the_text_it_was_read_from(report):
    """``source_box`` finds a figure's place again (the published site boxes it on the page): the
    text inside each box is the text the figure was read from (every tenth figure of the report, from
    all three sections: each look-up reads the tables of the pages before, as the parse did)."""
    import io

    import pdfplumber

    from parsers.pdf import source_box

    data = PDF.read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        figures = list(report["provenance"].items())
        assert len(figures) > 150
        for path, where in figures[::10]:
            pageno, box = source_box(data, where)
            assert pageno == where["page"], path
            printed = pdf.pages[pageno - 1].crop(box).extract_text() or ""
            assert "".join(printed.split()) == "".join(where["text"].split()), path
    assert source_box(data, {"page": 99, "table": 0, "row": 0, "col": 0}) is None
    assert source_box(data, {"page": 4, "table": 999, "row": 0, "col": 0}) is None


def test_truncated_pdf_is_an_error_not_a_crash(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(PDF.read_bytes()[:5000])
    result = run_cli("parse", str(broken))
    assert "Traceback" not in result.stderr
    out = json.loads(result.stdout)
    assert out["status"] in ("error", "partial", "ok")
    if out["status"] == "error":
        assert result.returncode != 0 and out["errors"]
