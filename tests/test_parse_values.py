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
