"""The token stream every input format is reduced to.

A report is a sequence of cells and paragraphs in reading order.  HTML tables,
PDF tables and DOCX tables yield cells with grid positions; text layouts yield
cells with line numbers.  The table extractor works on this one stream, so a
new input format only has to produce tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .normalize import Value, norm, parse_value


@dataclass
class Token:
    """One cell or paragraph as printed, with where it was printed."""

    text: str
    where: dict = field(default_factory=dict)  # {"table","row","col"} | {"line"} | {"block"} | {"page"...}
    in_table: bool = False

    def __post_init__(self) -> None:
        self.norm = norm(self.text)
        self.value: Value | None = parse_value(self.text) if len(self.text) < 40 else None

    @property
    def is_blank(self) -> bool:
        return self.norm == ""

    @property
    def is_value(self) -> bool:
        """A number or a printed placeholder (not an empty cell)."""
        return self.value is not None and not self.is_blank

    @property
    def is_text(self) -> bool:
        return not self.is_blank and self.value is None

    def grid_key(self) -> tuple | None:
        """The printed row this token belongs to: a table row, or a text line holding several fields."""
        w = self.where
        if "table" in w and "row" in w:
            return (w["table"], w["row"])
        if "line" in w and "col" in w:
            return ("line", w["line"])
        return None


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


def text_tokens(text: str) -> list[Token]:
    """Tokenise a report flattened to text.

    Each line is split on tabs or ``|`` when it has them; otherwise it is one
    cell.  Empty fields are kept as blank tokens: in row layouts they mark
    spanned cells or null cells, and the extractor decides which.
    """
    tokens: list[Token] = []
    lines = [line for line in text.splitlines()]
    lines = ["" if "|" in line and _MD_SEPARATOR.match(line) else line for line in lines]
    edges = _pipe_edges(lines)
    for n, line in enumerate(lines):
        lineno = n + 1
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
