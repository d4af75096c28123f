"""A traditional-script copy of a report (a mirror site, a converter, HK/Macau style) reads the same.

The copies are made here with OpenCC's own simplified → traditional conversion of whole pages, not
with a list of label characters: every label, header and unit is converted as a real converter
converts it (萬元 for 万元: a missed character there would be a silent factor of 10,000).
"""

from __future__ import annotations

import json

import opencc
import pytest
from conftest import FIXTURES, flatten

from parsers.report import parse_bytes

SECTIONS = ("proactive_disclosure", "applications", "review_litigation")
PAGES = ["01_trs_word_2021", "02_trs_2019_nbsp_placeholders", "13_fee_header_yuan_2021", "15_missing_captions_2021"]


@pytest.mark.parametrize("config", ["s2t", "s2hk", "s2tw"])
@pytest.mark.parametrize("name", PAGES)
def test_a_converted_copy_gives_the_same_values(name, config):
    expected = json.loads((FIXTURES / "html_expected" / f"{name}.json").read_text("utf-8"))
    page = (FIXTURES / "html" / expected["file"]).read_text("utf-8")
    copy = opencc.OpenCC(config).convert(page)
    assert copy != page
    report = parse_bytes(copy.encode(), filename="copy.html")
    assert report["status"] == "ok", report["errors"]
    assert report["template_version"] == expected["template_version"]
    assert report["reporting_year"] == expected["reporting_year"]
    for section in SECTIONS:
        assert flatten(report[section]) == flatten(expected[section]), section
    assert [c["status"] for c in report["checks"]] == [r["status"] for r in expected["rules"]]
