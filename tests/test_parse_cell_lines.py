"""Text printed one cell per line with a ``|`` after each cell (portals' copy of a Word table):
a row's last cell printed ``11 | |`` is one cell, not a row of its own (parsers.tokens.text_tokens),
while in pipe rows the empty fields stay null cells."""

from __future__ import annotations

from pathlib import Path

from parsers import parse_bytes
from parsers.tokens import text_tokens

FIXTURES = Path(__file__).parent / "fixtures" / "text"


def rows(text: str) -> list[list[str]]:
    """Each printed line's fields, in order."""
    out: dict[int, list[str]] = {}
    for t in text_tokens(text):
        out.setdefault(t.where["line"], []).append(t.text)
    return list(out.values())


def parse_file(name: str) -> dict:
    return parse_bytes((FIXTURES / name).read_bytes(), filename=name)


CELL_LINES = "规章 |\n0 |\n0 |\n0 | |\n规范性文件 |\n13 |\n11 |\n11 | |\n"


def test_a_cell_line_with_a_trailing_empty_field_is_one_cell():
    assert rows(CELL_LINES) == [["规章"], ["0"], ["0"], ["0"], ["规范性文件"], ["13"], ["11"], ["11"]]


def test_pipe_rows_keep_their_empty_cells():
    """Rows of several cells: the empty fields are null cells, wherever they are printed."""
    text = "规章 | | 0 |\n规范性文件 | 4 | |\n行政许可 | 1 | 2 | 3 |\n行政处罚 | | | |\n"
    assert rows(text) == [["规章", "", "0"], ["规范性文件", "4", ""], ["行政许可", "1", "2", "3"],
                          ["行政处罚", "", "", ""]]


def test_a_lone_trailing_empty_line_among_rows_stays_a_row():
    """One ``v | |`` line among rows of several cells is decided by its run: a row."""
    text = "信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |\n规章 | 1 | 2 | 3 |\n5 | |\n"
    assert rows(text)[-1] == ["5", ""]


def test_cell_lines_with_trailing_empty_cells_in_section_two():
    """Real excerpt (东丽区教育局 2019): every row's last cell printed ``v | |``. Each row keeps its
    own three values; before, each row lost its last value to the next label (13/11/11 read 0/-/-)."""
    d = parse_file("dongli_jyj_2019_cell_lines_trailing_empty.txt")
    art = d["proactive_disclosure"]
    assert art["art20_1"]["regulations"] == {"newly_made": 0, "newly_published": 0, "total_published": 0}
    assert art["art20_1"]["normative_documents"] == {"newly_made": 13, "newly_published": 11,
                                                     "total_published": 11}
    for item, row in (("art20_5", "administrative_licensing"), ("art20_5", "other_external_services"),
                      ("art20_6", "administrative_penalty"), ("art20_6", "administrative_coercion")):
        assert art[item][row] == {"prev_year_items": 0, "change_this_year": 0, "decisions": 0}, (item, row)
    assert not [w for w in d["warnings"] if "cells printed" in w]


def test_cell_lines_after_a_lone_bar_line_still_read():
    """Real excerpt (大垅乡 2020): a ``|`` line before each row, cells ending `` |``, the last `` | |``."""
    d = parse_file("hukou_dalong_2020_bar_then_cells.txt")
    art = d["proactive_disclosure"]
    assert art["art20_1"]["normative_documents"] == {"newly_made": 0, "newly_published": 0, "total_published": 0}
    assert art["art20_6"]["administrative_coercion"] == {"prev_year_items": 0, "change_this_year": 0,
                                                         "decisions": 0}
    assert art["art20_8"]["administrative_fees"] == {"prev_year_items": 0, "change_this_year": 0}
    assert d["warnings"] == []


def test_section_three_cell_lines_with_trailing_empty_cells():
    """The same layout in the 7-column matrix: a trailing empty field never starts a row."""
    labels = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量"]
    lines = ["二、主动公开政府信息情况", "第二十条第(一)项 | ||||", "信息内容 |", "本年新制作数量 |", "本年新公开数量 |",
             "对外公开总数量 | |", "规章 |", "1 |", "2 |", "3 | |",
             "三、收到和处理政府信息公开申请情况"]
    for k, label in enumerate(labels):
        values = [str(10 * k + c) for c in range(1, 8)]
        lines += [f"{label} |", *(f"{v} |" for v in values[:-1]), f"{values[-1]} | |"]
    d = parse_bytes("\n".join(lines).encode(), filename="x.txt")
    apps = d["applications"]
    assert apps["new_received"]["natural_person"] == 1 and apps["new_received"]["total"] == 7
    assert apps["carried_over"]["natural_person"] == 11 and apps["carried_over"]["total"] == 17
    assert d["proactive_disclosure"]["art20_1"]["regulations"] == {"newly_made": 1, "newly_published": 2,
                                                                   "total_published": 3}


def test_a_lone_bar_among_bar_ended_cell_lines_is_an_empty_cell():
    # "一、本年新收…申请数量 |" then six lines "|" (empty cells) then "0 |": the 0 is the total.
    report = parse_file("weiyang_tjj_2023_bar_empty_cells.txt")
    new = report["applications"]["new_received"]
    assert new["total"] == 0
    assert [new[k] for k in ("natural_person", "commercial_enterprise", "other_org")] == [None, None, None]
    where = report["provenance"]["applications.new_received.total"]
    assert where["text"] == "0"


def test_a_pipe_row_broken_over_lines_by_its_empty_cells():
    """An empty cell's line break splits a pipe row: ``label | 25 |``, ``|`` ×4, ``| 25 |``.

    Each break sits between two ``|``: it is the empty cell.  The row's lines are one row again,
    so the value after the empty cells is the 总计 column's, not 自然人's.
    """
    text = "一、本年新收政府信息公开申请数量 | 25 |\n|\n|\n|\n|\n| 25 |\n二、上年结转政府信息公开申请数量 |\n|\n|\n|\n|\n|\n| 0 |\n"
    assert rows(text) == [["一、本年新收政府信息公开申请数量", "25", "", "", "", "", "", "25"],
                          ["二、上年结转政府信息公开申请数量", "", "", "", "", "", "", "0"]]


def test_rows_broken_by_empty_cells_in_a_real_2019_report():
    """A 区发改局's 2020 report (2019 template): 三's rows print 自然人 and 总计, the five columns
    between them empty and broken over lines; 二's signed changes (+1, -2) and 184719元 stay right."""
    report = parse_file("williamhill_fgj_2020_rows_broken_by_empty_cells.txt")
    apps = report["applications"]
    empty = dict.fromkeys(("commercial_enterprise", "research_institution", "social_welfare_org",
                           "legal_service_org", "other_org"))
    assert apps["new_received"] == {"natural_person": 25, **empty, "total": 25}
    assert apps["carried_over"] == {"natural_person": None, **empty, "total": 0}
    assert apps["granted"] == {"natural_person": 7, **empty, "total": 7}
    assert apps["partially_granted"] == {"natural_person": 1, **empty, "total": 1}
    art5 = report["proactive_disclosure"]["art20_5"]
    assert art5["administrative_licensing"] == {"prev_year_items": 22, "change_this_year": 1, "decisions": 23}
    assert report["proactive_disclosure"]["art20_6"]["administrative_penalty"]["change_this_year"] == -2
    assert report["proactive_disclosure"]["art20_9"]["centralized_procurement"]["procurement_amount"] == 18.4719
    assert report["provenance"]["applications.new_received.total"]["line"] == 26
