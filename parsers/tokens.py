"""The token stream every input format is reduced to.

A report is a sequence of cells and paragraphs in reading order.  HTML tables,
PDF tables and DOCX tables yield cells with grid positions; text layouts yield
cells with line numbers.  The table extractor works on this one stream, so a
new input format only has to produce tokens.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .normalize import Value, norm, parse_value


@lru_cache(maxsize=1 << 14)
def _analyse(text: str) -> tuple[str, Value | None, bool, bool, bool]:
    """(norm, value, is_blank, is_value, is_text) of a short text, once per distinct text.

    Short texts (cells: numbers, placeholders, labels) recur in every report; longer ones are
    prose, never a value, and only their normal form is needed (``norm`` caches it).
    """
    normed = norm(text)
    value = parse_value(text)
    blank = normed == ""
    return normed, value, blank, value is not None and not blank, not blank and value is None


class Token:
    """One cell or paragraph as printed, with where it was printed.

    Everything the extractor asks of a token (normal form, value, blank/text/value kind, printed
    row) is computed once here: the text of one token is read many times by sections, metadata and
    table fitting.  Tokens are not modified after construction.
    """

    __slots__ = ("text", "where", "in_table", "norm", "value", "is_blank", "is_value", "is_text", "grid")

    def __init__(self, text: str, where: dict | None = None, in_table: bool = False,
                 grid: tuple | None = None) -> None:
        self.text = text
        # {"table","row","col"} | {"line"} | {"block"} | {"page"...}
        self.where = where if where is not None else {}
        self.in_table = in_table
        # is_value: a number or a printed placeholder (not an empty cell); is_text: a label or prose.
        if len(text) < 40:
            self.norm, self.value, self.is_blank, self.is_value, self.is_text = _analyse(text)
        else:
            self.norm = norm(text)
            self.value = None
            self.is_blank = self.norm == ""
            self.is_value = False
            self.is_text = not self.is_blank
        # The printed row this token belongs to: a table row, or a text line holding several fields.
        # A caller that emits a row's cells passes it (one tuple per row, not one per cell).
        if grid is None:
            w = self.where
            if "table" in w and "row" in w:
                grid = (w["table"], w["row"])
            elif "line" in w and "col" in w:
                grid = ("line", w["line"])
        self.grid = grid

    def grid_key(self) -> tuple | None:
        """The printed row this token belongs to: a table row, or a text line holding several fields."""
        return self.grid

    def __repr__(self) -> str:
        return f"Token(text={self.text!r}, where={self.where!r}, in_table={self.in_table!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Token):
            return NotImplemented
        return (self.text, self.where, self.in_table) == (other.text, other.where, other.in_table)

    __hash__ = None  # type: ignore[assignment]  # mutable-looking value object, as the dataclass was


_PIPE_ROW = re.compile(r"\s*\|\s*")
# A markdown header separator ("|---|:--:|"): layout, not cells; its dashes would read as placeholders.
_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _pipe_edges(lines: list[str]) -> dict[int, tuple[bool, bool]]:
    """For each pipe line: whether its leading / trailing ``|`` is a border rather than a separator.

    "| a | b |" (markdown) has borders on both sides, "a | b |" only on the right, and in
    " | 2 | 3 |" the first field is a blank cell.  One line cannot tell these apart, but a table
    uses one convention for all its rows, so the run of consecutive pipe lines decides.
    """
    edges: dict[int, tuple[bool, bool]] = {}
    run: list[int] = []

    def close() -> None:
        if run:
            stripped = [lines[n].strip() for n in run]
            lead = all(x.startswith("|") for x in stripped)
            trail = all(x.endswith("|") for x in stripped)
            edges.update((n, (lead, trail)) for n in run)
            run.clear()

    for n, line in enumerate(lines):
        if "|" in line and "\t" not in line:
            run.append(n)
        else:
            close()
    close()
    return edges


def _empty_lines(lines: list[str]) -> set[int]:
    """Blank lines that stand for an empty cell, where the layout says so.

    One cell per line, each followed by the same number of blank lines (``s``, 1 in most
    converters' output, 0 in others): an empty cell is then an empty line with its own
    ``s`` separators, so a gap of ``s + k(s + 1)`` blank lines holds ``k`` empty cells.
    Only a layout whose gaps are that regular (most gaps exactly ``s``) is read this way,
    and the extractor keeps such a cell only where its row then has the right width.
    """
    filled = [n for n, line in enumerate(lines) if line.strip()]
    gaps = [(a, b - a - 1) for a, b in zip(filled, filled[1:], strict=False)]
    if len(gaps) < 8:
        return set()
    counts = Counter(length for _, length in gaps)
    sep, common = counts.most_common(1)[0]
    if common < 0.75 * len(gaps) or sep > 2:
        return set()
    out = set()
    for start, length in gaps:
        extra = length - sep
        if extra > 0 and extra % (sep + 1) == 0:
            # The k-th empty cell is the line after its own leading separators.
            out.update(start + sep + 1 + j * (sep + 1) for j in range(extra // (sep + 1)))
    return out


def text_tokens(text: str) -> list[Token]:
    """Tokenise a report flattened to text.

    Each line is split on tabs or ``|`` when it has them; otherwise it is one
    cell.  Empty fields are kept as blank tokens: in row layouts they mark
    spanned cells or null cells, and the extractor decides which.  In a
    one-cell-per-line layout, blank lines beyond the regular separators are
    empty cells (``_empty_lines``), marked ``empty`` in their position.
    """
    tokens: list[Token] = []
    lines = [line for line in text.splitlines()]
    lines = ["" if "|" in line and _MD_SEPARATOR.match(line) else line for line in lines]
    edges = _pipe_edges(lines)
    empty = _empty_lines(lines)
    for n, line in enumerate(lines):
        lineno = n + 1
        if n in empty:
            tokens.append(Token("", {"line": lineno, "col": 0, "empty": True}))
            continue
        if "\t" in line:
            parts = line.split("\t")
        elif "|" in line:
            parts = _PIPE_ROW.split(line)
            lead, trail = edges[n]
            if lead and len(parts) > 1 and parts[0] == "":
                parts = parts[1:]
            if trail and len(parts) > 1 and parts[-1] == "":
                parts = parts[:-1]
        else:
            if not line.strip():
                continue
            parts = [line]
        for col, part in enumerate(parts):
            tokens.append(Token(part.strip(), {"line": lineno, "col": col}))
    return tokens
