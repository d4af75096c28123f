"""How a printed table cell becomes a value: numbers, placeholders (null, never 0), units, signs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parsers.normalize import parse_value


@pytest.mark.parametrize("printed", ["", " ", "/", "／", "-", "--", "—", "——", "–", "无", "暂无", "空", "*",
                                     "\\", "—/—", "- -"])
def test_placeholders_are_null_values(printed):
    value = parse_value(printed)
    assert value is not None and value.number is None


@pytest.mark.parametrize(("printed", "number", "unit", "signed"), [
    ("12", "12", None, False),
    ("１２", "12", None, False),          # full-width digits
    ("1,234", "1234", None, False),
    ("1，234", "1234", None, False),      # full-width comma
    ("12件", "12", "件", False),
    ("3（件）", "3", "件", False),        # the unit in brackets
    ("26.55(万元)", "26.55", "万元", False),
    ("251000元", "251000", "元", False),
    ("3.5万元", "3.5", "万元", False),
    ("+3", "3", None, True),
    ("－2", "-2", None, True),           # full-width minus
])
def test_numbers(printed, number, unit, signed):
    value = parse_value(printed)
    assert (value.number, value.unit, value.signed) == (Decimal(number), unit, signed)


@pytest.mark.parametrize("printed", ["信息内容", "约3", "5(含2件)", "三", "(3)"])
def test_labels_and_prose_are_not_values(printed):
    assert parse_value(printed) is None


def test_a_cell_that_prints_no_number_is_a_null_in_its_place_not_the_end_of_the_row():
    from parsers.report import parse_bytes

    page = ("<html><body><h1>某县2022年政府信息公开工作年度报告</h1><p>二、主动公开政府信息情况</p><table>"
            "<tr><td>第二十条第（一）项</td></tr><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td>"
            "<td>现行有效件数</td></tr><tr><td>规章</td><td>1</td><td>?0</td><td>2</td></tr>"
            "<tr><td>行政规范性文件</td><td>4</td><td>3（件）</td><td>32</td></tr></table></body></html>")
    report = parse_bytes(page.encode(), filename="r.html")
    art20_1 = report["proactive_disclosure"]["art20_1"]
    assert art20_1["regulations"] == {"issued": 1, "repealed": None, "in_force": 2}
    assert art20_1["normative_documents"] == {"issued": 4, "repealed": 3, "in_force": 32}
    assert "proactive_disclosure.art20_1.regulations: a cell prints '?0', not a number; read as null" \
        in report["warnings"]
