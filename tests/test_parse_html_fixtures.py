"""`nianbao parse` on frozen pages modelled on real portal markup reproduces every hand-checked value.

The pages (tests/fixtures/html) copy the markup of TRS, Hanweb, gkmlpt, Word-export HTML and a WPS
PDF text layer, each with the quirks listed in its expected file's "layout" and "notes".  The
expected files (tests/fixtures/html_expected) hold the values as printed in the page, read by hand.
"""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, flatten, run_cli

SECTIONS = ("proactive_disclosure", "applications", "review_litigation")
EXPECTED = {p.stem: json.loads(p.read_text("utf-8")) for p in sorted((FIXTURES / "html_expected").glob("*.json"))}


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict]:
    """Every fixture through one real CLI call: one JSON line per file, in argument order."""
    names = list(EXPECTED)
    result = run_cli("parse", *(str(FIXTURES / "html" / EXPECTED[n]["file"]) for n in names))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(names)
    return {n: json.loads(line) for n, line in zip(names, lines, strict=True)}


def test_at_least_twenty_fixtures():
    assert len(EXPECTED) >= 20
    assert all((FIXTURES / "html" / e["file"]).is_file() for e in EXPECTED.values())


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_cell(parsed, name):
    report, expected = parsed[name], EXPECTED[name]
    for section in SECTIONS:
        got, want = flatten(report[section]), flatten(expected[section])
        assert got == want, {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_identity_and_metadata(parsed, name):
    report, expected = parsed[name], EXPECTED[name]
    assert report["status"] == "ok", report["errors"]
    for key in ("template_version", "reporting_year", "issuing_body", "title"):
        assert report[key] == expected[key], key
    for label, value in expected["metadata"].items():
        assert report["metadata"].get(label) == value, label


@pytest.mark.parametrize("name", list(EXPECTED))
def test_nulls_rules_and_provenance(parsed, name):
    report, expected = parsed[name], EXPECTED[name]
    cells = {f"{s}.{k}": v for s in SECTIONS for k, v in flatten(report[s]).items()}
    assert {p for p, v in cells.items() if v is None} == set(expected["null_cells"])
    got = {c["rule"]: c["status"] for c in report["checks"]}
    assert got == {r["rule"]: r["status"] for r in expected["rules"]}
    for path, value in cells.items():
        if value is not None:
            where = report["provenance"][path]
            assert where["text"] and ({"row", "line", "block"} & set(where)), path
    if expected["template_version"] == "none":
        assert report["texts"]["overview"] and report["texts"]["problems_improvements"]


@pytest.mark.parametrize("declaration", [b'<?xml version="1.0" encoding="utf-8"?>\n',
                                         b"\xef\xbb\xbf<?xml version='1.0' encoding='UTF-8' ?>\r\n"],
                         ids=["xml-declaration", "bom-and-xml-declaration"])
def test_a_page_opening_with_an_xml_declaration_reads_the_same(declaration):
    """XHTML pages and some CMS exports open with ``<?xml … encoding=…?>``, which lxml refuses on
    decoded text: the page must read exactly as it does without it."""
    from parsers import page_metadata, parse_bytes

    for path in sorted((FIXTURES / "html").glob("*.html"))[:4]:
        data = path.read_bytes()
        plain, declared = parse_bytes(data, filename=path.name), parse_bytes(declaration + data, filename=path.name)
        assert declared["status"] == "ok", (path.name, declared["errors"])
        assert declared == plain, path.name
        assert page_metadata(declaration + data) == page_metadata(data)
