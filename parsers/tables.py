"""Read the values of sections 二, 三 and 四 from the token stream.

One mechanism covers every layout: a row label is found by its wording, and the
values printed after it (up to the next label) are that row's cells.  Where the
tokens come from a real grid (HTML, DOCX, PDF tables), a blank cell in the row
is a null value in its column; in flattened text blank fields only mark spanned
cells and are skipped.  Surplus cells are never silently dropped: the surplus is
reported, and the alignment is chosen only where the row's own total confirms it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from . import schema
from .normalize import Value, to_json_number
from .tokens import Token, is_row_label

WAN = Decimal(10000)


@dataclass(slots=True)
class Cell:
    value: Value | None
    token: Token | None


@dataclass
class Extraction:
    values: dict = field(default_factory=dict)        # nested canonical dict
    provenance: dict = field(default_factory=dict)    # path -> where printed
    warnings: list[str] = field(default_factory=list)
    cells: dict = field(default_factory=dict, repr=False)   # path -> value: ``values`` flattened
    _nodes: dict = field(default_factory=dict, repr=False)  # parent path -> its dict in ``values``

    def put(self, path: str, cell: Cell, number: Decimal | None, note: str | None = None) -> None:
        parent, _, leaf = path.rpartition(".")
        node = self._nodes.get(parent)
        if node is None:
            node = self.values
            if parent:
                for p in parent.split("."):
                    node = node.setdefault(p, {})
            self._nodes[parent] = node
        node[leaf] = self.cells[path] = to_json_number(number)
        token = cell.token
        if token is not None:
            where = {**token.where, "text": token.text}
            if note:
                where["note"] = note
            self.provenance[path] = where

    def put_row(self, parent: str, keys: Sequence[str], cells: Sequence[Cell]) -> None:
        """``put`` of each cell at ``parent.key``, at the number it prints: a row in one call."""
        node = self._nodes.get(parent)
        if node is None:
            node = self.values
            for p in parent.split("."):
                node = node.setdefault(p, {})
            self._nodes[parent] = node
        provenance, flat = self.provenance, self.cells
        for key, path, cell in zip(keys, _paths(parent, tuple(keys)), cells, strict=True):
            value = cell.value
            node[key] = flat[path] = None if value is None else to_json_number(value.number)
            token = cell.token
            if token is not None:
                provenance[path] = {**token.where, "text": token.text}


@lru_cache(maxsize=1 << 10)
def _paths(parent: str, keys: tuple[str, ...]) -> tuple[str, ...]:
    """``parent.key`` of each key: the same few rows recur in every report."""
    return tuple(f"{parent}.{key}" for key in keys)


def row_values(tokens: list[Token], i: int, end: int, ncols: int,
               profiles: ValueColumns | None = None) -> tuple[list[Cell], int]:
    """Cells printed after the label at ``tokens[i]``; returns them and the index where reading stopped.

    A label that shares its printed row (table row, or text line with several fields) with values
    owns exactly that row's cells, blanks included: a blank there is a null in its column.  A label
    alone on its line (one cell per line) owns the values that follow it up to the next label;
    blank lines there are skipped, except those the layout marks as empty cells.
    """
    label = tokens[i]
    grid = label.grid
    j = i + 1
    if grid is not None:
        row: list[Token] = []
        # The row's cells up to its end: a text cell ("?0", a note) is a null in its place; only
        # another row label (two rows printed on one line) ends the row early.
        while j < end and tokens[j].grid == grid and not (tokens[j].is_text and is_row_label(tokens[j].norm)):
            row.append(tokens[j])
            j += 1
        if any(t.is_value for t in row) or (row and label.in_table):
            return [Cell(t.value, t) for t in _columns(row, ncols, label, profiles)], j
        j = i + 1
    while j < end and not tokens[j].is_text:
        j += 1
    return flat_cells(tokens[i + 1 : j], ncols), j


def flat_cells(tokens: Sequence[Token], ncols: int) -> list[Cell]:
    """The cells among tokens printed one per line: the values, and the lines the layout marks
    as empty cells (tokens._empty_lines) where that gives no more than ``ncols`` cells; more,
    and those lines were not all empty cells, so only the values are read."""
    cells = [Cell(t.value, t) for t in tokens if t.is_value or t.where.get("empty")]
    if len(cells) > ncols:
        cells = [c for c in cells if c.token.is_value]
    return cells


def _columns(row: list[Token], ncols: int, label: Token, profiles: ValueColumns | None) -> list[Token]:
    """The tokens of a printed row that are its ``ncols`` cells, when the row itself says which.

    Exactly ``ncols`` fields: every field is a cell.  Exactly ``ncols`` values among more fields:
    the blanks are merged-cell fillers or stray cells.  Otherwise the columns where the same table
    prints values in its other rows decide; failing that, ``fit`` trims and reports.
    """
    if len(row) <= ncols:
        return row
    values = [t for t in row if t.is_value]
    if len(values) == ncols:
        return values
    profile = profiles.of(label) if profiles is not None else None
    if profile:
        inside = [t for t in row if t.where.get("col") in profile]
        if len(inside) == ncols:
            return inside
    return row


def value_columns(tokens: list[Token], span: tuple[int, int]) -> dict:
    """Per table (or for all text lines of a section): the columns in which values are printed."""
    cols: dict = {}
    for t in tokens[span[0]:span[1]]:
        if t.is_value and t.value.number is not None:
            where = t.where
            if "col" in where:
                key = where.get("table", "line")
                seen = cols.get(key)
                if seen is None:
                    seen = cols[key] = set()
                seen.add(where["col"])
    return {k: frozenset(v) for k, v in cols.items()}


class ValueColumns:
    """``value_columns`` of a section, scanned the first time a row asks: only a row printing more
    fields than the table has columns does, so most sections never need the scan."""

    def __init__(self, tokens: list[Token], span: tuple[int, int]) -> None:
        self.tokens = tokens
        self.span = span
        self._cols: dict | None = None

    def of(self, label: Token) -> frozenset | None:
        """The value columns of the table (or of the text lines) that ``label`` is printed in."""
        if self._cols is None:
            self._cols = value_columns(self.tokens, self.span)
        return self._cols.get(label.where.get("table", "line"))


def fit(cells: list[Cell], ncols: int, what: str, warnings: list[str], total_check=None) -> list[Cell]:
    """Make a row exactly ``ncols`` wide, saying what was done (and which cells print no number)."""
    for c in cells:
        if c.token is not None and c.token.is_text:
            warnings.append(f"{what}: a cell prints {c.token.text[:20]!r}, not a number; read as null")
    # Blank grid cells at the edges are padding before they are values.
    while len(cells) > ncols and cells and cells[-1].token is not None and cells[-1].token.is_blank:
        cells = cells[:-1]
    while len(cells) > ncols and cells and cells[0].token is not None and cells[0].token.is_blank:
        cells = cells[1:]
    if len(cells) > ncols:
        windows = [cells[k : k + ncols] for k in range(len(cells) - ncols + 1)]
        chosen = next((w for w in windows if total_check and total_check(w)), windows[0])
        start = windows.index(chosen)
        warnings.append(f"{what}: {len(cells)} cells printed, {ncols} expected; used cells {start + 1}-{start + ncols}")
        return chosen
    if 0 < len(cells) < ncols:
        warnings.append(f"{what}: only {len(cells)} of {ncols} cells printed; the rest are null")
    return cells + [Cell(None, None)] * (ncols - len(cells))


def _numbers(cells: list[Cell]) -> list[Decimal | None]:
    return [c.value.number if c.value else None for c in cells]


def _row_total_ok(cells: list[Cell]) -> bool:
    nums = _numbers(cells)
    return None not in nums and sum(nums[:-1]) == nums[-1]


def applications(tokens: list[Token], span: tuple[int, int], version: str, out: Extraction) -> int:
    """Section 三: the 7-column matrix. Returns the number of rows found."""
    rows, _groups = schema.application_rows(version)
    cols = schema.application_columns()
    start, end = span
    pointer = 0
    found = 0
    seen: set[str] = set()
    profiles = ValueColumns(tokens, span)
    i = start
    while i < end:
        t = tokens[i]
        if not t.is_text:
            i += 1
            continue
        match = None
        best = -1
        for idx, pos, short in schema.application_hits(version, t.norm):
            if idx < pointer or (short and idx > pointer + 2):
                continue
            if match is None or pos > best:
                match, best = idx, pos  # the last label in a merged cell owns the values
        if match is None:
            i += 1
            continue
        row = rows[match]
        pointer = match + 1
        cells, j = row_values(tokens, i, end, len(cols), profiles)
        cells = fit(cells, len(cols), f"applications.{row.key}", out.warnings, _row_total_ok)
        out.put_row(f"applications.{row.key}", cols, cells)
        seen.add(row.key)
        found += 1
        i = max(j, i + 1)
    for r in rows:
        if r.key not in seen:
            out.put_row(f"applications.{r.key}", cols, [Cell(None, None)] * len(cols))
            if found:
                out.warnings.append(f"applications.{r.key}: row not found")
    return found


def review_litigation(tokens: list[Token], span: tuple[int, int], out: Extraction) -> int:
    """Section 四: 15 values in template order, from one data row or from labelled rows; headers are read by position."""
    order = schema.review_cells()
    start, end = span
    region = tokens[start:end]
    cells: list[Cell] = []
    rows: dict[tuple, list[Token]] = {}
    for t in region:
        if t.grid_key() is not None:
            rows.setdefault(t.grid_key(), []).append(t)
    data_row = max(rows.values(), key=lambda ts: sum(t.is_value for t in ts), default=None)
    several = _several_rows(region, rows, len(order))
    if several:
        cells = several
    elif data_row and _positional(data_row, len(order)):
        cells = [Cell(t.value, t) for t in data_row if not t.is_text]
    else:
        cells = flat_cells(region, len(order))

    def group_totals_ok(w: list[Cell]) -> bool:
        nums = _numbers(w)
        return None not in nums and all(sum(nums[k : k + 4]) == nums[k + 4] for k in (0, 5, 10))

    if not cells:
        for path in order:
            out.put(f"review_litigation.{path}", Cell(None, None), None)
        return 0
    cells = fit(cells, len(order), "review_litigation", out.warnings, group_totals_ok)
    for path, cell in zip(order, cells, strict=True):
        out.put(f"review_litigation.{path}", cell, cell.value.number if cell.value else None)
    return sum(c.value is not None for c in cells)


def _positional(row: list[Token], ncells: int) -> bool:
    """Is this printed row section 四's data row, to be read cell by cell (blanks are nulls in place)?

    A table row is, when it has room for most of the 15 cells, however few of them print a number:
    small bodies print "5, blank, blank, 2, 7" and leave lawsuits empty.  A text line keeps no
    empty cells reliably, so it must print most of the values itself.
    """
    if any(t.in_table for t in row) and sum(not t.is_text for t in row) > ncells // 2:
        return True
    return sum(t.is_value for t in row) > ncells // 2


def _header_columns(header: str, item_key: str) -> list[tuple[schema.Column, str]]:
    """Columns named in a header text, in printed order, longest label winning overlaps."""
    hits: list[tuple[int, int, schema.Column, str]] = []
    for col in schema.all_disclosure_columns(item_key):
        lab = col.labels[0]
        pos = header.find(lab)
        while pos >= 0:
            hits.append((pos, pos + len(lab), col, lab))
            pos = header.find(lab, pos + 1)
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    chosen: list[tuple[schema.Column, str]] = []
    last_end = -1
    for s, e, col, _lab in hits:
        if s >= last_end:
            chosen.append((col, header[s:]))
            last_end = e
    return chosen


def _header_texts(header: list[Token]) -> list[str]:
    """The header read along rows, and (when it spans several grid rows) down each column.

    Editors split a header row in two ("本年新" over "制作数量"); reading down the columns joins
    each label again.  "信息内容" is the row-label column's head, not a value column.
    """
    texts = ["".join(t.norm for t in header)]
    rows = {t.grid_key() for t in header}
    if len(rows) > 1 and all("col" in t.where for t in header):
        by_col: dict[int, str] = {}
        for t in header:
            by_col[t.where["col"]] = by_col.get(t.where["col"], "") + t.norm
        texts.append("".join(by_col[c] for c in sorted(by_col)))
    return [x.replace("信息内容", "", 1) for x in texts]


def _item_columns(item: schema.Item, header: list[Token], warnings: list[str],
                  version: str = "2021") -> list[tuple[schema.Column, str]]:
    """The item's value columns in printed order; template order (reported) unless the header names them all.

    A page may print an item in the other template's form (portals that updated only part of
    their template: 2019's 本年新制作数量 beside 2021's 本年处理决定数量): when the header names all
    of the other template's columns for the item, those are the columns (and this is reported).
    """
    texts = _header_texts(header) if header else [""]
    other = schema.disclosure_items("2019" if version == "2021" else "2021").get(item.key)
    for candidate in (item, other):
        if candidate is None or (candidate is other and not header):
            continue
        wanted = {c.key for c in candidate.columns}
        columns_by_key = {c.key: c for c in candidate.columns}
        for text in texts:
            columns = [(columns_by_key[c.key], h) for c, h in _header_columns(text, item.key) if c.key in wanted]
            if sorted(c.key for c, _ in columns) == sorted(wanted):
                if candidate is other:
                    warnings.append(f"proactive_disclosure.{item.key}: printed in the other template's form")
                return columns
    warnings.append(f"proactive_disclosure.{item.key}: header not recognised; template column order used")
    return [(c, c.labels[-1]) for c in item.columns]


def _amount(value: Value | None, header_text: str, path: str, out: Extraction) -> tuple[Decimal | None, str | None]:
    """Money normalised to 万元: the unit comes from the cell, else the header, else it is flagged."""
    if value is None or value.number is None:
        return None, None
    unit = value.unit
    head = header_text.split("数量", 1)[0][:30]
    if unit not in ("万元", "元"):
        unit = "万元" if "万元" in head else ("元" if "元" in head else None)
    if unit is None:
        out.warnings.append(f"{path}: amount printed without a unit; read as 万元")
        return value.number, "unit not printed; read as 万元"
    if unit == "元":
        return value.number / WAN, "converted from 元 to 万元"
    return value.number, None


def proactive_disclosure(tokens: list[Token], span: tuple[int, int], version: str, out: Extraction) -> int:
    """Section 二: one block per article item, columns mapped by their header labels."""
    items = schema.disclosure_items(version)
    start, end = span
    item: schema.Item | None = None
    header: list[Token] = []
    columns: list[tuple[schema.Column, str]] | None = None
    found = 0
    i = start
    while i < end:
        t = tokens[i]
        if not t.is_text:
            i += 1
            continue
        key = schema.item_key_of(t.norm)
        if key:
            item = items.get(key)
            if item is None:
                out.warnings.append(f"proactive_disclosure: {t.text} is not an item of the {version} template")
            header, columns = [], None
            i += 1
            continue
        if t.norm.startswith("信息内容"):
            header = [t]
            columns = None
            i += 1
            continue
        owner, row = _find_row(items, item, t.norm)
        if row is None:
            if columns is None and (item is not None or header):
                header.append(t)
            i += 1
            continue
        if owner is not item:  # the caption row is missing: the row label says which item this is
            item, columns = owner, None
        if columns is None:
            columns = _item_columns(item, header, out.warnings, version)
        cells, j = row_values(tokens, i, end, len(columns))
        cells = fit(cells, len(columns), f"proactive_disclosure.{item.key}.{row.key}", out.warnings)
        for (col, head), cell in zip(columns, cells, strict=True):
            path = f"proactive_disclosure.{item.key}.{row.key}.{col.key}"
            if col.type == "decimal":
                number, note = _amount(cell.value, head, path, out)
                out.put(path, cell, number, note)
            else:
                out.put(path, cell, cell.value.number if cell.value else None)
        found += 1
        i = max(j, i + 1)
    # Every cell of the template exists in the output, null where not printed.
    printed = out.values.get("proactive_disclosure", {})
    for it in items.values():
        for r in it.rows:
            node = printed.get(it.key, {}).get(r.key, {})
            for c in it.columns:
                if c.key not in node:
                    out.put(f"proactive_disclosure.{it.key}.{r.key}.{c.key}", Cell(None, None), None)
    return found


def _find_row(items: dict[str, schema.Item], current: schema.Item | None,
              token_norm: str) -> tuple[schema.Item | None, schema.Label | None]:
    """The row a label names: in the current item first, else in whichever item has it."""
    if current is not None:
        row = _match_row(current, token_norm)
        if row is not None:
            return current, row
    for it in items.values():
        if it is not current:
            row = _match_row(it, token_norm)
            if row is not None:
                return it, row
    return None, None


def _match_row(item: schema.Item, token_norm: str) -> schema.Label | None:
    return _match_rows(item.rows, token_norm)


@lru_cache(maxsize=1 << 14)
def _match_rows(rows: tuple[schema.Label, ...], token_norm: str) -> schema.Label | None:
    """The row whose label a normalised cell prints (longest core wins); cached per distinct cell.

    A note in brackets after the label is not part of it: provincial templates print
    "规章(设区的市、自治州人民政府应提供相关数据)" and "其他对外管理服务事项(指行政许可以外的政务服务事项)".
    """
    bare = schema.strip_paren_tail(token_norm)
    best: tuple[int, schema.Label] | None = None
    for r in rows:
        for c in r.cores:
            if token_norm == c or bare == c or (len(c) > 2 and c in bare and len(bare) <= len(c) + 8):
                if best is None or len(c) > best[0]:
                    best = (len(c), r)
    return best[1] if best else None


def _several_rows(region: list[Token], rows: dict[tuple, list[Token]], ncells: int) -> list[Cell] | None:
    """Section 四 printed over several rows instead of one row of 15 values, read into template order.

    Narrow pages split it: one row per group (行政复议 | 5 cells, 行政诉讼 | 10 cells, …), one table
    per group, one row per group and outcome (15 rows of one cell), or turned on its side: one row
    per outcome (结果维持 … 总计) with one column per group.  The cells after each row's last label
    are that row's cells, blanks included (a blank is a null in its place).  Rows of an outcome with
    one cell per group are read down the columns, in the groups' printed order when the header names
    all three; otherwise the rows' cells, in reading order, are the 15 cells when they are exactly 15.
    """
    outcomes = schema.review_outcome_labels()
    groups = schema.review_groups()
    printed: list[tuple[Token | None, list[Token]]] = []  # (the row's last label, the cells after it)
    for tokens in rows.values():
        texts = [t for t in tokens if t.is_text]
        label = texts[-1] if texts else None
        if label is None:
            if any(t.is_value for t in tokens):  # an unlabelled data row
                printed.append((None, tokens))
            continue
        after = label.where.get("col", -1)
        # A blank merged over several columns pads a short row; no value of section 四 is merged.
        cells = [t for t in tokens if not t.is_text and t.where.get("col", after + 1) > after
                 and not (t.is_blank and t.where.get("colspan", 1) > 1)]
        if cells:
            printed.append((label, cells))
    by_outcome: dict[int, list[Token]] = {}
    for label, cells in printed:
        if label is None:
            continue
        hit = [n for n, labs in enumerate(outcomes) if any(label.norm.endswith(lab) for lab in labs)]
        if len(hit) == 1 and len(cells) == len(groups):
            by_outcome.setdefault(hit[0], cells)
    if len(by_outcome) == len(outcomes):
        order = list(range(len(groups)))
        heads = [(t.where["col"], g) for t in region if t.is_text and "col" in t.where
                 for g, labs in enumerate(groups) if any(lab in t.norm for lab in labs)]
        if sorted(g for _, g in heads) == order:
            order = [g for _, g in sorted(heads)]  # printed position → group
        cells: list[Cell] = [Cell(None, None)] * (len(groups) * len(outcomes))
        for o, printed in by_outcome.items():
            for position, t in enumerate(printed):
                cells[order[position] * len(outcomes) + o] = Cell(t.value, t)
        return cells
    flat = [Cell(t.value, t) for _, cells in printed for t in cells]
    if len(printed) > 1 and len(flat) == ncells:
        return flat
    return None
