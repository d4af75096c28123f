"""Section 四 (行政复议、行政诉讼) as narrow pages print it: every layout gives the same 15 values.

The template prints one row of 15 values under a three-level header.  Editors of narrow pages
split it into rows per group, into one table per group, into 15 one-cell rows, or turn it on its
side (a row per outcome, a column per group, in any column order).  A blank stays null in its place.
"""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from parsers.report import parse_bytes

GROUPS = ("review", "litigation_direct", "litigation_after_review")
PRINTED_GROUPS = ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")
OUTCOMES = ("upheld", "corrected", "other", "pending", "total")
LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
# Distinct numbers, so that a value read into the wrong place shows; one blank (null).
VALUES = {"review": [1, 2, 3, None, 6], "litigation_direct": [5, 7, 8, 9, 29],
          "litigation_after_review": [11, 12, 13, 14, 50]}


def td(v) -> str:
    return f"<td>{'' if v is None else v}</td>"


def one_row() -> str:
    return ("<table border=1><tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>"
            + "<tr>" + "".join(f"<td rowspan=2>{lab}</td>" for lab in LABELS)
            + "<td colspan=5>未经复议直接起诉</td><td colspan=5>复议后起诉</td></tr>"
            + "<tr>" + "".join(f"<td>{lab}</td>" for lab in LABELS * 2) + "</tr>"
            + "<tr>" + "".join(td(v) for g in GROUPS for v in VALUES[g]) + "</tr></table>")


def by_group() -> str:
    head = "<tr><td></td>" + "".join(f"<td>{lab}</td>" for lab in LABELS) + "</tr>"
    return ("<table border=1>" + head + "".join(
        f"<tr><td>{name}</td>{''.join(td(v) for v in VALUES[g])}</tr>" for g, name in zip(GROUPS, PRINTED_GROUPS, strict=True))
        + "</table>")


def by_outcome(column_order=(0, 1, 2)) -> str:
    head = "<tr><td>　</td>" + "".join(f"<td>{PRINTED_GROUPS[c]}</td>" for c in column_order) + "</tr>"
    rows = "".join(f"<tr><td>{lab}</td>{''.join(td(VALUES[GROUPS[c]][o]) for c in column_order)}</tr>"
                   for o, lab in enumerate(LABELS))
    return f"<table border=1>{head}{rows}</table>"


def vertical() -> str:
    rows = []
    for g, name in zip(GROUPS, PRINTED_GROUPS, strict=True):
        for o, lab in enumerate(LABELS):
            first = f"<td rowspan=5>{name}</td>" if o == 0 else ""
            rows.append(f"<tr>{first}<td>{lab}</td>{td(VALUES[g][o])}</tr>")
    return f"<table border=1>{''.join(rows)}</table>"


def two_tables() -> str:
    review = ("<p>（一）行政复议情况</p><table border=1><tr>" + "".join(f"<td>{lab}</td>" for lab in LABELS)
              + "</tr><tr>" + "".join(td(v) for v in VALUES["review"]) + "</tr></table>")
    lawsuits = ("<p>（二）行政诉讼情况</p><table border=1><tr><td colspan=5>未经复议直接起诉</td>"
                "<td colspan=5>复议后起诉</td></tr><tr>" + "".join(f"<td>{lab}</td>" for lab in LABELS * 2)
                + "</tr><tr>" + "".join(td(v) for g in GROUPS[1:] for v in VALUES[g]) + "</tr></table>")
    return review + lawsuits


def review_and_lawsuit_rows() -> str:
    return ("<table border=1><tr><td></td>" + "".join(f"<td>{lab}</td>" for lab in LABELS * 2) + "</tr>"
            + "<tr><td>行政复议</td>" + "".join(td(v) for v in VALUES["review"]) + "<td colspan=5></td></tr>"
            + "<tr><td>行政诉讼</td>" + "".join(td(v) for g in GROUPS[1:] for v in VALUES[g]) + "</tr></table>")


def page_with(table: str) -> bytes:
    """A real-looking 2021 report (fixture 15) whose section 四 table is replaced."""
    page = (FIXTURES / "html" / "15_missing_captions_2021.html").read_text("utf-8")
    start = page.index("<table", page.index("行政复议、行政诉讼情况"))
    end = page.index("</table>", start) + len("</table>")
    return (page[:start] + table + page[end:]).encode()


@pytest.mark.parametrize("layout", [one_row, by_group, by_outcome, lambda: by_outcome((2, 0, 1)), vertical,
                                    two_tables, review_and_lawsuit_rows],
                         ids=["one_row", "by_group", "by_outcome", "by_outcome_reordered", "vertical",
                              "two_tables", "review_and_lawsuit_rows"])
def test_every_layout_gives_the_same_values(layout):
    report = parse_bytes(page_with(layout()), filename="r.html")
    assert report["status"] == "ok", report["errors"]
    got = report["review_litigation"]
    assert {g: [got[g][o] for o in OUTCOMES] for g in GROUPS} == VALUES
    # Each value points at the cell it was printed in.
    where = report["provenance"]["review_litigation.litigation_after_review.total"]
    assert where["text"] == "50" and "row" in where
