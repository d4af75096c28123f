"""How blank lines are read in text printed one cell per line (parsers.tokens.text_tokens)."""

from __future__ import annotations

from parsers.tokens import text_tokens


def empties(text: str) -> list[int]:
    return [t.where["line"] for t in text_tokens(text) if t.where.get("empty")]


def test_with_one_blank_line_after_each_cell_three_blank_lines_hold_an_empty_cell():
    cells = ["（一）予以公开", "7", "", "0", "0", "2", "0", "9", "（二）部分公开", "1"]
    text = "".join(f"{c}\n\n" for c in cells)
    # the empty cell is the 3rd value: line 5 of "7", "", "", "", "0"
    assert empties(text) == [5]


def test_without_separators_one_blank_line_is_an_empty_cell():
    cells = ["（一）予以公开", "7", "", "0", "0", "2", "0", "9", "（二）部分公开", "1", "2", "3"]
    assert empties("\n".join(cells)) == [3]


def test_irregular_blank_lines_are_not_cells():
    """Prose with blank lines of every length: no rhythm, so no blank line is taken for a cell."""
    text = "甲\n\n乙\n丙\n\n\n丁\n戊\n\n\n\n己\n庚\n\n辛\n\n\n壬\n癸\n\n子\n丑\n"
    assert empties(text) == []
