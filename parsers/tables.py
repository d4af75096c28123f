"""Read the values of sections 二, 三 and 四 from the token stream.

One mechanism covers every layout: a row label is found by its wording, and the
values printed after it (up to the next label) are that row's cells.  Where the
tokens come from a real grid (HTML, DOCX, PDF tables), a blank cell in the row
is a null value in its column; in flattened text blank fields only mark spanned
cells and are skipped.  Surplus cells are never silently dropped: the surplus is
reported, and the alignment is chosen only where the row's own total confirms it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from . import schema
from .normalize import Value, to_json_number
from .tokens import Token

WAN = Decimal(10000)


@dataclass
class Cell:
    value: Value | None
    token: Token | None


@dataclass
class Extraction:
    values: dict = field(default_factory=dict)        # nested canonical dict
    provenance: dict = field(default_factory=dict)    # path -> where printed
    warnings: list[str] = field(default_factory=list)

    def put(self, path: str, cell: Cell, number: Decimal | None, note: str | None = None) -> None:
        node = self.values
        *parents, leaf = path.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = to_json_number(number)
        if cell.token is not None:
            where = dict(cell.token.where)
            where["text"] = cell.token.text
            if note:
                where["note"] = note
            self.provenance[path] = where


def row_values(tokens: list[Token], i: int, end: int, ncols: int) -> tuple[list[Cell], int]:
    """Cells printed after the label at ``tokens[i]``; returns them and the index where reading stopped."""
    label = tokens[i]
    grid = label.grid_key()
    cells: list[Cell] = []
    j = i + 1
    if grid is not None:
        while j < end and tokens[j].grid_key() == grid and not tokens[j].is_text:
            cells.append(Cell(tokens[j].value, tokens[j]))
            j += 1
        if cells:
            return cells, j
    while j < end and not tokens[j].is_text:
        if tokens[j].is_value:
            cells.append(Cell(tokens[j].value, tokens[j]))
        j += 1
    return cells, j


def fit(cells: list[Cell], ncols: int, what: str, warnings: list[str], total_check=None) -> list[Cell]:
    """Make a row exactly ``ncols`` wide, saying what was done."""
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
    i = start
    while i < end:
        t = tokens[i]
        if not t.is_text:
            i += 1
            continue
        match = None
        best = -1
        for idx in range(pointer, len(rows)):
            r = rows[idx]
            if r.short and idx > pointer + 2:
                continue
            pos = r.matches(t.norm)
            if pos >= 0 and (match is None or pos > best):
                match, best = idx, pos  # the last label in a merged cell owns the values
        if match is None:
            i += 1
            continue
        row = rows[match]
        pointer = match + 1
        cells, j = row_values(tokens, i, end, len(cols))
        cells = fit(cells, len(cols), f"applications.{row.key}", out.warnings, _row_total_ok)
        for col, cell in zip(cols, cells, strict=True):
            out.put(f"applications.{row.key}.{col}", cell, cell.value.number if cell.value else None)
        seen.add(row.key)
        found += 1
        i = max(j, i + 1)
    for r in rows:
        if r.key not in seen:
            for col in cols:
                out.put(f"applications.{r.key}.{col}", Cell(None, None), None)
            if found:
                out.warnings.append(f"applications.{r.key}: row not found")
    return found


def review_litigation(tokens: list[Token], span: tuple[int, int], out: Extraction) -> int:
    """Section 四: one row of 15 values in template order; headers are read by position."""
    order = schema.review_cells()
    start, end = span
    region = tokens[start:end]
    cells: list[Cell] = []
    rows: dict[tuple, list[Token]] = {}
    for t in region:
        if t.grid_key() is not None:
            rows.setdefault(t.grid_key(), []).append(t)
    data_row = max(rows.values(), key=lambda ts: sum(t.is_value for t in ts), default=None)
    if data_row and sum(t.is_value for t in data_row) >= len(order) // 2:
        cells = [Cell(t.value, t) for t in data_row if not t.is_text]
    else:
        cells = [Cell(t.value, t) for t in region if t.is_value]

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
    header: list[str] = []
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
        if item is None:
            i += 1
            continue
        if t.norm.startswith("信息内容"):
            header = [t.norm[4:]]
            columns = None
            i += 1
            continue
        row = _match_row(item, t.norm)
        if row is None:
            if columns is None:
                header.append(t.norm)
            i += 1
            continue
        if columns is None:
            columns = [(c, h) for c, h in _header_columns("".join(header), item.key)
                       if any(c.key == ic.key for ic in item.columns)]
            if not columns:
                columns = [(c, c.labels[-1]) for c in item.columns]
                out.warnings.append(f"proactive_disclosure.{item.key}: header not recognised; template column order used")
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
    for it in items.values():
        for r in it.rows:
            for c in it.columns:
                path = f"proactive_disclosure.{it.key}.{r.key}.{c.key}"
                node = out.values.get("proactive_disclosure", {}).get(it.key, {}).get(r.key, {})
                if c.key not in node:
                    out.put(path, Cell(None, None), None)
    return found


def _match_row(item: schema.Item, token_norm: str) -> schema.Label | None:
    best: tuple[int, schema.Label] | None = None
    for r in item.rows:
        for c in r.cores:
            if token_norm == c or (len(c) > 2 and c in token_norm and len(token_norm) <= len(c) + 8):
                if best is None or len(c) > best[0]:
                    best = (len(c), r)
    return best[1] if best else None
