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

from . import schema
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


# A page number printed as a line of its own ("- 4 -", "— 4 —", "4 / 6"): its fields read as values.
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]+\s*\d{1,3}\s*[-—–]+|\d{1,3}\s*/\s*\d{1,3})\s*$")
# A field ending like this may be a value (a number or a printed placeholder): only then is a
# line without tabs or pipes split on its spaces.
_VALUE_END = frozenset("0123456789０１２３４５６７８９/-—–*\\无空")


def _is_value(field: str) -> bool:
    return _analyse(field)[3]


@lru_cache(maxsize=1)
def _template_labels() -> tuple[tuple[str, ...], frozenset[str], tuple[str, ...]]:
    """What the tokenizer needs to know of the templates' row labels (report_format.json).

    (full normalised labels of sections 二 and 三, group labels included: a wrapped label's
    pieces are pieces of these; cores of section 二's row labels; normalised section 四 outcome
    and group labels).
    """
    full: dict[str, None] = {}
    cores: dict[str, None] = {}
    for version in ("2021", "2019"):
        tables = schema.schema()["templates"][version]["tables"]
        for row in tables["applications"]["rows"]:
            full.update((norm(x), None) for x in (row["label"], *row.get("variants", [])))
        for item in tables["proactive_disclosure"]["items"]:
            for row in item["rows"]:
                full.update((norm(x), None) for x in (row["label"], *row.get("variants", [])))
                cores.update((schema.core(x), None) for x in (row["label"], *row.get("variants", [])))
    review = tuple(dict.fromkeys(lab for labs in (*schema.review_outcome_labels(), *schema.review_groups())
                                 for lab in labs))
    return tuple(full), frozenset(cores), review


@lru_cache(maxsize=1 << 12)
def is_row_label(label_norm: str) -> bool:
    """Does a normalised text name a data row of section 二, 三 or 四 (as the extractor matches them)?"""
    if not label_norm:
        return False
    if schema.application_hits("2021", label_norm) or schema.application_hits("2019", label_norm):
        return True
    _full, cores, review = _template_labels()
    for c in cores:  # as tables._match_rows: the core, with a few characters of numbering or note
        if label_norm == c or (len(c) > 2 and c in label_norm and len(label_norm) <= len(c) + 8):
            return True
    return any(label_norm == lab or label_norm.endswith(lab) for lab in review)


@lru_cache(maxsize=1 << 12)
def _label_tail(label_norm: str) -> bool:
    """Is a normalised text the end of a template label (what a wrapped label's last line prints)?"""
    return bool(label_norm) and any(full.endswith(label_norm) for full in _template_labels()[0])


def _space_fields(line: str) -> list[str] | None:
    """A line without tabs or pipes split into its cells when it ends in values printed with spaces.

    PDF text layers (pdftotext without -layout, copy-paste from a viewer) print a table row as
    ``label v v v``: the trailing run of whitespace-separated values is the row's cells, the text
    before it the label.  A line of values only is a row of cells.  Not split: a run of one value
    after a text that is not a template row label (prose such as "统计期限自 2024", "P. 9"), a
    value after ``label：`` (metadata, phone numbers), and a page number line ("- 4 -").
    Returns the fields (label first, when there is one) or None to keep the line as one cell.
    """
    stripped = line.rstrip()
    if not stripped or stripped[-1] not in _VALUE_END:
        return None
    words = stripped.split()
    if len(words) < 2:
        return None
    k = len(words)
    while k > 0 and _is_value(words[k - 1]):
        k -= 1
    run = len(words) - k
    if run == 0:
        return None
    if k == 0:
        return None if _PAGE_NUMBER.match(stripped) else words
    label = " ".join(words[:k])
    if label[-1] in ":：":
        return None
    if run == 1 and not is_row_label(norm(label)):
        return None
    return [label, *words[k:]]


def _join_wrapped(tokens: list[Token], pending: list[int], label: str) -> str | None:
    """The label of a row whose printed label was wrapped over the lines before it, or None.

    A narrow table cell wraps a long label: "（二）部分公开（区分处理的，只计这一情" on one line,
    "形，不计其他情形） 447 7 0 0 0 0 454" on the next.  The row's own label is then not a row label
    but the end of one, and the lines before it (``pending``: the last lines, each one text cell)
    complete it.  The shortest completion that names a row wins; those lines' tokens are removed.
    """
    label_norm = norm(label)
    if is_row_label(label_norm) or not _label_tail(label_norm):
        return None
    joined = label
    for back in range(1, min(len(pending), 3) + 1):
        joined = tokens[pending[-back]].text + joined
        if is_row_label(norm(joined)):
            del tokens[pending[-back]:]
            return joined
    return None


def text_tokens(text: str) -> list[Token]:
    """Tokenise a report flattened to text.

    Each line is split on tabs or ``|`` when it has them; else, when it ends in values printed
    with spaces, into its label and those values (``_space_fields``); otherwise it is one cell.
    Empty fields are kept as blank tokens: in row layouts they mark spanned cells or null cells,
    and the extractor decides which.  In a one-cell-per-line layout, blank lines beyond the
    regular separators are empty cells (``_empty_lines``), marked ``empty`` in their position.
    A row label wrapped over lines before its values is joined again (``_join_wrapped``).
    """
    tokens: list[Token] = []
    lines = [line for line in text.splitlines()]
    lines = ["" if "|" in line and _MD_SEPARATOR.match(line) else line for line in lines]
    edges = _pipe_edges(lines)
    empty = _empty_lines(lines)
    # Indexes in ``tokens`` of the lines just read that were each one text cell (a label's pieces).
    pending: list[int] = []
    for n, line in enumerate(lines):
        lineno = n + 1
        if n in empty:
            tokens.append(Token("", {"line": lineno, "col": 0, "empty": True}))
            pending.clear()
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
                pending.clear()
                continue
            parts = _space_fields(line) or [line]
        if len(parts) == 1:
            token = Token(parts[0].strip(), {"line": lineno, "col": 0})
            if token.is_text:
                pending.append(len(tokens))
            else:
                pending.clear()
            tokens.append(token)
            continue
        if pending and len(parts) > 1:
            head = parts[0].strip()
            if head and not _is_value(head) and all(_is_value(p) or not p.strip() for p in parts[1:]):
                joined = _join_wrapped(tokens, pending, head)
                if joined is not None:
                    parts = [joined, *parts[1:]]
        pending.clear()
        for col, part in enumerate(parts):
            tokens.append(Token(part.strip(), {"line": lineno, "col": col}))
    return tokens
