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
        w = self.where
        if "table" in w and "row" in w:
            return (w["table"], w["row"])
        return None


_PIPE_ROW = re.compile(r"\s*\|\s*")


def text_tokens(text: str) -> list[Token]:
    """Tokenise a report flattened to text.

    Each line is split on tabs or ``|`` when it has them; otherwise it is one
    cell.  Empty fields are kept as blank tokens: in row layouts they mark
    spanned cells, and the extractor decides what they mean.
    """
    tokens: list[Token] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if "\t" in line:
            parts = line.split("\t")
        elif "|" in line:
            parts = _PIPE_ROW.split(line)
            if parts and parts[0] == "" and line.lstrip().startswith("|"):
                parts = parts[1:]
        else:
            if not line.strip():
                continue
            parts = [line]
        for col, part in enumerate(parts):
            tokens.append(Token(part.strip(), {"line": lineno, "col": col}))
    return tokens
