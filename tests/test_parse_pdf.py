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


def test_truncated_pdf_is_an_error_not_a_crash(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(PDF.read_bytes()[:5000])
    result = run_cli("parse", str(broken))
    assert "Traceback" not in result.stderr
    out = json.loads(result.stdout)
    assert out["status"] in ("error", "partial", "ok")
    if out["status"] == "error":
        assert result.returncode != 0 and out["errors"]
