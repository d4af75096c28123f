"""PDF → token stream with pdfplumber: ruled tables as grid cells, other text as lines.

Tables come first because their cells keep rows and columns that text
extraction loses (vertical labels, wrapped cells); the text between tables
supplies the section headings and the prose.  Tokens of each page are merged
by vertical position so the stream reads like the page.
"""

from __future__ import annotations

import io
import logging
import re

from .tokens import Token, text_tokens

_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,3}(?:\s*页)?(?:\s*/\s*(?:共\s*)?\d{1,3}\s*页?)?[-—–\s]*$")
MAX_PAGES = 300

logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _data_tables(page) -> list:
    """The page's ruled tables; a one-column "table" is a framed paragraph, not data: read as text."""
    return [t for t in page.find_tables() if max((len(r) for r in t.extract()), default=0) > 1]


def _text_lines(page, tables: list) -> list[dict]:
    """The page's text lines outside its tables, each with its box (``x0``, ``top``, ``x1``, ``bottom``)."""
    boxes = [t.bbox for t in tables]
    text_page = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    return text_page.extract_text_lines(layout=False, strip=True)


def source_box(data: bytes, where: dict) -> tuple[int, tuple[float, float, float, float]] | None:
    """The page and box (x0, top, x1, bottom, in PDF points) a token's provenance names: a table
    cell's, or a text line's.  Found again by ``pdf_tokens``'s own reading, so that table numbers
    (counted over the whole file) mean what they meant when the figure was read."""
    import pdfplumber

    pageno = where.get("page")
    if not isinstance(pageno, int):
        return None
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        if not 1 <= pageno <= min(len(pdf.pages), MAX_PAGES):
            return None
        if "table" in where:
            before = sum(len(_data_tables(p)) for p in pdf.pages[:pageno - 1])
            tables = _data_tables(pdf.pages[pageno - 1])
            k = where["table"] - before
            try:
                box = tables[k].rows[where["row"]].cells[where["col"]] if k >= 0 else None
            except (IndexError, KeyError, TypeError):
                return None
            return (pageno, box) if box else None
        if "y" in where:
            page = pdf.pages[pageno - 1]
            for line in _text_lines(page, _data_tables(page)):
                if abs(round(line["top"], 1) - where["y"]) < 0.05:
                    return pageno, (line["x0"], line["top"], line["x1"], line["bottom"])
    return None


def pdf_tokens(data: bytes) -> tuple[list[Token], dict, list[int]]:
    """Tokens of every page, the document info dictionary (file properties, not printed metadata),
    and the token index at which each image is drawn (tables pasted as pictures)."""
    import pdfplumber

    tokens: list[Token] = []
    images: list[int] = []
    table_index = 0
    lines: list[tuple[int, float, str]] = []  # (page, y, text) of the text lines since the last table
    numbered = 0

    def flush() -> None:
        """The text lines read as a text layout: a table without ruling prints its rows as
        "label v v v" lines, and wraps long labels over lines around the values."""
        nonlocal numbered
        if not lines:
            return
        for t in text_tokens("\n".join(text for _, _, text in lines)):
            pageno, y, _ = lines[t.where["line"] - 1]
            where = {"page": pageno, "y": y, "line": numbered + t.where["line"], "col": t.where["col"]}
            if t.where.get("empty"):
                continue
            tokens.append(Token(t.text, where))
        numbered += len(lines)
        lines.clear()

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        info = {k: str(v) for k, v in (pdf.metadata or {}).items() if isinstance(v, str | bytes | int)}
        for pageno, page in enumerate(pdf.pages[:MAX_PAGES], start=1):
            tables = _data_tables(page)
            items: list[tuple[float, int, object]] = []
            for line in _text_lines(page, tables):
                text = line["text"].strip()
                footer = line["top"] > page.height * 0.9 or line["bottom"] < page.height * 0.08
                if text and not (footer and _PAGE_NUMBER.match(text)):
                    items.append((line["top"], 0, text))
            for t in tables:
                items.append((t.bbox[1], 1, t))
            for image in page.images:
                items.append((image["top"], 2, None))
            items.sort(key=lambda it: (it[0], it[1]))
            for top, kind, obj in items:
                if kind == 0:
                    lines.append((pageno, round(top, 1), obj))
                    continue
                flush()
                if kind == 2:
                    images.append(len(tokens))
                    continue
                for r, row in enumerate(obj.extract()):
                    for c, cell in enumerate(row):
                        if cell is None:  # covered by a merged cell
                            continue
                        where = {"page": pageno, "table": table_index, "row": r, "col": c}
                        tokens.append(Token(cell.strip(), where, in_table=True))
                table_index += 1
    flush()
    return tokens, info, images
