"""DOCX → token stream with python-docx: body paragraphs and table cells in document order.

Merged cells appear once (python-docx repeats a merged cell's ``<w:tc>`` across
the grid; repeats are skipped), so a row's values follow its label as in the
other formats.  The seen set holds the elements themselves, not their ``id()``:
lxml proxies are created on access, and a freed proxy's id is soon reused by
another cell, which silently dropped cells.
"""

from __future__ import annotations

import io

from .tokens import Token


def docx_tokens(data: bytes) -> tuple[list[Token], list[int]]:
    """Tokens in document order, and the token index at which each picture sits."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    tokens: list[Token] = []
    images: list[int] = []
    table_index = 0
    block = 0
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            images.extend([len(tokens)] * len(item._p.xpath(".//w:drawing | .//w:pict")))
            text = item.text.strip()
            if text:
                tokens.append(Token(text, {"block": block}))
                block += 1
        elif isinstance(item, Table):
            _table(item, table_index, tokens)
            table_index += 1
    return tokens, images


def _table(table, index: int, tokens: list[Token]) -> None:
    seen: set = set()
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            text = "\n".join(p.text for p in cell.paragraphs).strip()
            tokens.append(Token(text, {"table": index, "row": r, "col": c}, in_table=True))
