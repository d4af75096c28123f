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


def _pipe_edges(lines: list[str]) -> dict[int, tuple[bool, bool, bool]]:
    """For each pipe line: whether its leading / trailing ``|`` is a border rather than a separator,
    and whether its run of lines prints one cell per line.

    "| a | b |" (markdown) has borders on both sides, "a | b |" only on the right, and in
    " | 2 | 3 |" the first field is a blank cell.  One line cannot tell these apart, but a table
    uses one convention for all its rows, so the run of consecutive pipe lines decides.

    The run also decides what empty fields after a line's only text mean.  In rows
    (``规章 | | 0 |``, ``规章 | 0 | |``) they are null cells; where (nearly) every line prints one
    field, cells printed one per line with a ``|`` after each, a line ``11 | |`` is one cell with
    a stray empty field (a row's last cell, a spanned column), not a row of its own.
    """
    edges: dict[int, tuple[bool, bool, bool]] = {}
    run: list[int] = []

    def close() -> None:
        if run:
            stripped = [lines[n].strip() for n in run]
            lead = all(x.startswith("|") for x in stripped)
            trail = all(x.endswith("|") for x in stripped)
            single = several = 0
            for x in stripped:
                kind = _pipe_kind(x, lead)
                single += kind == 1
                several += kind == 2
            cell_lines = single >= 2 and several * 4 < single
            edges.update((n, (lead, trail, cell_lines)) for n in run)
            run.clear()

    for n, line in enumerate(lines):
        if "|" in line and "\t" not in line:
            run.append(n)
        else:
            close()
    close()
    return edges


def _pipe_kind(stripped: str, lead: bool) -> int:
    """0: a pipe line printing no text; 1: one text, in its first field (after a leading border);
    2: several texts, or a text after an empty first field (a row)."""
    fields = _PIPE_ROW.split(stripped)
    if lead and fields and fields[0] == "":
        fields = fields[1:]
    filled = [k for k, f in enumerate(fields) if f]
    if not filled:
        return 0
    return 1 if filled == [0] else 2


def _continued_rows(lines: list[str], edges: dict[int, tuple[bool, bool, bool]]) -> dict[int, list[int]]:
    """Pipe rows printed over several lines because an empty cell held a line break.

    A converter that writes an empty cell's ``<br>`` (or ``<p></p>``) as a newline prints the row
    ``label | 25 | | | | | | 25 |`` as ``label | 25 |``, four lines ``|`` and ``| 25 |``: each line
    break sits between two ``|`` and is an empty cell.  In a run of rows (not of one cell per line,
    and without a leading border on every line), a line that starts with ``|`` and prints only values
    or nothing goes on with the row above it, when that row names a data row (in one of its first cells) and ends with ``|``.
    Returns {the row's first line: the lines that go on with it}.
    """
    out: dict[int, list[int]] = {}
    head = None
    for n, line in enumerate(lines):
        edge = edges.get(n)
        stripped = line.strip()
        if edge is None or edge[0] or edge[2]:
            head = None
            continue
        if head is not None and stripped.startswith("|") and lines[(out.get(head) or [head])[-1]].rstrip().endswith("|") \
                and all(not f or _is_value(f) for f in _PIPE_ROW.split(stripped)):
            out.setdefault(head, []).append(n)
            continue
        labels = [f for f in _PIPE_ROW.split(stripped)[:3] if f and not _is_value(f)]
        head = n if any(_row_label_fields(f) is not None for f in labels) else None
    return out


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
# No row label ends a sentence; a label with a comma outside brackets is prose, unless several
# values follow it (the 2021 variant "1.申请人无正当理由逾期不补正，行政机关不再处理…").
_SENTENCE = re.compile(r"[。；;！？!?]")
_CLAUSE = re.compile(r"[，,](?![^（(]*[）)])")
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
    # Section 四 printed as rows ("结果维持 | 5 | 3 | 2", "行政复议 结果维持 | 5"): its short labels,
    # with at most a group label before them.
    return any(label_norm.endswith(lab) and len(label_norm) <= len(lab) + 8 for lab in review)


@lru_cache(maxsize=1 << 12)
def _row_label_fields(label: str) -> tuple[str, ...] | None:
    """A label printed before a row's values, as its fields: itself when it names a row; a group
    label and the row label when it prints both ("三、本年度办理结果 （一）予以公开", as pipe and
    tab layouts print them in two cells); None when it names no row."""
    if is_row_label(norm(label)):
        return (label,)
    words = label.split()
    for k in range(1, len(words)):
        tail = " ".join(words[k:])
        if is_row_label(norm(tail)):
            return " ".join(words[:k]), tail
    return None


@lru_cache(maxsize=1 << 12)
def _label_piece(text: str) -> bool:
    """Is a text made of parts of template labels (a line of labels wrapped in narrow cells)?

    Each space-separated word must be part of a label: a line may hold a group label's piece
    beside a row label's ("三、本年度办理结果 （一）予以公").
    """
    fulls = _template_labels()[0]
    words = [norm(w) for w in text.split()]
    return bool(words) and all(any(w in full for full in fulls) for w in words)


@lru_cache(maxsize=1 << 14)
def _space_fields(line: str) -> tuple[str, ...] | None:
    """A line without tabs or pipes split into its cells when it ends in values printed with spaces.

    PDF text layers (pdftotext without -layout, copy-paste from a viewer) print a table row as
    ``label v v v``: the trailing run of whitespace-separated values is the row's cells, the text
    before it the label.  A line of values only is a row of cells.  Not split: a run of one value
    after a text that is not a template row label (prose such as "统计期限自 2024", "P. 9") or that
    holds a clause ("…，其中结果维持 25"), values after a text ending a sentence, values after
    ``label：`` (metadata, phone numbers), and a page number line ("- 4 -").
    Returns the fields (label first, when there is one) or None to keep the line as one cell.
    Cached per distinct line.
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
        return None if _PAGE_NUMBER.match(stripped) else tuple(words)
    label = stripped.rsplit(None, run)[0]  # as printed, inner spaces kept
    if label[-1] in ":：" or _SENTENCE.search(label) or (run == 1 and _CLAUSE.search(label)):
        return None
    fields = _row_label_fields(label)
    if fields is None:
        if run == 1:
            return None
        fields = (label,)
    return (*fields, *words[k:])


def _value_row(parts: list[str]) -> tuple[str, list[str]] | None:
    """(label, value fields) of a printed row: a text then values (blanks allowed), or values only."""
    if len(parts) < 2:
        return None
    head = parts[0].strip()
    if not head:
        return None
    values = parts if _is_value(head) else parts[1:]
    if not all(_is_value(v) or not v.strip() for v in values) or not any(_is_value(v) for v in values):
        return None
    return ("" if values is parts else head), values


def _join_wrapped(lines: list[list[str] | None], n: int) -> bool:
    """Join again a row label that a narrow table cell wrapped around the row's values.

    PDF text layers print the lines of a wrapped label before, beside and after the values:
    "（二）部分公开（区分处理的，只计这一情" over "形，不计其他情形） 447 7 0 0 0 0 454", or
    "5.要求行政机关确认或重新出" / "1 0 0 0 0 0 1" / "具已获取信息", and a merged group label's pieces
    ("（六）其" / "他处理") are interleaved with them.  When the text beside the values (or, for a line
    of values only, the line before it) names no row, the fewest nearby lines that are pieces of a
    template label (up to 3 before, in order, and up to 3 after) are joined with it where together
    they name a row.  The row then prints the joined label; the joined lines are dropped (None).
    Returns whether a label was joined.
    """
    label, values = _value_row(lines[n])  # type: ignore[misc, arg-type]
    if label and (_row_label_fields(label) is not None or not _label_piece(label)):
        return False

    def piece(m: int) -> bool:
        if not 0 <= m < len(lines) or lines[m] is None:
            return False
        fields = lines[m]
        return len(fields) == 1 and not _is_value(fields[0]) and _label_piece(fields[0])

    before: list[int] = []
    while len(before) < 3 and piece(n - 1 - len(before)):
        before.insert(0, n - 1 - len(before))
    if not label and before and _row_label_fields(lines[before[-1]][0]) is not None:
        return False  # "label" / "v v v": the label line owns the values that follow it
    after: list[int] = []
    while len(after) < 3 and piece(n + 1 + len(after)):
        after.append(n + 1 + len(after))
    subsets = [[before[k] for k in range(len(before)) if mask >> k & 1] for mask in range(1 << len(before))]
    combos = sorted(((pre, after[:a]) for pre in subsets for a in range(len(after) + 1) if pre or a),
                    key=lambda c: (len(c[0]) + len(c[1]), -sum(c[0])))
    for pre, post in combos:
        joined = "".join(lines[m][0] for m in pre) + label + "".join(lines[m][0] for m in post)
        fields = _row_label_fields(joined)
        if fields is not None:
            for m in (*pre, *post):
                lines[m] = None
            lines[n] = [*fields, *values]
            return True
    return False


def _one_field(rows: list[list[str] | None], m: int) -> bool:
    row = rows[m] if 0 <= m < len(rows) else None
    return row is not None and len(row) == 1


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
    # Among cells printed one per line with a "|" after each ("0 |"), a line holding only "|" is an
    # empty cell ("" + " |"); "||" and longer runs of bars are the converter's row and span fillers.
    empty |= {n for n, (lead, trail, cell_lines) in edges.items()
              if cell_lines and trail and not lead and lines[n].strip() == "|"}
    continued = _continued_rows(lines, edges)
    absorbed = {m for ms in continued.values() for m in ms}
    rows: list[list[str] | None] = []  # each line's fields; None where nothing is printed
    several: list[int] = []  # lines of several fields
    for n, line in enumerate(lines):
        lineno = n + 1
        if n in absorbed:  # printed as part of the row above (_continued_rows)
            rows.append(None)
            continue
        if n in continued:
            line = line.rstrip() + "".join(lines[m].strip() for m in continued[n])
        if n in empty:
            tokens.append(Token("", {"line": lineno, "col": 0, "empty": True}))
            rows.append(None)
            continue
        if "\t" in line:
            parts = line.split("\t")
        elif "|" in line:
            parts = _PIPE_ROW.split(line)
            lead, trail, cell_lines = edges[n]
            if lead and len(parts) > 1 and parts[0] == "":
                parts = parts[1:]
            if trail and len(parts) > 1 and parts[-1] == "":
                parts = parts[:-1]
            if cell_lines and len(parts) > 1 and parts[0].strip() and not any(p.strip() for p in parts[1:]):
                parts = parts[:1]  # "11 | |" among cell lines: one cell (see _pipe_edges)
        else:
            stripped = line.rstrip()
            if not stripped:
                rows.append(None)
                continue
            parts = [line]
            if stripped[-1] in _VALUE_END and (" " in stripped or "\u3000" in stripped or "\xa0" in stripped):
                fields = _space_fields(stripped)  # cached per distinct line
                if fields:
                    parts = list(fields)
        rows.append(parts)
        if len(parts) > 1:
            several.append(n)
        for col, part in enumerate(parts):
            tokens.append(Token(part.strip(), {"line": lineno, "col": col}))

    joined = False
    for n in several:  # a row of values beside a line of one field: its label may be wrapped there
        parts = rows[n]
        if parts is not None and (_one_field(rows, n - 1) or _one_field(rows, n + 1)) \
                and _value_row(parts) is not None:
            joined = _join_wrapped(rows, n) or joined
    if joined:  # rare (PDF text layers): the tokens again, from the joined rows
        tokens = []
        for n, parts in enumerate(rows):
            if parts is None:
                if n in empty:
                    tokens.append(Token("", {"line": n + 1, "col": 0, "empty": True}))
                continue
            for col, part in enumerate(parts):
                tokens.append(Token(part.strip(), {"line": n + 1, "col": col}))
    return tokens
