"""DOCX → token stream with python-docx: body paragraphs and table cells in document order.

Merged cells appear once (python-docx repeats a merged cell's ``<w:tc>`` across
the grid; repeats are skipped), so a row's values follow its label as in the
other formats.  The seen set holds the elements themselves, not their ``id()``:
lxml proxies are created on access, and a freed proxy's id is soon reused by
another cell, which silently dropped cells.

Text is read from every ``<w:t>`` of a paragraph, not only from its plain runs:
Word forms put values in content controls (``<w:sdt>``), and tracked insertions
(``<w:ins>``), smart tags and fields hold printed text too.  Paragraphs and tables
wrapped in block-level content controls are read where they stand.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from .tokens import Token

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT = {f"{W}t": None, f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n"}
_WRAPPERS = (f"{W}sdt", f"{W}sdtContent", f"{W}customXml")


# Every run's text, tabs and breaks, wherever the run sits in the paragraph; not a text box's runs
# (its paragraphs are drawn elsewhere, and Word stores them twice) nor the tab stops of <w:pPr>.
_RUN_TEXT = ".//w:r[not(ancestor::w:txbxContent)]/*[self::w:t or self::w:tab or self::w:br or self::w:cr]"


def paragraph_text(p) -> str:
    """The printed text of a ``<w:p>``: every run inside it, deleted text (``<w:delText>``) excluded."""
    return "".join(node.text or "" if _TEXT[node.tag] is None else _TEXT[node.tag] for node in p.xpath(_RUN_TEXT))


def _blocks(parent) -> Iterator:
    """``<w:p>`` and ``<w:tbl>`` children in order, looking inside block-level content controls."""
    for child in parent:
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag in _WRAPPERS:
            yield from _blocks(child)


def docx_tokens(data: bytes) -> tuple[list[Token], list[int]]:
    """Tokens in document order, and the token index at which each picture sits."""
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    tokens: list[Token] = []
    images: list[int] = []
    table_index = 0
    block = 0
    for element in _blocks(document.element.body):
        if element.tag == f"{W}p":
            images.extend([len(tokens)] * len(element.xpath(".//w:drawing | .//w:pict")))
            text = paragraph_text(element).strip()
            if text:
                tokens.append(Token(text, {"block": block}))
                block += 1
        else:
            _table(Table(element, document._body), table_index, tokens)
            table_index += 1
    return tokens, images


def _table(table, index: int, tokens: list[Token]) -> None:
    seen: set = set()
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            text = "\n".join(paragraph_text(p) for p in _blocks(cell._tc) if p.tag == f"{W}p").strip()
            tokens.append(Token(text, {"table": index, "row": r, "col": c}, in_table=True))
