"""HTML → token stream.

lxml does the parsing (it is several times faster than a BeautifulSoup tree and
the hot path of ``build``); tables are expanded to a grid so that each cell
knows its row and column whatever rowspan/colspan the CMS editor produced, but
each printed cell is emitted once.
"""

from __future__ import annotations

import lxml.html
from lxml import etree
from w3lib.encoding import html_to_unicode

from .tokens import Token

BLOCK = frozenset(
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 table tr td th tbody thead tfoot caption "
    "section article header footer nav blockquote pre form center address figure main aside".split()
)
SKIP = frozenset("script style noscript template iframe object embed select button input textarea head".split())


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """Decode with the charset from the HTTP header, the page's meta tag, a BOM, else detection.

    Portals that declare UTF-8 but send GBK exist; w3lib falls back sensibly.
    """
    _, text = html_to_unicode(content_type or "", data)
    if text.count("\ufffd") > 20 and b"charset" not in data[:2048].lower():
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            pass
    return text


def parse_tree(html: str) -> etree._Element | None:
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def _text(el: etree._Element) -> str:
    """Text of an element with <br> and block children as line breaks, comments dropped."""
    parts: list[str] = []

    def walk(e: etree._Element) -> None:
        if not isinstance(e.tag, str) or e.tag in SKIP:
            if e.tail:
                parts.append(e.tail)
            return
        if e.tag == "br" or e.tag in BLOCK:
            parts.append("\n")
        if e.text:
            parts.append(e.text)
        for c in e:
            walk(c)
        if e.tag in BLOCK:
            parts.append("\n")
        if e.tail:
            parts.append(e.tail)

    if el.text:
        parts.append(el.text)
    for c in el:
        walk(c)
    return "".join(parts).replace("\xa0", " ").replace("\u3000", " ").strip()


def _has_block(el: etree._Element) -> bool:
    return any(isinstance(d.tag, str) and d.tag in BLOCK for d in el.iterdescendants())


class _Emitter:
    def __init__(self) -> None:
        self.tokens: list[Token] = []
        self.tables = 0
        self.blocks = 0

    def loose(self, text: str | None) -> None:
        """Text outside tables: each line (split by <br> or newlines) is a paragraph."""
        if not text:
            return
        for line in text.replace("\xa0", " ").replace("\u3000", " ").split("\n"):
            line = line.strip()
            if line:
                self.tokens.append(Token(line, {"block": self.blocks}))
                self.blocks += 1

    def element(self, el: etree._Element) -> None:
        if not isinstance(el.tag, str) or el.tag in SKIP:
            return
        if el.tag == "table":
            self.table(el)
            return
        if el.tag in BLOCK and not _has_block(el):
            self.loose(_text(el))
            return
        self.loose(el.text)
        for child in el:
            self.element(child)
            self.loose(child.tail)

    def table(self, table: etree._Element) -> None:
        index = self.tables
        self.tables += 1
        occupied: set[tuple[int, int]] = set()
        rows = [r for r in table.iter("tr") if _owner_table(r) is table]
        for r, tr in enumerate(rows):
            col = 0
            for cell in tr:
                if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                    continue
                while (r, col) in occupied:
                    col += 1
                rowspan = _span(cell.get("rowspan"))
                colspan = _span(cell.get("colspan"))
                for dr in range(rowspan):
                    for dc in range(colspan):
                        occupied.add((r + dr, col + dc))
                if any(d.tag == "table" for d in cell.iterdescendants() if isinstance(d.tag, str)):
                    # A layout cell wrapping real content: read its content as blocks.
                    self.loose(cell.text)
                    for child in cell:
                        self.element(child)
                        self.loose(child.tail)
                else:
                    where = {"table": index, "row": r, "col": col}
                    if rowspan > 1:
                        where["rowspan"] = rowspan
                    if colspan > 1:
                        where["colspan"] = colspan
                    self.tokens.append(Token(_text(cell), where, in_table=True))
                col += colspan


def _owner_table(tr: etree._Element) -> etree._Element | None:
    for anc in tr.iterancestors("table"):
        return anc
    return None


def _span(value: str | None) -> int:
    try:
        return max(1, min(int((value or "1").strip()), 200))
    except ValueError:
        return 1


def html_tokens(root: etree._Element) -> list[Token]:
    body = root.find("body")
    emitter = _Emitter()
    emitter.element(body if body is not None else root)
    return emitter.tokens


def page_title(root: etree._Element) -> str | None:
    el = root.find(".//title")
    if el is not None and el.text and el.text.strip():
        return el.text.strip()
    return None
